#!/usr/bin/env python3
"""`make demo`: kvs-lookout end to end, on this machine, with no network.

Starts the local AWS emulators (S3, Rekognition, SNS, Kinesis Video) and the local Lambda
Runtime API in this process, uploads the sample images with the KVS metadata the samples
imply, runs the bootstrap under the Runtime API, sends it the sample events of events/, and
prints what the function answered, every alert it published (subject, labels, link) and a
summary. Then a second bootstrap, with STATE_TABLE on an emulated DynamoDB table, shows the
alert state at work: a redelivered event suppressed as a duplicate and a cooldown holding back
a second match on the same stream; the summary counts what was suppressed and why. Everything it started is stopped at the end, on Ctrl-C and on errors. The exit code
is 0 when every event was answered with a response, 1 otherwise.

Usage: python3 tests/emulator/demo.py [--build-dir build] [--labels Person,Animal,Vehicle]
                                      [--logs] [EVENT ...]
"""

import argparse
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))
from emulator.aws import AwsEmulator  # noqa: E402
from emulator.runtime_api import RuntimeAPI  # noqa: E402

EVENTS_DIR = os.path.join(ROOT, "events")
IMAGES_DIR = os.path.join(ROOT, "tests", "data", "images")
BUCKET = "kvs-lookout-demo-images"
STREAM = "front-door"
ALERT_TOPIC = "kvs-lookout-alerts"
# The topics the sample events come from (they exist in the deployment the samples describe).
SOURCE_TOPICS = ("kvs-lookout-image-events", "kvs-lookout-FragmentTopic-1A2B3C4D5E6F")
# Server timestamps of the front-door stream are the producer's minus 1115 ms (the KVS
# Developer Guide's head-object example, and tests/data/kvs/front-door/stream.json).
SERVER_OFFSET_MS = -1115
FIRST_FRAGMENT = 91343852333182036507421233921329142742245756394
FIRST_FRAME_MS = 1690707290324
DEFAULT_LABELS = "Person,Animal,Vehicle"
INVOKE_TIMEOUT_S = 60
EXIT_TIMEOUT_S = 30

# The samples, in the order they are sent: file, what it is, and the object it names (decoded
# key, image file from tests/data/images), as events/README.md lists them.
SAMPLES = [
    ("s3-put.json", "S3 image, direct",
     "123456789012_front-door_1690707290324_f20f9add-75e7-4399-a30f-fc7aefb1bab7.jpg",
     "skimage-astronaut-q85.jpg"),
    ("s3-put-png.json", "S3 PNG image, direct",
     "123456789012_front-door_1690707293324_3c1d7e52-8a4b-4f0e-9d61-0b5f2a7c9e13.png",
     "skimage-chelsea.png"),
    ("s3-put-encoded-key.json", "S3 image, key with a space",
     "porch cam_123456789012_front-door_1690707296324_9b2e4f61-5c3a-4d8e-a7f0-6e1b2c3d4e5f.jpg",
     "skimage-rocket.jpg"),
    ("sns-s3-put.json", "S3 image through SNS",
     "porch cam_123456789012_front-door_1690707299324_5d8c1a2b-7e3f-4a6b-9c0d-1e2f3a4b5c6d.jpg",
     "skimage-chelsea-q85.jpg"),
    ("eventbridge-s3-object-created.json", "S3 image through EventBridge",
     "123456789012_front-door_1690707302324_a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d.jpg",
     "ljt-testorig.jpg"),
    ("sns-kvs-fragment.json", "KVS fragment notification (GetImages)", None, None),
    ("s3-test-event.json", "S3 test event", None, None),
    ("manual-image.json", "direct invocation, one image", None, None),
]
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: ")
SERVICES = ("s3", "rekognition", "sns", "kinesisvideo", "kinesis-video-archived-media")
# With STATE_TABLE: a Person alerts, the same event redelivered is a duplicate, and another
# Person frame of the stream within COOLDOWN_S is held back. Its Person stands where the
# first one did, so the stationary rule (which comes first) is off to show the cooldown.
STATE_ENV = {"STATE_TABLE": "kvs-lookout-demo-state", "COOLDOWN_S": "60", "STATIONARY_S": "0"}
STATE_SAMPLES = [
    ("s3-put.json", "S3 image, with STATE_TABLE"),
    ("s3-put.json", "the same event redelivered"),
    ("sns-kvs-fragment.json", "another Person on front-door, inside COOLDOWN_S"),
]


class Interrupted(Exception):
    pass


def _on_signal(signum, _frame):
    raise Interrupted(signal.Signals(signum).name)


def kvs_metadata(key):
    """The metadata KVS Images writes on a frame object (KVS Developer Guide, "Automated real-time image generation"), for a KVS image key."""
    producer_ms = int(key.rsplit("_", 2)[-2])
    fragment = FIRST_FRAGMENT + (producer_ms - FIRST_FRAME_MS) // 1000
    return {"aws_kinesisvideo_producer_timestamp": str(producer_ms),
            "aws_kinesisvideo_server_timestamp": str(producer_ms + SERVER_OFFSET_MS),
            "aws_kinesisvideo_fragment_number": str(fragment),
            "camera": "porch"}


def set_up(emu):
    """Uploads the sample images and creates the topics and the stream; returns the alert
    topic's ARN."""
    emu.create_bucket(BUCKET)
    for _, _, key, image in SAMPLES:
        if key is None:
            continue
        with open(os.path.join(IMAGES_DIR, image), "rb") as f:
            body = f.read()
        ctype = "image/png" if image.endswith(".png") else "image/jpeg"
        emu.put_object(BUCKET, key, body, kvs_metadata(key), ctype)
    for name in SOURCE_TOPICS:
        emu.create_topic(name)
    emu.create_stream(STREAM)
    return emu.create_topic(ALERT_TOPIC)


def bootstrap_env(emu, topic_arn, labels):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "_X_AMZN"))}
    env.update(emu.env)
    env.update(ALERT_TOPIC_ARN=topic_arn,
               SNAPSHOT_BUCKET=BUCKET, ALERT_LABELS=labels, AWS_LAMBDA_LOG_LEVEL="WARN",
               AWS_LAMBDA_FUNCTION_NAME="kvs-lookout", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128")
    return env


def link_check(url):
    """Fetches an alert's presigned link from the S3 emulator: 'ok (N bytes)' or the failure."""
    if not url:
        return "none"
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return "ok, %d bytes" % len(resp.read())
    except urllib.error.HTTPError as e:
        return "HTTP %d" % e.code
    except OSError as e:
        return "failed: %s" % e


def save_snapshot(url, save_dir, s3_uri):
    """Copies an annotated snapshot (through its presigned link) under save_dir so a person
    can open it; returns (path, size) or (None, why)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            body = resp.read()
    except (urllib.error.HTTPError, OSError) as e:
        return None, "failed: %s" % e
    os.makedirs(save_dir, exist_ok=True)
    path = os.path.join(save_dir, s3_uri.rsplit("/", 2)[-2] + "-" + s3_uri.rsplit("/", 1)[-1])
    with open(path, "wb") as f:
        f.write(body)
    return path, len(body)


def print_alert(out, pub, save_dir=None):
    out.write("    alert    %s\n" % pub.get("Subject"))
    try:
        msg = json.loads(pub.get("Message") or "")
    except ValueError:
        out.write("             (the message is not JSON)\n")
        return
    labels = ", ".join("%s %.1f%%" % (lab.get("name"), lab.get("confidence", 0))
                       for lab in msg.get("labels", []))
    image = msg.get("image") or {}
    out.write("             labels  %s\n" % labels)
    out.write("             frame   %s  fragment %s\n" % (msg.get("time"),
                                                         msg.get("fragmentNumber")))
    out.write("             image   %s\n" % image.get("s3Uri"))
    out.write("             link    %s\n" % image.get("url"))
    out.write("                     (%s)\n" % link_check(image.get("url")))
    snap = msg.get("snapshot")
    if snap and save_dir:
        path, size = save_snapshot(snap.get("url"), save_dir, snap.get("s3Uri", "x/snapshot.jpg"))
        out.write("             snapshot %s (%sx%s)\n" % (snap.get("s3Uri"), snap.get("width"),
                                                         snap.get("height")))
        out.write("                     saved %s (%s bytes)\n" % (path, size))


def answer_text(inv):
    if inv.outcome == "response":
        return "response " + inv.body.decode("utf-8", "replace")
    if inv.outcome == "error":
        doc = inv.error_body or {}
        return "ERROR %s: %s" % (inv.error_type, doc.get("errorMessage", ""))
    return "no answer (%s)" % (inv.outcome or inv.state)


def send(api, proc, name, payload):
    inv = api.queue(payload)
    api.wait_for(lambda: inv.state in ("done", "abandoned") or api.init_errors
                 or proc.poll() is not None, INVOKE_TIMEOUT_S)
    return inv


def held_back(resp):
    """The response's non-zero suppressed counts, as "duplicate 1, cooldown 2" (or "-")."""
    counts = resp.get("suppressed") if isinstance(resp.get("suppressed"), dict) else {}
    return ", ".join("%s %d" % (k, v) for k, v in counts.items() if v) or "-"


def run_events(emu, api, proc, samples, out, first=1, total=None, save_dir=None):
    """Sends each sample and prints what happened; returns one summary row per event."""
    rows = []
    total = total or len(samples)
    for i, (name, what) in enumerate(samples, first):
        with open(os.path.join(EVENTS_DIR, name), "rb") as f:
            payload = f.read()
        seen_calls, seen_pubs = len(emu.calls()), len(emu.published())
        inv = send(api, proc, name, payload)
        out.write("\n[%d/%d] %s  (%s)\n" % (i, total, name, what))
        out.write("    answer   %s\n" % answer_text(inv))
        calls = emu.calls()[seen_calls:]
        ops = ", ".join("%s %s%s" % (c["service"], c["operation"],
                                     "" if c["status"] == 200 else " -> %s" % c["status"])
                        for c in calls)
        out.write("    calls    %s\n" % (ops or "none"))
        pubs = emu.published()[seen_pubs:]
        for pub in pubs:
            print_alert(out, pub, save_dir)
        if not pubs:
            out.write("    alert    none\n")
        resp = {}
        if inv.outcome == "response":
            try:
                resp = json.loads(inv.body)
            except ValueError:
                resp = {}
        rt = inv.round_trip_s
        rows.append({"event": name, "route": resp.get("route", "-"),
                     "frames": int(resp.get("frames", 0) or 0), "alerts": len(pubs),
                     "held": held_back(resp), "suppressed": resp.get("suppressed") or {},
                     "ok": inv.outcome == "response",
                     "ms": rt * 1000 if rt is not None else None})
        out.flush()
        if inv.state != "done":
            break
    return rows


def print_summary(out, rows, total, problems):
    out.write("\nSummary\n\n")
    out.write("| event | route | frames | alerts | suppressed | result | ms |\n")
    out.write("| --- | --- | ---: | ---: | --- | --- | ---: |\n")
    for r in rows:
        out.write("| %s | %s | %d | %d | %s | %s | %s |\n"
                  % (r["event"], r["route"], r["frames"], r["alerts"], r["held"],
                     "ok" if r["ok"] else "FAILED",
                     "%.1f" % r["ms"] if r["ms"] is not None else "-"))
    times = [r["ms"] for r in rows if r["ms"] is not None]
    failures = sum(not r["ok"] for r in rows) + (total - len(rows))
    out.write("\nevents %d, frames %d, alerts %d, failures %d, time per invoke %s\n"
              % (total, sum(r["frames"] for r in rows), sum(r["alerts"] for r in rows), failures,
                 "median %.1f ms, max %.1f ms" % (statistics.median(times), max(times))
                 if times else "-"))
    held = {}
    for r in rows:
        for why, n in r["suppressed"].items():
            held[why] = held.get(why, 0) + n
    out.write("suppressed %s\n" % (", ".join("%s %d" % (k, v) for k, v in held.items() if v)
                                   or "none"))
    for p in problems:
        out.write("problem: %s\n" % p)
    return failures


def stop_bootstrap(api, proc):
    """Ends the loop (/next answers 500, so the runtime exits); kills it if it does not."""
    api.end_loop()
    try:
        return proc.wait(EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return None


def run_bootstrap(cmd, env, samples, emu, out, problems, first, total, save_dir=None):
    """One bootstrap under its own Runtime API: sends samples, stops it, and adds what went
    wrong to problems; returns (summary rows, its stderr)."""
    api = RuntimeAPI(record_bodies=True)
    proc = None
    logs = tempfile.TemporaryFile()
    try:
        api.start()
        env = dict(env, AWS_LAMBDA_RUNTIME_API=api.address)
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=logs, stderr=logs)
        rows = run_events(emu, api, proc, samples, out, first, total, save_dir)
        if api.init_errors:
            problems.append("init error: %s" % api.init_errors[0].body.decode("utf-8", "replace"))
        early = proc.poll()
        code = stop_bootstrap(api, proc)
        proc = None
        # Ending the loop makes a conforming runtime exit (with any status); exiting before
        # that, or on a signal, is a failure.
        if early is not None:
            problems.append("the bootstrap exited early, status %d" % early)
        elif code is None:
            problems.append("the bootstrap did not exit when the loop ended; killed")
        elif code < 0:
            problems.append("the bootstrap died of signal %d" % -code)
        elif code not in (0, 1):  # 99: valgrind found errors (make test runs with it)
            problems.append("the bootstrap exited with status %d" % code)
        logs.seek(0)
        text = logs.read().decode("utf-8", "replace")
        if any(m in text for m in SANITIZER_MARKS):
            problems.append("the bootstrap's stderr reports memory or undefined-behaviour errors")
        return rows, text
    finally:
        if proc is not None:
            stop_bootstrap(api, proc)
        api.stop()
        logs.close()


def demo(args, out):
    binary = os.path.join(args.build_dir, "bootstrap")
    if not os.access(binary, os.X_OK):
        out.write("demo: %s is missing: run `make build` first\n" % binary)
        return 1
    chosen = set(args.events)
    samples = [(n, w) for n, w, _, _ in SAMPLES if not chosen or n in chosen]
    state_samples = [] if chosen else STATE_SAMPLES
    total = len(samples) + len(state_samples)
    cmd = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", "")) + [binary]
    problems = []
    t0 = time.monotonic()
    emu = AwsEmulator()
    try:
        emu.start()
        topic = set_up(emu)
        out.write("kvs-lookout demo: emulators up in %.2f s\n" % (time.monotonic() - t0))
        for svc in SERVICES + ("dynamodb",):
            out.write("    %-29s %s\n" % (svc, emu.endpoints[svc]))
        out.write("    bucket %s, stream %s, alerts to %s, ALERT_LABELS=%s\n"
                  % (BUCKET, STREAM, topic, args.labels))
        env = bootstrap_env(emu, topic, args.labels)
        save_dir = os.path.join(args.build_dir, "demo")
        rows, text = run_bootstrap(cmd, env, samples, emu, out, problems, 1, total, save_dir)
        if state_samples and len(rows) == len(samples):
            emu.create_state_table(STATE_ENV["STATE_TABLE"])
            out.write("\nAlert state: a second bootstrap with %s (DynamoDB)\n"
                      % ", ".join("%s=%s" % kv for kv in STATE_ENV.items()))
            more, more_text = run_bootstrap(cmd, dict(env, **STATE_ENV), state_samples, emu, out,
                                            problems, len(samples) + 1, total, save_dir)
            rows += more
            text += more_text
        if args.logs or problems:
            out.write("\nbootstrap stderr:\n%s" % (text or "(empty)\n"))
        unsigned = [c for c in emu.calls() if not c["signature_ok"]]
        if unsigned:
            problems.append("%d AWS calls were not signed correctly" % len(unsigned))
        failures = print_summary(out, rows, total, problems)
        return 1 if failures or problems else 0
    except (Interrupted, KeyboardInterrupt) as e:
        out.write("\ndemo: interrupted (%s); stopping\n" % (e or "Ctrl-C"))
        return 130
    except TimeoutError as e:
        out.write("\ndemo: %s\n" % e)
        return 1
    finally:
        emu.stop()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.environ.get("LOOKOUT_BUILD_DIR",
                                                              os.path.join(ROOT, "build")),
                        help="where bootstrap is (default $LOOKOUT_BUILD_DIR, else build/)")
    parser.add_argument("--labels", default=DEFAULT_LABELS,
                        help="ALERT_LABELS for the run (default %s)" % DEFAULT_LABELS)
    parser.add_argument("--logs", action="store_true", help="show the bootstrap's stderr at the end")
    parser.add_argument("events", nargs="*", metavar="EVENT",
                        help="sample file names to send (default: all of them)")
    args = parser.parse_args(argv)
    known = {s[0] for s in SAMPLES}
    unknown = [e for e in args.events if e not in known]
    if unknown:
        parser.error("unknown sample %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(known))))
    signal.signal(signal.SIGTERM, _on_signal)
    return demo(args, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
