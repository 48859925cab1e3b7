"""Big frames in a small function: with motion gating on (the S3 object is read and decoded)
and AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128, a 10000x10000 JPEG, a 12000x8000 JPEG and an 8K PNG
are labelled from pixels decoded at a reduced scale, and a frame that cannot be read within
the pixel budget fails as Function.ImageTooLarge. Either way the process stays under 64 MB.

The images are made here (a PPM streamed into Debian's cjpeg; the PNG written row by row with
zlib) and cached under the build directory. Peak RSS is the bootstrap's own, from
tests/tools/peak_rss.c. Under a wrapper (valgrind) RSS means nothing, so the test skips."""

import json
import os
import random
import struct
import subprocess
import sys
import unittest
import zlib

from lookout_case import BOOTSTRAP, BUCKET, BUILD_DIR, IntegrationCase, RUN_TIMEOUT_S, WRAPPER, \
    s3_event, s3_record

CACHE = os.path.join(BUILD_DIR, "test-images")
PEAK_RSS = os.path.join(BUILD_DIR, "peak_rss")
LIMIT_KIB = 64 * 1024
KEY = "123456789012_big-cam_%d_0c6e4d38-3f5e-4b8e-9a53-5d7f7c0e9a11.%s"


def picture_rows(width, height, noise_px, seed=9):
    """RGB rows: a smooth gradient with a band of noise_px random pixels that wanders from row
    to row, so the file lands between Rekognition's 5 MB and the function's 15 MB read cap."""
    rnd = random.Random(seed)
    pool = rnd.randbytes(1 << 20)
    base = bytearray(width * 3)
    for x in range(width):
        g = x * 255 // width
        base[3 * x:3 * x + 3] = bytes((g, 255 - g, (g * 3) & 255))
    base = bytes(base)
    n = noise_px * 3
    for y in range(height):
        off = (y * 7919) % (len(pool) - n)
        at = ((y * 131) % (width - noise_px)) * 3
        yield base[:at] + pool[off:off + n] + base[at + n:]


def write_jpeg(path, width, height, noise_px, *cjpeg_flags):
    with open(path + ".tmp", "wb") as out:
        proc = subprocess.Popen(["cjpeg", "-quality", "85", *cjpeg_flags], stdin=subprocess.PIPE,
                                stdout=out)
        proc.stdin.write(b"P6\n%d %d\n255\n" % (width, height))
        for row in picture_rows(width, height, noise_px):
            proc.stdin.write(row)
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError("cjpeg failed on " + path)
    os.replace(path + ".tmp", path)


def write_png(path, width, height, noise_px):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    z = zlib.compressobj(6)
    idat = [z.compress(b"\0" + row) for row in picture_rows(width, height, noise_px)]
    idat.append(z.flush())
    with open(path + ".tmp", "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", b"".join(idat)))
        f.write(chunk(b"IEND", b""))
    os.replace(path + ".tmp", path)


# name, writer, arguments, whether it must be labelled (False: ImageTooLarge is the answer)
IMAGES = [
    ("jpeg-10000x10000.jpg", write_jpeg, (10000, 10000, 600), True),
    ("jpeg-12000x8000.jpg", write_jpeg, (12000, 8000, 600), True),
    ("png-7680x4320.png", write_png, (7680, 4320, 700), True),
    # Progressive: libjpeg keeps all 72 MB of coefficients whatever the scale.
    ("progressive-6000x4000.jpg", write_jpeg, (6000, 4000, 400, "-progressive"), False),
]


def image_path(name, writer, args):
    os.makedirs(CACHE, exist_ok=True)
    path = os.path.join(CACHE, name)
    if not os.path.exists(path):
        writer(path, *args)
    return path


@unittest.skipIf(WRAPPER, "peak RSS under a wrapper is the wrapper's")
class BigImageTest(IntegrationCase):
    rows = []

    @classmethod
    def tearDownClass(cls):
        table = ["%-28s %-26s %14s" % ("image", "result", "peak RSS (MB)")]
        table += ["%-28s %-26s %14.1f" % row for row in cls.rows]
        sys.stderr.write("\n" + "\n".join(table) + "\n")
        super().tearDownClass()

    def run_measured(self, event):
        proc = subprocess.run([PEAK_RSS, BOOTSTRAP, "--event", "-"],
                              input=json.dumps(event).encode(), capture_output=True,
                              timeout=RUN_TIMEOUT_S,
                              env=self.env(MOTION_MIN_CHANGE="0.05", ALERT_LABELS="Person",
                                           AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128"))
        err = proc.stderr.decode("utf-8", "replace")
        self.assertIn("peak_rss_kib ", err)
        kib = int(err.rsplit("peak_rss_kib ", 1)[1].split()[0])
        return proc, kib, err

    def test_big_frames_stay_under_half_of_128_mb(self):
        for i, (name, writer, args, labelled) in enumerate(IMAGES):
            with self.subTest(image=name):
                self.emu.reset()
                self.emu.create_bucket(BUCKET)
                self.topic = self.emu.create_topic("kvs-lookout-alerts")
                with open(image_path(name, writer, args), "rb") as f:
                    data = f.read()
                self.assertLess(len(data), 15 << 20, name)
                key = KEY % (1690707290324 + i, name.rsplit(".", 1)[1])
                self.emu.put_object(BUCKET, key, data)
                proc, kib, err = self.run_measured(s3_event(s3_record(BUCKET, key)))
                body = json.loads(proc.stdout)
                result = "success" if proc.returncode == 0 else body.get("errorType", "?")
                self.rows.append((name, result, kib / 1024))
                self.assertLess(kib, LIMIT_KIB, "%s peaked at %d KiB\n%s" % (name, kib, err[-2000:]))
                if labelled:
                    self.assertEqual(proc.returncode, 0, err[-2000:])
                    self.assert_fitted_frame_sent(name)
                else:
                    self.assertEqual(proc.returncode, 1, err[-2000:])
                    self.assertEqual(body["errorType"], "Function.ImageTooLarge", body)
                    self.assertIn("budget", body["errorMessage"])
                    self.assertEqual(self.emu.calls("rekognition"), [])

    def assert_fitted_frame_sent(self, name):
        """What reached DetectLabels is a JPEG Debian's djpeg reads, within Rekognition's limits."""
        calls = self.emu.calls("rekognition", "DetectLabels")
        self.assertEqual(len(calls), 1, name)
        sent = calls[0]["params"]["Image"]["Bytes"]
        self.assertLessEqual(len(sent), 5 * 1024 * 1024)
        ppm = subprocess.run(["djpeg", "-pnm"], input=sent, capture_output=True, check=True).stdout
        width, height = (int(v) for v in ppm.split(b"\n", 2)[1].split())
        self.assertTrue(80 <= min(width, height) and max(width, height) <= 10000,
                        (name, width, height))


if __name__ == "__main__":
    unittest.main()
