"""Alerts built by the alert_build tool, checked against docs/alert.schema.json and the
Subject and attribute rules of docs/alert.md."""

import copy
import hashlib
import json
import os
import re
import shlex
import subprocess
import unittest

import jsonschema

BUILD = os.environ["LOOKOUT_BUILD_DIR"]
SOURCE = os.environ.get("LOOKOUT_SOURCE_DIR",
                        os.path.join(os.path.dirname(__file__), "..", ".."))
TOOL = os.path.join(BUILD, "alert_build")
SCHEMA_PATH = os.path.join(SOURCE, "docs", "alert.schema.json")
RECORDED = os.path.join(SOURCE, "tests", "data", "rekognition", "person_dog.json")

FRAGMENT = "91343852333182036507421233921329142742245756394"
FRAME_MS = 1795507200123
SUBJECT_RE = re.compile(r"^[\x20-\x7e]{1,99}$")


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def recorded_response():
    with open(RECORDED, encoding="utf-8") as f:
        return json.load(f)


def full_input(**changes):
    job = {
        "stream": {"name": "front-door",
                   "arn": "arn:aws:kinesisvideo:us-east-1:111122223333:stream/front-door/1"},
        "trigger": "kvs-notification",
        "timeMs": FRAME_MS,
        "fragmentNumber": FRAGMENT,
        "producerTimestampMs": FRAME_MS,
        "serverTimestampMs": FRAME_MS + 812,
        "image": {"s3Uri": "s3://snapshots/alerts/front-door/1795507200123.jpg",
                  "url": "https://snapshots.s3.us-east-1.amazonaws.com/alerts/front-door/"
                         "1795507200123.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600",
                  "urlExpiresAtMs": FRAME_MS + 3600000},
        "alertLabels": "Person,Animal:50",
        "minConfidence": "80",
        "response": recorded_response(),
        "tags": [["site", "home"], ["zone", "porch"]],
    }
    job.update(changes)
    return job


def minimal_input(**changes):
    job = {"stream": {"name": "cam-1"}, "trigger": "manual", "timeMs": 0,
           "response": {"Labels": [{"Name": "Person", "Confidence": 80}]}}
    job.update(changes)
    return job


def many_labels(count, instances, name_len=20):
    labels = []
    for i in range(count):
        name = ("L%04d" % i).ljust(name_len, "x")
        labels.append({
            "Name": name, "Confidence": 99 - i * 0.001, "Parents": [{"Name": "Thing"}],
            "Instances": [{"Confidence": 50.5, "BoundingBox": {
                "Left": -0.01, "Top": 0.5, "Width": 0.25, "Height": 1.0}}] * instances})
    return {"Labels": labels}


def run_tool(job):
    # Under the valgrind configuration the tool runs under memcheck too.
    wrapper = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", ""))
    proc = subprocess.run(wrapper + [TOOL], input=json.dumps(job).encode("utf-8"),
                          capture_output=True, timeout=120)
    if proc.returncode not in (0, 2):
        raise AssertionError("alert_build exited %d: %s" % (proc.returncode, proc.stderr.decode()))
    out = json.loads(proc.stdout.decode("utf-8"))
    return proc.returncode, out


class AlertSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.validator = load_schema()

    def build(self, job):
        rc, out = run_tool(job)
        self.assertEqual(rc, 0, out)
        self.assertTrue(out["matched"], out)
        message = json.loads(out["message"])
        errors = sorted(self.validator.iter_errors(message), key=lambda e: list(e.path))
        self.assertEqual([], ["%s: %s" % (list(e.path), e.message) for e in errors])
        self.check_subject(out["subject"], message)
        self.check_attributes(out, message, job)
        self.assertEqual(out["alertId"], message["alertId"])
        self.check_words(out, message)
        return out, message

    def check_words(self, out, message):
        """The per-protocol Message for NOTIFY_TOPIC_ARN: e-mail lines and one SMS."""
        sms, email = out["sms"], out["email"]
        self.assertRegex(sms, r"^[\x20-\x7e]{1,140}$")
        self.assertEqual(json.loads(out["notification"]),
                         {"default": email, "email": email, "sms": sms})
        self.assertNotRegex(email, r"[\x00-\x09\x0b-\x1f\x7f]")
        lines = email.split("\n")
        self.assertEqual(lines[0], out["subject"] + ".")
        self.assertTrue(sms.startswith(out["subject"][:60]), sms)
        hhmm = message["time"][11:16]
        self.assertIn(" at %s UTC" % hhmm, sms)
        when = "When:  %s %s UTC" % (message["time"][:10], message["time"][11:19])
        self.assertIn(when, lines)
        what = next(l for l in lines if l.startswith("What:  "))
        for label in message["labels"][:10]:
            if label["name"].isprintable():
                self.assertIn(label["name"], what)
        where = next(l for l in lines if l.startswith("Where: camera "))
        for zone in message.get("zones", []):
            self.assertIn(zone, where)
        link = (message["snapshot"] or {}).get("url") or (message["image"] or {}).get("url")
        if link:
            self.assertIn(link, email)
            self.assertEqual(link in sms, len(link) < 119, sms)
        else:
            self.assertIn("No picture was stored with this alert.", lines)
        if not link or link not in sms:
            self.assertTrue(sms.endswith(" (picture by e-mail)"), sms)
        snooze = json.loads(next(l for l in lines if l.startswith("  {\"lookout\"")))
        self.assertEqual(snooze["lookout"]["snooze"]["minutes"], 30)
        self.assertEqual(snooze["lookout"]["snooze"]["stream"], message["stream"]["name"])
        self.assertIn("Alert " + message["alertId"], lines)

    def check_subject(self, subject, message):
        self.assertRegex(subject, SUBJECT_RE)
        self.assertRegex(subject, r"^\S.* detected( on \S.*)?$")
        self.assertNotIn("  ", subject)
        first = message["labels"][0]["name"]
        if first.isascii() and len(first) < 40:
            self.assertTrue(subject.startswith(first), subject)

    def check_attributes(self, out, message, job):
        attrs = {a["name"]: a for a in out["attributes"]}
        self.assertEqual(list(attrs), ["stream", "labels", "maxConfidence", "trigger"])
        self.assertEqual({a["type"] for a in out["attributes"]},
                         {"String", "String.Array", "Number"})
        self.assertEqual(attrs["labels"]["type"], "String.Array")
        self.assertEqual(attrs["maxConfidence"]["type"], "Number")
        names = json.loads(attrs["labels"]["value"])
        self.assertIsInstance(names, list)
        self.assertTrue(all(isinstance(n, str) for n in names))
        self.assertLessEqual(len(attrs["labels"]["value"].encode("utf-8")), 4096)
        self.assertEqual(names[0], message["labels"][0]["name"])
        top = max(label["confidence"] for label in message["labels"])
        self.assertRegex(attrs["maxConfidence"]["value"], r"^[0-9]{1,3}(\.[0-9]{1,5})?$")
        self.assertAlmostEqual(float(attrs["maxConfidence"]["value"]), top, places=5)
        self.assertEqual(attrs["trigger"]["value"], message["trigger"])
        self.assertEqual(attrs["trigger"]["value"], job["trigger"])
        self.assertEqual(attrs["stream"]["value"],
                         re.sub(r"[\x00-\x1f\x7f]", " ", message["stream"]["name"]))
        size = len(out["message"].encode("utf-8")) + sum(
            len(a[k].encode("utf-8")) for a in out["attributes"] for k in ("name", "type", "value"))
        self.assertLessEqual(size, 262144)

    def test_full_alert(self):
        out, msg = self.build(full_input())
        self.assertEqual(out["subject"], "Person, Dog detected on front-door")
        self.assertEqual(msg["summary"], "Person (98.5%), Dog (91.0%) and Animal (91.0%) "
                                         "detected on front-door at 2026-11-24T08:00:00.123Z.")
        self.assertEqual(msg["time"], "2026-11-24T08:00:00.123Z")
        self.assertEqual(msg["image"]["urlExpiresAt"], "2026-11-24T09:00:00.123Z")
        self.assertEqual(msg["fragmentNumber"], FRAGMENT)
        self.assertEqual(msg["tags"], {"site": "home", "zone": "porch"})
        self.assertEqual([l["name"] for l in msg["labels"]], ["Person", "Dog", "Animal"])
        self.assertEqual(msg["labels"][0]["instances"][1]["box"]["left"], -0.012)
        self.assertNotIn("omitted", msg)

    def test_minimal_alert(self):
        out, msg = self.build(minimal_input())
        self.assertEqual(out["subject"], "Person detected on cam-1")
        for key in ("fragmentNumber", "producerTimestampMs", "serverTimestampMs", "image"):
            self.assertIsNone(msg[key])
        self.assertIsNone(msg["stream"]["arn"])
        self.assertEqual(msg["tags"], {})
        self.assertEqual(msg["time"], "1970-01-01T00:00:00.000Z")

    def test_snapshot_shapes_and_words(self):
        url = ("https://snap.s3.us-east-1.amazonaws.com/alerts/front-door/1795507200123-"
               "00112233aabbccdd.annotated.jpeg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature="
               + "ab" * 32)
        snap = {"s3Uri": "s3://snap/alerts/front-door/1795507200123-00112233aabbccdd.annotated.jpeg",
                "url": url, "urlExpiresAtMs": FRAME_MS + 3600000, "width": 1280, "height": 758}
        out, msg = self.build(full_input(snapshot=snap))
        self.assertEqual(msg["snapshot"], {"s3Uri": snap["s3Uri"], "url": url,
                                           "urlExpiresAt": "2026-11-24T09:00:00.123Z",
                                           "width": 1280, "height": 758})
        self.assertIn("Picture: " + url, out["email"])
        self.assertNotIn(url, out["sms"], "a signed link does not fit an SMS")
        short = dict(snap, url="http://127.0.0.1:9000/s/a.jpg")
        out, msg = self.build(full_input(snapshot=short, zones=["porch", "drive way"],
                                         suppressed=4))
        self.assertIn("http://127.0.0.1:9000/s/a.jpg", out["sms"])
        self.assertIn("Where: camera front-door, in zone porch, drive way", out["email"])
        self.assertIn("Held back since the last alert: 4", out["email"])
        _, msg = self.build(minimal_input())
        self.assertIsNone(msg["snapshot"])
        for bad in ({"s3Uri": snap["s3Uri"]}, dict(snap, width=0), dict(snap, urlExpiresAtMs=-5)):
            rc, err = run_tool(full_input(snapshot=bad))
            self.assertEqual((rc, err["error"]["status"]), (2, "LK_INVALID_ARG"), bad)

    def test_words_for_many_labels_and_long_names(self):
        for job in (full_input(response=many_labels(30, 2), alertLabels="Thing"),
                    full_input(stream={"name": "Caméra d'entrée " * 20}),
                    full_input(stream={"name": "東京カメラ"}, snapshot=None),
                    minimal_input(stream={"name": "x" * 256})):
            with self.subTest(stream=job["stream"]["name"][:20]):
                out, msg = self.build({k: v for k, v in job.items() if v is not None})
                self.assertLessEqual(len(out["sms"]), 140)

    def test_image_without_url(self):
        job = full_input(image={"s3Uri": "s3://cam-images/111122223333_front-door_1.jpg"})
        _, msg = self.build(job)
        self.assertIsNone(msg["image"]["url"])
        self.assertIsNone(msg["image"]["urlExpiresAt"])

    def test_every_trigger_and_optional_field_combination(self):
        optional = ["fragmentNumber", "producerTimestampMs", "serverTimestampMs", "image", "tags"]
        for mask in range(1 << len(optional)):
            for trigger in ("s3", "kvs-notification", "manual"):
                job = full_input(trigger=trigger)
                for i, key in enumerate(optional):
                    if mask & (1 << i):
                        del job[key]
                if mask & 1:
                    del job["stream"]["arn"]
                with self.subTest(mask=mask, trigger=trigger):
                    self.build(job)

    def test_unicode_stream_names_and_tags(self):
        names = ["caméra-entrée", "東京カメラ", "🚪 front door 🚪", "a\"b\\c", "line\nbreak\ttab",
                 "עברית-מצלמה", "e\u0301e\u0301", "x" * 300, "Ünïcødé " * 40, "\u00a0\u2028"]
        tags = [["café", "☕ latte"], ["emoji🙂", "🚗🚓"], ["quote\"", "back\\slash\n"],
                ["日本", "東京"], ["empty", ""]]
        for name in names:
            with self.subTest(name=name):
                out, msg = self.build(full_input(stream={"name": name}, tags=tags))
                self.assertEqual(msg["stream"]["name"], name)
                self.assertEqual(msg["tags"], {k: v for k, v in tags})
                self.assertLessEqual(len(out["subject"]), 99)

    def test_subject_for_non_ascii_and_long_names(self):
        out, _ = self.build(full_input(stream={"name": "Café Über 日本"}))
        self.assertEqual(out["subject"], "Person, Dog detected on Cafe Uber")
        out, _ = self.build(full_input(stream={"name": "日本"}))
        self.assertEqual(out["subject"], "Person, Dog detected")
        out, _ = self.build(full_input(stream={"name": "s" * 256}))
        self.assertEqual(len(out["subject"]), 99)
        self.assertTrue(out["subject"].endswith("s..."))

    def test_many_labels_are_capped_under_the_sns_limit(self):
        for count, instances, name_len in ((50, 100, 20), (1000, 10, 60), (1000, 0, 250)):
            job = full_input(response=many_labels(count, instances, name_len),
                             alertLabels="Thing")
            with self.subTest(count=count, instances=instances):
                out, msg = self.build(job)
                kept = len(msg["labels"])
                kept_instances = sum(len(l["instances"]) for l in msg["labels"])
                omitted = msg.get("omitted", {"labels": 0, "instances": 0})
                self.assertEqual(kept + omitted["labels"], count)
                self.assertEqual(kept_instances + omitted["instances"], count * instances)
                # One wanted name: the subject names the most specific label under it.
                self.assertRegex(out["subject"], r"^L0000x*(\.\.\.)? detected on front-door$")

    def test_alert_id_rule(self):
        out, msg = self.build(full_input())
        data = b"front-door\0" + ("kvs:%s:%d" % (FRAGMENT, FRAME_MS)).encode() + b"\0"
        for name in sorted(l["name"].encode() for l in msg["labels"]):
            data += name + b"\0"
        self.assertEqual(msg["alertId"], hashlib.sha256(data).hexdigest()[:32])
        again, _ = self.build(full_input(trigger="s3"))
        self.assertEqual(again["alertId"], out["alertId"])
        other, _ = self.build(full_input(timeMs=FRAME_MS + 1))
        self.assertNotEqual(other["alertId"], out["alertId"])

    def test_no_match_builds_nothing(self):
        rc, out = run_tool(full_input(alertLabels="Cat"))
        self.assertEqual(rc, 0)
        self.assertEqual(out, {"matched": False})

    def test_bad_configuration_is_reported(self):
        rc, out = run_tool(full_input(alertLabels="Person:200"))
        self.assertEqual(rc, 2)
        self.assertEqual(out["error"]["status"], "LK_CONFIG")
        self.assertIn("ALERT_LABELS: item 1", out["error"]["message"])

    def test_schema_is_strict(self):
        _, msg = self.build(full_input())
        broken = []
        for key in msg:
            m = copy.deepcopy(msg)
            del m[key]
            broken.append(m)
        extra = copy.deepcopy(msg)
        extra["extra"] = 1
        broken.append(extra)
        for path, value in ((("labels", 0, "confidence"), 100.5), (("time",), "2026-11-24"),
                            (("alertId",), "ABC"), (("trigger",), "sns"),
                            (("labels", 0, "instances", 0, "box", "width"), -0.1),
                            (("image", "url"), None), (("stream", "arn"), "nope"),
                            (("labels",), []), (("version",), 2),
                            (("fragmentNumber",), "12a"), (("tags", "site"), 5)):
            m = copy.deepcopy(msg)
            target = m
            for p in path[:-1]:
                target = target[p]
            target[path[-1]] = value
            broken.append(m)
        for m in broken:
            with self.subTest(message=json.dumps(m)[:120]):
                self.assertFalse(self.validator.is_valid(m))


if __name__ == "__main__":
    unittest.main()
