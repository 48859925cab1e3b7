"""The local Runtime API itself, driven by a plain HTTP client the way the Lambda docs
describe the protocol, so the runtime tests cannot pass on a fake that shares our bugs."""

import http.client
import json
import threading
import time
import unittest

from emulator.runtime_api import (MAX_PAYLOAD, RuntimeAPI, normalise_error_type,
                                  H_REQUEST_ID, H_DEADLINE, H_ARN, H_TRACE, H_CLIENT_CONTEXT,
                                  H_COGNITO, H_TENANT)

BASE = "/2018-06-01/runtime"


class Client:
    """One keep-alive HTTP/1.1 connection, as a runtime holds."""

    def __init__(self, api):
        host, port = api.address.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=10)

    def call(self, method, path, body=None, headers=None, chunked=False):
        self.conn.request(method, BASE + path, body=body, headers=headers or {},
                          encode_chunked=chunked)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def next(self):
        return self.call("GET", "/invocation/next")

    def close(self):
        self.conn.close()


class EmulatorTest(unittest.TestCase):
    def setUp(self):
        self.api = RuntimeAPI().start()
        self.addCleanup(self.api.stop)
        self.client = Client(self.api)
        self.addCleanup(self.client.close)

    def test_next_sends_every_header_lambda_sends(self):
        inv = self.api.queue({"a": 1}, deadline_ms=1542409706888, trace_id="Root=1-x",
                             client_context='{"c":1}', cognito_identity='{"i":2}',
                             tenant_id="t1")
        status, headers, body = self.client.next()
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body), {"a": 1})
        self.assertEqual(headers[H_REQUEST_ID.lower()], inv.request_id)
        self.assertEqual(headers[H_DEADLINE.lower()], "1542409706888")
        self.assertTrue(headers[H_ARN.lower()].startswith("arn:aws:lambda:"))
        self.assertEqual(headers[H_TRACE.lower()], "Root=1-x")
        self.assertEqual(headers[H_CLIENT_CONTEXT.lower()], '{"c":1}')
        self.assertEqual(headers[H_COGNITO.lower()], '{"i":2}')
        self.assertEqual(headers[H_TENANT.lower()], "t1")
        self.assertEqual(headers["content-type"], "application/json")
        self.assertEqual(inv.state, "in-flight")

    def test_optional_headers_only_when_set_and_omissions(self):
        self.api.queue("x", trace_id=None, omit=[H_DEADLINE])
        _, headers, _ = self.client.next()
        for h in (H_TRACE, H_CLIENT_CONTEXT, H_COGNITO, H_TENANT, H_DEADLINE):
            self.assertNotIn(h.lower(), headers)
        self.assertIn(H_REQUEST_ID.lower(), headers)

    def test_deadline_runs_from_the_invoke_not_from_the_queue(self):
        first = self.api.queue("a", timeout_ms=3000)
        self.api.queue("b", timeout_ms=3000)
        _, headers, _ = self.client.next()
        time.sleep(0.4)  # the first invoke works while the second waits in the queue
        self.client.call("POST", "/invocation/%s/response" % first.request_id, b"ok")
        before = time.time() * 1000
        _, second, _ = self.client.next()
        after = time.time() * 1000
        deadline = int(second[H_DEADLINE.lower()])
        self.assertGreaterEqual(deadline, int(before) + 3000)
        self.assertLessEqual(deadline, int(after) + 3000 + 1)
        self.assertGreater(deadline - int(headers[H_DEADLINE.lower()]), 300)

    def test_response_accepted_then_second_post_forbidden(self):
        inv = self.api.queue("x")
        self.client.next()
        path = "/invocation/%s/response" % inv.request_id
        status, _, body = self.client.call("POST", path, b"\x00binary\xff")
        self.assertEqual((status, json.loads(body)), (202, {"status": "OK"}))
        self.assertEqual((inv.outcome, inv.body), ("response", b"\x00binary\xff"))
        status, _, body = self.client.call("POST", path, b"again")
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["errorType"], "InvalidStateTransition")

    def test_wrong_request_id(self):
        self.api.queue("x")
        self.client.next()
        status, _, body = self.client.call("POST", "/invocation/not-the-one/response", b"{}")
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["errorType"], "InvalidRequestID")

    def test_too_large_then_next_event(self):
        big = self.api.queue("x")
        after = self.api.queue("y")
        self.client.next()
        status, _, body = self.client.call("POST", "/invocation/%s/response" % big.request_id,
                                           b"a" * (MAX_PAYLOAD + 1))
        self.assertEqual(status, 413)
        self.assertEqual(json.loads(body)["errorType"], "RequestEntityTooLarge")
        self.assertEqual(big.error_type, "Function.ResponseSizeTooLarge")
        status, headers, _ = self.client.next()
        self.assertEqual(headers[H_REQUEST_ID.lower()], after.request_id)
        # Exactly the limit is accepted.
        status, _, _ = self.client.call("POST", "/invocation/%s/response" % after.request_id,
                                        b"a" * MAX_PAYLOAD)
        self.assertEqual(status, 202)

    def test_error_post_and_type_normalisation(self):
        cases = [("Function.InvalidEvent", "Function.InvalidEvent"),
                 ("Runtime.ConfigInvalid", "Runtime.ConfigInvalid"),
                 ("Unhandled", "Runtime.Unknown"),
                 ("Function.bad", "Function.Unknown"),
                 ("Function.Bad1", "Function.Unknown")]
        for raw, kept in cases:
            inv = self.api.queue("x")
            self.client.next()
            body = json.dumps({"errorMessage": "m", "errorType": raw, "stackTrace": []})
            status, _, _ = self.client.call(
                "POST", "/invocation/%s/error" % inv.request_id, body,
                {"Lambda-Runtime-Function-Error-Type": raw})
            self.assertEqual(status, 202)
            self.assertEqual((inv.error_type_raw, inv.error_type), (raw, kept))
            self.assertTrue(inv.error_body_valid)
            self.assertEqual(normalise_error_type(raw), kept)
        inv = self.api.queue("x")
        self.client.next()
        self.client.call("POST", "/invocation/%s/error" % inv.request_id, "not json")
        self.assertFalse(inv.error_body_valid)

    def test_init_error_then_next_forbidden(self):
        status, _, _ = self.client.call(
            "POST", "/init/error", json.dumps({"errorMessage": "m", "errorType": "Runtime.X"}),
            {"Lambda-Runtime-Function-Error-Type": "Runtime.ConfigInvalid"})
        self.assertEqual(status, 202)
        self.assertEqual(self.api.init_errors[0].error_type, "Runtime.ConfigInvalid")
        status, _, body = self.client.next()
        self.assertEqual(status, 403)
        self.assertEqual(json.loads(body)["errorType"], "InvalidStateTransition")

    def test_init_error_after_next_forbidden(self):
        inv = self.api.queue("x")
        self.client.next()
        status, _, _ = self.client.call("POST", "/init/error", "{}")
        self.assertEqual(status, 403)
        self.assertEqual(inv.state, "in-flight")

    def test_next_during_an_invoke_sends_it_again(self):
        inv = self.api.queue("x")
        self.api.queue("y")
        _, first, _ = self.client.next()
        _, again, _ = self.client.next()
        self.assertEqual(again[H_REQUEST_ID.lower()], inv.request_id)
        self.assertEqual(inv.deliveries, 2)

    def test_next_blocks_until_an_event_and_500_ends_the_loop(self):
        got = {}

        def waiter():
            got["first"] = self.client.next()
        t = threading.Thread(target=waiter)
        t.start()
        self.api.wait_for(lambda: len(self.api.requests) == 1, 5)
        self.assertNotIn("first", got)
        inv = self.api.queue("late")
        t.join(5)
        self.assertEqual(got["first"][2], b"late")
        self.client.call("POST", "/invocation/%s/response" % inv.request_id, b"{}")
        self.api.end_loop()
        status, _, body = self.client.next()
        self.assertEqual(status, 500)
        self.assertEqual(json.loads(body)["errorType"], "InternalServerError")

    def test_injected_statuses(self):
        inv = self.api.queue("x")
        self.api.inject("next", 500)
        self.assertEqual(self.client.next()[0], 500)
        self.client.next()
        self.api.inject("response", 403)
        status, _, body = self.client.call("POST", "/invocation/%s/response" % inv.request_id, "")
        self.assertEqual(status, 403)
        self.assertEqual((inv.outcome, inv.status), ("rejected", 403))

    def test_unknown_paths_and_methods(self):
        self.assertEqual(self.client.call("GET", "/invocation/nope")[0], 404)
        self.assertEqual(self.client.call("POST", "/invocation/next", "")[0], 405)
        self.assertEqual(len(self.api.bad_requests()), 2)

    def test_chunked_response_body(self):
        inv = self.api.queue("x")
        self.client.next()
        status, _, _ = self.client.call("POST", "/invocation/%s/response" % inv.request_id,
                                        iter([b"ab", b"cd"]),
                                        {"Transfer-Encoding": "chunked"}, chunked=True)
        self.assertEqual(status, 202)
        self.assertEqual(inv.body, b"abcd")


if __name__ == "__main__":
    unittest.main()
