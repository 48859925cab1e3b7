"""The bootstrap under the local Runtime API: several events in one process, a failed invoke
followed by good ones, and the KVS data endpoint cached across invokes and resolved again after
a failure."""

import json
import unittest

from lookout_case import (BUCKET, CAT_JPG, FRAGMENT, PERSON_JPG, PERSON_KEY, IntegrationCase,
                          KVS_PERSON_MS, STREAM_ARN, kvs_metadata, kvs_notification, s3_event,
                          s3_record, sample_event)


class LoopTest(IntegrationCase):
    def test_several_routes_in_one_process(self):
        self.put_image(PERSON_KEY, PERSON_JPG, kvs_metadata(KVS_PERSON_MS))
        events = [sample_event("s3-put.json"), sample_event("sns-kvs-fragment.json"),
                  sample_event("manual-image.json"), sample_event("s3-test-event.json"),
                  sample_event("s3-put.json")]
        invs, code, stderr = self.run_loop(events)
        self.assertEqual(code, 1, stderr[-2000:])  # the 500 that ends the loop
        self.assertEqual([i.outcome for i in invs], ["response"] * 5, stderr[-3000:])
        bodies = [json.loads(i.body) for i in invs]
        self.assertEqual([b["route"] for b in bodies], ["s3", "sns", "manual", "s3-test", "s3"])
        self.assertEqual([b["alerts"] for b in bodies], [1, 1, 1, 0, 1])
        alerts = self.alerts()
        self.assertEqual([m["trigger"] for _, m in alerts],
                         ["s3", "kvs-notification", "manual", "s3"])
        self.assertEqual(alerts[0][1]["alertId"], alerts[3][1]["alertId"])
        self.assertEqual(len(self.emu.calls("sns", "Publish")), 4)
        self.assertTrue(all(c["signature_ok"] for c in self.emu.calls()))

    def test_failed_invoke_then_good_ones(self):
        self.put_image(PERSON_KEY, PERSON_JPG, kvs_metadata(KVS_PERSON_MS))
        self.emu.fault("sns", "Publish", code="InternalError", status=500, times=2)
        good = sample_event("s3-put.json")
        invs, code, stderr = self.run_loop([good, good], AWS_MAX_ATTEMPTS=2)
        self.assertEqual(code, 1, stderr[-2000:])  # the 500 that ends the loop
        self.assertEqual(invs[0].outcome, "error")
        self.assertTrue(invs[0].error_body_valid)
        self.assertIn("Publish", invs[0].error_body["errorMessage"])
        self.assertEqual(invs[1].outcome, "response")
        self.assertEqual(json.loads(invs[1].body)["alerts"], 1)
        self.assertEqual([c["status"] for c in self.emu.calls("sns", "Publish")],
                         [500, 500, 200])
        self.assertEqual(len(self.alerts()), 1)

    def test_bad_event_then_good_one(self):
        self.put_image("cam/cat.jpg", CAT_JPG, kvs_metadata(KVS_PERSON_MS))
        invs, code, stderr = self.run_loop(
            [b"not json", {"hello": 1}, s3_event(s3_record(BUCKET, "cam/cat.jpg"))],
            ALERT_LABELS="Cat")
        self.assertEqual(code, 1, stderr[-2000:])  # the 500 that ends the loop
        self.assertEqual([i.outcome for i in invs], ["error", "error", "response"])
        self.assertTrue(all(i.error_body_valid for i in invs[:2]))
        self.assertEqual(len(self.alerts()), 1)

    def test_data_endpoint_cached_and_resolved_again_after_a_failure(self):
        self.emu.fault("kinesis-video-archived-media", "GetImages",
                       code="ClientLimitExceededException", status=400, times=1)
        event = kvs_notification(KVS_PERSON_MS)
        invs, code, stderr = self.run_loop(
            [event, event, event], AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None,
            AWS_MAX_ATTEMPTS=1)
        self.assertEqual(code, 1, stderr[-2000:])  # the 500 that ends the loop
        self.assertEqual([i.outcome for i in invs], ["error", "response", "response"])
        self.assertIn(FRAGMENT, invs[0].error_body["errorMessage"])
        # Resolved for the first invoke, dropped after its failure, resolved again for the
        # second and kept for the third.
        self.assertEqual(self.ops("kinesisvideo"), [("kinesisvideo", "GetDataEndpoint")] * 2)
        self.assertEqual(
            [c["params"]["StreamARN"] for c in self.emu.calls("kinesisvideo")], [STREAM_ARN] * 2)
        self.assertEqual(len(self.emu.calls("kinesis-video-archived-media", "GetImages")), 3)
        self.assertEqual(len(self.alerts()), 2)

    def test_global_endpoint_does_not_replace_the_data_endpoint(self):
        # With only AWS_ENDPOINT_URL (here the control plane's), GetImages goes where
        # GetDataEndpoint says, as in every AWS SDK: only the archived-media variable of its
        # own replaces that answer.
        control = self.emu.endpoints["kinesisvideo"]
        invs, code, stderr = self.run_loop(
            [kvs_notification(KVS_PERSON_MS)], AWS_ENDPOINT_URL=control,
            AWS_ENDPOINT_URL_KINESIS_VIDEO=None, AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None)
        self.assertEqual([i.outcome for i in invs], ["response"], stderr[-2000:])
        self.assertEqual(self.ops("kinesisvideo"), [("kinesisvideo", "GetDataEndpoint")])
        self.assertEqual(len(self.emu.calls("kinesis-video-archived-media", "GetImages")), 1)
        self.assertEqual(len(self.alerts()), 1)


if __name__ == "__main__":
    unittest.main()
