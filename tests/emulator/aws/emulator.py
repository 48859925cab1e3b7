"""AwsEmulator: starts the five service fronts, moto and the control server; the Python API
that tests use. See docs/emulators.md."""

import base64
import http.server
import json
import os
import shutil
import socketserver
import ssl
import subprocess
import tempfile
import threading
import urllib.parse
import uuid
import xml.etree.ElementTree as ET

from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from . import front as front_mod
from . import services
from .dynamodb import DynamoDbFront
from .state import Fault, State, Stream

DEFAULT_FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))), "data")
ENV_NAMES = {
    "s3": "AWS_ENDPOINT_URL_S3",
    "rekognition": "AWS_ENDPOINT_URL_REKOGNITION",
    "sns": "AWS_ENDPOINT_URL_SNS",
    "kinesisvideo": "AWS_ENDPOINT_URL_KINESIS_VIDEO",
    "kinesis-video-archived-media": "AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA",
    "dynamodb": "AWS_ENDPOINT_URL_DYNAMODB",
}
CONTROL_ENV = "LOOKOUT_EMULATOR_URL"
CFN_BUCKET = "cfn-responses"


def _json_default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    raise TypeError(type(value).__name__)


def make_tls_material(folder):
    """A throw-away CA and a server certificate for 127.0.0.1/localhost, made with the openssl
    CLI. Returns (ca_file, cert_file, key_file)."""
    def run(*args):
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=kvs-lookout test CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(folder, "server.ext"), "w", encoding="ascii") as f:
        f.write("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext")
    return tuple(os.path.join(folder, n) for n in ("ca.pem", "server.pem", "server.key"))


class AwsEmulator:
    """Local S3, Rekognition, SNS, Kinesis Video and Kinesis Video Archived Media.

    with AwsEmulator() as emu:
        subprocess.run([...], env={**os.environ, **emu.env})
        emu.calls("sns", "Publish"); emu.published(); emu.fault("rekognition", "DetectLabels",
        code="ThrottlingException")
    """

    access_key = "ASIAEMULATORLOOKOUT1"
    secret_key = "emulatorSecretKey/lookout+0123456789abcd"
    session_token = "IQoJemulator//session+token/for/kvs-lookout/tests=="
    account = "123456789012"

    def __init__(self, fixtures_dir=None, tls=False, region="us-east-1", host="127.0.0.1"):
        self.fixtures_dir = fixtures_dir or DEFAULT_FIXTURES
        self.tls = tls
        self.region = region
        self.host = host
        self.ca_file = None
        self.endpoints = {}
        self.env = {}
        self.control_url = None
        self._servers = []
        self._tmp = None
        self.moto = None
        self.state = None

    # ------------------------------------------------------------ life cycle

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.state = State(self.region, self.account, self.fixtures_dir)
        ctx = None
        scheme = "http"
        if self.tls:
            self._tmp = tempfile.mkdtemp(prefix="lookout-emu-")
            self.ca_file, cert, key = make_tls_material(self._tmp)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            scheme = "https"
        self.moto = services.Moto(self.region, self.access_key)
        fronts = [cls(self) for cls in services.FRONTS + (DynamoDbFront,)]
        for fr in fronts:
            server, _ = front_mod.start_server(fr, self.host, ctx)
            self._servers.append(server)
            self.endpoints[fr.name] = "%s://%s:%d" % (scheme, self.host, server.server_address[1])
        control = _ControlServer(self, self.host)
        threading.Thread(target=control.serve_forever, args=(0.05,), daemon=True).start()
        self._servers.append(control)
        self.control_url = "http://%s:%d" % (self.host, control.server_address[1])
        env = {ENV_NAMES[name]: url for name, url in self.endpoints.items()}
        env.update({"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                    "AWS_SESSION_TOKEN": self.session_token, "AWS_REGION": self.region,
                    "AWS_DEFAULT_REGION": self.region, "AWS_EC2_METADATA_DISABLED": "true",
                    CONTROL_ENV: self.control_url})
        if self.ca_file:
            env["SSL_CERT_FILE"] = self.ca_file
            env["AWS_CA_BUNDLE"] = self.ca_file
        self.env = env
        return self

    def stop(self):
        for server in self._servers:
            server.shutdown()
            server.server_close()
        self._servers = []
        if self.moto is not None:
            self.moto.stop()
            self.moto = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    # ------------------------------------------------------------ observation and faults

    def calls(self, service=None, operation=None):
        """Every request received, oldest first: dicts with service, operation, params (parsed,
        blobs as bytes), signature_ok, status (int, or "reset"), error (AWS code or None),
        fault (the fault applied or None), method, path, time, seq."""
        return self.state.calls(service, operation)

    def fault(self, service, operation=None, code=None, status=None, message=None, times=1,
              delay_s=0.0, reset=False, body=None, truncate=False):
        """Scripts a failure of the next `times` calls of service/operation (see state.Fault)."""
        self.state.add_fault(Fault(service, operation, code, status, message, times, delay_s,
                                   reset, body, truncate))

    def clear_faults(self):
        self.state.clear_faults()

    def published(self, topic_arn=None):
        """The accepted SNS Publish calls: TopicArn, Subject, Message, MessageStructure,
        MessageAttributes ({name: {DataType, StringValue|BinaryValue}}) and MessageId."""
        return self.state.published(topic_arn)

    def reset(self):
        """Forgets calls, faults, publications, moto's S3/SNS data and stream changes."""
        self.state.reset()
        self.moto.reset()

    # ------------------------------------------------------------ set-up helpers (bypass the front)

    def create_bucket(self, name):
        status, _, body = self.moto.request("PUT", "/" + name)
        if status not in (200, 409):
            raise RuntimeError("create_bucket %s: %d %s" % (name, status, body[:200]))

    def put_object(self, bucket, key, body, metadata=None, content_type=None):
        """Stores an object (the bucket is created if needed); metadata: {name: value} sent as
        x-amz-meta-<name>."""
        self.create_bucket(bucket)
        headers = [("x-amz-meta-" + k, str(v)) for k, v in (metadata or {}).items()]
        if content_type:
            headers.append(("Content-Type", content_type))
        status, _, out = self.moto.request("PUT", "/%s/%s" % (bucket, urllib.parse.quote(key, safe="/~")),
                                           bytes(body), headers)
        if status != 200:
            raise RuntimeError("put_object %s/%s: %d %s" % (bucket, key, status, out[:200]))

    def get_object(self, bucket, key):
        """(body, metadata, content_type) of an object, or None when it does not exist."""
        status, headers, body = self.moto.request(
            "GET", "/%s/%s" % (bucket, urllib.parse.quote(key, safe="/~")))
        if status != 200:
            return None
        meta = {k.lower()[len("x-amz-meta-"):]: v for k, v in headers
                if k.lower().startswith("x-amz-meta-")}
        ctype = next((v for k, v in headers if k.lower() == "content-type"), None)
        return body, meta, ctype

    def list_objects(self, bucket):
        status, _, body = self.moto.request("GET", "/%s?list-type=2" % bucket)
        if status != 200:
            return []
        root = ET.fromstring(body)
        return [e.text for e in root.iter() if e.tag.split("}")[-1] == "Key"]

    def create_topic(self, name):
        """Creates an SNS topic and returns its ARN."""
        form = urllib.parse.urlencode({"Action": "CreateTopic", "Name": name,
                                       "Version": "2010-03-31"}).encode()
        status, _, body = self.moto.request(
            "POST", "/", form, [("Content-Type", "application/x-www-form-urlencoded")], "sns")
        arn = services.parse_xml_text(body, "TopicArn")
        if status != 200 or not arn:
            raise RuntimeError("create_topic %s: %d %s" % (name, status, body[:200]))
        return arn

    def create_stream(self, name, retention_hours=24):
        """Creates a Kinesis video stream (no frames) and returns its ARN."""
        with self.state.lock:
            stream = self.state.streams.get(name)
            if stream is None:
                stream = Stream(name, self.region, self.account, retention_hours)
                self.state.streams[name] = stream
                self.state.frames.setdefault(name, {})
            return stream.arn

    def stream_arn(self, name):
        with self.state.lock:
            return self.state.streams[name].arn

    def stream_config(self, name):
        """(image generation configuration, notification configuration) stored for a stream."""
        with self.state.lock:
            stream = self.state.streams[name]
            return stream.image_generation, stream.notification

    def add_frame(self, stream, timestamp_ms, data, ext="jpg"):
        """Adds a frame at producer timestamp_ms to a stream (created if needed)."""
        self.create_stream(stream)
        with self.state.lock:
            self.state.frames[stream][int(timestamp_ms)] = (bytes(data), ext)

    def create_state_table(self, name):
        """Creates a table keyed as STATE_TABLE expects (partition key id, S), on demand, through
        the DynamoDB front; returns its name."""
        self.client("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        return name

    # ------------------------------------------------------------ CloudFormation responses

    def cfn_response_url(self, key=None, expires_s=7200):
        """A presigned S3 PUT URL, as CloudFormation hands to custom resources in ResponseURL.
        The front verifies the presigned signature when the resource PUTs its answer."""
        self.create_bucket(CFN_BUCKET)
        key = key or "arn%3Aaws%3Acloudformation/" + str(uuid.uuid4())
        request = AWSRequest(method="PUT", url="%s/%s/%s" % (self.endpoints["s3"], CFN_BUCKET, key))
        creds = Credentials(self.access_key, self.secret_key, self.session_token)
        S3SigV4QueryAuth(creds, "s3", self.region, expires=expires_s).add_auth(request)
        return request.url

    def cfn_responses(self):
        """The answers PUT to cfn_response_url URLs: dicts (the JSON body, plus "_key")."""
        out = []
        for key in self.list_objects(CFN_BUCKET):
            got = self.get_object(CFN_BUCKET, key)
            if got is None:
                continue
            try:
                doc = json.loads(got[0])
            except ValueError:
                doc = {"_raw": got[0].decode("utf-8", "replace")}
            doc["_key"] = key
            out.append(doc)
        return out

    # ------------------------------------------------------------ clients

    def client(self, service, **kwargs):
        """A boto3 client for one emulated service (botocore service name), SigV4 everywhere,
        path-style S3, no retries unless config says otherwise."""
        import boto3
        from botocore.config import Config
        return boto3.client(service, endpoint_url=self.endpoints[service], region_name=self.region,
                            aws_access_key_id=self.access_key,
                            aws_secret_access_key=self.secret_key,
                            aws_session_token=self.session_token,
                            verify=self.ca_file if self.tls else None,
                            config=kwargs.pop("config", Config(
                                retries={"total_max_attempts": 1}, signature_version="s3v4",
                                s3={"addressing_style": "path"})),
                            **kwargs)


# ------------------------------------------------------------------ control over HTTP

class _ControlHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def _reply(self, status, doc):
        body = json.dumps(doc, default=_json_default).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw.strip() else {}

    @staticmethod
    def _data(doc):
        if "file" in doc:
            with open(doc["file"], "rb") as f:
                return f.read()
        if "body_base64" in doc:
            return base64.b64decode(doc["body_base64"])
        return doc.get("body", "").encode()

    def _route(self):
        emu = self.server.emulator
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        path = url.path.rstrip("/")
        get = self.command == "GET"
        if get and path == "/_emulator/env":
            return 200, emu.env
        if get and path == "/_emulator/calls":
            return 200, emu.calls(query.get("service"), query.get("operation"))
        if get and path == "/_emulator/published":
            return 200, emu.published(query.get("topic"))
        if get and path == "/_emulator/faults":
            return 200, emu.state.faults()
        if get and path == "/_emulator/cfn-responses":
            return 200, emu.cfn_responses()
        if self.command == "DELETE" and path == "/_emulator/faults":
            emu.clear_faults()
            return 200, {}
        if self.command != "POST":
            return 404, {"error": "unknown control route"}
        doc = self._body()
        if path == "/_emulator/faults":
            args = {k: doc[k] for k in Fault.FIELDS if k in doc}
            emu.fault(**args)
            return 200, {}
        if path == "/_emulator/reset":
            emu.reset()
            return 200, {}
        if path == "/_emulator/buckets":
            emu.create_bucket(doc["name"])
            return 200, {}
        if path == "/_emulator/objects":
            emu.put_object(doc["bucket"], doc["key"], self._data(doc), doc.get("metadata"),
                           doc.get("content_type"))
            return 200, {}
        if path == "/_emulator/topics":
            return 200, {"arn": emu.create_topic(doc["name"])}
        if path == "/_emulator/streams":
            return 200, {"arn": emu.create_stream(doc["name"], doc.get("retention_hours", 24))}
        if path == "/_emulator/frames":
            emu.add_frame(doc["stream"], doc["timestamp_ms"], self._data(doc), doc.get("ext", "jpg"))
            return 200, {}
        if path == "/_emulator/cfn-response-url":
            return 200, {"url": emu.cfn_response_url(doc.get("key"))}
        return 404, {"error": "unknown control route"}

    def _serve(self):
        try:
            status, doc = self._route()
        except (KeyError, ValueError, TypeError, RuntimeError, OSError) as e:
            status, doc = 400, {"error": "%s: %s" % (type(e).__name__, e)}
        self._reply(status, doc)

    do_GET = do_POST = do_DELETE = _serve


class _ControlServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, emulator, host):
        self.emulator = emulator
        super().__init__((host, 0), _ControlHandler)
