"""Nothing the function stores can start it again. The images bucket notifies the function of
new objects through the S3 events of template.yaml; the function also writes into that bucket
(alert snapshots of KVS frames, time-lapse files). S3 matches a notification on one prefix and
one suffix, case-sensitively: this test reads those filters from the template, runs the paths
that store objects, and checks every key written against every filter."""

import os
import sys
import unittest

import test_timelapse  # as a module, so that its cases are not collected here again
from lookout_case import BUCKET, IntegrationCase, sample_event

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "template"))
import samtemplate  # noqa: E402

PREFIX = "alerts/"


def s3_filters():
    """(prefix, suffix) of every S3 event of every function in template.yaml."""
    found = []
    for res in samtemplate.load_template()["Resources"].values():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        for event in res["Properties"].get("Events", {}).values():
            if event["Type"] != "S3":
                continue
            rules = event["Properties"].get("Filter", {}).get("S3Key", {}).get("Rules", [])
            named = {r["Name"].lower(): r["Value"] for r in rules}
            found.append((named.get("prefix", ""), named.get("suffix", "")))
    return found


def matching(key, filters):
    return [f for f in filters if key.startswith(f[0]) and key.endswith(f[1])]


def written_keys(case):
    return [c["params"]["Key"] for c in case.emu.calls("s3", "PutObject")]


class FiltersTest(unittest.TestCase):
    def test_filters_match_what_kvs_images_writes(self):
        filters = s3_filters()
        self.assertTrue(filters)
        for key in ("123456789012_front-door_1690707293324_3c1d7e52-8a4b.jpg",
                    "123456789012_front-door_1690707293324_3c1d7e52-8a4b.png"):
            self.assertTrue(matching(key, filters), key)


class SnapshotKeysTest(IntegrationCase):
    def setUp(self):
        super().setUp()
        self.emu.create_bucket("snapshots")

    def test_alert_snapshot_of_a_kvs_frame(self):
        run = self.run_ok(sample_event("sns-kvs-fragment.json"), SNAPSHOT_BUCKET="snapshots",
                          SNAPSHOT_PREFIX=PREFIX,
                          AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None)
        self.assertEqual(run.body["alerts"], 1)
        keys = written_keys(self)
        # The frame itself (the alert's image) and its annotated snapshot.
        self.assertEqual(len(keys), 2, keys)
        for key in keys:
            self.assertTrue(key.startswith(PREFIX), keys)
            self.assertEqual(matching(key, s3_filters()), [], key)


class TimelapseKeysTest(test_timelapse.TimelapseCase):
    def test_every_time_lapse_format(self):
        self.fill(30)
        filters = s3_filters()
        for fmt in ("avi", "sheet", "apng"):
            body = {"stream": test_timelapse.STREAM, "start": test_timelapse.START,
                    "end": test_timelapse.START + 30_000, "everyMs": 3000, "format": fmt}
            run = self.run_ok({"lookout": {"timelapse": body}}, SNAPSHOT_BUCKET=BUCKET,
                              SNAPSHOT_PREFIX=PREFIX)
            self.assertGreater(run.body["timelapse"]["frames"], 0)
        keys = written_keys(self)
        self.assertEqual(len(keys), 3, keys)
        for key in keys:
            self.assertTrue(key.startswith(PREFIX + "timelapse/"), key)
            self.assertEqual(matching(key, filters), [], key)


if __name__ == "__main__":
    unittest.main()
