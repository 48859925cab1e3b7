"""Shared, lock-protected state of one emulator: recorded calls, scripted faults, SNS
publications, KVS streams and frames, Rekognition fixture answers."""

import copy
import hashlib
import json
import os
import threading
import time


class Fault:
    """A scripted failure for one service operation (operation None or "*" = every one).

    code/status: answer with that AWS error (status defaults to the modelled one).
    delay_s: wait before answering (combined with any other effect, or alone).
    reset: drop the connection with a TCP reset before answering.
    body: answer with these bytes (status, default 200) instead of the real answer.
    truncate: send the real answer's headers and only half of its body, then close.
    times: how many matching requests it affects; None = every one until cleared.
    """

    FIELDS = ("service", "operation", "code", "status", "message", "times", "delay_s", "reset",
              "body", "truncate")

    def __init__(self, service, operation=None, code=None, status=None, message=None, times=1,
                 delay_s=0.0, reset=False, body=None, truncate=False):
        if isinstance(body, str):
            body = body.encode()
        self.service = service
        self.operation = operation
        self.code = code
        self.status = status
        self.message = message
        self.times = times
        self.delay_s = float(delay_s or 0)
        self.reset = bool(reset)
        self.body = body
        self.truncate = bool(truncate)

    def matches(self, service, operation):
        return self.service == service and self.operation in (None, "*", operation)

    def describe(self):
        out = {k: getattr(self, k) for k in self.FIELDS}
        if isinstance(out["body"], bytes):
            out["body"] = out["body"].decode("latin-1")
        return out


class Stream:
    def __init__(self, name, region, account, retention_hours=24, created=None):
        self.name = name
        self.created = created if created is not None else time.time()
        self.arn = "arn:aws:kinesisvideo:%s:%s:stream/%s/%d" % (
            region, account, name, int(self.created * 1000))
        self.region = region
        self.retention_hours = retention_hours
        self.media_type = "video/h264"
        self.version = "1"
        self.image_generation = None
        self.notification = None
        self.server_offset_ms = 0

    def describe(self):
        return {"StreamName": self.name, "StreamARN": self.arn, "MediaType": self.media_type,
                "Version": self.version, "Status": "ACTIVE", "CreationTime": self.created,
                "DataRetentionInHours": self.retention_hours}


class State:
    def __init__(self, region, account, fixtures_dir):
        self.lock = threading.Lock()
        self.region = region
        self.account = account
        self.fixtures_dir = fixtures_dir
        self._calls = []
        self._faults = []
        self._published = []
        self.streams = {}
        self.frames = {}          # stream name -> {producer ms: (bytes, "jpg"|"png")}
        self.labels = {}          # sha256 hex -> fixture dict
        self.load_fixtures()

    # ------------------------------------------------------------ fixtures

    def load_fixtures(self):
        rek = os.path.join(self.fixtures_dir, "rekognition", "answers")
        labels = {}
        if os.path.isdir(rek):
            for name in sorted(os.listdir(rek)):
                if name.endswith(".json"):
                    with open(os.path.join(rek, name), encoding="utf-8") as f:
                        doc = json.load(f)
                    if not isinstance(doc, dict) or "sha256" not in doc:
                        continue
                    shas = doc["sha256"] if isinstance(doc["sha256"], list) else [doc["sha256"]]
                    for sha in shas:
                        labels[sha.lower()] = doc
        streams = {}
        frames = {}
        kvs = os.path.join(self.fixtures_dir, "kvs")
        if os.path.isdir(kvs):
            for name in sorted(os.listdir(kvs)):
                folder = os.path.join(kvs, name)
                if not os.path.isdir(folder):
                    continue
                stream = Stream(name, self.region, self.account, created=1690000000.0)
                meta_path = os.path.join(folder, "stream.json")
                if os.path.exists(meta_path):
                    with open(meta_path, encoding="utf-8") as f:
                        meta = json.load(f)
                    stream.server_offset_ms = int(meta.get("serverOffsetMs", 0))
                    stream.retention_hours = int(meta.get("dataRetentionInHours", 24))
                streams[name] = stream
                frames[name] = {}
                for frame in os.listdir(folder):
                    stem, _, ext = frame.rpartition(".")
                    if stem.isdigit() and ext.lower() in ("jpg", "png"):
                        with open(os.path.join(folder, frame), "rb") as f:
                            frames[name][int(stem)] = (f.read(), ext.lower())
        with self.lock:
            self.labels = labels
            self.streams = streams
            self.frames = frames

    def labels_for(self, image):
        with self.lock:
            return copy.deepcopy(self.labels.get(hashlib.sha256(image).hexdigest()))

    # ------------------------------------------------------------ calls

    def record(self, call):
        with self.lock:
            call["seq"] = len(self._calls) + 1
            self._calls.append(call)

    def calls(self, service=None, operation=None):
        with self.lock:
            return [dict(c) for c in self._calls
                    if (service is None or c["service"] == service)
                    and (operation is None or c["operation"] == operation)]

    # ------------------------------------------------------------ faults

    def add_fault(self, fault):
        with self.lock:
            self._faults.append(fault)

    def clear_faults(self):
        with self.lock:
            self._faults.clear()

    def faults(self):
        with self.lock:
            return [f.describe() for f in self._faults]

    def take_fault(self, service, operation):
        with self.lock:
            for fault in self._faults:
                if fault.matches(service, operation):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # ------------------------------------------------------------ SNS

    def add_published(self, item):
        with self.lock:
            self._published.append(item)

    def published(self, topic_arn=None):
        with self.lock:
            return [copy.deepcopy(p) for p in self._published
                    if topic_arn is None or p.get("TopicArn") == topic_arn]

    def reset(self):
        with self.lock:
            self._calls.clear()
            self._faults.clear()
            self._published.clear()
        self.load_fixtures()
