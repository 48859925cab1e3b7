"""`bootstrap timelapse` and the {"lookout":{"timelapse":...}} invocation against the KVS
emulator. The files are judged by readers this project did not write: ffprobe/ffmpeg for
the AVI and APNG, djpeg for the contact sheet. Frames are synthetic (a gradient with a
square that moves), encoded by cjpeg."""

import json
import os
import subprocess
import tempfile
import time
import unittest
import urllib.request

from lookout_case import BOOTSTRAP, BUCKET, WRAPPER, IntegrationCase

MEDIA = "kinesis-video-archived-media"
STREAM = "yard"
START = 1_700_000_000_000
TOOLS = ("ffprobe", "ffmpeg", "djpeg", "cjpeg")


def synthetic_jpeg(i, w=160, h=120):
    px = bytearray()
    for y in range(h):
        for x in range(w):
            inside = (i * 7) % w <= x < (i * 7) % w + w // 8 and h // 3 <= y < h // 2
            px += bytes((255, 0, 0) if inside else ((x * 255) // w, (y * 255) // h, 128))
    ppm = b"P6\n%d %d\n255\n" % (w, h) + bytes(px)
    return subprocess.run(["cjpeg", "-quality", "80"], input=ppm, capture_output=True,
                          check=True).stdout


def ffprobe(path):
    """codec, width, height, frames decoded, duration (s) of the first video stream."""
    out = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
                          "-show_entries", "stream=codec_name,width,height,nb_read_frames",
                          "-show_entries", "format=duration,format_name", "-of", "json", path],
                         capture_output=True, text=True, check=True).stdout
    doc = json.loads(out)
    s = doc["streams"][0]
    return {"codec": s["codec_name"], "width": s["width"], "height": s["height"],
            "frames": int(s["nb_read_frames"]), "duration": float(doc["format"].get("duration", "nan")),
            "format": doc["format"]["format_name"]}


def decode_errors(path):
    run = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-f", "null", "-"],
                         capture_output=True, text=True)
    return run.returncode, run.stderr


@unittest.skipUnless(all(subprocess.run(["which", t], capture_output=True).returncode == 0
                         for t in TOOLS), "needs ffmpeg and libjpeg-turbo-progs")
class TimelapseCase(IntegrationCase):
    FRAMES = {}

    @classmethod
    def frame(cls, i, w=160, h=120):
        key = (i % 10, w, h)
        if key not in cls.FRAMES:
            cls.FRAMES[key] = synthetic_jpeg(i % 10, w, h)
        return cls.FRAMES[key]

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def fill(self, seconds, every_s=3, missing=(), size=lambda i: (160, 120)):
        """One frame every every_s seconds (50 ms after each sampling point) except missing."""
        for i in range(seconds // every_s):
            if i not in missing:
                self.emu.add_frame(STREAM, START + i * every_s * 1000 + 50, self.frame(i, *size(i)))

    def timelapse(self, out, *args, env=None, **kw):
        argv = WRAPPER + [BOOTSTRAP, "timelapse", "--stream", STREAM, "-o", out] + list(args)
        return subprocess.run(argv, env=self.env(**(env or {})), capture_output=True, text=True,
                              timeout=120, **kw)

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def media_calls(self):
        return self.emu.calls(MEDIA, "GetImages")


class TestCommand(TimelapseCase):
    def test_avi_is_mjpeg_with_every_point_and_gaps_repeated(self):
        self.fill(1200, missing=range(100, 110))
        out = self.path("yard.avi")
        run = self.timelapse(out, "--start", "2023-11-14T22:13:20Z", "--end", str(START + 1200_000),
                             "--every", "3s", "--fps", "10")
        self.assertEqual(run.returncode, 0, run.stderr)
        info = ffprobe(out)
        self.assertEqual((info["codec"], info["format"]), ("mjpeg", "avi"))
        self.assertEqual((info["width"], info["height"]), (160, 120))
        self.assertEqual(info["frames"], 400)
        self.assertAlmostEqual(info["duration"], 40.0, places=1)
        self.assertEqual(decode_errors(out), (0, ""))
        self.assertIn("400 frames (10 repeated for gaps", run.stderr)
        self.assertIn("4 GetImages calls", run.stderr)
        # Not a Python-side count: the emulator saw one call per 100 points.
        calls = self.media_calls()
        self.assertEqual(len(calls), 4)
        for c in calls:
            p = c["params"]
            self.assertEqual((p["SamplingInterval"], p["MaxResults"]), (3000, 100))
            self.assertLessEqual(p["EndTimestamp"] - p["StartTimestamp"], 300)
            self.assertNotIn("WidthPixels", p)
        self.assertFalse(os.path.exists(out + ".part"))

    def test_gaps_skipped_on_request(self):
        self.fill(300, missing=(0, 1, 50, 51, 52))
        out = self.path("skip.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 300_000),
                             "--gaps", "skip")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(ffprobe(out)["frames"], 95)
        out2 = self.path("repeat.avi")
        run = self.timelapse(out2, "--start", str(START), "--end", str(START + 300_000))
        self.assertEqual(run.returncode, 0, run.stderr)
        # Leading gaps have nothing to repeat; the other three repeat the frame before.
        self.assertEqual(ffprobe(out2)["frames"], 98)

    def test_pages_follow_next_token_and_windows_split_at_300_s(self):
        self.fill(700, every_s=1)
        out = self.path("paged.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 700_000),
                             "--every", "1000ms")
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(ffprobe(out)["frames"], 700)
        calls = self.media_calls()
        windows = sorted({(c["params"]["StartTimestamp"], c["params"]["EndTimestamp"])
                          for c in calls})
        self.assertEqual([(round(a * 1000) - START, round(b * 1000) - START) for a, b in windows],
                         [(0, 300_000), (300_000, 600_000), (600_000, 700_000)])
        self.assertEqual(len(calls), 7)  # 3 + 3 + 1 pages of 100
        self.assertEqual(sum(1 for c in calls if c["params"].get("NextToken")), 4)
        self.assertTrue(all(c["status"] == 200 for c in calls))

    def test_size_asked_of_getimages(self):
        self.fill(60)
        out = self.path("big.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 60_000),
                             "--width", "320", "--height", "200")
        self.assertEqual(run.returncode, 0, run.stderr)
        info = ffprobe(out)
        self.assertEqual((info["width"], info["height"], info["frames"]), (320, 200, 20))
        self.assertTrue(all((c["params"]["WidthPixels"], c["params"]["HeightPixels"]) == (320, 200)
                            for c in self.media_calls()))
        self.assertIn("0 scaled", run.stderr)

    def test_frames_of_another_size_are_scaled_to_the_first(self):
        self.fill(60, size=lambda i: (160, 120) if i % 2 == 0 else (200, 150))
        out = self.path("mixed.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 60_000))
        self.assertEqual(run.returncode, 0, run.stderr)
        info = ffprobe(out)
        self.assertEqual((info["width"], info["height"], info["frames"]), (160, 120, 20))
        self.assertEqual(decode_errors(out), (0, ""))
        self.assertIn("10 scaled", run.stderr)

    def test_throttling_is_retried(self):
        self.fill(60)
        self.emu.fault(MEDIA, "GetImages", code="ClientLimitExceededException", times=2)
        out = self.path("throttled.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 60_000),
                             env={"AWS_MAX_ATTEMPTS": "3"})
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(ffprobe(out)["frames"], 20)
        errors = [c["error"] for c in self.media_calls()]
        self.assertEqual(errors, ["ClientLimitExceededException"] * 2 + [None])

    def test_end_before_start_is_a_usage_error(self):
        out = self.path("never.avi")
        run = self.timelapse(out, "--start", str(START + 1000), "--end", str(START))
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("not after the start", run.stderr)
        self.assertEqual(self.media_calls(), [])
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 9000),
                             "--width", "320")
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertFalse(os.path.exists(out))

    def test_range_without_media_fails_and_leaves_no_file(self):
        self.emu.create_stream(STREAM)
        out = self.path("empty.avi")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 30_000))
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertIn("no media in the range", run.stderr)
        self.assertFalse(os.path.exists(out) or os.path.exists(out + ".part"))

    def test_contact_sheet_decodes_at_its_layout_size(self):
        self.fill(600)
        out = self.path("sheet.jpg")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 600_000))
        self.assertEqual(run.returncode, 0, run.stderr)
        ppm = subprocess.run(["djpeg", "-pnm", out], capture_output=True, check=True).stdout
        # 16 cells of 160x120 in 4 columns with 4 px gaps: 4*160+5*4 by 4*120+5*4.
        self.assertEqual(ppm.split()[:3], [b"P6", b"660", b"500"])
        self.assertIn("16 frames", run.stderr)

    def test_apng_plays_every_frame(self):
        self.fill(90)
        out = self.path("yard.png")
        run = self.timelapse(out, "--start", str(START), "--end", str(START + 90_000))
        self.assertEqual(run.returncode, 0, run.stderr)
        info = ffprobe(out)
        self.assertEqual((info["codec"], info["frames"]), ("apng", 30))
        self.assertEqual(decode_errors(out), (0, ""))


class TestInvocation(TimelapseCase):
    def invoke(self, **fields):
        body = {"stream": STREAM, "start": START, "end": START + 120_000, "everyMs": 3000}
        body.update(fields)
        return {"lookout": {"timelapse": body}}

    def stored(self, body):
        uri = body["timelapse"]["s3Uri"]
        bucket, key = uri[len("s3://"):].split("/", 1)
        obj = self.emu.get_object(bucket, key)
        self.assertIsNotNone(obj, uri)
        path = self.path(os.path.basename(key))
        with open(path, "wb") as f:
            f.write(obj[0])
        return path, obj

    def test_writes_the_avi_to_the_snapshot_bucket_and_links_it(self):
        self.fill(120)
        run = self.run_ok(self.invoke(), SNAPSHOT_BUCKET=BUCKET)
        t = run.body["timelapse"]
        self.assertEqual((t["frames"], t["stopped"], t["format"]), (40, "complete", "avi"))
        self.assertTrue(t["s3Uri"].startswith("s3://%s/alerts/timelapse/%s/" % (BUCKET, STREAM)))
        path, obj = self.stored(run.body)
        self.assertEqual(obj[2], "video/x-msvideo")
        info = ffprobe(path)
        self.assertEqual((info["codec"], info["frames"]), ("mjpeg", 40))
        with urllib.request.urlopen(t["url"], timeout=30) as resp:
            self.assertEqual(resp.read(), obj[0])

    def test_max_frames_bounds_the_file(self):
        self.fill(300)
        run = self.run_ok(self.invoke(end=START + 300_000), SNAPSHOT_BUCKET=BUCKET,
                          TIMELAPSE_MAX_FRAMES=25)
        t = run.body["timelapse"]
        self.assertEqual((t["frames"], t["stopped"]), (25, "maxFrames"))
        self.assertEqual(ffprobe(self.stored(run.body)[0])["frames"], 25)

    def test_deadline_mid_way_returns_what_it_has(self):
        self.fill(1800)
        self.emu.fault(MEDIA, "GetImages", delay_s=1.0, times=None)
        began = time.monotonic()
        run = self.run_ok(self.invoke(end=START + 1800_000), SNAPSHOT_BUCKET=BUCKET,
                          LOOKOUT_LOCAL_TIMEOUT_S=6)
        self.assertLess(time.monotonic() - began, 6.0)
        t = run.body["timelapse"]
        self.assertEqual(t["stopped"], "deadline")
        self.assertTrue(0 < t["frames"] < 600, t)
        self.assertEqual(ffprobe(self.stored(run.body)[0])["frames"], t["frames"])

    def test_sheet_invocation(self):
        self.fill(120)
        run = self.run_ok(self.invoke(format="sheet"), SNAPSHOT_BUCKET=BUCKET)
        path, obj = self.stored(run.body)
        self.assertEqual(obj[2], "image/jpeg")
        subprocess.run(["djpeg", "-pnm", "-outfile", os.devnull, path], check=True)

    def test_range_without_media_answers_no_file(self):
        self.emu.create_stream(STREAM)
        run = self.run_ok(self.invoke(), SNAPSHOT_BUCKET=BUCKET)
        t = run.body["timelapse"]
        self.assertEqual(t["frames"], 0)
        self.assertNotIn("s3Uri", t)

    def test_bad_requests_are_typed(self):
        self.run_failed(self.invoke(width=320), "Function.InvalidEvent", SNAPSHOT_BUCKET=BUCKET)
        self.run_failed(self.invoke(end=START - 1), "Function.InvalidEvent",
                        SNAPSHOT_BUCKET=BUCKET)
        self.run_failed(self.invoke(format="mp4"), "Function.InvalidEvent",
                        SNAPSHOT_BUCKET=BUCKET)
        self.run_failed(self.invoke(), "Runtime.ConfigInvalid", SNAPSHOT_BUCKET=None)
        self.assertEqual(self.media_calls(), [])


if __name__ == "__main__":
    unittest.main()
