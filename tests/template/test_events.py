"""events/: every sample parses, has the shape its source delivers, uses the demo's names, and
(for the custom resource) maps onto KVS API requests that the botocore model accepts."""
import glob
import hashlib
import json
import os
import re
import unittest
from urllib.parse import unquote_plus, urlparse

from samtemplate import EVENTS_DIR, SOURCE_DIR, load_template

BUCKET = "kvs-lookout-demo-images"
STREAM = "front-door"
REGION = "us-east-1"
ACCOUNT = "123456789012"
IMAGES_DIR = os.path.join(SOURCE_DIR, "tests", "data", "images")
# KVS image key: [prefix_]account_stream_timecodeMs_guid.ext (KVS Developer Guide,
# "Automated real-time image generation").
KVS_KEY = re.compile(r"^(?:.+_)?%s_%s_(\d{13})_[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}\.(jpg|png)$"
                     % (ACCOUNT, re.escape(STREAM)))


def load(name):
    with open(os.path.join(EVENTS_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def readme_rows():
    """file -> (decoded key, image file) from the table in events/README.md."""
    rows = {}
    with open(os.path.join(EVENTS_DIR, "README.md"), encoding="utf-8") as f:
        for line in f:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) == 5 and cells[0].startswith("`") and cells[0].endswith(".json`"):
                key = re.match(r"`([^`]+)`", cells[3])
                image = re.match(r"`([^`]+)`", cells[4])
                rows[cells[0].strip("`")] = (key and key.group(1), image and image.group(1))
    return rows


def s3_records(event):
    """S3 notification records, direct or inside an SNS message."""
    records = event.get("Records", [])
    if records and records[0].get("eventSource") == "aws:s3":
        return records
    if records and records[0].get("EventSource") == "aws:sns":
        inner = json.loads(records[0]["Sns"]["Message"])
        return inner.get("Records", []) if isinstance(inner, dict) else []
    return []


def image_generation_request(props):
    """UpdateImageGenerationConfiguration input for a Create/Update, as docs/deploy.md maps it."""
    cfg = {
        "Status": "ENABLED",
        "ImageSelectorType": props["ImageSelectorType"],
        "DestinationConfig": {"Uri": props["DestinationUri"], "DestinationRegion": props["Region"]},
        "SamplingInterval": int(props["SamplingIntervalMs"]),
        "Format": props["Format"],
    }
    if "JpegQuality" in props and props["Format"] == "JPEG":
        cfg["FormatConfig"] = {"JPEGQuality": props["JpegQuality"]}
    for name in ("WidthPixels", "HeightPixels"):
        if name in props:
            cfg[name] = int(props[name])
    return {"StreamName": props["StreamName"], "ImageGenerationConfiguration": cfg}


def notification_request(props):
    return {"StreamName": props["StreamName"],
            "NotificationConfiguration": {"Status": "ENABLED",
                                          "DestinationConfig": {"Uri": props["NotificationTopicArn"]}}}


class EventFilesTest(unittest.TestCase):
    def test_every_file_parses_and_is_documented(self):
        files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(EVENTS_DIR, "*.json")))
        self.assertGreaterEqual(len(files), 11)
        documented = readme_rows()
        for name in files:
            with self.subTest(file=name):
                self.assertIsInstance(load(name), dict)
                self.assertIn(name, documented)
        self.assertEqual(sorted(documented), files)


class S3SamplesTest(unittest.TestCase):
    def samples(self):
        for path in sorted(glob.glob(os.path.join(EVENTS_DIR, "*.json"))):
            name = os.path.basename(path)
            records = s3_records(load(name))
            if records:
                yield name, records

    def test_records_have_the_s3_shape(self):
        seen = set()
        for name, records in self.samples():
            for rec in records:
                with self.subTest(file=name):
                    self.assertRegex(rec["eventVersion"], r"^2\.\d+$")
                    seen.add(rec["eventVersion"])
                    self.assertEqual("aws:s3", rec["eventSource"])
                    self.assertEqual(REGION, rec["awsRegion"])
                    self.assertTrue(rec["eventName"].startswith("ObjectCreated:"))
                    self.assertRegex(rec["eventTime"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
                    s3 = rec["s3"]
                    self.assertEqual("1.0", s3["s3SchemaVersion"])
                    self.assertEqual(BUCKET, s3["bucket"]["name"])
                    self.assertEqual("arn:aws:s3:::" + BUCKET, s3["bucket"]["arn"])
                    self.assertIsInstance(s3["object"]["size"], int)
                    self.assertRegex(s3["object"]["sequencer"], r"^[0-9A-F]+$")
        self.assertIn("2.0", seen)  # SAM's generator
        self.assertTrue(seen - {"2.0"})  # and a real one

    def test_keys_are_kvs_image_keys_that_the_template_delivers(self):
        template = load_template()
        suffixes = [e["Properties"]["Filter"]["S3Key"]["Rules"][0]["Value"]
                    for e in template["Resources"]["LookoutFunction"]["Properties"]["Events"].values()
                    if e["Type"] == "S3"]
        encodings = set()
        for name, records in self.samples():
            raw = records[0]["s3"]["object"]["key"]
            key = unquote_plus(raw)  # S3 form encoding; also undoes SAM's %20
            with self.subTest(file=name):
                self.assertRegex(key, KVS_KEY)
                self.assertTrue(any(raw.endswith(s) for s in suffixes))
                self.assertEqual(readme_rows()[name][0], key)
            encodings.update(c for c in ("%20", "+") if c in raw)
        self.assertEqual({"%20", "+"}, encodings)

    def test_size_and_etag_are_those_of_the_documented_image(self):
        for name, records in self.samples():
            obj = records[0]["s3"]["object"]
            image = readme_rows()[name][1]
            with self.subTest(file=name, image=image):
                with open(os.path.join(IMAGES_DIR, image), "rb") as f:
                    data = f.read()
                self.assertEqual(len(data), obj["size"])
                self.assertEqual(hashlib.md5(data).hexdigest(), obj["eTag"])


class OtherSamplesTest(unittest.TestCase):
    def sns_record(self, name):
        event = load(name)
        self.assertEqual(1, len(event["Records"]))
        rec = event["Records"][0]
        self.assertEqual("aws:sns", rec["EventSource"])
        self.assertEqual("1.0", rec["EventVersion"])
        sns = rec["Sns"]
        self.assertEqual("Notification", sns["Type"])
        self.assertIsInstance(sns["Message"], str)
        self.assertRegex(sns["TopicArn"], r"^arn:aws:sns:%s:%s:[\w-]+$" % (REGION, ACCOUNT))
        self.assertTrue(rec["EventSubscriptionArn"].startswith(sns["TopicArn"] + ":"))
        for key in ("SigningCertUrl", "UnsubscribeUrl", "Timestamp", "MessageId"):
            self.assertIn(key, sns)  # Lambda's spelling, not ...URL
        return sns

    def test_sns_with_s3_inside(self):
        sns = self.sns_record("sns-s3-put.json")
        inner = json.loads(sns["Message"])
        self.assertEqual("aws:s3", inner["Records"][0]["eventSource"])

    def test_sns_kvs_fragment_notification(self):
        sns = self.sns_record("sns-kvs-fragment.json")
        self.assertEqual("Kinesis Video Streams Notification", sns["Subject"])
        msg = json.loads(sns["Message"])
        self.assertRegex(msg["StreamArn"],
                         r"^arn:aws:kinesisvideo:%s:%s:stream/%s/\d+$" % (REGION, ACCOUNT, STREAM))
        self.assertRegex(msg["FragmentNumber"], r"^\d{40,}$")
        for name in ("FragmentStartProducerTimestamp", "FragmentStartServerTimestamp"):
            self.assertIsInstance(msg[name], int)
            self.assertGreater(msg[name], 10 ** 11)  # milliseconds
        self.assertEqual("PERSISTED", msg["NotificationType"])
        payload = msg["NotificationPayload"]
        self.assertLessEqual(len(payload), 8)  # 10 tags per fragment, 2 taken by KVS's own
        for key, value in payload.items():
            self.assertFalse(key.upper().startswith("AWS"))
            self.assertLessEqual(len(key.encode()), 128)
            self.assertLessEqual(len(value.encode()), 256)

    def test_eventbridge_object_created(self):
        event = load("eventbridge-s3-object-created.json")
        self.assertEqual("aws.s3", event["source"])
        self.assertEqual("Object Created", event["detail-type"])
        self.assertEqual(REGION, event["region"])
        self.assertEqual(ACCOUNT, event["account"])
        self.assertEqual(["arn:aws:s3:::" + BUCKET], event["resources"])
        detail = event["detail"]
        self.assertEqual(BUCKET, detail["bucket"]["name"])
        self.assertRegex(detail["object"]["key"], KVS_KEY)  # raw, not URL-encoded
        self.assertIn("etag", detail["object"])
        self.assertIn(detail["reason"], ("PutObject", "POST Object", "CopyObject",
                                         "CompleteMultipartUpload"))

    def test_s3_test_event(self):
        event = load("s3-test-event.json")
        self.assertEqual("s3:TestEvent", event["Event"])
        self.assertEqual("Amazon S3", event["Service"])
        self.assertEqual(BUCKET, event["Bucket"])
        self.assertNotIn("Records", event)

    def test_manual_invocation(self):
        event = load("manual-image.json")
        self.assertEqual(["lookout"], list(event))
        self.assertEqual({"image"}, set(event["lookout"]))
        image = event["lookout"]["image"]
        self.assertEqual({"bucket", "key"}, set(image))
        self.assertEqual(BUCKET, image["bucket"])
        self.assertRegex(image["key"], KVS_KEY)


class CustomResourceSamplesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.setup = load_template()["Resources"]["KvsSetup"]
        cls.requests = {kind: load("cfn-%s.json" % kind.lower())
                        for kind in ("Create", "Update", "Delete")}

    def test_request_fields(self):
        for kind, req in self.requests.items():
            with self.subTest(request=kind):
                self.assertEqual(kind, req["RequestType"])
                self.assertEqual("https", urlparse(req["ResponseURL"]).scheme)
                self.assertRegex(req["StackId"],
                                 r"^arn:aws:cloudformation:%s:%s:stack/[\w-]+/[0-9a-f-]{36}$"
                                 % (REGION, ACCOUNT))
                self.assertRegex(req["RequestId"], r"^[0-9a-f-]{36}$")
                self.assertEqual("KvsSetup", req["LogicalResourceId"])
                self.assertEqual(self.setup["Type"], req["ResourceType"])
                self.assertEqual(req["ServiceToken"], req["ResourceProperties"]["ServiceToken"])
                self.assertEqual(kind != "Create", "PhysicalResourceId" in req)
                self.assertEqual(kind == "Update", "OldResourceProperties" in req)
        # The id the set-up answers a Create with (docs/deploy.md), kept from then on.
        for kind in ("Update", "Delete"):
            self.assertEqual("kvs-lookout-setup-" + STREAM, self.requests[kind]["PhysicalResourceId"])
        self.assertEqual(self.requests["Create"]["ResourceProperties"],
                         self.requests["Update"]["OldResourceProperties"])

    def test_properties_are_the_templates_and_strings(self):
        names = set(self.setup["Properties"])
        optional = {n for n, v in self.setup["Properties"].items()
                    if isinstance(v, dict) and "Fn::If" in v}
        for kind, req in self.requests.items():
            props = req["ResourceProperties"]
            with self.subTest(request=kind):
                self.assertEqual([], sorted(set(props) - names))
                self.assertEqual([], sorted(names - optional - set(props)))
                self.assertTrue(all(isinstance(v, str) for v in props.values()))
                self.assertEqual(STREAM, props["StreamName"])
                self.assertEqual(REGION, props["Region"])
                self.assertEqual("s3://" + props["ImagesBucket"], props["DestinationUri"])
                self.assertEqual(BUCKET, props["ImagesBucket"])

    def test_properties_map_onto_valid_kvs_requests(self):
        import botocore.session
        from botocore.validate import ParamValidator
        model = botocore.session.get_session().get_service_model("kinesisvideo")
        for kind, req in self.requests.items():
            props = req["ResourceProperties"]
            for op, params in (("UpdateImageGenerationConfiguration", image_generation_request(props)),
                               ("UpdateNotificationConfiguration", notification_request(props))):
                with self.subTest(request=kind, operation=op):
                    shape = model.operation_model(op).input_shape
                    report = ParamValidator().validate(params, shape)
                    self.assertFalse(report.has_errors(), report.generate_report())
                    self.assertEqual([], constraint_errors(params, shape))


def constraint_errors(value, shape, path="$"):
    """What botocore's ParamValidator does not check itself: patterns, lengths, ranges, enums."""
    errors = []
    meta = shape.metadata
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value:
                errors += constraint_errors(value[name], member, path + "." + name)
    elif shape.type_name == "map":
        for key, item in value.items():
            errors += constraint_errors(key, shape.key, path + ".<key>")
            errors += constraint_errors(item, shape.value, path + "." + key)
    elif shape.type_name == "string":
        if "pattern" in meta and not re.search(meta["pattern"], value):
            errors.append("%s: %r does not match %s" % (path, value, meta["pattern"]))
        if "enum" in meta and value not in meta["enum"]:
            errors.append("%s: %r not in %s" % (path, value, meta["enum"]))
        if not meta.get("min", 0) <= len(value) <= meta.get("max", 1 << 30):
            errors.append("%s: length %d out of range" % (path, len(value)))
    elif shape.type_name in ("integer", "long"):
        if not meta.get("min", -(1 << 62)) <= value <= meta.get("max", 1 << 62):
            errors.append("%s: %d out of range" % (path, value))
    return errors


class ConstraintCheckSelfTest(unittest.TestCase):
    def test_bad_values_are_caught(self):
        import botocore.session
        model = botocore.session.get_session().get_service_model("kinesisvideo")
        shape = model.operation_model("UpdateImageGenerationConfiguration").input_shape
        props = dict(load("cfn-update.json")["ResourceProperties"])
        props.update(Region="useast1", WidthPixels="4000", DestinationUri="s3://b/*")
        errors = constraint_errors(image_generation_request(props), shape)
        paths = {e.split(":")[0].rsplit(".", 1)[-1] for e in errors}
        self.assertEqual({"Uri", "DestinationRegion", "WidthPixels"}, paths, errors)


if __name__ == "__main__":
    unittest.main()
