"""Motion gating: with MOTION_MIN_CHANGE set, a frame too like the stream's last one costs no
Rekognition call; without it, every frame is labelled."""
import json
import os
import shlex
import subprocess
import unittest

from emulator.aws import AwsEmulator

BUILD = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
IMAGES = os.path.join(os.path.dirname(__file__), "..", "data", "images")
BUCKET = "motion-gating-images"
KEY = "123456789012_front-door_%d_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg"


def image(name):
    with open(os.path.join(IMAGES, name), "rb") as f:
        return f.read()


class MotionGatingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = AwsEmulator()
        cls.emu.__enter__()
        cls.emu.create_bucket(BUCKET)
        cls.topic = cls.emu.create_topic("motion-alerts")
        # A person, the same person again (a still scene), then a cat.
        frames = ["skimage-astronaut-q85.jpg", "skimage-astronaut-q85.jpg",
                  "skimage-chelsea-q85.jpg"]
        cls.keys = []
        for i, name in enumerate(frames):
            key = KEY % (1690707290324 + 1000 * i)
            cls.emu.put_object(BUCKET, key, image(name), content_type="image/jpeg")
            cls.keys.append(key)

    @classmethod
    def tearDownClass(cls):
        cls.emu.__exit__(None, None, None)

    def run_event(self, **env):
        before = len(self.emu.calls())
        event = {"Records": [{"eventVersion": "2.1", "eventSource": "aws:s3",
                              "eventName": "ObjectCreated:Put",
                              "s3": {"bucket": {"name": BUCKET}, "object": {"key": k}}}
                             for k in self.keys]}
        full = dict(os.environ, **self.emu.env, ALERT_TOPIC_ARN=self.topic,
                    ALERT_LABELS="Person,Cat", **env)
        wrapper = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", ""))
        proc = subprocess.run(wrapper + [os.path.join(BUILD, "bootstrap"), "--event", "-"],
                              input=json.dumps(event).encode(), env=full, capture_output=True,
                              timeout=120)
        calls = [(c["service"], c["operation"]) for c in self.emu.calls()[before:]]
        return proc, calls

    def test_still_frame_costs_no_rekognition_call(self):
        proc, calls = self.run_event(MOTION_MIN_CHANGE="0.05")
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        answer = json.loads(proc.stdout)
        self.assertEqual((answer["frames"], answer["still"], answer["alerts"]), (2, 1, 2))
        self.assertEqual(calls.count(("s3", "GetObject")), 3, calls)
        self.assertEqual(calls.count(("rekognition", "DetectLabels")), 2, calls)
        self.assertEqual(calls.count(("sns", "Publish")), 2, calls)
        self.assertIn(b"below MOTION_MIN_CHANGE", proc.stderr)

    def test_without_gating_every_frame_is_labelled_in_place(self):
        proc, calls = self.run_event()
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        answer = json.loads(proc.stdout)
        self.assertEqual((answer["frames"], answer["still"], answer["alerts"]), (3, 0, 3))
        self.assertEqual(calls.count(("s3", "HeadObject")), 3, calls)
        self.assertNotIn(("s3", "GetObject"), calls)
        self.assertEqual(calls.count(("rekognition", "DetectLabels")), 3, calls)

    def test_bad_value_is_a_config_error(self):
        proc, calls = self.run_event(MOTION_MIN_CHANGE="lots")
        self.assertEqual(proc.returncode, 1)
        body = json.loads(proc.stdout)
        self.assertEqual(body["errorType"], "Runtime.ConfigInvalid")
        self.assertIn("MOTION_MIN_CHANGE", body["errorMessage"])
        self.assertEqual(calls, [])


if __name__ == "__main__":
    unittest.main()
