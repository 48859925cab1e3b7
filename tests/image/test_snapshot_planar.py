"""Snapshots drawn on YCbCr planes (snapshot.h): which frames take that path, and that the
picture is the one the RGB path draws. Frames are the astronaut of tests/data/kvs re-encoded
by Debian's cjpeg with each chroma subsampling; the RGB path is fed the very same pixels as a
PNG (djpeg's decode of the JPEG), so the two snapshots differ only by how they were drawn.
Every snapshot is read back by djpeg."""

import os
import subprocess
import tempfile
import unittest

import test_snapshot as snap  # as a module, so that its cases are not collected here again

SOURCE = os.path.join(os.environ.get("LOOKOUT_SOURCE_DIR", "../.."), "tests", "data", "kvs",
                      "front-door", "1690707290324.jpg")
SAMPLING = {"420": "2x2", "422": "2x1", "444": "1x1"}
# Luma and chroma sampling factors of the first component, as SOF0 writes them.
SOF_FACTORS = {"420": 0x22, "422": 0x21, "444": 0x11}
# Mean absolute difference per channel between the planar and the RGB snapshot of the same
# pixels: both are quality 80 JPEGs of the same frame, so away from what was drawn they differ
# by their own losses only (about 1 here; 4:4:4 keeps its sharper chroma on the planar path).
# Over the whole picture the outlines and tags may also sit up to one pixel apart, rounded
# to the chroma grid on the planar path.
FRAME_TOLERANCE = 2.0
WHOLE_TOLERANCE = 6.0

def sof_factors(path):
    """(components, first component's sampling byte) from the JPEG's SOF0."""
    with open(path, "rb") as f:
        data = f.read()
    i = data.find(b"\xff\xc0")
    assert i > 0, "no baseline SOF"
    return data[i + 9], data[i + 11]


def write_png_from_ppm(ppm, path):
    magic, w, h, maxval, pixels = ppm.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    w, h = int(w), int(h)
    snap.write_png(path, w, h, [pixels[3 * w * y:3 * w * (y + 1)] for y in range(h)])


BOXES = [
    {"left": 0.21, "top": 0.10, "width": 0.62, "height": 0.85, "tag": "Person 99%", "label": "Person"},
    {"left": 0.05, "top": 0.55, "width": 0.30, "height": 0.30, "tag": "Dog 91%", "label": "Dog"},
]
ZONE = {"name": "porch", "points": [[0.05, 0.90], [0.95, 0.90], [0.95, 0.97], [0.05, 0.97]]}
LINES = snap.LINES


class PlanarSnapshotTest(snap.ScratchDirTest):
    PREFIX = "snapshot-planar-"

    def frame(self, name, *cjpeg_args):
        """The astronaut re-encoded by cjpeg (quality 95) with cjpeg_args."""
        ppm = subprocess.run(["djpeg", "-pnm", SOURCE], capture_output=True, check=True).stdout
        path = os.path.join(self.dir, name)
        with open(path, "wb") as out:
            subprocess.run(["cjpeg", "-quality", "95"] + list(cjpeg_args), input=ppm,
                           stdout=out, check=True)
        return path

    def same_pixels_as_png(self, jpeg):
        path = jpeg + ".png"
        ppm = subprocess.run(["djpeg", "-pnm", jpeg], capture_output=True, check=True).stdout
        write_png_from_ppm(ppm, path)
        return path

    def make(self, image, max_width=320, budget=None, name="out.jpg"):
        out = os.path.join(self.dir, name)
        spec = {"image": image, "out": out, "maxWidth": max_width, "boxes": BOXES,
                "zones": [ZONE], "lines": LINES}
        if budget is not None:
            spec["budgetBytes"] = budget
        proc = subprocess.run([snap.TOOL], input=snap.json.dumps(spec).encode(),
                              capture_output=True)
        return proc.returncode, snap.json.loads(proc.stdout), out

    def made(self, image, **kw):
        rc, result, out = self.make(image, **kw)
        self.assertEqual(rc, 0, result)
        return result, out

    def mean_difference(self, a, b, result=None):
        """Mean absolute difference per channel, over every other pixel of the pictures, or
        with result only over the frame's pixels far from the boxes and the zone."""
        w, h, pa = snap.read_jpeg(a)
        self.assertEqual((w, h), snap.read_jpeg(b)[:2])
        pb = snap.read_jpeg(b)[2]
        rects = []
        if result:
            fh, margin = result["frameHeight"], 4 * result["thickness"] + 12 * result["fontScale"] + 8
            h = fh
            rects = [(bx["left"] * w - margin, bx["top"] * fh - margin,
                      (bx["left"] + bx["width"]) * w + margin,
                      (bx["top"] + bx["height"]) * fh + margin) for bx in BOXES]
            rects.append((0, ZONE["points"][0][1] * fh - margin, w, fh))
        total = count = 0
        for y in range(0, h, 2):
            for x in range(0, w, 2):
                if any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in rects):
                    continue
                total += sum(abs(p - q) for p, q in zip(pa(x, y), pb(x, y)))
                count += 3
        self.assertGreater(count, 3000, "too few pixels compared")
        return total / count

    def test_colour_jpegs_take_the_planar_path_and_keep_their_subsampling(self):
        for name, factors in SAMPLING.items():
            with self.subTest(sampling=name):
                src = self.frame(name + ".jpg", "-sample", factors)
                result, out = self.made(src)
                self.assertTrue(result["planar"])
                self.assertEqual(sof_factors(out), (3, SOF_FACTORS[name]))

    def test_png_gray_and_odd_sides_take_the_rgb_path(self):
        gray = self.frame("gray.jpg", "-grayscale")
        png = self.same_pixels_as_png(self.frame("420.jpg", "-sample", "2x2"))
        # 4:2:0 whose fitted frame (321 x 321) is not whole chroma samples.
        odd = self.frame("odd.jpg", "-sample", "2x2")
        for src, width in ((gray, 320), (png, 320), (odd, 321)):
            with self.subTest(src=os.path.basename(src), width=width):
                result, out = self.made(src, max_width=width)
                self.assertFalse(result["planar"])
                self.assertEqual(sof_factors(out), (3, SOF_FACTORS["420"]))
                w, h, pixel = snap.read_jpeg(out)
                self.assertEqual((w, result["frameHeight"]), (width, width))
                snap.SnapshotPixelTest.check_boxes(self, result, pixel, BOXES)

    def test_planar_picture_is_the_rgb_picture(self):
        for name, factors in SAMPLING.items():
            for width in (320, 512):  # scaled, and at the frame's own size
                with self.subTest(sampling=name, width=width):
                    src = self.frame(name + ".jpg", "-sample", factors)
                    planar, planar_out = self.made(src, max_width=width, name="planar.jpg")
                    rgb, rgb_out = self.made(self.same_pixels_as_png(src), max_width=width,
                                             name="rgb.jpg")
                    self.assertTrue(planar["planar"])
                    self.assertFalse(rgb["planar"])
                    for key in ("width", "height", "frameHeight", "colors"):
                        self.assertEqual(planar[key], rgb[key])
                    self.assertLess(self.mean_difference(planar_out, rgb_out, planar),
                                    FRAME_TOLERANCE)
                    self.assertLess(self.mean_difference(planar_out, rgb_out), WHOLE_TOLERANCE)
                    w, h, pixel = snap.read_jpeg(planar_out)
                    snap.SnapshotPixelTest.check_boxes(self, planar, pixel, BOXES)
                    snap.SnapshotPixelTest.check_strip(self, planar, pixel)

    def test_outline_colours_hold_at_4k(self):
        src = os.path.join(self.dir, "in.jpg")
        snap.write_jpeg(src, 3840, 2160)  # cjpeg's default: 4:2:0
        result, out = self.made(src, max_width=1280)
        self.assertTrue(result["planar"])
        w, h, pixel = snap.read_jpeg(out)
        self.assertEqual((w, result["frameHeight"]), (1280, 720))
        snap.SnapshotPixelTest.check_boxes(self, result, pixel, BOXES)
        snap.SnapshotPixelTest.check_untouched(self, result, pixel, BOXES, (ZONE,))
        snap.SnapshotPixelTest.check_strip(self, result, pixel)

    def test_budget_counts_the_planes(self):
        src = os.path.join(self.dir, "in.jpg")
        snap.write_jpeg(src, 1920, 1080)
        # Y, Cb and Cr of a 1920 x 1080 4:2:0 frame are 3,110,400 bytes before any scaling.
        rc, result, _ = self.make(src, max_width=1280, budget=3_000_000)
        self.assertEqual(rc, 2, result)
        self.assertEqual(result["error"]["status"], "LK_IMAGE_TOO_LARGE")
        result, _ = self.made(src, max_width=1280, budget=8_000_000)
        self.assertTrue(result["planar"])


if __name__ == "__main__":
    unittest.main()
