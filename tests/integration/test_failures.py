"""What the function skips, hostile keys, bad events, and every AWS failure mode: retried, then
either a published alert or a reported error, never a silently lost alert."""

import http.client
import json
import unittest
import urllib.parse

import requests

from lookout_case import (BUCKET, PERSON_JPG, PERSON_KEY, IntegrationCase, image, kvs_metadata,
                          s3_event, s3_record, sample_event)


def fetch_verbatim(url):
    """GET with the path sent byte for byte as written: HTTP libraries (and browsers) remove
    '.' and '..' segments, which changes the path the URL was signed for."""
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    try:
        conn.request("GET", u.path + "?" + u.query)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def s3_encode(key):
    """A key as S3 writes it in notifications: URL-encoded, a space as '+'."""
    return urllib.parse.quote_plus(key, safe="/")


class SkipTest(IntegrationCase):
    def test_non_image_key_is_skipped_without_any_call(self):
        run = self.run_ok(s3_event(s3_record(BUCKET, "cam/notes.txt")))
        self.assertEqual(run.body["skipped"], 1)
        self.assertEqual(run.body["frames"], 0)
        self.assertEqual(self.ops(), [])

    def test_non_image_content_type_is_skipped_after_head(self):
        self.emu.put_object(BUCKET, "cam/looks-like.jpg", b"hello", None, "text/plain")
        run = self.run_ok(s3_event(s3_record(BUCKET, "cam/looks-like.jpg")))
        self.assertEqual(run.body["skipped"], 1)
        self.assertEqual(self.ops(), [("s3", "HeadObject")])
        self.assertEqual(self.emu.published(), [])

    def test_own_snapshots_are_skipped_unless_asked_for(self):
        key = "alerts/front-door/1690707290324.jpeg"
        self.put_image(key, PERSON_JPG, kvs_metadata(1690707290324))
        run = self.run_ok(s3_event(s3_record(BUCKET, key)), SNAPSHOT_BUCKET=BUCKET)
        self.assertEqual(run.body["skipped"], 1)
        self.assertEqual(self.ops(), [])
        # A direct invocation on the same object is a deliberate request.
        run = self.run_ok({"lookout": {"image": {"bucket": BUCKET, "key": key}}},
                          SNAPSHOT_BUCKET=BUCKET)
        self.assertEqual(run.body["alerts"], 1)


HOSTILE_KEYS = [
    "cam/front door 1.jpg",
    "cam/a+b.jpg",
    "cam/ünïcødé/Ж 猫.jpg",
    "cam/literal%2B.jpg",
    "cam/../x/./../y.jpg",
    "cam/#frag?q=1&r=2.jpg",
    "cam/semi;colon=eq,comma'quote\"(paren)[br]{cb}~!@$*.jpg",
    "cam/" + "long-segment-" * 70 + ".jpg",
]


class HostileKeyTest(IntegrationCase):
    def test_keys_are_decoded_and_encoded_right(self):
        for key in HOSTILE_KEYS:
            self.put_image(key, PERSON_JPG, kvs_metadata(1690707290324))
        run = self.run_ok(s3_event(*[s3_record(BUCKET, s3_encode(k)) for k in HOSTILE_KEYS]))
        self.assertEqual(run.body["alerts"], len(HOSTILE_KEYS), run)
        heads = self.emu.calls("s3", "HeadObject")
        self.assertEqual([c["params"]["Key"] for c in heads], HOSTILE_KEYS)
        self.assertEqual([c["status"] for c in heads], [200] * len(HOSTILE_KEYS))
        detects = self.emu.calls("rekognition", "DetectLabels")
        self.assertEqual([c["params"]["Image"]["S3Object"]["Name"] for c in detects],
                         HOSTILE_KEYS)
        self.assertEqual([c["status"] for c in detects], [200] * len(HOSTILE_KEYS))
        alerts = self.alerts()
        self.assertEqual([m["image"]["s3Uri"] for _, m in alerts],
                         ["s3://%s/%s" % (BUCKET, k) for k in HOSTILE_KEYS])
        body = image(PERSON_JPG)
        for key, (_, m) in zip(HOSTILE_KEYS, alerts):
            if "/." in key:
                status, content = fetch_verbatim(m["image"]["url"])
            else:
                got = requests.get(m["image"]["url"], timeout=10)
                status, content = got.status_code, got.content
            self.assertEqual(status, 200, (m["image"]["url"], content[:300]))
            self.assertEqual(content, body)

    def test_eventbridge_keys_are_not_decoded(self):
        key = "cam/a+b %2B.jpg"
        self.put_image(key, PERSON_JPG, kvs_metadata(1690707290324))
        event = sample_event("eventbridge-s3-object-created.json")
        event["detail"]["bucket"]["name"] = BUCKET
        event["detail"]["object"]["key"] = key
        self.run_ok(event)
        self.assertEqual(self.emu.calls("s3", "HeadObject")[0]["params"]["Key"], key)
        self.assertEqual(len(self.emu.published()), 1)


class BadEventTest(IntegrationCase):
    def test_invalid_json(self):
        run = self.run_failed(b'{"Records": [')
        self.assertIn("JSON", run.body["errorMessage"])
        self.assertEqual(self.ops(), [])

    def test_unknown_shape(self):
        run = self.run_failed({"hello": "world"})
        self.assertIn("unsupported", run.body["errorMessage"])
        self.assertEqual(self.ops(), [])

    def test_nul_inside_a_key_is_refused(self):
        self.put_image("cam/a.jpg", PERSON_JPG, kvs_metadata(1690707290324))
        bridge = sample_event("eventbridge-s3-object-created.json")
        bridge["detail"]["bucket"]["name"] = BUCKET
        bridge["detail"]["object"]["key"] = "cam/a.jpg\0.png"
        for event in (s3_event(s3_record(BUCKET, "cam/a.jpg\0.png")), bridge):
            text = json.dumps(event)
            self.assertIn("\\u0000", text)
            run = self.run_failed(text, "Function.InvalidEvent")
            self.assertIn("NUL", run.body["errorMessage"])
        self.assertEqual(self.ops(), [])
        # An escaped backslash followed by "u0000" is text, not a NUL.
        run = self.run_event(json.dumps(s3_event(s3_record(BUCKET, "cam/a\\u0000.jpg"))))
        self.assertNotIn("NUL", run.stdout)

    def test_event_version_3(self):
        self.put_image(PERSON_KEY, PERSON_JPG)
        self.run_failed(s3_event(s3_record(BUCKET, PERSON_KEY, version="3.0")))
        self.assertEqual(self.ops(), [])

    def test_one_bad_record_of_three(self):
        good = ["cam/one.jpg", "cam/three.jpg"]
        for key in good:
            self.put_image(key, PERSON_JPG, kvs_metadata(1690707290324))
        event = s3_event(s3_record(BUCKET, good[0]), s3_record(BUCKET, "cam/bad%zzkey.jpg"),
                         s3_record(BUCKET, good[1]))
        run = self.run_failed(event)
        message = run.body["errorMessage"]
        self.assertIn("1 of 3", message)
        self.assertIn("Records[1]", message)
        self.assertNotIn("Records[0]", message)
        self.assertNotIn("Records[2]", message)
        self.assertEqual([c["params"]["Key"] for c in self.emu.calls("s3", "HeadObject")], good)
        self.assertEqual([m["image"]["s3Uri"] for _, m in self.alerts()],
                         ["s3://%s/%s" % (BUCKET, k) for k in good])


class AwsFailureTest(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.put_image(PERSON_KEY, PERSON_JPG, kvs_metadata(1690707290324))
        self.event = sample_event("s3-put.json")

    def statuses(self, service, operation):
        return [c["status"] for c in self.emu.calls(service, operation)]

    def test_throttle_then_success_publishes_once(self):
        self.emu.fault("rekognition", "DetectLabels", code="ThrottlingException", times=1)
        run = self.run_ok(self.event, AWS_MAX_ATTEMPTS=3)
        self.assertEqual(run.body["alerts"], 1)
        calls = self.emu.calls("rekognition", "DetectLabels")
        self.assertEqual([c["error"] for c in calls], ["ThrottlingException", None])
        self.assertEqual(calls[1]["status"], 200)
        self.assertEqual(len(self.emu.calls("sns", "Publish")), 1)
        self.assertEqual(len(self.alerts()), 1)

    def test_publish_500_until_attempts_run_out_fails_the_invocation(self):
        self.emu.fault("sns", "Publish", code="InternalError", status=500, times=None)
        run = self.run_failed(self.event, AWS_MAX_ATTEMPTS=2)
        self.assertIn("Publish", run.body["errorMessage"])
        self.assertEqual(self.statuses("sns", "Publish"), [500, 500])
        self.assertEqual(self.emu.published(), [])

    def test_access_denied_on_head_is_not_retried(self):
        self.emu.fault("s3", "HeadObject", code="AccessDenied", status=403, times=None)
        run = self.run_failed(self.event, AWS_MAX_ATTEMPTS=3)
        self.assertIn("AccessDenied", run.body["errorMessage"] + run.body["errorType"])
        self.assertEqual(self.ops(), [("s3", "HeadObject")])

    def test_missing_object_fails_without_retry(self):
        event = s3_event(s3_record(BUCKET, "cam/gone.jpg"))
        run = self.run_failed(event, AWS_MAX_ATTEMPTS=3)
        self.assertIn("cam/gone.jpg", run.body["errorMessage"])
        self.assertEqual(self.ops(), [("s3", "HeadObject")])
        self.assertEqual(self.statuses("s3", "HeadObject"), [404])

    def test_long_reason_is_shortened_not_dropped(self):
        key = "cam/" + "k" * 700 + ".jpg"
        run = self.run_failed(s3_event(s3_record(BUCKET, key)), "Function.AwsNotFound",
                              AWS_MAX_ATTEMPTS=1)
        message = run.body["errorMessage"]
        self.assertTrue(message.startswith("1 of 1 units failed: Records[0]"), message)
        self.assertIn("Function.AwsNotFound", message)
        self.assertIn("...", message)
        self.assertRegex(message, r"(NotFound|404)")
        self.assertLessEqual(len(message.encode()), 511)

    def test_connection_reset_is_retried(self):
        self.emu.fault("sns", "Publish", reset=True, times=1)
        run = self.run_ok(self.event, AWS_MAX_ATTEMPTS=3)
        self.assertEqual(run.body["alerts"], 1)
        self.assertEqual(self.statuses("sns", "Publish"), ["reset", 200])
        self.assertEqual(len(self.alerts()), 1)

    def test_garbage_from_rekognition_fails_the_invocation(self):
        self.emu.fault("rekognition", "DetectLabels", body=b"<html>garbage</html>", times=None)
        run = self.run_failed(self.event, AWS_MAX_ATTEMPTS=2)
        self.assertIn("DetectLabels", run.body["errorMessage"])
        self.assertEqual(self.emu.calls("sns", "Publish"), [])

    def test_truncated_rekognition_answer_fails_or_is_retried(self):
        self.emu.fault("rekognition", "DetectLabels", truncate=True, times=None)
        run = self.run_failed(self.event, AWS_MAX_ATTEMPTS=2)
        self.assertIn("DetectLabels", run.body["errorMessage"])
        self.assertEqual(self.emu.calls("sns", "Publish"), [])

    def test_delay_past_the_deadline_fails_the_invocation(self):
        self.emu.fault("rekognition", "DetectLabels", delay_s=4, times=None)
        run = self.run_failed(self.event, LOOKOUT_LOCAL_TIMEOUT_S=1, AWS_MAX_ATTEMPTS=3)
        self.assertEqual(len(self.emu.calls("rekognition", "DetectLabels")), 0)  # never answered
        self.assertEqual(self.emu.published(), [])
        self.assertTrue(run.body["errorMessage"])

    def test_rekognition_rejects_the_image(self):
        key = "cam/broken.jpg"
        self.put_image(key, "skimage-truncated.jpg", kvs_metadata(1690707290324))
        run = self.run_failed(s3_event(s3_record(BUCKET, key)), AWS_MAX_ATTEMPTS=3)
        self.assertIn("InvalidImageFormat", run.body["errorMessage"])
        self.assertEqual(len(self.emu.calls("rekognition", "DetectLabels")), 1)


if __name__ == "__main__":
    unittest.main()
