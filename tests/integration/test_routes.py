"""Every route of the function, end to end against the AWS emulators: the calls it makes and
each field of the alert it publishes."""

import copy
import datetime
import time
import unittest

import requests

from lookout_case import (BUCKET, CAT_JPG, CAT_PNG, FRAGMENT, IntegrationCase, KVS_CAT_MS,
                          KVS_PERSON_MS, KVS_ROSE_MS, KVS_SERVER_OFFSET_MS, PERSON_JPG, PERSON_KEY,
                          ROSE_JPG, STREAM, STREAM_ARN, alert_id, image, in_sns, kvs_metadata,
                          kvs_notification, s3_event, s3_record, sample_event)

PERSON_LABELS = ["Person", "Adult", "Woman", "Female", "Face", "Head"]
PERSON_SUMMARY_HEAD = ("Person (99.4%), Adult (97.8%), Woman (96.1%), Female (96.1%), "
                       "Face (95.2%) and 1 more detected on front-door at ")
PERSON_LABELS_JSON = [
    {"name": "Person", "confidence": 99.43,
     "instances": [{"confidence": 99.43,
                    "box": {"left": 0.21, "top": 0.03, "width": 0.62, "height": 0.97}}]},
    {"name": "Adult", "confidence": 97.8,
     "instances": [{"confidence": 97.8,
                    "box": {"left": 0.21, "top": 0.03, "width": 0.62, "height": 0.97}}]},
    {"name": "Woman", "confidence": 96.1,
     "instances": [{"confidence": 96.1,
                    "box": {"left": 0.21, "top": 0.03, "width": 0.62, "height": 0.97}}]},
    {"name": "Female", "confidence": 96.1, "instances": []},
    {"name": "Face", "confidence": 95.2, "instances": []},
    {"name": "Head", "confidence": 95.2, "instances": []},
]
PERSON_FRAGMENT = "913438523331820365074212339213291427422"


def rfc3339_ms(ms):
    t = datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def parse_rfc3339(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


class S3RouteTest(IntegrationCase):
    def put_person(self):
        self.put_image(PERSON_KEY, PERSON_JPG,
                       kvs_metadata(KVS_PERSON_MS, 1690707291209, PERSON_FRAGMENT, camera="porch",
                                    site="home"))

    def test_s3_put_alert_field_by_field(self):
        self.put_person()
        before = time.time()
        run = self.run_ok(sample_event("s3-put.json"))
        after = time.time()
        self.assertCounts(run.body, {"route": "s3", "units": 1, "frames": 1, "skipped": 0,
                                    "labels": 8, "matched": 1, "alerts": 1})
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels"),
                                      ("sns", "Publish")])
        head = self.emu.calls("s3", "HeadObject")[0]
        self.assertEqual(head["params"]["Key"], PERSON_KEY)
        self.assertEqual(head["status"], 200)
        detect = self.emu.calls("rekognition", "DetectLabels")[0]
        self.assertEqual(detect["params"]["Image"],
                         {"S3Object": {"Bucket": BUCKET, "Name": PERSON_KEY}})
        self.assertEqual(detect["params"]["MinConfidence"], 80)
        self.assertEqual(detect["params"]["MaxLabels"], 50)
        self.assertTrue(all(c["signature_ok"] for c in self.emu.calls()))

        pub, msg = self.one_alert()
        self.assertEqual(pub["Subject"], "Person detected on front-door")
        attrs = self.attrs(pub)
        self.assertEqual(set(attrs), {"stream", "labels", "maxConfidence", "trigger"})
        self.assertEqual(attrs["stream"], ("String", "front-door"))
        self.assertEqual(attrs["trigger"], ("String", "s3"))
        self.assertEqual(attrs["labels"][0], "String.Array")
        self.assertEqual(__import__("json").loads(attrs["labels"][1]), PERSON_LABELS)
        self.assertEqual(attrs["maxConfidence"][0], "Number")
        self.assertEqual(float(attrs["maxConfidence"][1]), 99.43)

        self.assertEqual(msg["version"], 1)
        self.assertEqual(msg["alertId"], alert_id(
            STREAM, "kvs:%s:%d" % (PERSON_FRAGMENT, KVS_PERSON_MS), PERSON_LABELS))
        self.assertEqual(msg["summary"], PERSON_SUMMARY_HEAD + "2023-07-30T08:54:50.324Z.")
        self.assertEqual(msg["stream"], {"name": "front-door", "arn": None})
        self.assertEqual(msg["trigger"], "s3")
        self.assertEqual(msg["time"], "2023-07-30T08:54:50.324Z")
        self.assertEqual(msg["fragmentNumber"], PERSON_FRAGMENT)
        self.assertEqual(msg["producerTimestampMs"], KVS_PERSON_MS)
        self.assertEqual(msg["serverTimestampMs"], 1690707291209)
        self.assertEqual(msg["labels"], PERSON_LABELS_JSON)
        self.assertEqual(msg["tags"], {"camera": "porch", "site": "home"})
        self.assertNotIn("omitted", msg)
        img = msg["image"]
        self.assertEqual(img["s3Uri"], "s3://%s/%s" % (BUCKET, PERSON_KEY))
        self.assertIn("X-Amz-Expires=3600", img["url"])
        got = requests.get(img["url"], timeout=10)
        self.assertEqual(got.status_code, 200, got.text[:500])
        self.assertEqual(got.content, image(PERSON_JPG))
        expires = parse_rfc3339(img["urlExpiresAt"])
        self.assertGreaterEqual(expires, int(before) + 3600)
        self.assertLessEqual(expires, after + 3600 + 1)

    def test_presign_ttl_from_configuration(self):
        self.put_person()
        self.run_ok(sample_event("s3-put.json"), PRESIGN_TTL_S=120)
        _, msg = self.one_alert()
        self.assertIn("X-Amz-Expires=120&", msg["image"]["url"])
        self.assertEqual(requests.get(msg["image"]["url"], timeout=10).content, image(PERSON_JPG))

    def test_alert_id_stable_across_reruns_and_different_for_another_frame(self):
        self.put_person()
        other = PERSON_KEY.replace("1690707290324", "1690707295324")
        self.put_image(other, PERSON_JPG, kvs_metadata(1690707295324, None, PERSON_FRAGMENT))
        self.run_ok(sample_event("s3-put.json"))
        self.run_ok(sample_event("s3-put.json"))
        self.run_ok(s3_event(s3_record(BUCKET, other)))
        ids = [m["alertId"] for _, m in self.alerts()]
        self.assertEqual(len(ids), 3)
        self.assertEqual(ids[0], ids[1])
        self.assertNotEqual(ids[0], ids[2])
        self.assertEqual(ids[2], alert_id(STREAM, "kvs:%s:1690707295324" % PERSON_FRAGMENT,
                                          PERSON_LABELS))

    def test_s3_in_sns_with_parent_matching(self):
        key = ("porch cam_123456789012_front-door_1690707299324_"
               "5d8c1a2b-7e3f-4a6b-9c0d-1e2f3a4b5c6d.jpg")
        self.put_image(key, CAT_JPG)  # no KVS metadata: identity from the key
        run = self.run_ok(sample_event("sns-s3-put.json"), ALERT_LABELS="Animal")
        self.assertEqual(run.body["route"], "sns")
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels"),
                                      ("sns", "Publish")])
        self.assertEqual(self.emu.calls("s3", "HeadObject")[0]["params"]["Key"], key)
        pub, msg = self.one_alert()
        names = [l["name"] for l in msg["labels"]]
        self.assertEqual(names, ["Cat", "Animal", "Mammal", "Pet"])
        self.assertEqual(pub["Subject"], "Cat detected on front-door")
        self.assertEqual(msg["stream"]["name"], "front-door")
        self.assertEqual(msg["time"], rfc3339_ms(1690707299324))
        self.assertIsNone(msg["fragmentNumber"])
        self.assertEqual(msg["tags"], {})
        uri = "s3://%s/%s" % (BUCKET, key)
        self.assertEqual(msg["image"]["s3Uri"], uri)
        self.assertEqual(msg["alertId"], alert_id(STREAM, "s3:" + uri, names))
        self.assertEqual(requests.get(msg["image"]["url"], timeout=10).content, image(CAT_JPG))

    def test_per_label_thresholds(self):
        key = "123456789012_front-door_1690707293324_3c1d7e52-8a4b-4f0e-9d61-0b5f2a7c9e13.png"
        self.put_image(key, CAT_PNG, content_type="image/png")
        # Cat 98.9 passes 95; Animal, Mammal, Pet (98.9) miss Animal's 99.5; Kitten (71.4)
        # has Cat and Animal as parents but misses both thresholds.
        self.run_ok(sample_event("s3-put-png.json"), ALERT_LABELS="Cat:95, Animal:99.5",
                    MAX_LABELS=20)
        detect = self.emu.calls("rekognition", "DetectLabels")[0]["params"]
        self.assertEqual(detect["MinConfidence"], 95)
        self.assertEqual(detect["MaxLabels"], 20)
        pub, msg = self.one_alert()
        self.assertEqual([l["name"] for l in msg["labels"]], ["Cat"])
        self.assertEqual(self.attrs(pub)["labels"], ("String.Array", '["Cat"]'))

    def test_threshold_above_the_label_publishes_nothing(self):
        key = "123456789012_front-door_1690707293324_3c1d7e52-8a4b-4f0e-9d61-0b5f2a7c9e13.png"
        self.put_image(key, CAT_PNG, content_type="image/png")
        run = self.run_ok(sample_event("s3-put-png.json"), ALERT_LABELS="cat:99")
        self.assertEqual(run.body["alerts"], 0)
        self.assertEqual(self.emu.published(), [])

    def test_no_match_publishes_nothing_and_succeeds(self):
        key = "123456789012_front-door_1690707293324_3c1d7e52-8a4b-4f0e-9d61-0b5f2a7c9e13.png"
        self.put_image(key, CAT_PNG, content_type="image/png")
        run = self.run_ok(sample_event("s3-put-png.json"))
        self.assertCounts(run.body, {"route": "s3", "units": 1, "frames": 1, "skipped": 0,
                                    "labels": 4, "matched": 0, "alerts": 0})
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels")])
        self.assertEqual(self.emu.published(), [])

    def test_eventbridge(self):
        key = "123456789012_front-door_1690707302324_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d.jpg"
        self.put_image(key, ROSE_JPG, kvs_metadata(1690707302324))
        run = self.run_ok(sample_event("eventbridge-s3-object-created.json"),
                          ALERT_LABELS="Flower")
        self.assertEqual(run.body["alerts"], 1)
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels"),
                                      ("sns", "Publish")])
        pub, msg = self.one_alert()
        self.assertEqual([l["name"] for l in msg["labels"]], ["Rose", "Flower", "Petal", "Blossom"])
        self.assertEqual(msg["trigger"], "s3")
        self.assertEqual(self.attrs(pub)["labels"],
                         ("String.Array", '["Rose","Flower","Petal","Blossom"]'))

    def test_encoded_key_sample(self):
        key = ("porch cam_123456789012_front-door_1690707296324_"
               "9b2e4f61-5c3a-4d8e-a7f0-6e1b2c3d4e5f.jpg")
        self.put_image(key, "skimage-rocket.jpg")
        self.run_ok(sample_event("s3-put-encoded-key.json"), ALERT_LABELS="vehicle")
        self.assertEqual(self.emu.calls("s3", "HeadObject")[0]["params"]["Key"], key)
        _, msg = self.one_alert()
        self.assertEqual([l["name"] for l in msg["labels"]], ["Rocket", "Vehicle", "Launch"])

    def test_s3_test_event_direct_and_in_sns(self):
        direct = sample_event("s3-test-event.json")
        for event in (direct, in_sns(direct)):
            run = self.run_ok(event)
            self.assertIn(run.body["route"], ("s3-test", "sns"))
            self.assertEqual(run.body["alerts"], 0)
            self.assertEqual(run.body["frames"], 0)
        self.assertEqual(self.ops(), [])

    def test_manual_image(self):
        self.put_person()
        run = self.run_ok(sample_event("manual-image.json"))
        self.assertEqual(run.body["route"], "manual")
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels"),
                                      ("sns", "Publish")])
        pub, msg = self.one_alert()
        self.assertEqual(msg["trigger"], "manual")
        self.assertEqual(self.attrs(pub)["trigger"], ("String", "manual"))
        # The same frame as the S3 route: the same id, whatever started the work.
        self.assertEqual(msg["alertId"], alert_id(
            STREAM, "kvs:%s:%d" % (PERSON_FRAGMENT, KVS_PERSON_MS), PERSON_LABELS))


class KvsRouteTest(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.emu.create_bucket("snapshots")

    def test_fragment_notification_with_snapshot(self):
        event = sample_event("sns-kvs-fragment.json")
        before = time.time()
        run = self.run_ok(event, SNAPSHOT_BUCKET="snapshots",
                          AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None)
        # The default window reads 3 s past the fragment's start: the person, a frame with
        # nothing wanted in it, then a second with no media.
        self.assertCounts(run.body, {"route": "sns", "units": 1, "frames": 2, "skipped": 1,
                                    "labels": 13, "matched": 1, "alerts": 1})
        self.assertEqual(self.ops(), [
            ("kinesisvideo", "GetDataEndpoint"), ("kinesis-video-archived-media", "GetImages"),
            ("rekognition", "DetectLabels"), ("s3", "PutObject"), ("s3", "PutObject"),
            ("sns", "Publish"), ("rekognition", "DetectLabels")])
        endpoint = self.emu.calls("kinesisvideo", "GetDataEndpoint")[0]["params"]
        self.assertEqual(endpoint, {"StreamARN": STREAM_ARN, "APIName": "GET_IMAGES"})
        gi = self.emu.calls("kinesis-video-archived-media", "GetImages")[0]["params"]
        self.assertEqual(gi["StreamARN"], STREAM_ARN)
        self.assertEqual(gi["ImageSelectorType"], "PRODUCER_TIMESTAMP")
        self.assertAlmostEqual(gi["StartTimestamp"], KVS_PERSON_MS / 1000)
        self.assertAlmostEqual(gi["EndTimestamp"], (KVS_PERSON_MS + 3000) / 1000)
        self.assertEqual(gi["SamplingInterval"], 1000)
        detect = self.emu.calls("rekognition", "DetectLabels")[0]["params"]
        self.assertEqual(set(detect["Image"]), {"Bytes"})
        self.assertEqual(detect["Image"]["Bytes"][:2], b"\xff\xd8")

        snap_key = "alerts/front-door/%d.jpeg" % KVS_PERSON_MS
        put = self.emu.calls("s3", "PutObject")[0]["params"]
        self.assertEqual((put["Bucket"], put["Key"]), ("snapshots", snap_key))
        body, meta, ctype = self.emu.get_object("snapshots", snap_key)
        self.assertEqual(ctype, "image/jpeg")
        self.assertEqual(body[:2], b"\xff\xd8")
        self.assertEqual(meta.get("aws_kinesisvideo_producer_timestamp"), str(KVS_PERSON_MS))
        self.assertEqual(meta.get("aws_kinesisvideo_fragment_number"), FRAGMENT)

        pub, msg = self.one_alert()
        self.assertEqual(pub["Subject"], "Person detected on front-door")
        self.assertEqual(self.attrs(pub)["trigger"], ("String", "kvs-notification"))
        self.assertEqual(msg["trigger"], "kvs-notification")
        self.assertEqual(msg["stream"], {"name": STREAM, "arn": STREAM_ARN})
        self.assertEqual(msg["time"], rfc3339_ms(KVS_PERSON_MS))
        self.assertEqual(msg["fragmentNumber"], FRAGMENT)
        self.assertEqual(msg["producerTimestampMs"], KVS_PERSON_MS)
        self.assertEqual(msg["serverTimestampMs"], 1690707291209)
        # The notification says CAMERA; S3 would say camera: one name either way.
        self.assertEqual(msg["tags"], {"camera": "porch"})
        self.assertEqual(msg["labels"], PERSON_LABELS_JSON)
        self.assertEqual(msg["alertId"], alert_id(STREAM, "kvs:%s:%d" % (FRAGMENT, KVS_PERSON_MS),
                                                  PERSON_LABELS))
        self.assertEqual(msg["image"]["s3Uri"], "s3://snapshots/" + snap_key)
        got = requests.get(msg["image"]["url"], timeout=10)
        self.assertEqual(got.status_code, 200)
        self.assertEqual(got.content, body)
        self.assertGreaterEqual(parse_rfc3339(msg["image"]["urlExpiresAt"]), int(before) + 3600)
        annotated = self.emu.calls("s3", "PutObject")[1]["params"]["Key"]
        self.assertEqual(msg["snapshot"]["s3Uri"], "s3://snapshots/" + annotated)
        self.assertRegex(annotated, r"^alerts/front-door/%d-[0-9a-f]{16}\.annotated\.jpeg$"
                         % KVS_PERSON_MS)

    def test_window_skips_no_media_gaps(self):
        run = self.run_ok(kvs_notification(KVS_PERSON_MS, as_strings=True),
                          KVS_WINDOW_MS=5000, KVS_MAX_FRAMES=5, ALERT_LABELS="Person,Rose,Cat")
        # Points 290324 (person), 291324 (rose), 292324 and 293324 (NO_MEDIA), 294324 (cat).
        self.assertEqual(len(self.emu.calls("rekognition", "DetectLabels")), 3)
        self.assertEqual(run.body["frames"], 3)
        self.assertEqual(run.body["skipped"], 2)
        self.assertEqual(run.body["alerts"], 3)
        got = self.alerts()
        self.assertEqual([m["time"] for _, m in got],
                         [rfc3339_ms(t) for t in (KVS_PERSON_MS, KVS_ROSE_MS, KVS_CAT_MS)])
        self.assertEqual([m["labels"][0]["name"] for _, m in got], ["Person", "Rose", "Cat"])
        for _, m in got:
            self.assertIsNone(m["image"])  # no SNAPSHOT_BUCKET
            self.assertEqual(m["fragmentNumber"], FRAGMENT)
        self.assertEqual(len({m["alertId"] for _, m in got}), 3)

    def test_max_frames_bounds_rekognition_calls(self):
        run = self.run_ok(kvs_notification(KVS_PERSON_MS), KVS_WINDOW_MS=5000, KVS_MAX_FRAMES=1,
                          ALERT_LABELS="Person,Rose,Cat")
        self.assertEqual(len(self.emu.calls("rekognition", "DetectLabels")), 1)
        self.assertEqual(run.body["alerts"], 1)

    def test_manual_stream_range(self):
        event = {"lookout": {"stream": STREAM, "start": "2023-07-30T08:54:50.324Z",
                             "end": KVS_PERSON_MS + 5000}}
        run = self.run_ok(event, ALERT_LABELS="Cat", SNAPSHOT_BUCKET="snapshots",
                          SNAPSHOT_PREFIX="snaps/")
        self.assertEqual(run.body["route"], "manual")
        self.assertEqual(run.body["frames"], 3)
        self.assertEqual(run.body["alerts"], 1)
        pub, msg = self.one_alert()
        self.assertEqual(msg["trigger"], "manual")
        self.assertEqual(msg["time"], rfc3339_ms(KVS_CAT_MS))
        self.assertEqual(msg["stream"]["name"], STREAM)
        self.assertEqual(msg["image"]["s3Uri"], "s3://snapshots/snaps/front-door/%d.jpeg"
                         % KVS_CAT_MS)
        self.assertEqual(requests.get(msg["image"]["url"], timeout=10).content,
                         image(CAT_JPG))
        self.assertEqual(msg["alertId"], alert_id(STREAM, "s3:" + msg["image"]["s3Uri"],
                                                  [l["name"] for l in msg["labels"]]))


class CustomResourceTest(IntegrationCase):
    def request(self, name, **changes):
        event = sample_event(name)
        event["ResponseURL"] = self.emu.cfn_response_url()
        event.update(changes)
        return event

    def response(self):
        got = self.emu.cfn_responses()
        self.assertEqual(len(got), 1, got)
        return got[0]

    def test_create(self):
        event = self.request("cfn-create.json")
        run = self.run_ok(event)
        answer = self.response()
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        for k in ("StackId", "RequestId", "LogicalResourceId"):
            self.assertEqual(answer[k], event[k])
        self.assertTrue(answer["PhysicalResourceId"])
        self.assertEqual(run.body["Status"], "SUCCESS")
        self.assertEqual([op for _, op in self.ops("kinesisvideo")],
                         ["UpdateImageGenerationConfiguration",
                          "UpdateNotificationConfiguration"])
        gen, note = self.emu.stream_config(STREAM)
        self.assertIsNotNone(gen)
        self.assertIsNotNone(note)
        props = event["ResourceProperties"]
        self.assertEqual(gen["DestinationConfig"]["Uri"], props["DestinationUri"])
        self.assertEqual(gen["SamplingInterval"], int(props["SamplingIntervalMs"]))
        self.assertEqual(gen["Format"], props["Format"])
        self.assertEqual(note["DestinationConfig"]["Uri"], props["NotificationTopicArn"])

    def test_update_to_another_stream_leaves_the_old_one_unconfigured(self):
        self.emu.create_stream("back-door")
        self.run_ok(self.request("cfn-create.json"))
        event = self.request("cfn-update.json")
        event["ResourceProperties"]["StreamName"] = "back-door"
        self.run_ok(event)
        answers = {a["RequestId"]: a for a in self.emu.cfn_responses()}
        self.assertEqual(answers[event["RequestId"]]["Status"], "SUCCESS")
        self.assertEqual(self.emu.stream_config(STREAM), (None, None))
        gen, note = self.emu.stream_config("back-door")
        self.assertEqual(gen["SamplingInterval"], 1000)
        self.assertEqual(gen["FormatConfig"].get("JPEGQuality"), "80")
        self.assertIsNotNone(note)

    def test_delete(self):
        self.run_ok(self.request("cfn-create.json"))
        self.run_ok(self.request("cfn-delete.json"))
        self.assertEqual(self.emu.stream_config(STREAM), (None, None))
        self.assertTrue(all(a["Status"] == "SUCCESS" for a in self.emu.cfn_responses()))

    def test_aws_failure_is_reported_to_cloudformation(self):
        self.emu.fault("kinesisvideo", "UpdateImageGenerationConfiguration",
                       code="AccessDeniedException", status=403, message="not allowed here",
                       times=None)
        self.run_ok(self.request("cfn-create.json"))  # the answer was delivered
        answer = self.response()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("AccessDenied", answer["Reason"])
        self.assertEqual(self.emu.stream_config(STREAM), (None, None))

    def test_missing_property_fails_the_resource(self):
        event = self.request("cfn-create.json")
        del event["ResourceProperties"]["StreamName"]
        self.run_ok(event)
        answer = self.response()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("StreamName", answer["Reason"])
        self.assertEqual(self.ops("kinesisvideo"), [])

    def test_unknown_request_type_is_answered_failed(self):
        event = self.request("cfn-create.json", RequestType="Replace")
        self.run_ok(event)  # CloudFormation has its answer: the stack does not wait an hour
        answer = self.response()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("RequestType", answer["Reason"])
        for k in ("StackId", "RequestId", "LogicalResourceId"):
            self.assertEqual(answer[k], event[k])
        self.assertEqual(self.ops("kinesisvideo"), [])

    def test_missing_stack_id_is_answered_failed(self):
        event = self.request("cfn-create.json")
        del event["StackId"]
        self.run_ok(event)
        answer = self.response()
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("StackId", answer["Reason"])

    def test_no_response_url_fails_the_invocation(self):
        event = self.request("cfn-create.json")
        del event["ResponseURL"]
        self.run_failed(event)
        self.assertEqual(self.ops(), [])


if __name__ == "__main__":
    unittest.main()
