"""Pictures people look at, end to end against the emulators: every alert with SNAPSHOT_BUCKET
links an annotated snapshot (judged by Debian's djpeg), S3 frames are read only once they
alert, the snapshot's own S3 event is skipped, and NOTIFY_TOPIC_ARN gets the words for
people per protocol while the alert topic keeps the JSON and its attributes."""

import hashlib
import json
import os
import struct
import subprocess
import unittest
import zlib

import requests

from lookout_case import (BUCKET, KVS_PERSON_MS, SOURCE_DIR, STREAM, IntegrationCase,
                          kvs_metadata, kvs_notification, s3_event, s3_record)

FRAMES = os.path.join(SOURCE_DIR, "tests", "data", "kvs", "front-door")
PERSON_FILE = os.path.join(FRAMES, "%d.jpg" % KVS_PERSON_MS)
PERSON_KEY = "123456789012_front-door_%d_0b7a1f4e-2c55-4a8e-9e1d-7d3f0c2b9a61.jpg" % KVS_PERSON_MS
SNAPSHOTS = "snapshots"
# The person's box in the recorded answer (astronaut.json), as fractions of the frame.
PERSON_BOX = (0.21, 0.03, 0.62, 0.97)


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def decode(jpeg):
    """(width, height, pixel(x, y)) of JPEG bytes, by djpeg."""
    ppm = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True, check=True).stdout
    magic, w, h, _, data = ppm.split(maxsplit=4)
    assert magic == b"P6"
    w, h = int(w), int(h)
    return w, h, lambda x, y: tuple(data[3 * (y * w + x):3 * (y * w + x) + 3])


def png_of(jpeg):
    """The same picture as an 8-bit RGB PNG, made with djpeg and zlib."""
    w, h, _ = decode(jpeg)
    ppm = subprocess.run(["djpeg", "-pnm"], input=jpeg, capture_output=True, check=True).stdout
    data = ppm.split(maxsplit=4)[4]
    raw = b"".join(b"\0" + data[y * w * 3:(y + 1) * w * 3] for y in range(h))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


class PicturesTest(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.emu.create_bucket(SNAPSHOTS)

    def put_person(self, key=PERSON_KEY, body=None, content_type="image/jpeg"):
        self.emu.put_object(BUCKET, key, body or read_file(PERSON_FILE),
                            kvs_metadata(KVS_PERSON_MS), content_type)
        return s3_event(s3_record(BUCKET, key))

    def fetch_snapshot(self, msg):
        snap = msg["snapshot"]
        self.assertIsNotNone(snap, msg)
        self.assertTrue(snap["s3Uri"].startswith("s3://%s/alerts/%s/" % (SNAPSHOTS, STREAM)),
                        snap["s3Uri"])
        self.assertTrue(snap["s3Uri"].endswith(".annotated.jpeg"))
        got = requests.get(snap["url"], timeout=10)
        self.assertEqual(got.status_code, 200)
        key = snap["s3Uri"][len("s3://%s/" % SNAPSHOTS):]
        body, _, ctype = self.emu.get_object(SNAPSHOTS, key)
        self.assertEqual(ctype, "image/jpeg")
        self.assertEqual(got.content, body)
        return key, body

    def check_outline(self, jpeg, snap, box=PERSON_BOX):
        """The box's outline colour along its left and right edges, in the snapshot as djpeg
        reads it."""
        w, h, pixel = decode(jpeg)
        self.assertEqual((w, h), (snap["width"], snap["height"]))
        frame_h = w  # the person frame is square; the strip is under it
        left, top, width, height = box
        x0, x1 = round(left * w), round((left + width) * w)
        inside = []
        for k in range(2, 9):
            y = round((top + height * k / 10) * frame_h)
            inside += [pixel(x0 + 1, y), pixel(x1 - 2, y)]
        color = inside[0]
        for p in inside:
            self.assertTrue(all(abs(a - b) <= 40 for a, b in zip(p, color)), (p, color, inside))
        self.assertGreater(max(color) - min(color), 120, "an outline colour, not the frame: %s"
                           % (color,))

    def test_s3_frame_is_read_only_once_it_alerts(self):
        run = self.run_ok(self.put_person(), SNAPSHOT_BUCKET=SNAPSHOTS)
        self.assertEqual(run.body["alerts"], 1)
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels"),
                                      ("s3", "GetObject"), ("s3", "PutObject"), ("sns", "Publish")])
        detect = self.emu.calls("rekognition", "DetectLabels")[0]["params"]
        self.assertIn("S3Object", detect["Image"], "labelled in place, not from bytes")
        _, msg = self.one_alert()
        self.assertEqual(msg["image"]["s3Uri"], "s3://%s/%s" % (BUCKET, PERSON_KEY),
                         "image keeps pointing at the original frame")
        key, jpeg = self.fetch_snapshot(msg)
        self.check_outline(jpeg, msg["snapshot"])
        self.assertEqual(msg["snapshot"]["width"], 512, "a 512 frame is never enlarged")

        # The snapshot lands in a bucket that may notify the function: its event is skipped.
        self.emu.reset()
        self.emu.create_bucket(SNAPSHOTS)
        self.emu.put_object(SNAPSHOTS, key, jpeg, content_type="image/jpeg")
        run = self.run_ok(s3_event(s3_record(SNAPSHOTS, key)), SNAPSHOT_BUCKET=SNAPSHOTS)
        self.assertEqual((run.body["skipped"], run.body["alerts"]), (1, 0))
        self.assertEqual(self.ops(), [])

    def test_frames_that_do_not_alert_are_never_read(self):
        run = self.run_ok(self.put_person(), SNAPSHOT_BUCKET=SNAPSHOTS, ALERT_LABELS="Cat")
        self.assertEqual(run.body["alerts"], 0)
        self.assertEqual(self.ops(), [("s3", "HeadObject"), ("rekognition", "DetectLabels")])

    def test_width_limit_and_png_frames(self):
        png = png_of(read_file(PERSON_FILE))
        fixture = self.emu.state.labels_for(read_file(PERSON_FILE))
        self.emu.state.labels[hashlib.sha256(png).hexdigest()] = fixture
        key = PERSON_KEY.replace(".jpg", ".png")
        run = self.run_ok(self.put_person(key, png, "image/png"), SNAPSHOT_BUCKET=SNAPSHOTS,
                          SNAPSHOT_MAX_WIDTH=256)
        self.assertEqual(run.body["alerts"], 1)
        _, msg = self.one_alert()
        _, jpeg = self.fetch_snapshot(msg)
        self.assertEqual(msg["snapshot"]["width"], 256)
        self.check_outline(jpeg, msg["snapshot"])

    def test_kvs_frames_keep_the_frame_and_gain_the_snapshot(self):
        run = self.run_ok(kvs_notification(KVS_PERSON_MS), SNAPSHOT_BUCKET=SNAPSHOTS,
                          AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None)
        self.assertEqual(run.body["alerts"], 1)
        puts = [c["params"]["Key"] for c in self.emu.calls("s3", "PutObject")]
        self.assertEqual(len(puts), 2)
        _, msg = self.one_alert()
        self.assertEqual(msg["image"]["s3Uri"], "s3://%s/%s" % (SNAPSHOTS, puts[0]))
        key, jpeg = self.fetch_snapshot(msg)
        self.assertEqual(key, puts[1])
        self.check_outline(jpeg, msg["snapshot"])

    def test_no_snapshot_bucket_no_snapshot(self):
        run = self.run_ok(self.put_person())
        self.assertEqual(run.body["alerts"], 1)
        self.assertNotIn(("s3", "GetObject"), self.ops())
        _, msg = self.one_alert()
        self.assertIsNone(msg["snapshot"])

    def test_people_get_words_machines_keep_json_and_attributes(self):
        notify = self.emu.create_topic("kvs-lookout-notify")
        run = self.run_ok(self.put_person(), SNAPSHOT_BUCKET=SNAPSHOTS, NOTIFY_TOPIC_ARN=notify)
        self.assertEqual(run.body["alerts"], 1)
        machine = self.emu.published(self.topic)
        people = self.emu.published(notify)
        self.assertEqual((len(machine), len(people)), (1, 1))
        self.assertIn(machine[0].get("MessageStructure"), (None, ""))
        self.assertEqual(set(machine[0]["MessageAttributes"]),
                         {"stream", "labels", "maxConfidence", "trigger"})
        msg = json.loads(machine[0]["Message"])
        self.assertEqual(people[0]["MessageStructure"], "json")
        self.assertEqual(people[0]["MessageAttributes"], {})
        self.assertEqual(people[0]["Subject"], machine[0]["Subject"])
        words = json.loads(people[0]["Message"])
        self.assertEqual(set(words), {"default", "email", "sms"})
        self.assertEqual(words["default"], words["email"])
        self.assertIn(msg["snapshot"]["url"], words["email"])
        self.assertIn('{"lookout":{"snooze":{"stream":"front-door","minutes":30}}}',
                      words["email"])
        self.assertRegex(words["sms"], r"^[\x20-\x7e]{1,140}$")
        self.assertTrue(words["sms"].startswith("Person detected on front-door at "))

    def test_notify_topic_failure_fails_the_invocation(self):
        notify = self.topic.replace("kvs-lookout-alerts", "no-such-topic")
        self.run_failed(self.put_person(), SNAPSHOT_BUCKET=SNAPSHOTS, NOTIFY_TOPIC_ARN=notify)

    def test_bad_settings_stop_at_start(self):
        for env in ({"NOTIFY_TOPIC_ARN": "not-an-arn"}, {"SNAPSHOT_MAX_WIDTH": "50"},
                    {"SNAPSHOT_MAX_WIDTH": "wide"}):
            with self.subTest(env=env):
                run = self.run_failed(self.put_person(), "Runtime.ConfigInvalid", **env)
                self.assertIn(next(iter(env)), run.body["errorMessage"])


if __name__ == "__main__":
    unittest.main()
