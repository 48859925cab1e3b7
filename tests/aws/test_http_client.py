"""The AWS HTTP client (src/aws/client.c) against a local scripted HTTP server.

The real C client is driven through the aws_call tool (tests/tools/aws_call.c). The server
answers each request with the next scripted action (a reply, a reset, a slow or oversize
body) and records what it saw and when, so attempt counts, deadlines, connection reuse and
the error wire forms are checked from both ends.
"""

import json
import os
import shlex
import socket
import struct
import subprocess
import threading
import time
import unittest
import urllib.parse

BUILD = os.environ.get("LOOKOUT_BUILD_DIR", "")
TOOL = os.path.join(BUILD, "aws_call")
WRAPPER = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", ""))

ACCESS_KEY = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjE/Ho+ken//abc+def=="


def now_ms():
    return int(time.time() * 1000)


class ScriptedServer:
    """HTTP/1.1 on 127.0.0.1 with keep-alive; one scripted action per request."""

    def __init__(self, script, default=None):
        self.script = list(script)
        self.default = default if default is not None else {"status": 200, "body": "ok"}
        self.requests = []
        self.connections = 0
        self.lock = threading.Lock()
        self.stopping = False
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port

    def close(self):
        self.stopping = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self.thread.join(5)

    def _accept(self):
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                conn_id = self.connections
            threading.Thread(target=self._serve, args=(conn, conn_id), daemon=True).start()

    def _next(self):
        with self.lock:
            return self.script.pop(0) if self.script else self.default

    def _read_request(self, rfile):
        line = rfile.readline(65537)
        if not line:
            return None
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers = {}
        while True:
            h = rfile.readline(65537)
            if h in (b"\r\n", b"\n", b""):
                break
            name, _, value = h.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        body = rfile.read(int(headers.get("content-length", "0")))
        return {"method": method, "target": target, "headers": headers, "body": body}

    def _serve(self, conn, conn_id):
        rfile = conn.makefile("rb")
        try:
            while True:
                req = self._read_request(rfile)
                if req is None:
                    break
                req["time_ms"] = now_ms()
                req["connection"] = conn_id
                with self.lock:
                    self.requests.append(req)
                if not self._act(conn, self._next()):
                    break
        except OSError:
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    @staticmethod
    def _head(status, headers):
        lines = ["HTTP/1.1 %d X" % status] + ["%s: %s" % kv for kv in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _act(self, conn, a):
        """Performs one action; False when the connection is finished."""
        if a.get("reset"):
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        headers = dict(a.get("headers", {}))
        if "slow" in a:
            length, interval = a["slow"]
            conn.sendall(self._head(200, {**headers, "Content-Length": str(length)}))
            for _ in range(length):
                time.sleep(interval)
                conn.sendall(b"x")
            return True
        if "chunked" in a:
            size, count = a["chunked"]
            conn.sendall(self._head(200, {**headers, "Transfer-Encoding": "chunked"}))
            for _ in range(count):
                conn.sendall(b"%x\r\n%s\r\n" % (size, b"y" * size))
            conn.sendall(b"0\r\n\r\n")
            return True
        if "announce" in a:
            # A Content-Length the client must refuse before any body arrives.
            conn.sendall(self._head(200, {**headers, "Content-Length": str(a["announce"])}))
            return True
        body = a.get("body", "")
        body = body.encode() if isinstance(body, str) else body
        status = a.get("status", 200)
        if not a.get("no_length"):
            headers["Content-Length"] = str(len(body))
        conn.sendall(self._head(status, headers) + body)
        return True


class ClientTest(unittest.TestCase):
    def setUp(self):
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.close()

    def serve(self, script, default=None):
        self.server = ScriptedServer(script, default)
        return self.server

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_SESSION_TOKEN": TOKEN,
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": self.server.url,
            # A proxy that would refuse everything: loopback must bypass it.
            "http_proxy": "http://127.0.0.1:9",
            "HTTPS_PROXY": "http://127.0.0.1:9",
        })
        env.pop("NO_PROXY", None)
        env.pop("no_proxy", None)
        env.update(extra)
        return env

    def call(self, request, **env):
        proc = subprocess.run(WRAPPER + [TOOL, json.dumps(request)], env=self.env(**env),
                              capture_output=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace"))
        lines = [json.loads(l) for l in proc.stdout.decode().splitlines() if l.strip()]
        return lines, proc

    def call_one(self, request, **env):
        lines, _ = self.call(request, **env)
        self.assertEqual(len(lines), 1)
        return lines[0]

    def assert_within_deadline(self, out):
        """The call returned, and every request reached the server, before the deadline."""
        self.assertLessEqual(out["end_epoch_ms"], out["deadline_epoch_ms"])
        for r in self.server.requests:
            self.assertLess(r["time_ms"], out["deadline_epoch_ms"])


S3_GET = {"service": "s3", "operation": "GetObject", "method": "GET", "bucket": "bucket", "path": "/key.jpg",
          "jitter": 0.0}


class RetryTest(ClientTest):
    def test_503_503_200_succeeds_on_the_third_attempt(self):
        srv = self.serve([{"status": 503}, {"status": 503},
                          {"status": 200, "body": "hello",
                           "headers": {"x-amz-request-id": "REQ3"}}])
        out = self.call_one(S3_GET)
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(out["attempts"], 3)
        self.assertEqual(out["body_len"], 5)
        self.assertEqual(out["request_id"], "REQ3")
        self.assertEqual((out["aws_code"], out["message"]), ("", ""))
        self.assertEqual(len(srv.requests), 3)
        self.assertEqual(len(out["delays_ms"]), 2)
        for r in srv.requests:
            # Each attempt is signed, with the session token, on the path-style URL.
            self.assertTrue(r["headers"]["authorization"].startswith(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"))
            self.assertEqual(r["headers"]["x-amz-security-token"], TOKEN)
            self.assertEqual(r["target"], "/bucket/key.jpg")
            self.assertNotIn("expect", r["headers"])
        # Two retries at cost 14, then the success gives back the 14 last taken.
        self.assertEqual(out["quota"], 500 - 14)

    def test_503_stops_at_max_attempts(self):
        srv = self.serve([], default={"status": 503})
        out = self.call_one(S3_GET, AWS_MAX_ATTEMPTS="4")
        self.assertEqual(out["status"], "LK_AWS_SERVER")
        self.assertEqual(out["type"], "Function.AwsServerError")
        self.assertEqual(out["attempts"], 4)
        self.assertEqual(len(srv.requests), 4)
        self.assertEqual(out["aws_code"], "ServiceUnavailable")
        self.assertIn("after 4 attempts", out["message"])

    def test_max_attempts_one_means_no_retry(self):
        srv = self.serve([], default={"status": 500})
        out = self.call_one(S3_GET, AWS_MAX_ATTEMPTS="1")
        self.assertEqual(out["attempts"], 1)
        self.assertEqual(len(srv.requests), 1)

    def test_non_retryable_400_is_one_attempt(self):
        srv = self.serve([], default={
            "status": 400, "headers": {"x-amzn-RequestId": "R-400"},
            "body": '{"__type":"ValidationException","message":"bad MaxLabels"}'})
        out = self.call_one({"service": "rekognition", "operation": "DetectLabels",
                             "method": "POST", "path": "/",
                             "headers": [["X-Amz-Target", "RekognitionService.DetectLabels"],
                                         ["Content-Type", "application/x-amz-json-1.1"]],
                             "body": "{}"})
        self.assertEqual(out["status"], "LK_AWS_INVALID_REQUEST")
        self.assertEqual(out["attempts"], 1)
        self.assertEqual(len(srv.requests), 1)
        self.assertEqual(out["message"], "Rekognition DetectLabels failed: ValidationException: "
                                         "bad MaxLabels (HTTP 400, request id R-400)")

    def test_throttling_until_the_deadline(self):
        throttle = {"status": 400, "body": '{"__type":"ThrottlingException","message":"slow"}'}
        srv = self.serve([], default=throttle)
        req = dict(S3_GET, jitter=1.0, deadline_ms=2500)
        out = self.call_one(req, AWS_MAX_ATTEMPTS="10")
        # Full backoff of 1 s, then 2 s would pass the deadline: stop with LK_TIMEOUT.
        self.assertEqual(out["status"], "LK_TIMEOUT")
        self.assertEqual(out["attempts"], 2)
        self.assertEqual(out["delays_ms"], [1000])
        self.assertEqual(out["aws_code"], "ThrottlingException")
        self.assertIn("deadline", out["message"])
        self.assertEqual(len(srv.requests), 2)
        self.assert_within_deadline(out)

    def test_connection_reset_is_retried(self):
        srv = self.serve([{"reset": True}, {"status": 200, "body": "fine"}])
        out = self.call_one(S3_GET)
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(out["attempts"], 2)
        self.assertEqual(len(srv.requests), 2)

    def test_connection_resets_exhaust_attempts(self):
        srv = self.serve([], default={"reset": True})
        out = self.call_one(S3_GET, AWS_MAX_ATTEMPTS="2")
        self.assertEqual(out["status"], "LK_TRANSPORT")
        self.assertEqual(out["type"], "Function.NetworkError")
        self.assertEqual(out["attempts"], 2)
        self.assertEqual(len(srv.requests), 2)

    def test_slow_body_past_the_remaining_time(self):
        srv = self.serve([{"slow": (100, 0.05)}])
        out = self.call_one(dict(S3_GET, deadline_ms=1500))
        self.assertEqual(out["status"], "LK_TIMEOUT")
        self.assertEqual(out["attempts"], 1)
        self.assertEqual(len(srv.requests), 1)
        self.assert_within_deadline(out)

    def test_hung_first_attempt_leaves_time_for_the_second(self):
        # 5.75 s to the deadline over 3 attempts: each gets the 2 s floor, not all of it.
        srv = self.serve([{"slow": (100, 0.1)}, {"status": 200, "body": "fine"}])
        out = self.call_one(dict(S3_GET, deadline_ms=6000))
        self.assertEqual(out["status"], "LK_OK", out)
        self.assertEqual(out["attempts"], 2)
        self.assertEqual(len(srv.requests), 2)
        gap = srv.requests[1]["time_ms"] - srv.requests[0]["time_ms"]
        self.assertGreaterEqual(gap, 1900)
        self.assertLess(gap, 3500)
        self.assert_within_deadline(out)

    def test_last_attempt_gets_all_the_time_left(self):
        srv = self.serve([], default={"slow": (100, 0.05)})
        out = self.call_one(dict(S3_GET, deadline_ms=6000), AWS_MAX_ATTEMPTS="2")
        self.assertEqual(out["status"], "LK_TIMEOUT")
        self.assertEqual(out["attempts"], 2)
        self.assertEqual(len(srv.requests), 2)
        self.assert_within_deadline(out)

    def test_retry_quota_runs_out(self):
        self.serve([], default={"status": 503})
        lines, _ = self.call(dict(S3_GET, repeat=20))
        quota, expected = 500, []
        for _ in range(20):
            attempts = 1
            while attempts < 3 and quota >= 14:
                quota -= 14
                attempts += 1
            expected.append((attempts, quota))
        self.assertEqual([(l["attempts"], l["quota"]) for l in lines], expected)
        self.assertEqual(lines[-1]["attempts"], 1)
        self.assertIn("retry quota exhausted", lines[17]["message"])

    def test_retry_quota_refills_on_success(self):
        self.serve([{"status": 503}, {"status": 200}, {"status": 200}])
        lines, _ = self.call(dict(S3_GET, repeat=2))
        self.assertEqual([l["quota"] for l in lines], [500, 500])

    def test_throttling_costs_less_quota(self):
        self.serve([], default={"status": 429})
        out = self.call_one(S3_GET)
        self.assertEqual(out["status"], "LK_AWS_THROTTLED")
        self.assertEqual(out["quota"], 500 - 2 * 5)

    def test_retry_after_header_is_honoured(self):
        srv = self.serve([{"status": 503, "headers": {"x-amz-retry-after": "700"}},
                          {"status": 200}])
        out = self.call_one(S3_GET)
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(out["delays_ms"], [700])
        self.assertGreaterEqual(srv.requests[1]["time_ms"] - srv.requests[0]["time_ms"], 700)

    def test_retry_after_is_capped_and_bounded_by_the_deadline(self):
        # rand 0 -> t = 0; the hint counts up to t + 5 s, which passes a 3 s deadline.
        srv = self.serve([], default={"status": 503, "headers": {"x-amz-retry-after": "60000"}})
        out = self.call_one(dict(S3_GET, deadline_ms=3000))
        self.assertEqual(out["status"], "LK_TIMEOUT")
        self.assertEqual(len(srv.requests), 1)
        self.assert_within_deadline(out)

    def test_backoff_scale_for_transient_errors(self):
        self.serve([{"status": 500}, {"status": 502}, {"status": 504}, {"status": 200}])
        out = self.call_one(dict(S3_GET, jitter=1.0), AWS_MAX_ATTEMPTS="4")
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(out["delays_ms"], [50, 100, 200])


class BodyTest(ClientTest):
    def test_oversize_content_length_is_refused_before_the_body(self):
        srv = self.serve([{"announce": 5000}])
        out = self.call_one(dict(S3_GET, max_response_bytes=1000))
        self.assertEqual(out["status"], "LK_TOO_LARGE")
        self.assertEqual(out["attempts"], 1)
        self.assertEqual(out["body_len"], 0)
        self.assertEqual(len(srv.requests), 1)

    def test_oversize_chunked_body_is_cut_at_the_cap(self):
        self.serve([{"chunked": (100, 100)}])
        out = self.call_one(dict(S3_GET, max_response_bytes=1000))
        self.assertEqual(out["status"], "LK_TOO_LARGE")
        self.assertLessEqual(out["body_len"], 1000)

    def test_body_at_the_cap_is_accepted(self):
        self.serve([{"chunked": (100, 10)}, {"status": 200, "body": "z" * 1000}])
        lines, _ = self.call(dict(S3_GET, max_response_bytes=1000, repeat=2))
        self.assertEqual([(l["status"], l["body_len"]) for l in lines],
                         [("LK_OK", 1000), ("LK_OK", 1000)])

    def test_long_error_body_is_cut_not_refused(self):
        body = ("<Error><Code>InvalidRequest</Code><Message>m</Message>" + " " * 200000 +
                "</Error>")
        srv = self.serve([], default={"status": 400, "body": body})
        out = self.call_one(dict(S3_GET, max_response_bytes=100))
        self.assertEqual(out["status"], "LK_AWS_INVALID_REQUEST")
        self.assertEqual(out["aws_code"], "InvalidRequest")
        self.assertEqual(len(srv.requests), 1)

    def test_head_is_not_capped_by_the_object_size(self):
        self.serve([{"status": 200, "no_length": True,
                     "headers": {"Content-Length": "987654321"}}])
        out = self.call_one(dict(S3_GET, method="HEAD", max_response_bytes=10))
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(out["headers"]["content-length"], "987654321")

    def test_headers_are_lower_cased_and_metadata_kept(self):
        self.serve([{"status": 200, "body": "b", "headers": {
            "X-Amz-Meta-AWS_KinesisVideo_Fragment_Number": "9134",
            "X-Amzn-RequestId": "RID-1", "ETag": '"abc"'}}])
        out = self.call_one(S3_GET)
        h = out["headers"]
        self.assertEqual(h["x-amz-meta-aws_kinesisvideo_fragment_number"], "9134")
        self.assertEqual(h["etag"], '"abc"')
        self.assertEqual(out["request_id"], "RID-1")

    def test_many_long_headers_are_all_kept(self):
        # Some 20 KB of headers: the block they are kept in grows several times over.
        sent = {"X-Amz-Meta-Key-%03d" % i: "v%03d-" % i + "x" * (i * 3) for i in range(120)}
        self.serve([{"status": 200, "body": "b", "headers": sent}])
        out = self.call_one(S3_GET)
        for name, value in sent.items():
            self.assertEqual(out["headers"][name.lower()], value)

    def test_one_connection_for_sequential_calls(self):
        srv = self.serve([])
        lines, _ = self.call(dict(S3_GET, repeat=5))
        self.assertEqual([l["status"] for l in lines], ["LK_OK"] * 5)
        self.assertEqual(len(srv.requests), 5)
        self.assertEqual(srv.connections, 1)
        self.assertEqual(sum(l["connections"] for l in lines), 1)

    def test_put_sends_the_body_without_expect(self):
        srv = self.serve([])
        # Past curl's 1 MiB threshold for "Expect: 100-continue".
        body = "p" * (2 * 1024 * 1024)
        out = self.call_one({"service": "s3", "method": "PUT", "bucket": "bucket",
                             "path": "/up.bin", "body": "p", "body_repeat": len(body),
                             "headers": [["Content-Type", "application/octet-stream"]]})
        self.assertEqual(out["status"], "LK_OK")
        r = srv.requests[0]
        self.assertEqual(r["method"], "PUT")
        self.assertEqual(r["body"], body.encode())
        self.assertNotIn("expect", r["headers"])


class ErrorFormTest(ClientTest):
    def one(self, reply, request=None, **env):
        self.serve([], default=reply)
        return self.call_one(request or S3_GET, AWS_MAX_ATTEMPTS="1", **env)

    def test_json_type_with_namespace(self):
        out = self.one({"status": 400, "headers": {"x-amzn-RequestId": "J-1"},
                        "body": '{"__type":"com.amazonaws.rekognition#AccessDeniedException",'
                                '"Message":"no rekognition:DetectLabels"}'},
                       {"service": "rekognition", "operation": "DetectLabels", "method": "POST",
                        "path": "/", "body": "{}",
                        "headers": [["X-Amz-Target", "RekognitionService.DetectLabels"]]})
        self.assertEqual(out["status"], "LK_AWS_ACCESS_DENIED")
        self.assertEqual(out["aws_code"], "AccessDeniedException")
        self.assertEqual(out["error_request_id"], "J-1")
        self.assertEqual(out["error_http_status"], 400)
        self.assertIn("no rekognition:DetectLabels", out["message"])

    def test_rest_json_error_type_header(self):
        out = self.one({"status": 404, "headers": {
            "x-amzn-ErrorType": "ResourceNotFoundException:http://internal.amazon.com/coral/"},
            "body": '{"message":"The requested stream is not found"}'},
            {"service": "kinesisvideo", "operation": "GetDataEndpoint", "method": "POST",
             "path": "/getDataEndpoint",
             "body": "{}", "headers": [["Content-Type", "application/json"]]})
        self.assertEqual(out["status"], "LK_AWS_NOT_FOUND")
        self.assertEqual(out["aws_code"], "ResourceNotFoundException")
        self.assertTrue(out["message"].startswith(
            "Kinesis Video GetDataEndpoint failed: ResourceNotFoundException: "
            "The requested stream is not found (HTTP 404"), out["message"])

    def test_kvs_client_limit_is_a_throttle(self):
        self.serve([], default={"status": 400, "body": '{"__type":"ClientLimitExceededException"}'})
        out = self.call_one({"service": "kinesisvideo", "method": "POST", "path": "/getImages",
                             "body": "{}", "jitter": 0.0})
        self.assertEqual(out["status"], "LK_AWS_THROTTLED")
        self.assertEqual(out["attempts"], 3)

    def test_query_xml(self):
        body = ('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error>'
                '<Type>Sender</Type><Code>AuthorizationError</Code>'
                '<Message>User is not authorized &amp; denied</Message></Error>'
                '<RequestId>Q-REQ-7</RequestId></ErrorResponse>')
        out = self.one({"status": 403, "body": body},
                       {"service": "sns", "operation": "Publish", "method": "POST", "path": "/",
                        "headers": [["Content-Type", "application/x-www-form-urlencoded"]],
                        "body": "Action=Publish&Version=2010-03-31&Message=hi"})
        self.assertEqual(out["status"], "LK_AWS_ACCESS_DENIED")
        self.assertEqual(out["aws_code"], "AuthorizationError")
        self.assertEqual(out["error_request_id"], "Q-REQ-7")
        self.assertEqual(out["message"], "SNS Publish failed: AuthorizationError: User is not "
                                         "authorized & denied (HTTP 403, request id Q-REQ-7)")

    def test_sns_kms_throttling_is_retried(self):
        body = ('<ErrorResponse><Error><Code>KMSThrottling</Code><Message>m</Message></Error>'
                '<RequestId>K</RequestId></ErrorResponse>')
        srv = self.serve([{"status": 400, "body": body}, {"status": 200, "body": "<ok/>"}])
        out = self.call_one({"service": "sns", "method": "POST", "path": "/",
                             "body": "Action=Publish", "jitter": 0.0})
        self.assertEqual(out["status"], "LK_OK")
        self.assertEqual(len(srv.requests), 2)

    def test_s3_xml(self):
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
                '<Message>The specified key does not exist.</Message><Key>key.jpg</Key>'
                '<RequestId>BODY-ID</RequestId><HostId>h</HostId></Error>')
        out = self.one({"status": 404, "body": body,
                        "headers": {"x-amz-request-id": "HDR-ID"}})
        self.assertEqual(out["status"], "LK_AWS_NOT_FOUND")
        self.assertEqual(out["type"], "Function.AwsNotFound")
        self.assertEqual(out["message"], "S3 GetObject failed: NoSuchKey: The specified key does "
                                         "not exist. (HTTP 404, request id HDR-ID)")

    def test_head_404_without_body(self):
        out = self.one({"status": 404, "headers": {"x-amz-request-id": "H404"}},
                       dict(S3_GET, operation="HeadObject", method="HEAD"))
        self.assertEqual(out["status"], "LK_AWS_NOT_FOUND")
        self.assertEqual(out["aws_code"], "NotFound")
        self.assertEqual(out["message"],
                         "S3 HeadObject failed: NotFound (HTTP 404, request id H404)")

    def test_garbage_body(self):
        out = self.one({"status": 500, "body": "\x00\x01<html>oops{"})
        self.assertEqual(out["status"], "LK_AWS_SERVER")
        self.assertEqual(out["aws_code"], "InternalServerError")
        self.assertNotIn("oops", out["message"])

    def test_signature_mismatch_never_echoes_the_token(self):
        body = ('<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we '
                'calculated does not match</Message><CanonicalRequest>GET\n/key\n\n'
                'x-amz-security-token:%s\n</CanonicalRequest><RequestId>S</RequestId></Error>'
                % TOKEN)
        out = self.one({"status": 403, "body": body})
        self.assertEqual(out["status"], "LK_AWS_AUTH")
        self.assertEqual(out["aws_code"], "SignatureDoesNotMatch")
        self.assertNotIn(TOKEN, json.dumps(out))

    def test_expired_token(self):
        out = self.one({"status": 400,
                        "body": '{"__type":"ExpiredTokenException","message":"expired"}'})
        self.assertEqual(out["status"], "LK_AWS_AUTH")
        self.assertEqual(out["type"], "Function.AwsAuthFailure")

    def test_redirect_is_an_error(self):
        out = self.one({"status": 301, "body": "<Error><Code>PermanentRedirect</Code>"
                                               "<Message>use eu-west-1</Message></Error>",
                        "headers": {"Location": "http://127.0.0.1:9/"}})
        self.assertEqual(out["status"], "LK_AWS_INVALID_REQUEST")
        self.assertEqual(out["aws_code"], "PermanentRedirect")


class SecretTest(ClientTest):
    FORBIDDEN = [SECRET, TOKEN, urllib.parse.quote(SECRET, safe=""),
                 urllib.parse.quote(TOKEN, safe=""), SECRET.replace("/", "\\/"),
                 TOKEN.replace("/", "\\/")]

    def run_traced(self, fmt):
        self.serve([{"status": 503, "body": "<Error><Code>SlowDown</Code></Error>"},
                    {"status": 200, "body": "done"}])
        put = {"service": "s3", "method": "PUT", "bucket": "bucket", "path": "/a b.jpg",
               "body": "payload", "jitter": 0.0,
               "headers": [["Content-Type", "image/jpeg"], ["x-amz-meta-camera", "door"]]}
        outs = []
        for request in (put, dict(put, method="GET", body=None, headers=[], presign=600)):
            lines, proc = self.call(request, AWS_LAMBDA_LOG_LEVEL="TRACE",
                                    AWS_LAMBDA_LOG_FORMAT=fmt)
            outs.append((lines, proc.stdout + proc.stderr))
        return outs

    def check(self, fmt):
        (put_lines, put_out), (presign_lines, presign_out) = self.run_traced(fmt)
        self.assertEqual(put_lines[0]["status"], "LK_OK")
        self.assertTrue(presign_lines[0]["signed"])
        # The server did get the token: it was there to leak.
        self.assertEqual(self.server.requests[0]["headers"]["x-amz-security-token"], TOKEN)
        for out in (put_out, presign_out):
            for needle in self.FORBIDDEN:
                self.assertNotIn(needle.encode(), out)
        text = put_out.decode()
        # The trace is there, with each secret part redacted.
        self.assertIn("Signature=<redacted>", text)
        self.assertIn("X-Amz-Security-Token: <redacted>", text)
        self.assertIn("Credential=AKIDEXAMPLE/", text)
        self.assertIn("aws < HTTP 503", text)
        presigned = presign_out.decode()
        self.assertIn("X-Amz-Signature=<redacted>", presigned)
        self.assertIn("X-Amz-Security-Token=<redacted>", presigned)

    def test_trace_text(self):
        self.check("Text")

    def test_trace_json(self):
        self.check("JSON")


if __name__ == "__main__":
    unittest.main()
