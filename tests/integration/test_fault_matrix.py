"""Every AWS operation of the S3-image and KVS-notification paths under every fault: each cell
must end with the alert published and success, or a failed invocation with a typed error.
A success without the alert is a lost alert and fails the test. The matrix is printed."""

import os
import sys

from lookout_case import (BUCKET, PERSON_KEY, SOURCE_DIR, IntegrationCase, kvs_metadata,
                          sample_event)

FRAME = os.path.join(SOURCE_DIR, "tests", "data", "kvs", "front-door", "1690707290324.jpg")

SNS_NO_ID = (b'<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
             b'<PublishResult></PublishResult></PublishResponse>')
# (service, operation, throttling code, a 200 body that lacks a required member)
OPERATIONS = {
    "s3": [("s3", "HeadObject", "SlowDown", b""),
           ("rekognition", "DetectLabels", "ThrottlingException", b'{"LabelModelVersion":"3.0"}'),
           ("sns", "Publish", "Throttling", SNS_NO_ID)],
    "kvs": [("kinesisvideo", "GetDataEndpoint", "ClientLimitExceededException", b"{}"),
            ("kinesis-video-archived-media", "GetImages", "ClientLimitExceededException",
             b'{"Images":[{"TimeStamp":1690707290.324}]}'),
            ("rekognition", "DetectLabels", "ThrottlingException", b'{"Labels":null}'),
            ("sns", "Publish", "Throttling", SNS_NO_ID)],
}
# A slow first attempt must not stop the second from answering within the deadline.
DEADLINE_S = 7
SLOW_S = 3.5


def faults(throttle, missing):
    return [("500", dict(code="InternalError", status=500, times=None)),
            ("503", dict(code="ServiceUnavailable", status=503, times=None)),
            ("throttled", dict(code=throttle, times=None)),
            ("slow", dict(delay_s=SLOW_S, times=1)),
            ("reset", dict(reset=True, times=None)),
            ("garbage", dict(body=b"\x00<<not an answer{", times=None)),
            ("truncated", dict(truncate=True, times=None)),
            ("missing", dict(body=missing, times=None))]


class FaultMatrixTest(IntegrationCase):
    matrix = []

    @classmethod
    def tearDownClass(cls):
        names = [n for n, _ in faults("", b"")]
        lines = ["%-34s" % "path / operation" + "".join("%-18s" % n for n in names)]
        for (path, op), cells in cls.matrix:
            lines.append("%-34s" % ("%s / %s" % (path, op)) + "".join("%-18s" % c for c in cells))
        sys.stderr.write("\nfault matrix (alert = published and success; "
                         "error type = failed invocation):\n" + "\n".join(lines) + "\n")
        super().tearDownClass()

    def run_path(self, path):
        env = dict(AWS_MAX_ATTEMPTS=2, LOOKOUT_LOCAL_TIMEOUT_S=DEADLINE_S)
        if path == "s3":
            with open(FRAME, "rb") as f:
                self.emu.put_object(BUCKET, PERSON_KEY, f.read(), kvs_metadata(1690707290324),
                                    "image/jpeg")
            return self.run_event(sample_event("s3-put.json"), **env)
        return self.run_event(sample_event("sns-kvs-fragment.json"), KVS_MAX_FRAMES=1,
                              AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA=None, **env)

    def cell(self, path, service, fault):
        """One run; its outcome: 'alert' or the error type. Asserts the cell holds."""
        self.emu.reset()
        self.emu.create_bucket(BUCKET)
        self.topic = self.emu.create_topic("kvs-lookout-alerts")
        self.emu.fault(service[0], service[1], **fault)
        run = self.run_path(path)
        published = len(self.emu.published())
        if run.code == 0:
            self.assertIsInstance(run.body, dict, run)
            self.assertGreaterEqual(run.body.get("alerts", 0), 1, "lost alert: %r" % run)
            self.assertGreaterEqual(published, 1, "success without the alert: %r" % run)
            return "alert"
        self.assertEqual(run.code, 1, run)
        self.assertRegex(run.body["errorType"], r"^Function\.[A-Z][a-zA-Z]+$", run)
        self.assertTrue(run.body["errorMessage"], run)
        return run.body["errorType"].split(".", 1)[1]

    def check_path(self, path):
        for service, op, throttle, missing in OPERATIONS[path]:
            row = []
            for name, fault in faults(throttle, missing):
                with self.subTest(path=path, operation=op, fault=name):
                    row.append(self.cell(path, (service, op), fault))
            self.matrix.append(((path, op), row))

    def test_s3_image_path_never_loses_an_alert(self):
        self.check_path("s3")

    def test_kvs_notification_path_never_loses_an_alert(self):
        self.check_path("kvs")
