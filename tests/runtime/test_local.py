"""Local mode: `bootstrap --event FILE` and `--help`."""

import json
import os
import tempfile
import unittest

from support import TOPIC_ARN, base_env, finish, start

TEST_EVENT = b'{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}'
ENV = base_env(ALERT_TOPIC_ARN=TOPIC_ARN)
# Every variable the program reads, as the README lists them.
ENV_VARS = """AWS_LAMBDA_RUNTIME_API AWS_LAMBDA_LOG_FORMAT AWS_LAMBDA_LOG_LEVEL _X_AMZN_TRACE_ID
ALERT_TOPIC_ARN ALERT_LABELS MIN_CONFIDENCE MAX_LABELS PRESIGN_TTL_S SNAPSHOT_BUCKET
SNAPSHOT_PREFIX SNAPSHOT_MAX_WIDTH NOTIFY_TOPIC_ARN KVS_WINDOW_MS KVS_SAMPLING_MS KVS_MAX_FRAMES TIMELAPSE_MAX_FRAMES MOTION_MIN_CHANGE
STATE_TABLE COOLDOWN_S STATIONARY_S ZONES MIN_BOX_AREA IDEMPOTENCY_TTL_S
AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
AWS_REGION AWS_DEFAULT_REGION AWS_ENDPOINT_URL AWS_ENDPOINT_URL_<SERVICE>
AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_MAX_ATTEMPTS SSL_CERT_FILE SSL_CERT_DIR
LOOKOUT_LOCAL_TIMEOUT_S""".split()


def run(args, env=ENV, stdin=None):
    return finish(start("bootstrap", env, args, stdin=stdin), stdin)


class EventTest(unittest.TestCase):
    def event_file(self, content):
        fd, path = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "wb") as f:
            f.write(content)
        self.addCleanup(os.unlink, path)
        return path

    def test_file_prints_the_response(self):
        code, out, stderr = run(["--event", self.event_file(TEST_EVENT)])
        self.assertEqual(code, 0, stderr)
        self.assertEqual(json.loads(out)["route"], "s3-test")
        self.assertIn("s3:TestEvent", stderr, "logs go to stderr")

    def test_stdin(self):
        code, out, stderr = run(["--event", "-"], stdin=TEST_EVENT)
        self.assertEqual(code, 0, stderr)
        self.assertEqual(json.loads(out)["route"], "s3-test")

    def test_handler_error_prints_the_lambda_error_and_exits_1(self):
        for event, etype in [(b'{"x":1}', "Function.UnsupportedEvent"),
                             (b"not json", "Function.InvalidEvent"),
                             (b'{"source":"aws.s3","detail-type":"Object Created"}',
                              "Function.InvalidEvent")]:
            code, out, stderr = run(["--event", "-"], stdin=event)
            self.assertEqual(code, 1, stderr)
            body = json.loads(out)
            self.assertEqual(body["errorType"], etype)
            self.assertEqual(body["stackTrace"], [])
            self.assertIsInstance(body["errorMessage"], str)

    def test_config_error_is_reported_like_lambda(self):
        code, out, _ = run(["--event", self.event_file(TEST_EVENT)], env=base_env())
        self.assertEqual(code, 1)
        body = json.loads(out)
        self.assertEqual(body["errorType"], "Runtime.ConfigInvalid")
        self.assertIn("ALERT_TOPIC_ARN", body["errorMessage"])

    def test_missing_file(self):
        code, out, _ = run(["--event", "/nonexistent/event.json"])
        self.assertEqual(code, 1)
        self.assertEqual(json.loads(out)["errorType"], "Function.IoError")

    def test_trace_header_from_the_environment_reaches_the_logs(self):
        env = dict(ENV, _X_AMZN_TRACE_ID="Root=1-abc", AWS_LAMBDA_LOG_FORMAT="JSON")
        code, _, stderr = run(["--event", "-"], env=env, stdin=TEST_EVENT)
        self.assertEqual(code, 0, stderr)
        lines = [json.loads(x) for x in stderr.splitlines()]
        self.assertTrue(lines)
        self.assertTrue(all(x["xray_trace_id"] == "Root=1-abc" for x in lines))


class HelpTest(unittest.TestCase):
    def test_help_lists_every_flag_and_variable(self):
        code, out, _ = run(["--help"])
        self.assertEqual(code, 0)
        text = out.decode()
        for word in ["--event", "--help"] + ENV_VARS:
            self.assertIn(word, text)

    def test_unknown_argument_is_a_usage_error(self):
        code, out, stderr = run(["--frobnicate"])
        self.assertEqual(code, 2)
        self.assertEqual(out, b"")
        self.assertIn("--event", stderr)


if __name__ == "__main__":
    unittest.main()
