"""The Runtime API loop (src/runtime) against the local Runtime API, through runtime_echo:
the loop with a handler steered by the event bytes (see tests/tools/runtime_echo.c)."""

import json
import time
import unittest

from emulator.runtime_api import H_REQUEST_ID
from support import RuntimeCase, closed_port_address, base_env, finish, start

ECHO = "runtime_echo"
TRACE = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1"
PATTERN = bytes(range(256))


def pattern(n):
    return (PATTERN * (n // 256 + 1))[:n]


class ContextTest(RuntimeCase):
    def test_headers_become_the_context_and_trace_env_follows_each_invoke(self):
        deadline = int(time.time() * 1000) + 120000
        full = self.api.queue("context", request_id="8476a536-e9f4-11e8-9739-2dfe598c3fcd",
                              deadline_ms=deadline, trace_id=TRACE,
                              function_arn="arn:aws:lambda:eu-west-1:123456789012:function:f:live",
                              client_context='{"client":{"app_title":"t"},"custom":{"k":"v"}}',
                              cognito_identity='{"cognitoIdentityId":"id","cognitoIdentityPoolId":"p"}',
                              tenant_id="tenant-7")
        bare = self.api.queue("context", trace_id=None)
        # Header names are case-insensitive.
        lower = self.api.queue("context", trace_id=None, headers={
            "lambda-runtime-aws-tenant-id": "tenant-lower", "LAMBDA-RUNTIME-TRACE-ID": "Root=x"})
        proc = self.launch(ECHO)
        self.wait_done(proc)
        code, _, stderr = self.end(proc)
        self.assertEqual(code, 1, stderr)

        got = json.loads(full.body)
        self.assertEqual(got, {
            "request_id": "8476a536-e9f4-11e8-9739-2dfe598c3fcd", "deadline_ms": deadline,
            "remaining_positive": True,
            "function_arn": "arn:aws:lambda:eu-west-1:123456789012:function:f:live",
            "trace_id": TRACE,
            "client_context": '{"client":{"app_title":"t"},"custom":{"k":"v"}}',
            "cognito_identity": '{"cognitoIdentityId":"id","cognitoIdentityPoolId":"p"}',
            "tenant_id": "tenant-7", "env_trace_id": TRACE})

        got = json.loads(bare.body)
        self.assertEqual(got["request_id"], bare.request_id)
        self.assertIsNone(got["trace_id"])
        self.assertIsNone(got["env_trace_id"], "_X_AMZN_TRACE_ID must be cleared")
        self.assertIsNone(got["client_context"])
        self.assertIsNone(got["cognito_identity"])
        self.assertIsNone(got["tenant_id"])

        got = json.loads(lower.body)
        self.assertEqual(got["tenant_id"], "tenant-lower")
        self.assertEqual(got["env_trace_id"], "Root=x")

    def test_requests_follow_the_api(self):
        self.api.queue("x")
        self.api.queue("fail:boom")
        proc = self.launch(ECHO)
        self.wait_done(proc)
        self.end(proc)
        reqs = self.api.requests
        self.assertEqual([r.method for r in reqs], ["GET", "POST", "GET", "POST", "GET"])
        self.assertEqual(self.api.bad_requests(), [])
        self.assertEqual(len({r.peer for r in reqs}), 1, "one connection, reused")
        for r in reqs:
            self.assertNotIn("Expect", r.headers)
            self.assertNotIn("Transfer-Encoding", r.headers)
            if r.method == "POST":
                self.assertEqual(int(r.headers.get("Content-Length")), len(r.body))


class ResponseTest(RuntimeCase):
    def test_binary_bodies_pass_unchanged(self):
        raw = self.api.queue(b"\x00\xff\r\n" + pattern(70000) + b"\x00")
        big = self.api.queue("big:%d" % (6 * 1024 * 1024))
        proc = self.launch(ECHO)
        self.wait_done(proc)
        self.end(proc)
        self.assertEqual(raw.outcome, "response")
        self.assertEqual(raw.body, raw.payload)
        self.assertEqual(big.outcome, "response")
        self.assertEqual(big.body, pattern(6 * 1024 * 1024))

    def test_too_large_is_logged_and_the_next_event_served(self):
        big = self.api.queue("big:%d" % (7 * 1024 * 1024))
        after = self.api.queue("after")
        proc = self.launch(ECHO)
        self.wait_done(proc)
        code, _, stderr = self.end(proc)
        self.assertEqual(big.outcome, "too-large")
        self.assertEqual(big.status, 413)
        self.assertEqual(after.body, b"after")
        self.assertIn("413", stderr)

    def test_handler_failure_is_reported_and_the_loop_goes_on(self):
        msg = 'said "hi"\\ \n\ttab \x01 \xe9t\xe9'
        failed = self.api.queue(("fail:" + msg).encode("utf-8"))
        after = self.api.queue("after")
        proc = self.launch(ECHO)
        self.wait_done(proc)
        self.end(proc)
        self.assertEqual(failed.outcome, "error")
        self.assertEqual(failed.error_type_raw, "Function.InvalidEvent")
        self.assertEqual(failed.error_type, "Function.InvalidEvent", "kept as sent")
        self.assertTrue(failed.error_body_valid)
        self.assertEqual(failed.error_body, {"errorMessage": msg,
                                             "errorType": "Function.InvalidEvent",
                                             "stackTrace": []})
        self.assertEqual(after.body, b"after")


class StatusTest(RuntimeCase):
    def run_steps(self, steps):
        """Queues each (injection, payload) only after the previous invoke is done, so an
        injection hits the invoke it is meant for."""
        proc = self.launch(ECHO)
        invs = []
        for injection, payload in steps:
            if injection:
                self.api.inject(*injection)
            invs.append(self.api.queue(payload))
            self.wait_done(proc, invs[-1:])
        return proc, invs

    def test_400_and_403_are_logged_and_the_loop_goes_on(self):
        proc, invs = self.run_steps([(("response", 400), "a"), (("error", 403), "fail:x"),
                                     (("response", 403), "b"), (None, "c")])
        code, _, stderr = self.end(proc)
        self.assertEqual([i.status for i in invs], [400, 403, 403, 202])
        self.assertEqual(invs[3].body, b"c")
        self.assertIn("InvalidRequestID", stderr)
        self.assertIn("InvalidStateTransition", stderr)

    def test_500_on_next_exits_promptly(self):
        self.api.inject("next", 500)
        proc = self.launch(ECHO)
        code, _, stderr = finish(proc)
        self.assertEqual(code, 1, stderr)
        self.assertEqual([r.path for r in self.api.requests],
                         ["/2018-06-01/runtime/invocation/next"])

    def test_500_on_a_post_exits_promptly(self):
        self.api.inject("response", 500)
        inv = self.api.queue("a")
        self.api.queue("never served")
        proc = self.launch(ECHO)
        code, _, stderr = finish(proc)
        self.assertEqual(code, 1, stderr)
        self.assertEqual(inv.status, 500)
        self.assertEqual(self.api.invocations[1].state, "queued")

    def test_missing_request_id_is_a_failed_next(self):
        lost = self.api.queue("lost", omit=[H_REQUEST_ID])
        after = self.api.queue("after")
        proc = self.launch(ECHO)
        self.wait_done(proc)
        code, _, stderr = self.end(proc)
        self.assertEqual(lost.state, "abandoned")
        self.assertEqual(after.body, b"after")
        self.assertFalse([r for r in self.api.requests if lost.request_id in r.path])
        self.assertIn("Lambda-Runtime-Aws-Request-Id", stderr)


class UnreachableTest(unittest.TestCase):
    def test_unreachable_api_retries_then_exits_non_zero(self):
        sock, address = closed_port_address()
        self.addCleanup(sock.close)
        code, _, stderr = finish(start(ECHO, base_env(AWS_LAMBDA_RUNTIME_API=address)))
        self.assertNotEqual(code, 0)
        self.assertEqual(stderr.count("retrying"), 2, stderr)
        self.assertIn("unreachable", stderr)


if __name__ == "__main__":
    unittest.main()
