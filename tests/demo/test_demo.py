"""`make demo` (tests/emulator/demo.py) against the current build: it runs every sample
through the bootstrap and the emulators, prints each answer and alert, and a summary whose
counts and exit code tell the truth."""

import os
import re
import subprocess
import sys
import unittest

SOURCE = os.environ.get("LOOKOUT_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BUILD = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(SOURCE, "build"))
DEMO = os.path.join(SOURCE, "tests", "emulator", "demo.py")
TIMEOUT_S = 300  # valgrind runs are slow
IMAGE_KEY = "123456789012_front-door_1690707290324_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"


def run_demo(*args):
    proc = subprocess.run([sys.executable, DEMO, "--build-dir", BUILD] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT_S)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


def blocks(out):
    """{sample file: the lines printed for it}, for the samples before the alert-state part."""
    found = {}
    for part in re.split(r"\n(?=\[\d+/\d+\] )", out.split("\nAlert state:", 1)[0])[1:]:
        head = part.split("\n", 1)[0]
        name = head.split()[1]
        found[name] = part.split("\nSummary\n", 1)[0]
    return found


def state_blocks(out):
    """The lines printed for each event of the alert-state part, in order."""
    part = out.split("\nAlert state:", 1)[1].split("\nSummary\n", 1)[0]
    return re.split(r"\n(?=\[\d+/\d+\] )", part)[1:]


class DemoTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.code, cls.out = run_demo()
        cls.blocks = blocks(cls.out)

    def block(self, name):
        self.assertIn(name, self.blocks, self.out)
        return self.blocks[name]

    def test_every_sample_is_sent_and_the_run_succeeds(self):
        self.assertEqual(self.code, 0, self.out)
        self.assertEqual(sorted(self.blocks), sorted([
            "s3-put.json", "s3-put-png.json", "s3-put-encoded-key.json", "sns-s3-put.json",
            "eventbridge-s3-object-created.json", "sns-kvs-fragment.json",
            "s3-test-event.json", "manual-image.json"]))
        for name, text in self.blocks.items():
            self.assertRegex(text, r"\n    answer   response \{", name)

    def test_s3_image_alert_shows_subject_labels_and_a_working_link(self):
        text = self.block("s3-put.json")
        self.assertIn('"route":"s3"', text)
        self.assertIn("calls    s3 HeadObject, rekognition DetectLabels, s3 GetObject, "
                      "s3 PutObject, sns Publish", text)
        self.assertRegex(text, r"alert    Person\b[^\n]* detected on front-door\n")
        self.assertRegex(text, r"labels  Person 99\.\d%")
        self.assertIn("image   s3://kvs-lookout-demo-images/" + IMAGE_KEY, text)
        link = re.search(r"link    (\S+)", text).group(1)
        self.assertTrue(link.startswith("http://127.0.0.1:"), link)
        self.assertIn("/kvs-lookout-demo-images/" + IMAGE_KEY + "?", link)
        self.assertIn("X-Amz-Signature=", link)
        self.assertIn("(ok, 53177 bytes)", text)  # the presigned GET served the image
        saved = re.search(r"snapshot s3://kvs-lookout-demo-images/alerts/front-door/\S+"
                          r"\.annotated\.jpeg \((\d+)x(\d+)\)\n\s+saved (\S+) \((\d+) bytes\)", text)
        self.assertIsNotNone(saved, text)
        with open(saved.group(3), "rb") as f:
            body = f.read()
        self.assertEqual(len(body), int(saved.group(4)))
        self.assertEqual(body[:3], b"\xff\xd8\xff")

    def test_each_route_reports_its_alerts(self):
        self.assertIn('"route":"sns"', self.block("sns-s3-put.json"))
        self.assertRegex(self.block("sns-s3-put.json"), r"alert    Cat\b.* detected on front-door")
        self.assertRegex(self.block("s3-put-encoded-key.json"),
                         r"image   s3://kvs-lookout-demo-images/porch cam_123456789012_")
        self.assertRegex(self.block("s3-put-png.json"), r"labels  Cat 9\d\.\d%")
        self.assertRegex(self.block("manual-image.json"), r'"route":"manual".*\n(.*\n)*'
                                                          r"    alert    Person\b")

    def test_no_match_and_test_event_publish_nothing(self):
        rose = self.block("eventbridge-s3-object-created.json")
        self.assertIn('"route":"eventbridge-s3"', rose)
        self.assertIn('"alerts":0', rose)
        self.assertIn("alert    none", rose)
        test = self.block("s3-test-event.json")
        self.assertIn("calls    none", test)
        self.assertIn("alert    none", test)

    def test_kvs_notification_alert_links_to_the_stored_snapshot(self):
        text = self.block("sns-kvs-fragment.json")
        self.assertIn("kinesis-video-archived-media GetImages", text)
        self.assertIn("s3 PutObject", text)
        self.assertRegex(text, r"image   s3://kvs-lookout-demo-images/alerts/\S+")
        self.assertRegex(text, r"labels  Person 99\.\d%")
        self.assertRegex(text, r"\(ok, \d+ bytes\)")

    def test_summary_counts_events_frames_alerts_suppressed_and_failures(self):
        self.assertIn("| s3-put.json | s3 | 1 | 1 | - | ok |", self.out)
        self.assertIn("| s3-test-event.json | s3-test | 0 | 0 | - | ok |", self.out)
        self.assertIn("| s3-put.json | s3 | 0 | 0 | duplicate 1 | ok |", self.out)
        self.assertIn("| sns-kvs-fragment.json | sns | 2 | 0 | cooldown 1 | ok |", self.out)
        self.assertRegex(self.out, r"\nevents 11, frames 11, alerts 7, failures 0, time per "
                                   r"invoke median [\d.]+ ms")
        self.assertIn("\nsuppressed duplicate 1, cooldown 1\n", self.out)
        self.assertNotIn("problem:", self.out)

    def test_state_table_suppresses_a_redelivery_and_holds_back_a_match_in_the_cooldown(self):
        self.assertIn("\nAlert state: a second bootstrap with STATE_TABLE=", self.out)
        first, again, cooled = state_blocks(self.out)
        self.assertIn("s3-put.json", first.split("\n", 1)[0])
        self.assertIn("dynamodb PutItem", first)
        self.assertRegex(first, r"alert    Person\b[^\n]* detected on front-door\n")
        # The redelivery is answered from the table: no Rekognition call, no alert.
        self.assertIn("s3-put.json", again.split("\n", 1)[0])
        self.assertIn('"duplicate":1', again)
        self.assertNotIn("rekognition", again)
        self.assertIn("alert    none", again)
        # Another Person on the stream inside COOLDOWN_S is labelled, then held back.
        self.assertIn("sns-kvs-fragment.json", cooled.split("\n", 1)[0])
        self.assertIn("rekognition DetectLabels", cooled)
        self.assertIn('"cooldown":1', cooled)
        self.assertIn("alert    none", cooled)


class DemoFailureTest(unittest.TestCase):
    def test_a_function_that_cannot_start_fails_the_demo(self):
        code, out = run_demo("--labels", "Dog:abc", "s3-put.json")
        self.assertNotEqual(code, 0, out)
        self.assertIn("FAILED", out)
        self.assertIn("failures 1", out)
        self.assertIn("problem: init error:", out)
        self.assertIn("Runtime.ConfigInvalid", out)


if __name__ == "__main__":
    unittest.main()
