"""The five emulated services. S3 and SNS are forwarded to moto after the front's checks;
Rekognition DetectLabels and the Kinesis Video operations are answered here."""

import base64
import hashlib
import http.client
import json
import logging
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET

from . import model as wire
from .front import Front, Response, ServiceError
from .state import Stream

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
QUERY_AUTH_PARAMS = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                     "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"}
# moto's HTTP server (werkzeug) drops request headers whose names contain "_", and KVS metadata
# names are full of them (x-amz-meta-aws_kinesisvideo_fragment_number): they travel to moto
# with a marker in place of "_" and come back decoded.
UNDERSCORE_MARK = "-x5f-"
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "server", "date", "content-length"}


class Moto:
    """moto's in-process server: the S3 and SNS semantics behind the front."""

    def __init__(self, region, access_key):
        from moto.server import ThreadedMotoServer
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self.region = region
        self.access_key = access_key
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        self.host, self.port = self.server.get_host_and_port()

    def stop(self):
        self.server.stop()

    def scope_header(self, service):
        # moto picks the backend from the credential scope; it checks no signature.
        return ("AWS4-HMAC-SHA256 Credential=%s/20260101/%s/%s/aws4_request, SignedHeaders=host, "
                "Signature=0" % (self.access_key, self.region, service))

    def request(self, method, target, body=b"", headers=None, service="s3"):
        """(status, [(name, value)], body) of one request to moto."""
        headers = list(headers or [])
        if not any(k.lower() == "authorization" for k, _ in headers):
            headers.append(("Authorization", self.scope_header(service)))
        if not any(k.lower() == "host" for k, _ in headers):
            headers.append(("Host", "%s:%d" % (self.host, self.port)))
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            for k, v in headers:
                if k.lower() not in ("content-length", "transfer-encoding", "connection", "expect"):
                    conn.putheader(k.replace("_", UNDERSCORE_MARK), v)
            if body or method in ("PUT", "POST"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            resp = conn.getresponse()
            data = resp.read()
            back = [(k.replace(UNDERSCORE_MARK, "_"), v) for k, v in resp.getheaders()]
            return resp.status, back, data
        finally:
            conn.close()

    def forward(self, req, service):
        pairs = [p for p in req.raw_query.split("&")
                 if p and urllib.parse.unquote(p.partition("=")[0]) not in QUERY_AUTH_PARAMS]
        target = req.raw_path + ("?" + "&".join(pairs) if pairs else "")
        status, headers, body = self.request(req.method, target, req.body, req.headers, service)
        out = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS]
        if req.method == "HEAD":
            out += [(k, v) for k, v in headers if k.lower() == "content-length"]
        code = None
        if status >= 300 and body:
            m = re.search(rb"<Code>([^<]+)</Code>", body)
            code = m.group(1).decode() if m else None
        return Response(status, b"" if req.method == "HEAD" else body, out, code)

    def reset(self):
        self.request("POST", "/moto-api/reset", b"", [("Host", "motoapi.amazonaws.com")])


# ---------------------------------------------------------------------- S3

class S3Front(Front):
    name = "s3"
    model_name = "s3"
    signing_name = "s3"
    validation_code = ("InvalidArgument", 400)

    def __init__(self, emulator):
        super().__init__(emulator)
        self.router = wire.RestRouter(self.model)

    def identify(self, req):
        op, labels = self.router.route(req.method, req.raw_path, req.query_pairs(),
                                       [k.lower() for k, _ in req.headers])
        if op is None:
            raise wire.WireError("MethodNotAllowed",
                                 "The specified method is not allowed against this resource.", 405)
        req.labels = labels
        return op

    def parse(self, req, op):
        headers = {k.lower(): v for k, v in req.headers}
        return wire.parse_rest(self.model, op, req.labels, req.query_pairs(), headers, req.body)

    def handle(self, req, op, params):
        return self.emu.moto.forward(req, "s3")


# ---------------------------------------------------------------------- SNS

SNS_TYPES = ("String", "Number", "Binary")
SNS_ATTR_NAME = re.compile(r"[A-Za-z0-9_.-]{1,256}")


class SnsFront(Front):
    name = "sns"
    model_name = "sns"
    signing_name = "sns"
    validation_code = ("InvalidParameter", 400)

    def identify(self, req):
        form = req.body if req.method == "POST" else req.raw_query.encode()
        op, req.form_params = wire.parse_query_form(self.model, form)
        return op

    def parse(self, req, op):
        return req.form_params

    def validation_error(self, errors):
        return ServiceError("InvalidParameter", "Invalid parameter: " + wire.summary(errors), 400)

    def extra_checks(self, op, params):
        if op != "Publish":
            return []
        targets = [k for k in ("TopicArn", "TargetArn", "PhoneNumber") if params.get(k)]
        if not targets:
            raise ServiceError("InvalidParameter", "Invalid parameter: TopicArn or TargetArn "
                               "Reason: no value for required parameter", 400)
        if len(targets) > 1:
            raise ServiceError("InvalidParameter", "Invalid parameter: TopicArn Reason: Only one "
                               "of TopicArn, TargetArn or PhoneNumber may be set", 400)
        subject = params.get("Subject")
        if subject is not None and (not subject or len(subject) >= 100
                                    or any(ord(c) < 32 or ord(c) == 127 for c in subject)):
            raise ServiceError("InvalidParameter", "Invalid parameter: Subject", 400)
        size = len(params.get("Message", "").encode())
        for name, attr in (params.get("MessageAttributes") or {}).items():
            self._check_attribute(name, attr)
            size += len(name.encode()) + len(str(attr.get("DataType", "")).encode())
            size += len(str(attr.get("StringValue", "")).encode()) + len(attr.get("BinaryValue", b""))
        if size > 262144:
            raise ServiceError("InvalidParameter", "Invalid parameter: Message too long", 400)
        if params.get("MessageStructure") == "json":
            try:
                doc = json.loads(params.get("Message", ""))
            except ValueError:
                doc = None
            if not isinstance(doc, dict) or not isinstance(doc.get("default"), str):
                raise ServiceError("InvalidParameter", "Invalid parameter: Message Structure - "
                                   "No default entry in JSON message body", 400)
        return []

    @staticmethod
    def _check_attribute(name, attr):
        if not SNS_ATTR_NAME.fullmatch(name) or name.startswith((".", "AWS.", "Amazon.")) \
                or name.endswith(".") or ".." in name:
            raise ServiceError("ParameterValueInvalid", "The message attribute name '%s' is "
                               "invalid." % name, 400)
        dtype = attr.get("DataType") or ""
        base = dtype.split(".")[0]
        if base not in SNS_TYPES:
            raise ServiceError("ParameterValueInvalid", "The message attribute '%s' has an invalid "
                               "message attribute type, the set of supported type prefixes is "
                               "Binary, Number, and String." % name, 400)
        if base == "Binary":
            if "BinaryValue" not in attr:
                raise ServiceError("ParameterValueInvalid", "The message attribute '%s' with type "
                                   "'Binary' must have a binary value." % name, 400)
            return
        value = attr.get("StringValue")
        if value is None:
            raise ServiceError("ParameterValueInvalid", "The message attribute '%s' must contain "
                               "non-empty message attribute value for message attribute type '%s'."
                               % (name, dtype), 400)
        if base == "Number":
            try:
                float(value)
                number_ok = True
            except ValueError:
                number_ok = False
            if not number_ok:
                raise ServiceError("ParameterValueInvalid", "An error occurred while trying to "
                                   "parse the number '%s' of message attribute '%s'." % (value, name), 400)
        if dtype == "String.Array":
            try:
                items = json.loads(value)
            except ValueError:
                items = None
            if not isinstance(items, list):
                raise ServiceError("ParameterValueInvalid", "The message attribute '%s' with type "
                                   "'String.Array' must be a JSON array." % name, 400)

    def handle(self, req, op, params):
        resp = self.emu.moto.forward(req, "sns")
        if op == "Publish" and resp.status == 200:
            m = re.search(rb"<MessageId>([^<]+)</MessageId>", resp.body)
            item = {k: params.get(k) for k in ("TopicArn", "TargetArn", "PhoneNumber", "Subject",
                                               "Message", "MessageStructure")}
            item["MessageAttributes"] = params.get("MessageAttributes") or {}
            item["MessageId"] = m.group(1).decode() if m else None
            self.state.add_published(item)
        return resp


# ---------------------------------------------------------------------- Rekognition

DEFAULT_DETECT_LABELS = {"Labels": [], "LabelModelVersion": "3.0"}


class RekognitionFront(Front):
    name = "rekognition"
    model_name = "rekognition"
    signing_name = "rekognition"
    validation_code = ("ValidationException", 400)

    def identify(self, req):
        target = req.header("X-Amz-Target") or ""
        prefix, _, op = target.partition(".")
        if prefix != self.model.metadata["targetPrefix"] or op not in self.model.operation_names:
            raise wire.WireError("UnknownOperationException", "", 400)
        return op

    def parse(self, req, op):
        return wire.parse_json_body(self.model.operation_model(op).input_shape, req.body)

    def handle(self, req, op, params):
        if op != "DetectLabels":
            raise ServiceError("NotImplemented", "%s is not emulated" % op, 501)
        image = self._image_bytes(params["Image"])
        if not (image.startswith(b"\xff\xd8\xff") or image.startswith(PNG_SIGNATURE)):
            raise ServiceError("InvalidImageFormatException", "Request has unsupported image format",
                               400)
        fixture = self.state.labels_for(image)
        if fixture and "error" in fixture:
            code = fixture["error"]["code"]
            raise ServiceError(code, fixture["error"].get("message", ""), self.modelled_status(code))
        doc = fixture["response"] if fixture else json.loads(json.dumps(DEFAULT_DETECT_LABELS))
        doc = self._filter(doc, params)
        self.check_output(op, doc)
        return self.json_response(doc)

    def _image_bytes(self, image):
        if ("Bytes" in image) == ("S3Object" in image):
            raise ServiceError("InvalidParameterException", "Request has invalid parameters", 400)
        if "Bytes" in image:
            return image["Bytes"]
        obj = image["S3Object"]
        target = "/%s/%s" % (obj["Bucket"], urllib.parse.quote(obj["Name"], safe="/~"))
        if obj.get("Version"):
            target += "?versionId=" + urllib.parse.quote(obj["Version"], safe="")
        status, _, body = self.emu.moto.request("GET", target)
        if status != 200:
            raise ServiceError("InvalidS3ObjectException", "Unable to get object metadata from S3. "
                               "Check object key, region and/or access permissions.", 400)
        if len(body) > 15 * 1024 * 1024:
            raise ServiceError("ImageTooLargeException", "Image size is too large.", 400)
        return body

    @staticmethod
    def _filter(doc, params):
        features = params.get("Features") or ["GENERAL_LABELS"]
        if "IMAGE_PROPERTIES" not in features:
            doc.pop("ImageProperties", None)
        if "GENERAL_LABELS" not in features:
            doc.pop("Labels", None)
            return doc
        general = (params.get("Settings") or {}).get("GeneralLabels") or {}
        include = set(general.get("LabelInclusionFilters") or [])
        exclude = set(general.get("LabelExclusionFilters") or [])
        cat_in = set(general.get("LabelCategoryInclusionFilters") or [])
        cat_out = set(general.get("LabelCategoryExclusionFilters") or [])
        min_conf = params.get("MinConfidence", 55.0)
        labels = []
        for label in doc.get("Labels", []):
            cats = {c["Name"] for c in label.get("Categories", [])}
            if label["Confidence"] < min_conf or label["Name"] in exclude or cats & cat_out:
                continue
            if (include and label["Name"] not in include) or (cat_in and not cats & cat_in):
                continue
            labels.append(label)
        labels.sort(key=lambda item: -item["Confidence"])
        doc["Labels"] = labels[:params.get("MaxLabels", 1000)]
        return doc


# ---------------------------------------------------------------------- Kinesis Video

class _KvsBase(Front):
    signing_name = "kinesisvideo"
    validation_code = ("InvalidArgumentException", 400)

    def __init__(self, emulator):
        super().__init__(emulator)
        self.router = wire.RestRouter(self.model)

    def identify(self, req):
        op, labels = self.router.route(req.method, req.raw_path, req.query_pairs(),
                                       [k.lower() for k, _ in req.headers])
        if op is None:
            raise wire.WireError("UnknownOperationException", "", 404)
        req.labels = labels
        return op

    def parse(self, req, op):
        headers = {k.lower(): v for k, v in req.headers}
        return wire.parse_rest(self.model, op, req.labels, req.query_pairs(), headers, req.body)

    def stream(self, params):
        name, arn = params.get("StreamName"), params.get("StreamARN")
        if not name and not arn:
            raise ServiceError("InvalidArgumentException",
                               "Either StreamName or StreamARN must be specified", 400)
        with self.state.lock:
            for stream in self.state.streams.values():
                if (not name or stream.name == name) and (not arn or stream.arn == arn):
                    return stream
        raise ServiceError("ResourceNotFoundException",
                           "The requested stream is not found or not active.", 404)


def check_format_config(config):
    """FormatConfig's model only says "one JPEGQuality entry of word characters"; the service
    wants an integer 1..100 in that string."""
    quality = (config or {}).get("JPEGQuality")
    if quality is not None and not re.fullmatch(r"[1-9][0-9]?|100", quality):
        raise ServiceError("InvalidArgumentException", "JPEGQuality must be an integer from 1 to "
                           "100", 400)


class KvsFront(_KvsBase):
    name = "kinesisvideo"
    model_name = "kinesisvideo"

    def handle(self, req, op, params):
        method = getattr(self, "op_" + op, None)
        if method is None:
            raise ServiceError("NotImplemented", "%s is not emulated" % op, 501)
        doc = method(params)
        self.check_output(op, doc)
        return self.json_response(doc)

    def op_CreateStream(self, params):
        with self.state.lock:
            if params["StreamName"] in self.state.streams:
                raise ServiceError("ResourceInUseException", "The stream already exists.", 400)
            stream = Stream(params["StreamName"], self.state.region, self.state.account,
                            params.get("DataRetentionInHours", 0))
            stream.media_type = params.get("MediaType", stream.media_type)
            self.state.streams[stream.name] = stream
            self.state.frames.setdefault(stream.name, {})
        return {"StreamARN": stream.arn}

    def op_DescribeStream(self, params):
        return {"StreamInfo": self.stream(params).describe()}

    def op_ListStreams(self, params):
        with self.state.lock:
            infos = [s.describe() for s in self.state.streams.values()]
        return {"StreamInfoList": infos}

    def op_DeleteStream(self, params):
        stream = self.stream({"StreamARN": params["StreamARN"]})
        with self.state.lock:
            self.state.streams.pop(stream.name, None)
        return {}

    def op_GetDataEndpoint(self, params):
        self.stream(params)
        return {"DataEndpoint": self.emu.endpoints["kinesis-video-archived-media"]}

    def op_UpdateImageGenerationConfiguration(self, params):
        stream = self.stream(params)
        config = params.get("ImageGenerationConfiguration")
        if config is not None:
            dest = config["DestinationConfig"]
            if dest["DestinationRegion"] != stream.region:
                raise ServiceError("InvalidArgumentException", "The destination region must be the "
                                   "same as the stream region.", 400)
            check_format_config(config.get("FormatConfig"))
            if config["SamplingInterval"] < 200:
                raise ServiceError("InvalidArgumentException", "SamplingInterval must be at least "
                                   "200 ms", 400)
            if stream.retention_hours == 0 and config["Status"] == "ENABLED":
                raise ServiceError("NoDataRetentionException", "The stream has no data retention.",
                                   400)
        with self.state.lock:
            stream.image_generation = config
        return {}

    def op_DescribeImageGenerationConfiguration(self, params):
        stream = self.stream(params)
        return {"ImageGenerationConfiguration": stream.image_generation} \
            if stream.image_generation else {}

    def op_UpdateNotificationConfiguration(self, params):
        stream = self.stream(params)
        config = params.get("NotificationConfiguration")
        if config is not None and not config["DestinationConfig"]["Uri"].startswith("arn:aws:sns:"):
            raise ServiceError("InvalidArgumentException", "The destination must be an SNS topic "
                               "ARN.", 400)
        if config is not None and config["DestinationConfig"]["Uri"].endswith(".fifo"):
            raise ServiceError("InvalidArgumentException", "FIFO topics are not supported.", 400)
        with self.state.lock:
            stream.notification = config
        return {}

    def op_DescribeNotificationConfiguration(self, params):
        stream = self.stream(params)
        return {"NotificationConfiguration": stream.notification} if stream.notification else {}


DEFAULT_SAMPLING_MS = 3000
DEFAULT_PAGE = 25


def stretch_jpeg(data, width, height, quality=80):
    """The frame stretched to width x height, as GetImages does when both WidthPixels and
    HeightPixels are given; the bytes unchanged when they already have that size. Decoded and
    encoded with libjpeg-turbo's djpeg/cjpeg, scaled nearest-neighbour."""
    ppm = subprocess.run(["djpeg", "-pnm"], input=data, capture_output=True, check=True).stdout
    fields = ppm.split(maxsplit=4)  # magic, width, height, maxval, pixels
    magic, sw, sh, pixels = fields[0], int(fields[1]), int(fields[2]), fields[4]
    if (sw, sh) == (width, height):
        return data
    channels = 3 if magic == b"P6" else 1
    rows = []
    xs = [min(sw - 1, (2 * x + 1) * sw // (2 * width)) * channels for x in range(width)]
    for y in range(height):
        row = pixels[min(sh - 1, (2 * y + 1) * sh // (2 * height)) * sw * channels:]
        rows.append(b"".join(row[i:i + channels] for i in xs))
    out = b"%s\n%d %d\n255\n" % (magic, width, height) + b"".join(rows)
    return subprocess.run(["cjpeg", "-quality", str(quality)], input=out, capture_output=True,
                          check=True).stdout


class KvsMediaFront(_KvsBase):
    name = "kinesis-video-archived-media"
    model_name = "kinesis-video-archived-media"

    def handle(self, req, op, params):
        if op != "GetImages":
            raise ServiceError("NotImplemented", "%s is not emulated" % op, 501)
        doc = self.get_images(params)
        self.check_output(op, doc)
        return self.json_response(doc)

    @staticmethod
    def _ms(value, name):
        try:
            return int(round(float(value) * 1000))
        except (TypeError, ValueError):
            raise ServiceError("SerializationException", "%s is not an epoch timestamp" % name, 400)

    def get_images(self, params):
        stream = self.stream(params)
        if stream.retention_hours == 0:
            raise ServiceError("NoDataRetentionException", "The stream has no data retention.", 400)
        start = self._ms(params["StartTimestamp"], "StartTimestamp")
        end = self._ms(params["EndTimestamp"], "EndTimestamp")
        if end < start:
            raise ServiceError("InvalidArgumentException",
                               "EndTimestamp must be later than StartTimestamp", 400)
        if end - start > 300 * 1000:
            raise ServiceError("InvalidArgumentException", "The time range between StartTimestamp "
                               "and EndTimestamp must not exceed 300 seconds", 400)
        interval = params.get("SamplingInterval", DEFAULT_SAMPLING_MS)
        if interval < 200:
            raise ServiceError("InvalidArgumentException",
                               "SamplingInterval must be at least 200 milliseconds", 400)
        check_format_config(params.get("FormatConfig"))
        size = (params.get("WidthPixels"), params.get("HeightPixels"))
        if (size[0] is None) != (size[1] is None):
            raise ServiceError("InvalidArgumentException", "Give both WidthPixels and "
                               "HeightPixels, or neither", 400)
        page = params.get("MaxResults", DEFAULT_PAGE)
        fingerprint = hashlib.sha256(json.dumps(
            [stream.arn, params["ImageSelectorType"], start, end, interval, params["Format"]]
        ).encode()).hexdigest()[:16]
        offset = 0
        if params.get("NextToken"):
            try:
                token = json.loads(base64.b64decode(params["NextToken"]))
                offset = int(token["o"])
                if token["f"] != fingerprint or offset < 0:
                    raise ValueError
            except (ValueError, KeyError, TypeError):
                raise ServiceError("InvalidArgumentException", "NextToken is not valid for this "
                                   "request", 400)
        with self.state.lock:
            frames = dict(self.state.frames.get(stream.name, {}))
        shift = stream.server_offset_ms if params["ImageSelectorType"] == "SERVER_TIMESTAMP" else 0
        stamps = sorted((ts + shift, ts) for ts in frames)
        points = list(range(start, end, interval)) or [start]
        images = []
        for t in points[offset:offset + page]:
            found = next((pair for pair in stamps if t <= pair[0] < t + interval), None)
            if found is None:
                images.append({"TimeStamp": t / 1000.0, "Error": "NO_MEDIA"})
                continue
            data, _ = frames[found[1]]
            if size[0] is not None:
                quality = int((params.get("FormatConfig") or {}).get("JPEGQuality", "80"))
                data = stretch_jpeg(data, size[0], size[1], quality)
            images.append({"TimeStamp": found[0] / 1000.0,
                           "ImageContent": base64.b64encode(data).decode()})
        doc = {"Images": images}
        if offset + page < len(points):
            doc["NextToken"] = base64.b64encode(json.dumps(
                {"o": offset + page, "f": fingerprint}).encode()).decode()
        return doc


FRONTS = (S3Front, RekognitionFront, SnsFront, KvsFront, KvsMediaFront)


def parse_xml_text(body, tag):
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return None
    for elem in root.iter():
        if elem.tag.split("}")[-1] == tag:
            return elem.text
    return None
