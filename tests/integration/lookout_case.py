"""Shared by the integration tests: the bootstrap run as a black box against the local AWS
emulators (one emulator per test class, reset between tests), and the checks every alert gets.

A test puts objects and streams in place, runs one event (`run_event`, `--event -`) or several
under the local Runtime API (`run_loop`), and looks at what reached the emulators: the calls
made (`ops`) and the alerts published (`alerts`, each validated against docs/alert.schema.json).
"""

import hashlib
import json
import os
import shlex
import subprocess
import unittest

import jsonschema

from emulator.aws import AwsEmulator
from emulator.runtime_api import RuntimeAPI

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LOOKOUT_SOURCE_DIR", os.path.join(HERE, "..", ".."))
BUILD_DIR = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
BOOTSTRAP = os.path.join(BUILD_DIR, "bootstrap")
WRAPPER = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", ""))
IMAGES = os.path.join(SOURCE_DIR, "tests", "data", "images")
EVENTS = os.path.join(SOURCE_DIR, "events")
SCHEMA_FILE = os.path.join(SOURCE_DIR, "docs", "alert.schema.json")
# A bound, never a timing assertion: under valgrind one run takes seconds.
RUN_TIMEOUT_S = 120

BUCKET = "kvs-lookout-demo-images"
STREAM = "front-door"
STREAM_ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/front-door/1690000000000"
FRAGMENT = "91343852333182036507421233921329142742245756394"
# Frames of the fixture stream front-door (tests/data/kvs/front-door).
KVS_PERSON_MS, KVS_ROSE_MS, KVS_CAT_MS = 1690707290324, 1690707291324, 1690707294324
KVS_SERVER_OFFSET_MS = -1115

# KVS image keys as KVS Images writes them: <account>_<stream>_<producer ms>_<guid>.<ext>
PERSON_KEY = "123456789012_front-door_1690707290324_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"

with open(SCHEMA_FILE, encoding="utf-8") as f:
    SCHEMA = json.load(f)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def image(name):
    with open(os.path.join(IMAGES, name), "rb") as f:
        return f.read()


PERSON_JPG = "skimage-astronaut-q85.jpg"
CAT_JPG = "skimage-chelsea-q85.jpg"
CAT_PNG = "skimage-chelsea.png"
ROCKET_JPG = "skimage-rocket.jpg"
ROSE_JPG = "ljt-testorig.jpg"
COFFEE_PNG = "skimage-coffee.png"
TRUNCATED_JPG = "skimage-truncated.jpg"


def sample_event(name):
    with open(os.path.join(EVENTS, name), encoding="utf-8") as f:
        return json.load(f)


def kvs_metadata(producer_ms, server_ms=None, fragment="913438523331820365074212339213291427422",
                 **tags):
    """The x-amz-meta-* KVS Images writes on an image, plus custom MKV tags."""
    meta = {"aws_kinesisvideo_fragment_number": fragment,
            "aws_kinesisvideo_producer_timestamp": str(producer_ms),
            "aws_kinesisvideo_server_timestamp": str(server_ms if server_ms is not None
                                                     else producer_ms + 885)}
    meta.update(tags)
    return meta


def s3_record(bucket, encoded_key, version="2.1", size=1000):
    """One S3 notification record; the key as S3 writes it (URL-encoded, space as '+')."""
    return {"eventVersion": version, "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventTime": "2023-07-30T08:54:51.000Z", "eventName": "ObjectCreated:Put",
            "s3": {"s3SchemaVersion": "1.0", "configurationId": "images",
                   "bucket": {"name": bucket, "arn": "arn:aws:s3:::" + bucket},
                   "object": {"key": encoded_key, "size": size, "eTag": "0" * 32,
                              "sequencer": "0A1B2C3D4E5F678901"}}}


def s3_event(*records):
    return {"Records": list(records)}


def in_sns(message, topic="arn:aws:sns:us-east-1:123456789012:kvs-lookout-images"):
    """An SNS -> Lambda event carrying message (a dict, sent as its JSON string)."""
    text = message if isinstance(message, str) else json.dumps(message)
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0",
                         "EventSubscriptionArn": topic + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
                         "Sns": {"Type": "Notification",
                                 "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                                 "TopicArn": topic, "Subject": None, "Message": text,
                                 "Timestamp": "2023-07-30T08:55:00.120Z",
                                 "SignatureVersion": "1", "Signature": "EXAMPLE",
                                 "SigningCertUrl": "EXAMPLE", "UnsubscribeUrl": "EXAMPLE",
                                 "MessageAttributes": {}}}]}


def kvs_notification(start_ms=KVS_PERSON_MS, fragment=FRAGMENT, payload=None, as_strings=False):
    """A KVS fragment notification inside SNS, as KVS sends it."""
    server = start_ms + 885
    msg = {"StreamArn": STREAM_ARN, "FragmentNumber": fragment,
           "FragmentStartProducerTimestamp": str(start_ms) if as_strings else start_ms,
           "FragmentStartServerTimestamp": str(server) if as_strings else server,
           "NotificationType": "PERSISTED",
           "NotificationPayload": payload if payload is not None else {"CAMERA": "porch"}}
    return in_sns(msg, "arn:aws:sns:us-east-1:123456789012:kvs-lookout-FragmentTopic")


def alert_id(stream, identity, labels):
    data = stream.encode() + b"\0" + identity.encode() + b"\0"
    for name in sorted(n.encode() for n in labels):
        data += name + b"\0"
    return hashlib.sha256(data).hexdigest()[:32]


class Run:
    """The outcome of one `--event` run: exit code, response or error JSON, logs."""

    def __init__(self, code, stdout, stderr):
        self.code = code
        self.stdout = stdout
        self.stderr = stderr
        try:
            self.body = json.loads(stdout) if stdout.strip() else None
        except ValueError:
            self.body = None

    @property
    def ok(self):
        return self.code == 0

    def __repr__(self):
        return "<Run exit %s stdout %r stderr %s>" % (self.code, self.stdout[:2000],
                                                     self.stderr[-3000:])


class IntegrationCase(unittest.TestCase):
    """One AWS emulator per test class; a clean slate (bucket, topic) for every test."""

    emu = None

    @classmethod
    def setUpClass(cls):
        cls.emu = AwsEmulator()
        cls.emu.start()
        cls.addClassCleanup(cls.emu.stop)

    def setUp(self):
        self.emu.reset()
        self.emu.create_bucket(BUCKET)
        self.topic = self.emu.create_topic("kvs-lookout-alerts")

    # ---- running the function -----------------------------------------------------------

    def env(self, **extra):
        """emu.env + ALERT_TOPIC_ARN + extra (a None value removes the variable)."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("AWS_", "ALERT_", "MIN_CONFIDENCE", "MAX_LABELS",
                                    "SNAPSHOT_", "KVS_", "PRESIGN_", "LOOKOUT_LOCAL",
                                    "_X_AMZN"))}
        env.update(self.emu.env)
        env["ALERT_TOPIC_ARN"] = self.topic
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = str(v)
        return env

    def run_event(self, event, **env):
        """Runs `bootstrap --event -` on event (dict, str or bytes); returns a Run."""
        if isinstance(event, (dict, list)):
            event = json.dumps(event)
        if isinstance(event, str):
            event = event.encode()
        proc = subprocess.run(WRAPPER + [BOOTSTRAP, "--event", "-"], input=event,
                              env=self.env(**env), capture_output=True, timeout=RUN_TIMEOUT_S)
        return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                   proc.stderr.decode("utf-8", "replace"))

    def run_ok(self, event, **env):
        run = self.run_event(event, **env)
        self.assertEqual(run.code, 0, run)
        self.assertIsInstance(run.body, dict, run)
        return run

    def run_failed(self, event, error_type=None, **env):
        """Runs an event that must fail: exit 1 and the Lambda error JSON on stdout."""
        run = self.run_event(event, **env)
        self.assertEqual(run.code, 1, run)
        self.assertIsInstance(run.body, dict, run)
        self.assertEqual(set(run.body) & {"errorMessage", "errorType"},
                         {"errorMessage", "errorType"}, run)
        self.assertRegex(run.body["errorType"], r"^(Runtime|Function)\.[A-Z][a-zA-Z]+$")
        if error_type:
            self.assertEqual(run.body["errorType"], error_type, run)
        return run

    def run_loop(self, events, timeout_ms=30000, **env):
        """Runs the bootstrap under the local Runtime API for several events in one process;
        returns (invocations, exit code, stderr)."""
        with RuntimeAPI() as api:
            invs = [api.queue(e, timeout_ms=timeout_ms) for e in events]
            proc = subprocess.Popen(WRAPPER + [BOOTSTRAP],
                                    env=self.env(AWS_LAMBDA_RUNTIME_API=api.address, **env),
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE)
            try:
                api.wait_for(lambda: proc.poll() is not None
                             or all(i.state in ("done", "abandoned") for i in invs),
                             RUN_TIMEOUT_S)
                api.end_loop()
                _, err = proc.communicate(timeout=RUN_TIMEOUT_S)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
            stderr = err.decode("utf-8", "replace")
            for inv in invs:
                self.assertEqual(inv.state, "done", "%r not answered; stderr:\n%s"
                                 % (inv, stderr[-3000:]))
            self.assertEqual(api.bad_requests(), [])
            return invs, proc.returncode, stderr

    # ---- what reached AWS -----------------------------------------------------------------

    def ops(self, service=None):
        """[(service, operation)] of every call, oldest first."""
        return [(c["service"], c["operation"]) for c in self.emu.calls(service)]

    def alerts(self):
        """The published alerts: (publication, message dict); each validated against the schema,
        on the right topic, plain structure."""
        out = []
        for pub in self.emu.published():
            self.assertEqual(pub["TopicArn"], self.topic)
            self.assertIn(pub.get("MessageStructure"), (None, ""))
            msg = json.loads(pub["Message"])
            errors = sorted(VALIDATOR.iter_errors(msg), key=lambda e: list(e.path))
            self.assertEqual([], ["%s: %s" % (list(e.path), e.message) for e in errors],
                             pub["Message"])
            out.append((pub, msg))
        return out

    def one_alert(self):
        got = self.alerts()
        self.assertEqual(len(got), 1, got)
        return got[0]

    def assertCounts(self, body, expected):
        """The response's summary holds these members (others may be added)."""
        self.assertEqual({k: body.get(k) for k in expected}, expected, body)

    @staticmethod
    def attrs(pub):
        return {k: (v["DataType"], v.get("StringValue")) for k, v in
                pub["MessageAttributes"].items()}

    def put_image(self, key, name, metadata=None, content_type="image/jpeg", bucket=BUCKET):
        self.emu.put_object(bucket, key, image(name), metadata, content_type)
