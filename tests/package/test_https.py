"""HTTPS from the Lambda artifact in an empty chroot: an S3 image event goes through the
pipeline (HeadObject, DetectLabels, Publish) against the TLS mode of the AWS emulator, with
the emulator's root found only in the artifact's own ca-certs/ directory.

Neither SSL_CERT_FILE nor SSL_CERT_DIR is set and the root holds no system bundle, so the
shipped hashed directory is the only place the bootstrap can find a root. A first run
without the emulator's root in it must fail the handshake: verification is on, and it is
that directory, not something else, that makes the second run succeed."""

import json
import os
import shutil
import ssl
import subprocess
import tempfile
import unittest

import support

IMAGES = os.path.join(support.SOURCE_DIR, "tests", "data", "images")
BUCKET = "kvs-lookout-demo-images"
# KVS image keys: <account>_<stream>_<producer ms>_<guid>.<ext>
KEY = "123456789012_front-door_1690707290324_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"
PRODUCER_MS = 1690707290324
# What KVS Images writes on an image (x-amz-meta-*).
KVS_METADATA = {"aws_kinesisvideo_fragment_number": "913438523331820365074212339213291427422",
                "aws_kinesisvideo_producer_timestamp": str(PRODUCER_MS),
                "aws_kinesisvideo_server_timestamp": str(PRODUCER_MS + 885)}
S3_PUT = {"Records": [{
    "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
    "eventTime": "2023-07-30T08:54:51.000Z", "eventName": "ObjectCreated:Put",
    "s3": {"s3SchemaVersion": "1.0", "configurationId": "images",
           "bucket": {"name": BUCKET, "arn": "arn:aws:s3:::" + BUCKET},
           "object": {"key": KEY, "size": 1000, "eTag": "0" * 32,
                      "sequencer": "0A1B2C3D4E5F678901"}}}]}
RUN_TIMEOUT_S = 120


def setUpModule():
    """Copies the artifact under the build lock, so another package test rebuilding it
    cannot change it under this one."""
    global ARTIFACT, TMP
    TMP = tempfile.mkdtemp(prefix="lookout-https-")
    with support.locked():
        lambda_dir, _ = support.build_artifact()
        ARTIFACT = os.path.join(TMP, "lambda")
        shutil.copytree(lambda_dir, ARTIFACT, symlinks=True)


def tearDownModule():
    shutil.rmtree(TMP, ignore_errors=True)


def add_root(ca_dir, pem_file):
    """Adds pem_file to an OpenSSL hashed directory as <subject hash>.<n>; returns the name."""
    h = subprocess.run(["openssl", "x509", "-noout", "-subject_hash", "-in", pem_file],
                       check=True, stdout=subprocess.PIPE).stdout.decode().strip()
    n = 0
    while os.path.exists(os.path.join(ca_dir, "%s.%d" % (h, n))):
        n += 1
    name = "%s.%d" % (h, n)
    shutil.copyfile(pem_file, os.path.join(ca_dir, name))
    os.chmod(os.path.join(ca_dir, name), 0o644)
    return name


@unittest.skipUnless(os.geteuid() == 0, "chroot, mknod and mounting /proc need root (CI runs as root)")
class HttpsInEmptyRoot(unittest.TestCase):
    def setUp(self):
        from emulator.aws import AwsEmulator
        self.emu = AwsEmulator(tls=True)
        self.emu.start()
        self.addCleanup(self.emu.stop)
        self.emu.create_bucket(BUCKET)
        with open(os.path.join(IMAGES, "skimage-astronaut-q85.jpg"), "rb") as f:
            self.emu.put_object(BUCKET, KEY, f.read(), KVS_METADATA, "image/jpeg")
        self.topic = self.emu.create_topic("kvs-lookout-alerts")
        self.assertEqual(self.topic, support.TOPIC_ARN)
        # The artifact has no DNS and no /etc/hosts: every endpoint is an IP literal.
        for url in self.emu.endpoints.values():
            self.assertTrue(url.startswith("https://127.0.0.1:"), url)

    def env(self, api_address):
        """Lambda's variables with the emulator's endpoints and credentials; no CA variable."""
        emu = {k: v for k, v in self.emu.env.items()
               if k.startswith(("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                "AWS_SESSION_TOKEN"))}
        env = support.lambda_env(api_address, **emu)
        for name in ("SSL_CERT_FILE", "SSL_CERT_DIR", "AWS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            self.assertNotIn(name, env)
        return env

    def invoke(self, root):
        """One S3 put event under the local Runtime API; returns (invocation, stderr)."""
        from emulator.runtime_api import RuntimeAPI
        with RuntimeAPI() as api:
            inv = api.queue(S3_PUT, timeout_ms=60000)
            api.end_loop()
            proc = root.popen([support.Chroot.TASK + "/bootstrap"], self.env(api.address))
            try:
                api.wait_done([inv], RUN_TIMEOUT_S)
                _, err = proc.communicate(timeout=RUN_TIMEOUT_S)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            self.assertEqual(api.init_errors, [])
            self.assertEqual(api.bad_requests(), [])
            return inv, err.decode("utf-8", "replace")

    def test_endpoint_certificate_names_the_ip_address(self):
        """The bootstrap checks the host name (here an IP) against the certificate's SANs."""
        port = int(self.emu.endpoints["s3"].rsplit(":", 1)[1])
        pem = ssl.get_server_certificate(("127.0.0.1", port))
        san = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName"],
                             input=pem.encode(), check=True,
                             stdout=subprocess.PIPE).stdout.decode()
        self.assertIn("IP Address:127.0.0.1", san)

    def test_s3_event_to_alert_over_https_with_the_shipped_roots(self):
        with support.Chroot(ARTIFACT) as root:
            ca_dir = root.path(support.Chroot.TASK + "/ca-certs")
            self.assertTrue(os.path.isdir(ca_dir))
            for bundle in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"):
                self.assertFalse(os.path.exists(root.path(bundle)))

            # The build host's roots do not include the emulator's throw-away CA.
            inv, log = self.invoke(root)
            self.assertEqual(inv.outcome, "error", log)
            self.assertIn("certificate", log.lower())  # curl's verification failure, logged
            self.assertEqual(self.emu.calls(), [], "a request got past an unverified handshake")
            self.assertEqual(self.emu.published(), [])

            add_root(ca_dir, self.emu.ca_file)
            inv, log = self.invoke(root)
            self.assertEqual(inv.outcome, "response", log)
            body = json.loads(inv.body)
            self.assertEqual(body.get("alerts"), 1, body)
            ops = [(c["service"], c["operation"]) for c in self.emu.calls()]
            for op in (("s3", "HeadObject"), ("rekognition", "DetectLabels"), ("sns", "Publish")):
                self.assertIn(op, ops)
            published = self.emu.published()
            self.assertEqual(len(published), 1, published)
            self.assertEqual(published[0]["TopicArn"], self.topic)
            labels = [label["name"] for label in json.loads(published[0]["Message"])["labels"]]
            self.assertIn("Person", labels)


if __name__ == "__main__":
    unittest.main()
