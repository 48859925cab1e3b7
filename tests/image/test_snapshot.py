"""Annotated snapshots (snapshot.h) judged by Debian's djpeg, pixel by pixel: the outline's
colour along each box edge, the zones, the frame untouched far from what was drawn, the
strip, and the width limit. Input frames are made here (a smooth gradient whose every pixel
is known), as JPEG through cjpeg and as PNG through zlib."""

import json
import os
import struct
import subprocess
import tempfile
import unittest
import zlib

BUILD = os.environ["LOOKOUT_BUILD_DIR"]
TOOL = os.path.join(BUILD, "snapshot_make")
JPEG_TOLERANCE = 40  # quality 80, 4:2:0: a flat colour comes back within this per channel


def gradient(w, h):
    """A picture whose pixel (x, y) is (255x/w, 255y/h, 128): known at any scale."""
    rows = []
    for y in range(h):
        g = 255 * y // h
        rows.append(bytes(v for x in range(w) for v in (255 * x // w, g, 128)))
    return rows


def write_ppm(path, w, h):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        for row in gradient(w, h):
            f.write(row)


def write_jpeg(path, w, h):
    ppm = path + ".ppm"
    write_ppm(ppm, w, h)
    with open(path, "wb") as out:
        subprocess.run(["cjpeg", "-quality", "95", ppm], stdout=out, check=True)
    os.unlink(ppm)


def write_png(path, w, h, rows=None):
    """An 8-bit RGB PNG of rows (bytes of 3 w each), the gradient when none are given."""
    raw = b"".join(b"\0" + row for row in (rows if rows is not None else gradient(w, h)))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def read_jpeg(path):
    """(width, height, pixel(x, y)) from djpeg's PPM output."""
    ppm = subprocess.run(["djpeg", "-pnm", path], capture_output=True, check=True).stdout
    magic, w, h, maxval, data = ppm.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    w, h = int(w), int(h)

    def pixel(x, y):
        i = 3 * (y * w + x)
        return tuple(data[i:i + 3])
    return w, h, pixel


def close(a, b, tol=JPEG_TOLERANCE):
    return all(abs(p - q) <= tol for p, q in zip(a, b))


BOXES = [
    {"left": 0.10, "top": 0.30, "width": 0.25, "height": 0.50, "tag": "Person 97%", "label": "Person"},
    {"left": 0.55, "top": 0.10, "width": 0.30, "height": 0.25, "tag": "Car 88%", "label": "Car"},
]
ZONE = {"name": "porch", "points": [[0.05, 0.88], [0.95, 0.88], [0.95, 0.97], [0.05, 0.97]]}
LINES = ["front-door  2026-11-24 08:00:00 UTC", "ALSO SEEN: Animal 95%"]


class ScratchDirTest(unittest.TestCase):
    """A case with a scratch folder of its own, removed after each test."""
    PREFIX = "snapshot-"

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix=self.PREFIX)

    def tearDown(self):
        for name in os.listdir(self.dir):
            os.unlink(os.path.join(self.dir, name))
        os.rmdir(self.dir)


class SnapshotPixelTest(ScratchDirTest):

    def make(self, image, max_width=1280, boxes=BOXES, zones=(ZONE,), lines=LINES):
        out = os.path.join(self.dir, "out.jpg")
        spec = {"image": image, "out": out, "maxWidth": max_width, "boxes": list(boxes),
                "zones": list(zones), "lines": list(lines)}
        proc = subprocess.run([TOOL], input=json.dumps(spec).encode(), capture_output=True)
        result = json.loads(proc.stdout)
        self.assertEqual(proc.returncode, 0, result)
        return result, read_jpeg(out)

    def check_boxes(self, result, pixel, boxes=BOXES):
        w, fh, t = result["width"], result["frameHeight"], result["thickness"]
        for box in boxes:
            color = result["colors"][box["label"]]
            x0 = round(box["left"] * w)
            y0 = round(box["top"] * fh)
            x1 = round((box["left"] + box["width"]) * w)
            y1 = round((box["top"] + box["height"]) * fh)
            mid = t // 2
            # Along each edge, away from the corners and the tag above the top edge.
            for k in range(8):
                fx = x0 + (x1 - x0) * (k + 1) // 10
                fy = y0 + (y1 - y0) * (k + 1) // 10
                for name, (x, y) in {"top": (fx, y0 + mid), "bottom": (fx, y1 - 1 - mid),
                                     "left": (x0 + mid, fy), "right": (x1 - 1 - mid, fy)}.items():
                    self.assertTrue(close(pixel(x, y), color),
                                    "%s edge of %s at %d,%d: %s, want %s"
                                    % (name, box["label"], x, y, pixel(x, y), color))

    def check_untouched(self, result, pixel, boxes=BOXES, zones=(ZONE,)):
        """Pixels far (> 4 thicknesses and the tag's height) from every box, zone and the
        strip keep the frame's gradient."""
        w, fh, t = result["width"], result["frameHeight"], result["thickness"]
        margin = 4 * t + 12 * result["fontScale"] + 8
        rects = [(b["left"] * w, b["top"] * fh, (b["left"] + b["width"]) * w,
                  (b["top"] + b["height"]) * fh) for b in boxes]
        for z in zones:
            xs = [p[0] * w for p in z["points"]]
            ys = [p[1] * fh for p in z["points"]]
            rects.append((min(xs), min(ys), max(xs), max(ys)))
        checked = 0
        for y in range(0, fh - margin, max(1, fh // 40)):
            for x in range(0, w, max(1, w // 40)):
                if any(r[0] - margin <= x <= r[2] + margin and r[1] - margin <= y <= r[3] + margin
                       for r in rects):
                    continue
                want = (255 * x // w, 255 * y // fh, 128)
                self.assertTrue(close(pixel(x, y), want, 16),
                                "frame pixel %d,%d changed: %s, want %s" % (x, y, pixel(x, y), want))
                checked += 1
        self.assertGreater(checked, 200, "the test looked at too few pixels")

    def check_strip(self, result, pixel):
        """The strip is dark, with light text in it."""
        w, h, fh = result["width"], result["height"], result["frameHeight"]
        self.assertGreater(h, fh)
        values = [pixel(x, y) for y in range(fh + 2, h - 2) for x in range(0, min(w, 600), 2)]
        dark = sum(1 for v in values if max(v) < 60)
        light = sum(1 for v in values if min(v) > 180)
        self.assertGreater(dark, len(values) // 2)
        self.assertGreater(light, 50, "no text in the strip")

    def check_zone(self, result, pixel):
        w, fh = result["width"], result["frameHeight"]
        y = round(0.97 * (fh - 1))
        for k in range(2, 9):
            x = round((0.05 + 0.9 * k / 10) * (w - 1))
            self.assertTrue(close(pixel(x, y), result["zoneColor"]),
                            "zone edge at %d,%d: %s" % (x, y, pixel(x, y)))

    def test_1080p_jpeg_is_annotated_and_fitted(self):
        src = os.path.join(self.dir, "in.jpg")
        write_jpeg(src, 1920, 1080)
        result, (w, h, pixel) = self.make(src)
        self.assertEqual((w, h), (result["width"], result["height"]))
        self.assertEqual((w, result["frameHeight"]), (1280, 720))
        self.check_boxes(result, pixel)
        self.check_zone(result, pixel)
        self.check_untouched(result, pixel)
        self.check_strip(result, pixel)

    def test_png_frames_are_annotated_the_same_way(self):
        src = os.path.join(self.dir, "in.png")
        write_png(src, 800, 600)
        result, (w, h, pixel) = self.make(src)
        self.assertEqual((w, result["frameHeight"]), (800, 600), "never enlarged")
        self.check_boxes(result, pixel)
        self.check_untouched(result, pixel)
        self.check_strip(result, pixel)

    def test_4k_is_brought_under_the_width(self):
        src = os.path.join(self.dir, "in.jpg")
        write_jpeg(src, 3840, 2160)
        for width in (1280, 640):
            result, (w, h, pixel) = self.make(src, max_width=width)
            self.assertEqual((w, result["frameHeight"]), (width, width * 9 // 16))
            self.check_boxes(result, pixel)
            self.check_untouched(result, pixel)

    def test_portrait_frames_keep_their_aspect(self):
        src = os.path.join(self.dir, "in.jpg")
        write_jpeg(src, 1080, 1920)
        result, (w, h, pixel) = self.make(src, max_width=540, zones=())
        self.assertEqual((w, result["frameHeight"]), (540, 960))
        self.check_boxes(result, pixel)
        self.check_untouched(result, pixel, zones=())

    def test_no_lines_no_strip(self):
        src = os.path.join(self.dir, "in.jpg")
        write_jpeg(src, 640, 480)
        result, (w, h, _) = self.make(src, lines=(), boxes=(), zones=())
        self.assertEqual((w, h), (640, 480))

    def test_colours_differ_per_label_and_stay(self):
        src = os.path.join(self.dir, "in.jpg")
        write_jpeg(src, 640, 480)
        first, _ = self.make(src)
        again, _ = self.make(src, boxes=list(reversed(BOXES)))
        self.assertNotEqual(first["colors"]["Person"], first["colors"]["Car"])
        self.assertEqual(first["colors"], again["colors"])
        self.assertNotIn(first["zoneColor"], first["colors"].values())

    def test_bad_input_is_a_clear_error(self):
        src = os.path.join(self.dir, "bad.jpg")
        with open(src, "wb") as f:
            f.write(b"\xff\xd8\xff\xe0" + b"\0" * 64)
        out = os.path.join(self.dir, "out.jpg")
        proc = subprocess.run([TOOL], input=json.dumps(
            {"image": src, "out": out, "maxWidth": 1280}).encode(), capture_output=True)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(json.loads(proc.stdout)["error"]["status"], "LK_BAD_IMAGE")
        proc = subprocess.run([TOOL], input=json.dumps(
            {"image": src, "out": out, "maxWidth": 10}).encode(), capture_output=True)
        self.assertEqual(json.loads(proc.stdout)["error"]["status"], "LK_INVALID_ARG")


if __name__ == "__main__":
    unittest.main()
