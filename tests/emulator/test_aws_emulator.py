"""The local AWS emulators, checked with a real client (boto3): every emulated operation,
answers' shapes, SigV4 rejections, model validation, scripted faults, pagination, records."""

import datetime
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.request
from unittest import mock

import boto3
import botocore.auth
import botocore.exceptions
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.config import Config

from emulator.aws import AwsEmulator, ENV_NAMES
from emulator.aws import model as wire

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE = os.environ.get("LOOKOUT_SOURCE_DIR", os.path.dirname(TESTS))
TEST_IMAGES = os.path.join(SOURCE, "tests", "data", "images")
FRAMES = os.path.join(TESTS, "data", "kvs", "front-door")
T0_MS = 1690707290324
T0_S = T0_MS // 1000          # boto3 sends GetImages timestamps in whole seconds
PERSON = os.path.join(FRAMES, "%d.jpg" % T0_MS)
ROSE = os.path.join(FRAMES, "%d.jpg" % (T0_MS + 1000))
CAT = os.path.join(FRAMES, "%d.jpg" % (T0_MS + 4000))
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"}, signature_version="s3v4",
                  s3={"addressing_style": "path"})
UNCHECKED = Config(retries={"total_max_attempts": 1, "mode": "standard"}, parameter_validation=False)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def error_of(call, *args, **kwargs):
    """(code, HTTP status) of the ClientError a call raises."""
    try:
        call(*args, **kwargs)
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError("the call succeeded")


class EmulatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.emu = AwsEmulator().start()

    @classmethod
    def tearDownClass(cls):
        cls.emu.stop()

    def setUp(self):
        self.emu.reset()

    def client(self, service, config=NO_RETRY, **overrides):
        args = dict(endpoint_url=self.emu.endpoints[service], region_name="us-east-1",
                    aws_access_key_id=self.emu.access_key,
                    aws_secret_access_key=self.emu.secret_key,
                    aws_session_token=self.emu.session_token, config=config)
        args.update(overrides)
        return boto3.client(service, **args)

    def assert_output_shape(self, service, operation, doc):
        shape = wire.service_model(service).operation_model(operation).output_shape
        doc = {k: v for k, v in doc.items() if k != "ResponseMetadata"}
        self.assertEqual([], wire.validate(shape, _wire_form(doc)))


def _wire_form(value):
    """boto3's parsed answer back to the parsed-wire form the checker takes."""
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    if isinstance(value, dict):
        return {k: _wire_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_form(v) for v in value]
    return value


class S3Test(EmulatorTest):
    def test_put_get_head_keep_metadata_and_are_recorded(self):
        s3 = self.client("s3")
        s3.create_bucket(Bucket="frames")
        s3.put_object(Bucket="frames", Key="cam 1/a+b.jpg", Body=read(ROSE), ContentType="image/jpeg",
                      Metadata={"aws_kinesisvideo_fragment_number": "913438523331820365074"})
        got = s3.get_object(Bucket="frames", Key="cam 1/a+b.jpg")
        self.assertEqual(read(ROSE), got["Body"].read())
        self.assertEqual("image/jpeg", got["ContentType"])
        self.assertEqual({"aws_kinesisvideo_fragment_number": "913438523331820365074"}, got["Metadata"])
        head = s3.head_object(Bucket="frames", Key="cam 1/a+b.jpg")
        self.assertEqual(len(read(ROSE)), head["ContentLength"])
        put = self.emu.calls("s3", "PutObject")[0]
        self.assertTrue(put["signature_ok"])
        self.assertEqual({"Bucket": "frames", "Key": "cam 1/a+b.jpg"},
                         {k: put["params"][k] for k in ("Bucket", "Key")})
        self.assertEqual(read(ROSE), put["params"]["Body"])
        self.assertEqual("913438523331820365074",
                         put["params"]["Metadata"]["aws_kinesisvideo_fragment_number"])

    def test_missing_key_is_nosuchkey_and_head_404_has_no_body(self):
        self.emu.create_bucket("frames")
        s3 = self.client("s3")
        self.assertEqual(("NoSuchKey", 404), error_of(s3.get_object, Bucket="frames", Key="nope"))
        self.assertEqual(("404", 404), error_of(s3.head_object, Bucket="frames", Key="nope"))

    def test_helpers_put_objects_with_metadata(self):
        self.emu.put_object("frames", "k.jpg", b"\xff\xd8\xff", {"a": "1"}, "image/jpeg")
        got = self.client("s3").get_object(Bucket="frames", Key="k.jpg")
        self.assertEqual({"a": "1"}, got["Metadata"])
        body, meta, ctype = self.emu.get_object("frames", "k.jpg")
        self.assertEqual((b"\xff\xd8\xff", {"a": "1"}, "image/jpeg"), (body, meta, ctype))

    def test_presigned_get_is_verified_and_expiry_honoured(self):
        self.emu.put_object("frames", "p q.jpg", read(ROSE))
        s3 = self.client("s3")
        url = s3.generate_presigned_url("get_object", Params={"Bucket": "frames", "Key": "p q.jpg"},
                                        ExpiresIn=600)
        with urllib.request.urlopen(url) as resp:
            self.assertEqual(read(ROSE), resp.read())
        bad = url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
        self.assertEqual((403, "SignatureDoesNotMatch"), _http_error(bad))
        past = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) \
            - datetime.timedelta(hours=2)
        with mock.patch.object(botocore.auth, "get_current_datetime", return_value=past):
            old = s3.generate_presigned_url("get_object",
                                            Params={"Bucket": "frames", "Key": "p q.jpg"},
                                            ExpiresIn=3600)
        self.assertEqual((403, "AccessDenied"), _http_error(old))

    def test_body_hash_must_match(self):
        self.emu.create_bucket("frames")
        s3 = self.client("s3")

        def tamper(request, **_):
            request.body = b"datA"   # after signing: the signed hash no longer fits the body
        s3.meta.events.register_last("before-send.s3.PutObject", tamper)
        code, status = error_of(s3.put_object, Bucket="frames", Key="k", Body=b"data")
        self.assertEqual(("XAmzContentSHA256Mismatch", 400), (code, status))


def _http_error(url, method="GET", data=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method)):
            pass
    except urllib.error.HTTPError as e:
        body = e.read().decode()
        code = body.split("<Code>")[1].split("</Code>")[0] if "<Code>" in body else None
        return e.code, code
    raise AssertionError("request succeeded")


class SignatureTest(EmulatorTest):
    def test_wrong_secret_rejected_per_protocol(self):
        expect = {"s3": ("SignatureDoesNotMatch", 403),
                  "rekognition": ("InvalidSignatureException", 403),
                  "sns": ("SignatureDoesNotMatch", 403),
                  "kinesisvideo": ("InvalidSignatureException", 403),
                  "kinesis-video-archived-media": ("InvalidSignatureException", 403)}
        calls = {"s3": lambda c: c.list_buckets(),
                 "rekognition": lambda c: c.detect_labels(Image={"Bytes": read(ROSE)}),
                 "sns": lambda c: c.list_topics(),
                 "kinesisvideo": lambda c: c.list_streams(),
                 "kinesis-video-archived-media": lambda c: c.get_images(
                     StreamName="front-door", ImageSelectorType="PRODUCER_TIMESTAMP",
                     StartTimestamp=T0_MS / 1000, EndTimestamp=T0_MS / 1000 + 1, Format="JPEG")}
        for service, call in calls.items():
            with self.subTest(service=service):
                bad = self.client(service, aws_secret_access_key="wrong" + self.emu.secret_key[5:])
                self.assertEqual(expect[service], error_of(call, bad))
                record = self.emu.calls(service)[-1]
                self.assertFalse(record["signature_ok"])
                self.assertEqual(expect[service][1], record["status"])

    def test_unknown_key_token_and_region(self):
        other_key = {"aws_access_key_id": "AKIAOTHERKEY00000000"}
        self.assertEqual(("InvalidAccessKeyId", 403),
                         error_of(self.client("s3", **other_key).list_buckets))
        self.assertEqual(("UnrecognizedClientException", 403),
                         error_of(self.client("rekognition", **other_key).detect_labels,
                                  Image={"Bytes": read(ROSE)}))
        self.assertEqual(("InvalidClientTokenId", 403),
                         error_of(self.client("sns", **other_key).list_topics))
        self.assertEqual(("UnrecognizedClientException", 403),
                         error_of(self.client("kinesisvideo", aws_session_token="stale").list_streams))
        self.assertEqual(("AuthorizationHeaderMalformed", 400),
                         error_of(self.client("s3", region_name="eu-west-1").list_buckets))
        self.assertEqual(("InvalidSignatureException", 403),
                         error_of(self.client("rekognition", region_name="eu-west-1").detect_labels,
                                  Image={"Bytes": read(ROSE)}))

    def test_unsigned_request_is_rejected(self):
        req = urllib.request.Request(self.emu.endpoints["rekognition"], data=b"{}", method="POST",
                                     headers={"X-Amz-Target": "RekognitionService.DetectLabels",
                                              "Content-Type": "application/x-amz-json-1.1"})
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(req)
        self.assertEqual(403, ctx.exception.code)
        self.assertEqual("MissingAuthenticationTokenException",
                         json.loads(ctx.exception.read())["__type"])


class ValidationTest(EmulatorTest):
    def test_rekognition_constraints(self):
        rek = self.client("rekognition", UNCHECKED)
        image = {"Bytes": read(ROSE)}
        cases = [({"Image": image, "MaxLabels": -1}, "maxLabels"),
                 ({"Image": image, "MinConfidence": 100.5}, "minConfidence"),
                 ({"Image": image, "Features": ["FACES"]}, "features.1.member"),
                 ({}, "image"),
                 ({"Image": {"S3Object": {"Bucket": "ab", "Name": "k"}}}, "image.s3Object.bucket"),
                 ({"Image": image, "MaxLabels": "ten"}, "maxLabels")]
        for params, path in cases:
            with self.subTest(path=path):
                try:
                    rek.detect_labels(**params)
                    self.fail("accepted")
                except botocore.exceptions.ClientError as e:
                    self.assertEqual("ValidationException", e.response["Error"]["Code"])
                    self.assertEqual(400, e.response["ResponseMetadata"]["HTTPStatusCode"])
                    self.assertIn("'%s'" % path, e.response["Error"]["Message"])

    def test_kvs_constraints(self):
        media = self.client("kinesis-video-archived-media", UNCHECKED)
        good = dict(StreamName="front-door", ImageSelectorType="PRODUCER_TIMESTAMP",
                    StartTimestamp=T0_MS / 1000, EndTimestamp=T0_MS / 1000 + 5, Format="JPEG")
        for change in ({"MaxResults": 0}, {"MaxResults": 101}, {"Format": "GIF"},
                       {"StreamName": "bad name!"}, {"ImageSelectorType": None},
                       {"FormatConfig": {"JPEGQuality": "0"}}, {"WidthPixels": 4000}):
            with self.subTest(change=change):
                params = {k: v for k, v in {**good, **change}.items() if v is not None}
                self.assertEqual(("InvalidArgumentException", 400), error_of(media.get_images, **params))
        kv = self.client("kinesisvideo", UNCHECKED)
        self.assertEqual(("InvalidArgumentException", 400),
                         error_of(kv.get_data_endpoint, StreamName="front-door", APIName="GET_ALL"))

    def test_sns_parameters(self):
        sns = self.client("sns", UNCHECKED)
        arn = self.emu.create_topic("alerts")
        self.assertEqual(("InvalidParameter", 400), error_of(sns.publish, TopicArn=arn))
        self.assertEqual(("InvalidParameter", 400),
                         error_of(sns.publish, TopicArn=arn, Message="m", Subject="x" * 100))
        self.assertEqual(("InvalidParameter", 400),
                         error_of(sns.publish, TopicArn=arn, Message="m", Subject="a\nb"))
        self.assertEqual(("InvalidParameter", 400), error_of(sns.publish, Message="m"))
        self.assertEqual(("ParameterValueInvalid", 400),
                         error_of(sns.publish, TopicArn=arn, Message="m", MessageAttributes={
                             "n": {"DataType": "Number", "StringValue": "many"}}))
        self.assertEqual(("NotFound", 404),
                         error_of(sns.publish, TopicArn=arn + "-gone", Message="m"))
        self.assertEqual([], self.emu.published())


class RekognitionTest(EmulatorTest):
    def test_fixture_answer_by_bytes_filtered_and_shaped(self):
        rek = self.client("rekognition")
        got = rek.detect_labels(Image={"Bytes": read(PERSON)}, MinConfidence=90, MaxLabels=3)
        self.assert_output_shape("rekognition", "DetectLabels", got)
        self.assertEqual(["Person", "Adult", "Woman"], [label["Name"] for label in got["Labels"]])
        person = got["Labels"][0]
        self.assertEqual([{"Name": "Human"}], person["Aliases"])
        self.assertEqual({"Width", "Height", "Left", "Top"},
                         set(person["Instances"][0]["BoundingBox"]))
        self.assertNotIn("ImageProperties", got)
        props = rek.detect_labels(Image={"Bytes": read(PERSON)},
                                  Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])
        self.assertIn("Quality", props["ImageProperties"])
        self.assertEqual(10, len(props["Labels"]))
        call = self.emu.calls("rekognition", "DetectLabels")[0]
        self.assertEqual(read(PERSON), call["params"]["Image"]["Bytes"])
        self.assertEqual(90, call["params"]["MinConfidence"])

    def test_s3object_unknown_and_bad_images(self):
        self.emu.put_object("frames", "cat.jpg", read(CAT))
        rek = self.client("rekognition")
        got = rek.detect_labels(Image={"S3Object": {"Bucket": "frames", "Name": "cat.jpg"}})
        self.assertIn("Cat", [label["Name"] for label in got["Labels"]])
        png = b"\x89PNG\r\n\x1a\n" + b"unknown image"
        self.assertEqual([], rek.detect_labels(Image={"Bytes": png})["Labels"])
        self.assertEqual(("InvalidImageFormatException", 400),
                         error_of(rek.detect_labels, Image={"Bytes": b"GIF89a..."}))
        self.assertEqual(("InvalidS3ObjectException", 400),
                         error_of(rek.detect_labels,
                                  Image={"S3Object": {"Bucket": "frames", "Name": "none.jpg"}}))
        self.assertEqual(("InvalidParameterException", 400),
                         error_of(self.client("rekognition", UNCHECKED).detect_labels, Image={
                             "Bytes": read(CAT), "S3Object": {"Bucket": "frames", "Name": "cat.jpg"}}))

    def test_answers_match_the_test_images(self):
        answers = os.path.join(TESTS, "data", "rekognition", "answers")
        for name in sorted(os.listdir(answers)):
            with open(os.path.join(answers, name), encoding="utf-8") as f:
                doc = json.load(f)
            for image, sha in zip(doc["image"], doc["sha256"]):
                with self.subTest(image=image):
                    self.assertEqual(sha, hashlib.sha256(read(os.path.join(TEST_IMAGES, image)))
                                     .hexdigest())
        truncated = os.path.join(TEST_IMAGES, "skimage-truncated.jpg")
        self.assertEqual(("InvalidImageFormatException", 400),
                         error_of(self.client("rekognition").detect_labels,
                                  Image={"Bytes": read(truncated)}))


class KinesisVideoTest(EmulatorTest):
    def images(self, **kwargs):
        media = self.client("kinesis-video-archived-media")
        params = dict(StreamName="front-door", ImageSelectorType="PRODUCER_TIMESTAMP",
                      StartTimestamp=T0_S, EndTimestamp=T0_S + 5,
                      SamplingInterval=1000, Format="JPEG")
        params.update(kwargs)
        pages = list(media.get_paginator("get_images").paginate(**params))
        return pages, [image for page in pages for image in page["Images"]]

    def test_data_endpoint_points_at_archived_media(self):
        kv = self.client("kinesisvideo")
        got = kv.get_data_endpoint(StreamName="front-door", APIName="GET_IMAGES")
        self.assert_output_shape("kinesisvideo", "GetDataEndpoint", got)
        self.assertEqual(self.emu.endpoints["kinesis-video-archived-media"], got["DataEndpoint"])
        arn = self.emu.stream_arn("front-door")
        self.assertEqual(got["DataEndpoint"], kv.get_data_endpoint(
            StreamARN=arn, APIName="GET_IMAGES")["DataEndpoint"])
        self.assertEqual(("ResourceNotFoundException", 404),
                         error_of(kv.get_data_endpoint, StreamName="nope", APIName="GET_IMAGES"))

    def test_get_images_frames_gaps_and_pages(self):
        pages, images = self.images(MaxResults=2)
        self.assertEqual([2, 2, 1], [len(p["Images"]) for p in pages])
        for page in pages:
            self.assert_output_shape("kinesis-video-archived-media", "GetImages", page)
        stamps = [round(i["TimeStamp"].timestamp() * 1000) for i in images]
        gap = T0_S * 1000
        self.assertEqual([T0_MS, T0_MS + 1000, gap + 2000, gap + 3000, T0_MS + 4000], stamps)
        self.assertEqual([None, None, "NO_MEDIA", "NO_MEDIA", None], [i.get("Error") for i in images])
        import base64
        self.assertEqual(read(PERSON), base64.b64decode(images[0]["ImageContent"]))
        self.assertEqual(read(CAT), base64.b64decode(images[4]["ImageContent"]))
        self.assertEqual(3, len(self.emu.calls("kinesis-video-archived-media", "GetImages")))

    def test_get_images_selector_interval_and_short_range(self):
        _, server = self.images(ImageSelectorType="SERVER_TIMESTAMP",
                                StartTimestamp=T0_S - 1, EndTimestamp=T0_S)
        self.assertEqual([T0_MS - 1115], [round(i["TimeStamp"].timestamp() * 1000) for i in server])
        self.assertIn("ImageContent", server[0])
        _, short = self.images(EndTimestamp=T0_S)
        self.assertEqual([T0_MS], [round(i["TimeStamp"].timestamp() * 1000) for i in short])
        self.assertIn("ImageContent", short[0])
        _, dense = self.images(SamplingInterval=200, EndTimestamp=T0_S + 1)
        self.assertEqual(5, len(dense))
        self.assertEqual(["Error", "ImageContent", "Error", "Error", "Error"],
                         [("ImageContent" if "ImageContent" in i else "Error") for i in dense])

    def test_fractional_timestamps_from_a_hand_signed_request(self):
        # What a client with millisecond timestamps sends (boto3 truncates to seconds here).
        body = json.dumps({"StreamName": "front-door", "ImageSelectorType": "PRODUCER_TIMESTAMP",
                           "StartTimestamp": T0_MS / 1000, "EndTimestamp": T0_MS / 1000 + 2.5,
                           "SamplingInterval": 1000, "Format": "JPEG"}).encode()
        url = self.emu.endpoints["kinesis-video-archived-media"] + "/getImages"
        request = AWSRequest(method="POST", url=url, data=body,
                             headers={"Content-Type": "application/json"})
        creds = Credentials(self.emu.access_key, self.emu.secret_key, self.emu.session_token)
        botocore.auth.SigV4Auth(creds, "kinesisvideo", "us-east-1").add_auth(request)
        req = urllib.request.Request(url, data=body, method="POST", headers=dict(request.headers))
        with urllib.request.urlopen(req) as resp:
            images = json.loads(resp.read())["Images"]
        self.assertEqual([T0_MS / 1000, T0_MS / 1000 + 1, T0_MS / 1000 + 2],
                         [i["TimeStamp"] for i in images])
        self.assertEqual([False, False, True], ["Error" in i for i in images])

    def test_get_images_argument_errors(self):
        media = self.client("kinesis-video-archived-media")
        base = dict(StreamName="front-door", ImageSelectorType="PRODUCER_TIMESTAMP",
                    StartTimestamp=T0_S, Format="JPEG")
        self.assertEqual(("InvalidArgumentException", 400),
                         error_of(media.get_images, EndTimestamp=T0_S + 301, **base))
        media.get_images(EndTimestamp=T0_S + 300, **base)
        self.assertEqual(("InvalidArgumentException", 400),
                         error_of(media.get_images, EndTimestamp=T0_S - 1, **base))
        self.assertEqual(("InvalidArgumentException", 400),
                         error_of(media.get_images, EndTimestamp=T0_MS / 1000 + 5,
                                  SamplingInterval=199, **base))
        self.assertEqual(("InvalidArgumentException", 400),
                         error_of(media.get_images, EndTimestamp=T0_MS / 1000 + 5,
                                  NextToken="bm90IGEgdG9rZW4=", **base))
        self.assertEqual(("ResourceNotFoundException", 404),
                         error_of(media.get_images, EndTimestamp=T0_MS / 1000 + 5,
                                  **{**base, "StreamName": "nope"}))

    def test_stream_lifecycle_and_frames_helper(self):
        kv = self.client("kinesisvideo")
        arn = kv.create_stream(StreamName="yard", DataRetentionInHours=2)["StreamARN"]
        info = kv.describe_stream(StreamName="yard")["StreamInfo"]
        self.assertEqual((arn, "ACTIVE", 2), (info["StreamARN"], info["Status"],
                                              info["DataRetentionInHours"]))
        self.assertIn("yard", [s["StreamName"] for s in kv.list_streams()["StreamInfoList"]])
        self.emu.add_frame("yard", 1000, read(ROSE))
        _, images = self.images(StreamName="yard", StartTimestamp=1.0, EndTimestamp=2.0)
        self.assertIn("ImageContent", images[0])
        self.assertEqual(("ResourceInUseException", 400), error_of(kv.create_stream, StreamName="yard"))
        kv.delete_stream(StreamARN=arn)
        self.assertEqual(("ResourceNotFoundException", 404),
                         error_of(kv.describe_stream, StreamName="yard"))

    def test_image_generation_and_notification_configuration(self):
        kv = self.client("kinesisvideo")
        self.assertNotIn("ImageGenerationConfiguration",
                         kv.describe_image_generation_configuration(StreamName="front-door"))
        config = {"Status": "ENABLED", "ImageSelectorType": "PRODUCER_TIMESTAMP",
                  "DestinationConfig": {"Uri": "s3://frames/images", "DestinationRegion": "us-east-1"},
                  "SamplingInterval": 3000, "Format": "JPEG", "FormatConfig": {"JPEGQuality": "80"},
                  "WidthPixels": 640, "HeightPixels": 480}
        kv.update_image_generation_configuration(StreamName="front-door",
                                                 ImageGenerationConfiguration=config)
        got = kv.describe_image_generation_configuration(StreamName="front-door")
        self.assert_output_shape("kinesisvideo", "DescribeImageGenerationConfiguration", got)
        self.assertEqual(config, got["ImageGenerationConfiguration"])
        wrong = dict(config, DestinationConfig={"Uri": "s3://frames", "DestinationRegion": "eu-west-1"})
        self.assertEqual(("InvalidArgumentException", 400), error_of(
            kv.update_image_generation_configuration, StreamName="front-door",
            ImageGenerationConfiguration=wrong))
        kv.update_image_generation_configuration(StreamName="front-door")
        self.assertEqual((None, None), self.emu.stream_config("front-door"))
        topic = self.emu.create_topic("kvs-fragments")
        note = {"Status": "ENABLED", "DestinationConfig": {"Uri": topic}}
        kv.update_notification_configuration(StreamARN=self.emu.stream_arn("front-door"),
                                             NotificationConfiguration=note)
        self.assertEqual(note, kv.describe_notification_configuration(
            StreamName="front-door")["NotificationConfiguration"])


class SnsTest(EmulatorTest):
    def test_publish_is_recorded_with_attributes(self):
        sns = self.client("sns")
        arn = sns.create_topic(Name="alerts")["TopicArn"]
        self.assertEqual(arn, self.emu.create_topic("alerts"))
        attrs = {"stream": {"DataType": "String", "StringValue": "front-door"},
                 "labels": {"DataType": "String.Array", "StringValue": '["Person"]'},
                 "maxConfidence": {"DataType": "Number", "StringValue": "99.4"},
                 "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01"}}
        got = sns.publish(TopicArn=arn, Subject="Person detected on front-door",
                          Message='{"version":1}', MessageAttributes=attrs)
        published = self.emu.published()
        self.assertEqual(1, len(published))
        item = published[0]
        self.assertEqual((arn, "Person detected on front-door", '{"version":1}', got["MessageId"]),
                         (item["TopicArn"], item["Subject"], item["Message"], item["MessageId"]))
        self.assertEqual(attrs, item["MessageAttributes"])
        self.assertEqual(published, self.emu.published(arn))
        self.assertEqual([], self.emu.published(arn + "x"))


class FaultTest(EmulatorTest):
    def test_error_code_then_recovery(self):
        rek = self.client("rekognition")
        self.emu.fault("rekognition", "DetectLabels", code="ThrottlingException", times=2)
        self.assertEqual(("ThrottlingException", 500), error_of(rek.detect_labels,
                                                               Image={"Bytes": read(ROSE)}))
        self.emu.fault("sns", "Publish", code="Throttling", status=400)
        arn = self.emu.create_topic("alerts")
        self.assertEqual(("Throttling", 400), error_of(self.client("sns").publish, TopicArn=arn,
                                                       Message="m"))
        self.assertEqual(("ThrottlingException", 500), error_of(rek.detect_labels,
                                                               Image={"Bytes": read(ROSE)}))
        rek.detect_labels(Image={"Bytes": read(ROSE)})
        statuses = [c["status"] for c in self.emu.calls("rekognition")]
        self.assertEqual([500, 500, 200], statuses)
        self.assertEqual("ThrottlingException", self.emu.calls("rekognition")[0]["fault"]["code"])
        kv = self.client("kinesisvideo")
        self.emu.fault("kinesisvideo", "GetDataEndpoint", code="ClientLimitExceededException")
        self.assertEqual(("ClientLimitExceededException", 400),
                         error_of(kv.get_data_endpoint, StreamName="front-door", APIName="GET_IMAGES"))
        self.emu.fault("s3", "GetObject", code="SlowDown", status=503)
        self.emu.put_object("frames", "k", b"x")
        self.assertEqual(("SlowDown", 503), error_of(self.client("s3").get_object, Bucket="frames",
                                                     Key="k"))

    def test_reset_truncate_garbage_and_delay(self):
        rek = self.client("rekognition")
        self.emu.fault("rekognition", "DetectLabels", reset=True)
        with self.assertRaises((botocore.exceptions.ConnectionClosedError,
                                botocore.exceptions.EndpointConnectionError)):
            rek.detect_labels(Image={"Bytes": read(ROSE)})
        self.assertEqual("reset", self.emu.calls("rekognition")[-1]["status"])
        self.emu.fault("rekognition", "DetectLabels", truncate=True)
        with self.assertRaises(botocore.exceptions.BotoCoreError):
            self.client("rekognition").detect_labels(Image={"Bytes": read(PERSON)})
        kv = self.client("kinesisvideo")
        self.emu.fault("kinesisvideo", "GetDataEndpoint", body=b"<html>garbage")
        # botocore shrugs at an unparsable 200: the answer just lacks DataEndpoint
        self.assertNotIn("DataEndpoint", kv.get_data_endpoint(StreamName="front-door",
                                                              APIName="GET_IMAGES"))
        self.emu.fault("kinesisvideo", "GetDataEndpoint", body=b"<html>garbage", status=502)
        self.assertEqual(("502", 502), error_of(kv.get_data_endpoint, StreamName="front-door",
                                                APIName="GET_IMAGES"))
        self.emu.fault("kinesisvideo", "GetDataEndpoint", delay_s=0.3)
        fast = Config(read_timeout=0.1, connect_timeout=1, retries={"total_max_attempts": 1})
        with self.assertRaises(botocore.exceptions.ReadTimeoutError):
            self.client("kinesisvideo", fast).get_data_endpoint(StreamName="front-door",
                                                               APIName="GET_IMAGES")
        deadline = time.monotonic() + 10     # the delayed call is recorded once answered
        while len(self.emu.calls("kinesisvideo")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(0.3, self.emu.calls("kinesisvideo")[-1]["fault"]["delay_s"])
        self.client("rekognition").detect_labels(Image={"Bytes": read(ROSE)})


class CloudFormationResponseTest(EmulatorTest):
    def test_presigned_response_url_records_the_put(self):
        url = self.emu.cfn_response_url()
        doc = {"Status": "FAILED", "Reason": "stream missing", "PhysicalResourceId": "x",
               "StackId": "s", "RequestId": "r", "LogicalResourceId": "Config"}
        req = urllib.request.Request(url, data=json.dumps(doc).encode(), method="PUT",
                                     headers={"Content-Type": ""})
        with urllib.request.urlopen(req) as resp:
            self.assertEqual(200, resp.status)
        answers = self.emu.cfn_responses()
        self.assertEqual(1, len(answers))
        self.assertEqual(("FAILED", "stream missing"), (answers[0]["Status"], answers[0]["Reason"]))
        forged = url.replace("X-Amz-Signature=", "X-Amz-Signature=f")
        self.assertEqual((403, "SignatureDoesNotMatch"), _http_error(forged, "PUT", b"{}"))


class TlsTest(unittest.TestCase):
    def test_https_with_the_emulator_ca(self):
        with AwsEmulator(tls=True) as emu:
            self.assertTrue(emu.endpoints["s3"].startswith("https://127.0.0.1:"))
            self.assertEqual(emu.ca_file, emu.env["SSL_CERT_FILE"])
            emu.put_object("frames", "k.jpg", read(ROSE))
            s3 = emu.client("s3")
            self.assertEqual(read(ROSE), s3.get_object(Bucket="frames", Key="k.jpg")["Body"].read())
            rek = emu.client("rekognition")
            self.assertIn("Rose", [label["Name"] for label in
                                   rek.detect_labels(Image={"Bytes": read(ROSE)})["Labels"]])
            untrusted = boto3.client("s3", endpoint_url=emu.endpoints["s3"], region_name="us-east-1",
                                     aws_access_key_id=emu.access_key,
                                     aws_secret_access_key=emu.secret_key, config=NO_RETRY)
            with self.assertRaises(botocore.exceptions.SSLError):
                untrusted.list_buckets()


class CommandLineTest(unittest.TestCase):
    def test_command_writes_exports_and_serves_the_control_api(self):
        env_file = os.path.join(os.environ.get("TMPDIR", "/tmp"), "emu-env-%d.sh" % os.getpid())
        env = dict(os.environ, PYTHONPATH=TESTS)
        proc = subprocess.Popen([sys.executable, "-m", "emulator.aws", "--env-file", env_file],
                                cwd=TESTS, env=env)
        try:
            deadline = time.monotonic() + 20
            while not os.path.exists(env_file) and time.monotonic() < deadline:
                time.sleep(0.05)
            with open(env_file, encoding="utf-8") as f:
                exports = dict(line[len("export "):].strip().split("=", 1) for line in f)
            for name in ENV_NAMES.values():
                self.assertTrue(exports[name].startswith("http://127.0.0.1:"))
            control = exports["LOOKOUT_EMULATOR_URL"]

            def post(path, doc):
                req = urllib.request.Request(control + path, data=json.dumps(doc).encode(),
                                             method="POST")
                with urllib.request.urlopen(req) as resp:
                    return json.loads(resp.read())

            def get(path):
                with urllib.request.urlopen(control + path) as resp:
                    return json.loads(resp.read())
            arn = post("/_emulator/topics", {"name": "alerts"})["arn"]
            sns = boto3.client("sns", endpoint_url=exports["AWS_ENDPOINT_URL_SNS"],
                               region_name=exports["AWS_REGION"],
                               aws_access_key_id=exports["AWS_ACCESS_KEY_ID"],
                               aws_secret_access_key=exports["AWS_SECRET_ACCESS_KEY"].strip("'"),
                               aws_session_token=exports["AWS_SESSION_TOKEN"].strip("'"),
                               config=NO_RETRY)
            sns.publish(TopicArn=arn, Message="hello", Subject="hi")
            self.assertEqual(["hello"], [p["Message"] for p in get("/_emulator/published")])
            post("/_emulator/faults", {"service": "sns", "operation": "Publish",
                                       "code": "InternalError"})
            self.assertEqual(("InternalError", 500), error_of(sns.publish, TopicArn=arn, Message="x"))
            self.assertEqual(["Publish", "Publish"],
                             [c["operation"] for c in get("/_emulator/calls?service=sns")])
            post("/_emulator/reset", {})
            self.assertEqual([], get("/_emulator/calls"))
        finally:
            proc.send_signal(signal.SIGTERM)
            self.assertEqual(0, proc.wait(timeout=20))
            if os.path.exists(env_file):
                os.unlink(env_file)


class DynamoDbTest(EmulatorTest):
    """moto's DynamoDB behind the front: the table made by the test, conditional writes with
    the old item on failure, signatures and the model checked before moto sees anything."""

    def setUp(self):
        super().setUp()
        self.ddb = self.client("dynamodb")
        self.ddb.create_table(TableName="state", BillingMode="PAY_PER_REQUEST",
                              AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                              KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])

    def lock(self, now):
        return dict(TableName="state", Item={"id": {"S": "frame#1"}, "status": {"S": "INPROGRESS"},
                                              "expiration": {"N": str(now + 3600)}},
                    ConditionExpression="attribute_not_exists(#id) OR #expiry < :now",
                    ExpressionAttributeNames={"#id": "id", "#expiry": "expiration"},
                    ExpressionAttributeValues={":now": {"N": str(now)}},
                    ReturnValuesOnConditionCheckFailure="ALL_OLD")

    def test_conditional_put_takes_once_and_returns_the_old_item(self):
        self.ddb.put_item(**self.lock(1000))
        try:
            self.ddb.put_item(**self.lock(1001))
            self.fail("the second lock was taken")
        except botocore.exceptions.ClientError as e:
            self.assertEqual("ConditionalCheckFailedException", e.response["Error"]["Code"])
            self.assertEqual(400, e.response["ResponseMetadata"]["HTTPStatusCode"])
            self.assertEqual("INPROGRESS", e.response["Item"]["status"]["S"])
        self.ddb.put_item(**self.lock(5000))  # expired: taken over
        self.ddb.update_item(TableName="state", Key={"id": {"S": "frame#1"}},
                             UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                             ExpressionAttributeValues={":s": {"S": "COMPLETED"}})
        got = self.ddb.get_item(TableName="state", Key={"id": {"S": "frame#1"}}, ConsistentRead=True)
        self.assertEqual("COMPLETED", got["Item"]["status"]["S"])
        self.ddb.delete_item(TableName="state", Key={"id": {"S": "frame#1"}})
        self.assertNotIn("Item", self.ddb.get_item(TableName="state", Key={"id": {"S": "frame#1"}}))
        self.assertEqual(["CreateTable", "PutItem", "PutItem", "PutItem", "UpdateItem", "GetItem",
                          "DeleteItem", "GetItem"], [c["operation"] for c in self.emu.calls("dynamodb")])
        self.assertTrue(all(c["signature_ok"] for c in self.emu.calls("dynamodb")))

    def test_signature_model_and_faults_are_checked(self):
        bad = self.client("dynamodb", aws_secret_access_key="wrong" + self.emu.secret_key[5:])
        self.assertEqual(("InvalidSignatureException", 403),
                         error_of(bad.get_item, TableName="state", Key={"id": {"S": "x"}}))
        unchecked = self.client("dynamodb", config=UNCHECKED)
        self.assertEqual(("ValidationException", 400),
                         error_of(unchecked.get_item, TableName="state", Key={"id": {"S": "x"}},
                                  ReturnConsumedCapacity="SOME"))
        self.emu.fault("dynamodb", "PutItem", code="ProvisionedThroughputExceededException")
        self.assertEqual(("ProvisionedThroughputExceededException", 400),
                         error_of(self.ddb.put_item, **self.lock(1)))
        self.assertEqual("ResourceNotFoundException", error_of(
            self.ddb.get_item, TableName="missing", Key={"id": {"S": "x"}})[0])


if __name__ == "__main__":
    unittest.main()
