"""The bootstrap as Lambda runs it: init errors, event routing, logging."""

import json
import re
import unittest

from support import RuntimeCase, TOPIC_ARN, base_env, finish, json_lines, start

TEST_EVENT = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2026-11-24T08:00:00Z",
              "Bucket": "payload-marker-bucket", "RequestId": "r", "HostId": "h"}
S3_EVENT = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                         "s3": {"bucket": {"name": "b"}, "object": {"key": "k.jpg"}}}]}
SNS_EVENT = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": json.dumps(S3_EVENT)}}]}
EB_EVENT = {"source": "aws.s3", "detail-type": "Object Created",
            "detail": {"bucket": {"name": "b"}, "object": {"key": "k.jpg"}}}
TRACE = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class InitTest(RuntimeCase):
    def assert_init_error(self, env, names):
        proc = self.launch("bootstrap", **env)
        code, _, stderr = finish(proc)
        self.assertEqual(code, 1, stderr)
        rec = self.api.wait_init_error(timeout=5)
        self.assertEqual(rec.error_type_raw, "Runtime.ConfigInvalid")
        self.assertTrue(rec.error_body_valid)
        self.assertEqual(rec.error_body["errorType"], "Runtime.ConfigInvalid")
        self.assertEqual(rec.error_body["stackTrace"], [])
        self.assertIn(names, rec.error_body["errorMessage"])
        self.assertEqual([r.path for r in self.api.requests], ["/2018-06-01/runtime/init/error"])

    def test_missing_topic(self):
        self.assert_init_error({}, "ALERT_TOPIC_ARN")

    def test_topic_that_is_not_an_sns_arn(self):
        self.assert_init_error({"ALERT_TOPIC_ARN": "arn:aws:sqs:us-east-1:123456789012:q"},
                               "ALERT_TOPIC_ARN")

    def test_min_confidence_out_of_range(self):
        self.assert_init_error({"ALERT_TOPIC_ARN": TOPIC_ARN, "MIN_CONFIDENCE": "101"},
                               "MIN_CONFIDENCE")


class NoApiTest(unittest.TestCase):
    def test_without_runtime_api_says_so_and_fails(self):
        code, out, stderr = finish(start("bootstrap", base_env(ALERT_TOPIC_ARN=TOPIC_ARN)))
        self.assertNotEqual(code, 0)
        self.assertEqual(out, b"")
        self.assertIn("AWS_LAMBDA_RUNTIME_API", stderr)
        self.assertIn("--event", stderr)


class RouteTest(RuntimeCase):
    def test_each_route_answers(self):
        invs = {name: self.api.queue(ev) for name, ev in [
            ("test", TEST_EVENT), ("s3", S3_EVENT), ("sns", SNS_EVENT),
            ("eventbridge-s3", EB_EVENT), ("unknown", {"hello": 1}), ("array", [1, 2])]}
        invs["invalid"] = self.api.queue(b'{"Records": [')
        proc = self.launch("bootstrap", ALERT_TOPIC_ARN=TOPIC_ARN, MIN_CONFIDENCE="75.5")
        self.wait_done(proc)
        code, _, stderr = self.end(proc)
        self.assertEqual(code, 1, stderr)

        self.assertEqual(invs["test"].outcome, "response")
        answer = json.loads(invs["test"].body)
        self.assertEqual((answer["route"], answer["frames"], answer["alerts"]), ("s3-test", 0, 0))
        # Each S3-bearing route reached its first AWS call (HeadObject of the named object),
        # which fails on the closed endpoint.
        for route in ("s3", "sns", "eventbridge-s3"):
            inv = invs[route]
            self.assertEqual(inv.error_type, "Function.NetworkError", route)
            message = inv.error_body["errorMessage"]
            self.assertIn("s3://b/k.jpg: S3 HeadObject failed", message, route)
        for name in ("unknown", "array"):
            self.assertEqual(invs[name].error_type, "Function.UnsupportedEvent")
        self.assertEqual(invs["invalid"].error_type, "Function.InvalidEvent")
        for inv in invs.values():
            if inv.outcome == "error":
                self.assertTrue(inv.error_body_valid)
                self.assertEqual(inv.error_body["errorType"], inv.error_type_raw)


class LogTest(RuntimeCase):
    def run_logged(self, **env):
        ok = self.api.queue(TEST_EVENT, trace_id=TRACE)
        bad = self.api.queue({"hello": "payload-marker-unknown"}, trace_id=None)
        proc = self.launch("bootstrap", ALERT_TOPIC_ARN=TOPIC_ARN,
                           AWS_ACCESS_KEY_ID="AKIDLOGMARKER", AWS_SECRET_ACCESS_KEY="secret-marker",
                           AWS_SESSION_TOKEN="token-marker", **env)
        self.wait_done(proc)
        code, _, stderr = self.end(proc)
        self.assertEqual(code, 1, stderr)
        for secret in ("secret-marker", "token-marker"):
            self.assertNotIn(secret, stderr)
        return ok, bad, stderr

    def test_json_lines_carry_the_invoke_context(self):
        ok, bad, stderr = self.run_logged(AWS_LAMBDA_LOG_FORMAT="JSON")
        lines = json_lines(stderr)
        for line in lines:
            self.assertRegex(line["timestamp"], RFC3339_MS)
            self.assertIn(line["level"], ("INFO", "WARN", "ERROR", "FATAL"))
            self.assertIsInstance(line["message"], str)
        info = [x for x in lines if x.get("requestId") == ok.request_id]
        self.assertTrue(info, stderr)
        self.assertTrue(all(x["xray_trace_id"] == TRACE for x in info))
        self.assertIn("INFO", {x["level"] for x in info})
        errors = [x for x in lines if x.get("requestId") == bad.request_id]
        self.assertEqual([x["level"] for x in errors], ["ERROR"])
        self.assertNotIn("xray_trace_id", errors[0])
        self.assertIn("Function.UnsupportedEvent", errors[0]["message"])
        self.assertNotIn("payload-marker", stderr, "payloads only at DEBUG")
        outside = [x for x in lines if "requestId" not in x]
        self.assertTrue(outside, "the exit line is outside any invoke")

    def test_debug_logs_the_payload(self):
        ok, _, stderr = self.run_logged(AWS_LAMBDA_LOG_FORMAT="JSON", AWS_LAMBDA_LOG_LEVEL="debug")
        lines = json_lines(stderr)
        payload = [x for x in lines if "payload-marker-bucket" in x["message"]]
        self.assertEqual(len(payload), 1, stderr)
        self.assertEqual(payload[0]["level"], "DEBUG")
        self.assertEqual(payload[0]["requestId"], ok.request_id)

    def test_level_filters_lines(self):
        _, bad, stderr = self.run_logged(AWS_LAMBDA_LOG_FORMAT="JSON", AWS_LAMBDA_LOG_LEVEL="ERROR")
        levels = {x["level"] for x in json_lines(stderr)}
        self.assertEqual(levels, {"ERROR"}, stderr)

    def test_text_lines(self):
        ok, bad, stderr = self.run_logged()
        line = next(x for x in stderr.splitlines() if ok.request_id in x)
        self.assertRegex(line, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z %s INFO \S"
                         % re.escape(ok.request_id))
        self.assertTrue(any(x.startswith(tuple("0123456789")) and " %s ERROR " % bad.request_id in x
                            for x in stderr.splitlines()))
        self.assertNotIn("payload-marker", stderr)


if __name__ == "__main__":
    unittest.main()
