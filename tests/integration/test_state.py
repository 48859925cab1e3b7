"""The rules that decide which matches alert, against the emulators with a DynamoDB state
table: idempotency (Powertools semantics), cooldown, stationary objects, zones, minimum area,
snooze, the counts of what was held back and the EMF line. Each rule has a case that alerts
and one that does not."""

import copy
import hashlib
import json
import os
import subprocess
import time
import unittest

import jsonschema

from lookout_case import (BOOTSTRAP, BUCKET, RUN_TIMEOUT_S, SOURCE_DIR, WRAPPER, IntegrationCase,
                          s3_event, s3_record)

FRAMES = os.path.join(SOURCE_DIR, "tests", "data", "kvs", "front-door")
TABLE = "kvs-lookout-state"
FN = "kvs-lookout"


def frame(ms):
    with open(os.path.join(FRAMES, "%d.jpg" % ms), "rb") as f:
        return f.read()


PERSON = frame(1690707290324)
CAT = frame(1690707294324)

# The EMF specification's required shape (CloudWatch "Embedded metric format specification").
EMF_SCHEMA = {
    "type": "object",
    "required": ["_aws"],
    "properties": {"_aws": {
        "type": "object", "required": ["Timestamp", "CloudWatchMetrics"],
        "properties": {
            "Timestamp": {"type": "integer", "minimum": 0},
            "CloudWatchMetrics": {"type": "array", "items": {
                "type": "object", "required": ["Namespace", "Dimensions", "Metrics"],
                "properties": {
                    "Namespace": {"type": "string", "minLength": 1, "maxLength": 1024},
                    "Dimensions": {"type": "array", "items": {
                        "type": "array", "maxItems": 30,
                        "items": {"type": "string", "minLength": 1, "maxLength": 250}}},
                    "Metrics": {"type": "array", "maxItems": 100, "items": {
                        "type": "object", "required": ["Name"],
                        "properties": {"Name": {"type": "string", "minLength": 1,
                                                "maxLength": 1024},
                                       "Unit": {"type": "string"}}}}}}}}}},
}


def person_label(*boxes):
    """A DetectLabels answer: one Person instance per (left, top, width, height)."""
    inst = [{"Confidence": 99.0, "BoundingBox": {"Left": b[0], "Top": b[1], "Width": b[2],
                                                  "Height": b[3]}} for b in boxes]
    return {"Labels": [{"Name": "Person", "Confidence": 99.0, "Instances": inst, "Parents": [],
                        "Aliases": [], "Categories": []}], "LabelModelVersion": "3.0"}


class StateCase(IntegrationCase):
    seq = 0

    def setUp(self):
        super().setUp()
        self.emu.create_state_table(TABLE)
        self.ddb = self.emu.client("dynamodb")

    def image(self, base=PERSON, answer=None):
        """A distinct JPEG (trailing bytes after EOI) answered with answer, or as base is."""
        StateCase.seq += 1
        data = base + b"\0pad%d" % StateCase.seq
        sha = hashlib.sha256(data).hexdigest()
        with self.emu.state.lock:
            fixture = self.emu.state.labels.get(hashlib.sha256(base).hexdigest())
            self.emu.state.labels[sha] = ({"response": answer} if answer is not None
                                          else copy.deepcopy(fixture))
        return data

    def event(self, data, ms=1690707290324):
        key = "123456789012_front-door_%d_%08d.jpg" % (ms, StateCase.seq)
        self.emu.put_object(BUCKET, key, data, content_type="image/jpeg")
        return s3_event(s3_record(BUCKET, key))

    def run_state(self, event, **env):
        env.setdefault("STATE_TABLE", TABLE)
        return self.run_ok(event, **env)

    def held(self, run):
        return {k: v for k, v in run.body["suppressed"].items() if v}


class IdempotencyTest(StateCase):
    def test_redelivered_frame_publishes_once_and_costs_no_rekognition_call(self):
        event = self.event(self.image())
        first = self.run_state(event)
        self.assertEqual(first.body["alerts"], 1)
        again = self.run_state(event)
        self.assertEqual((again.body["alerts"], again.body["frames"]), (0, 0))
        self.assertEqual(self.held(again), {"duplicate": 1})
        self.assertEqual(len(self.alerts()), 1)
        self.assertEqual(len(self.emu.calls("rekognition", "DetectLabels")), 1)
        self.assertIn("duplicate", again.stderr)
        record = self.ddb.scan(TableName=TABLE)["Items"]
        done = [i for i in record if i["id"]["S"].startswith(FN + "#frame#")]
        self.assertEqual([i["status"]["S"] for i in done], ["COMPLETED"])
        self.assertGreater(int(done[0]["expiration"]["N"]), time.time() + 86000)
        puts = self.emu.calls("dynamodb", "PutItem")
        self.assertIn("attribute_not_exists(#id)", puts[0]["params"]["ConditionExpression"])

    def test_stateless_redelivery_alerts_twice(self):
        event = self.event(self.image())
        self.run_ok(event)
        self.run_ok(event)
        self.assertEqual(len(self.alerts()), 2)
        self.assertEqual([c["operation"] for c in self.emu.calls("dynamodb")], ["CreateTable"])

    def put_record(self, lock_ms):
        ident = "s3:%s/%s#%s" % (BUCKET, self.key, "0" * 32)
        rid = "%s#frame#%s" % (FN, hashlib.sha256(ident.encode()).hexdigest())
        self.ddb.put_item(TableName=TABLE, Item={
            "id": {"S": rid}, "status": {"S": "INPROGRESS"},
            "expiration": {"N": str(int(time.time()) + 3600)},
            "in_progress_expiration": {"N": str(lock_ms)}})

    def test_frame_in_progress_elsewhere_fails_and_an_expired_lock_is_taken_over(self):
        event = self.event(self.image())
        self.key = event["Records"][0]["s3"]["object"]["key"]
        self.put_record(int(time.time() * 1000) + 600000)
        self.run_failed(event, "Function.AlreadyInProgress", STATE_TABLE=TABLE)
        self.assertEqual(self.alerts(), [])
        self.put_record(int(time.time() * 1000) - 1000)
        self.assertEqual(self.run_state(event).body["alerts"], 1)

    def test_failed_publish_releases_the_record_so_the_retry_alerts(self):
        event = self.event(self.image())
        self.emu.fault("sns", "Publish", code="AuthorizationError", status=403)
        self.run_failed(event, STATE_TABLE=TABLE)
        self.assertEqual([c["operation"] for c in self.emu.calls("dynamodb")][-1], "DeleteItem")
        self.assertEqual(self.run_state(event).body["alerts"], 1)

    def test_dynamodb_down_fails_open_with_a_warning(self):
        self.emu.fault("dynamodb", code="InternalServerError", times=100)
        run = self.run_state(self.event(self.image()))
        self.assertEqual(run.body["alerts"], 1)
        self.assertIn("going on without it", run.stderr)

    def test_two_processes_on_the_same_event_alert_once(self):
        event = json.dumps(self.event(self.image())).encode()
        self.emu.fault("rekognition", "DetectLabels", delay_s=1.5)
        procs = [subprocess.Popen(WRAPPER + [BOOTSTRAP, "--event", "-"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=self.env(STATE_TABLE=TABLE)) for _ in range(2)]
        # Both get the event before either is waited on, so their work overlaps.
        for p in procs:
            p.stdin.write(event)
            p.stdin.close()
        outs = [(p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.wait(timeout=RUN_TIMEOUT_S)
        self.assertEqual(len(self.alerts()), 1)
        bodies = [json.loads(o[0]) for o in outs]
        failed = [b for b in bodies if "errorType" in b]
        # The loser either saw the lock (and fails, so Lambda retries) or the done record.
        self.assertTrue(all(b["errorType"] == "Function.AlreadyInProgress" for b in failed), bodies)
        self.assertEqual(sum(1 for b in bodies if b.get("alerts") == 1), 1, bodies)


class CooldownTest(StateCase):
    def test_second_match_waits_and_the_next_alert_carries_the_count(self):
        env = dict(STATIONARY_S=0)
        self.assertEqual(self.run_state(self.event(self.image()), **env).body["alerts"], 1)
        second = self.run_state(self.event(self.image()), **env)
        self.assertEqual((second.body["alerts"], self.held(second)), (0, {"cooldown": 1}))
        self.assertIn("front-door: Person held back: cooldown", second.stderr)
        # The cooldown passes (the item says so), the next match alerts with the count.
        self.ddb.update_item(TableName=TABLE, Key={"id": {"S": FN + "#cooldown#front-door#Person"}},
                             UpdateExpression="SET last_alert_ms = :old",
                             ExpressionAttributeValues={":old": {"N": "1000"}})
        third = self.run_state(self.event(self.image()), **env)
        self.assertEqual(third.body["alerts"], 1)
        self.assertEqual([m.get("suppressed") for _, m in self.alerts()], [None, 1])

    def test_off_or_stateless_every_match_alerts(self):
        for env in (dict(COOLDOWN_S=0, STATIONARY_S=0), dict(STATE_TABLE=None)):
            self.emu.reset()
            self.emu.create_bucket(BUCKET)
            self.topic = self.emu.create_topic("kvs-lookout-alerts")
            self.emu.create_state_table(TABLE)
            for _ in range(2):
                self.run_ok(self.event(self.image()), **{"STATE_TABLE": TABLE, **env})
            self.assertEqual(len(self.alerts()), 2, env)

    def test_a_new_wanted_label_alerts_at_once(self):
        env = dict(STATIONARY_S=0, ALERT_LABELS="Person,Animal")
        self.run_state(self.event(self.image()), **env)
        cat = self.run_state(self.event(self.image(CAT)), **env)
        self.assertEqual(cat.body["alerts"], 1)
        self.assertEqual([p["Subject"] for p, _ in self.alerts()],
                         ["Person detected on front-door", "Cat detected on front-door"])


class StationaryTest(StateCase):
    def test_parked_object_alerts_once_and_again_when_it_moves(self):
        env = dict(COOLDOWN_S=0)
        box = (0.40, 0.40, 0.20, 0.30)
        self.run_state(self.event(self.image(answer=person_label(box))), **env)
        same = self.run_state(self.event(self.image(answer=person_label((0.41, 0.40, 0.20, 0.30)))),
                              **env)
        self.assertEqual((same.body["alerts"], self.held(same)), (0, {"stationary": 1}))
        moved = self.run_state(self.event(self.image(answer=person_label((0.05, 0.1, 0.2, 0.3)))),
                               **env)
        self.assertEqual(moved.body["alerts"], 1)

    def test_two_writers_of_the_seen_list_keep_each_others_boxes(self):
        """Two processes on two new objects read the list before either saves it (their
        Publish is held up): the conditional write makes the loser merge and write again."""
        env = dict(STATE_TABLE=TABLE, COOLDOWN_S=0)
        self.run_state(self.event(self.image(answer=person_label((0.05, 0.1, 0.2, 0.3)))), **env)
        events = [json.dumps(self.event(self.image(answer=person_label(box)))).encode()
                  for box in ((0.40, 0.40, 0.20, 0.30), (0.75, 0.60, 0.20, 0.30))]
        self.emu.fault("sns", "Publish", delay_s=1.0, times=2)
        procs = [subprocess.Popen(WRAPPER + [BOOTSTRAP, "--event", "-"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env=self.env(**env)) for _ in events]
        for p, e in zip(procs, events):  # both start before either is waited for
            p.stdin.write(e)
            p.stdin.close()
        for p in procs:
            p.wait(timeout=RUN_TIMEOUT_S)
        outs = [(p.stdout.read(), p.stderr.read()) for p in procs]
        for p in procs:
            p.stdout.close()
            p.stderr.close()
        self.assertEqual([p.returncode for p in procs], [0, 0], outs)
        self.assertEqual(len(self.alerts()), 3)
        saves = [c for c in self.emu.calls("dynamodb", "PutItem")
                 if c["params"]["Item"]["id"]["S"].startswith(FN + "#seen#")]
        self.assertIn(400, [c["status"] for c in saves])  # one write lost the race
        item = self.ddb.get_item(TableName=TABLE,
                                 Key={"id": {"S": FN + "#seen#front-door#Person"}})["Item"]
        self.assertEqual(len(item["boxes"]["S"].split(";")), 3, item)
        self.assertEqual(item["version"]["N"], "3")
        # All three are remembered: none of them alerts again.
        for box in ((0.05, 0.1, 0.2, 0.3), (0.40, 0.40, 0.20, 0.30), (0.75, 0.60, 0.20, 0.30)):
            run = self.run_state(self.event(self.image(answer=person_label(box))), **env)
            self.assertEqual(self.held(run), {"stationary": 1}, box)

    def test_off_alerts_every_time(self):
        box = (0.40, 0.40, 0.20, 0.30)
        for _ in range(2):
            self.run_state(self.event(self.image(answer=person_label(box))), COOLDOWN_S=0,
                           STATIONARY_S=0)
        self.assertEqual(len(self.alerts()), 2)


ZONES = json.dumps([{"name": "porch", "polygon": [[0, 0.5], [0.5, 0.5], [0.5, 1], [0, 1]]},
                    {"name": "drive", "polygon": [[0.5, 0], [1, 0], [1, 1], [0.5, 1]],
                     "labels": ["Car"]}])


class ZoneAndSizeTest(StateCase):
    def test_zones_place_objects_by_their_feet(self):
        inside = self.run_ok(self.event(self.image(answer=person_label((0.1, 0.3, 0.2, 0.4)))),
                             ZONES=ZONES)
        self.assertEqual(inside.body["alerts"], 1)
        self.assertEqual(self.one_alert()[1]["zones"], ["porch"])
        # Feet in the drive, which takes only cars; feet above the porch.
        for box in ((0.6, 0.3, 0.2, 0.4), (0.1, 0.0, 0.2, 0.3)):
            run = self.run_ok(self.event(self.image(answer=person_label(box))), ZONES=ZONES)
            self.assertEqual(self.held(run), {"outsideZones": 1})
        self.assertEqual(len(self.alerts()), 1)

    def test_bad_zones_stop_the_function_at_start(self):
        run = self.run_failed(self.event(self.image()), "Runtime.ConfigInvalid",
                              ZONES='[{"name":"x","polygon":[[0,0],[2,0],[0,1]]}]')
        self.assertIn("ZONES[0].polygon[1]", run.body["errorMessage"])

    def test_min_box_area(self):
        small = self.run_ok(self.event(self.image()), MIN_BOX_AREA="0.7")  # box is 0.60
        self.assertEqual(self.held(small), {"tooSmall": 1})
        self.assertEqual(self.run_ok(self.event(self.image()), MIN_BOX_AREA="0.5").body["alerts"], 1)


class SnoozeTest(StateCase):
    def snooze(self, minutes, **env):
        return self.run_event({"lookout": {"snooze": {"stream": "front-door", "minutes": minutes}}},
                              **env)

    def test_snooze_silences_the_stream_until_it_ends(self):
        run = self.snooze(30, STATE_TABLE=TABLE)
        self.assertEqual(run.code, 0, run)
        self.assertAlmostEqual(run.body["snoozedUntilMs"] / 1000, time.time() + 1800, delta=30)
        self.assertRegex(run.body["snoozedUntil"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        quiet = self.run_state(self.event(self.image()))
        self.assertEqual((quiet.body["alerts"], self.held(quiet)), (0, {"snoozed": 1}))
        self.assertEqual(self.emu.calls("rekognition"), [])
        self.assertEqual(self.snooze(0, STATE_TABLE=TABLE).code, 0)
        self.assertEqual(self.run_state(self.event(self.image())).body["alerts"], 1)

    def test_snooze_needs_state_and_a_good_request(self):
        run = self.snooze(30)
        self.assertEqual(run.body["errorType"], "Function.InvalidEvent", run)
        self.assertIn("STATE_TABLE", run.body["errorMessage"])
        for bad in (-1, 1.5, "30", 10081):
            self.assertEqual(self.snooze(bad, STATE_TABLE=TABLE).body["errorType"],
                             "Function.InvalidEvent")


class MetricsTest(StateCase):
    def emf(self, run):
        lines = [json.loads(l) for l in run.stderr.splitlines() if l.startswith('{"_aws"')]
        self.assertEqual(len(lines), 1, run.stderr)
        jsonschema.validate(lines[0], EMF_SCHEMA)
        doc = lines[0]
        directive = doc["_aws"]["CloudWatchMetrics"][0]
        self.assertEqual(directive["Namespace"], "KvsLookout")
        self.assertEqual(directive["Dimensions"], [["Stream"]])
        for m in directive["Metrics"]:  # every metric named has its value at the top
            self.assertIsInstance(doc[m["Name"]], int)
        return doc

    def test_one_emf_line_per_invocation_counts_what_was_held_back(self):
        event = self.event(self.image())
        doc = self.emf(self.run_state(event))
        self.assertEqual((doc["Stream"], doc["Frames"], doc["RekognitionCalls"], doc["Alerts"]),
                         ("front-door", 1, 1, 1))
        doc = self.emf(self.run_state(event))
        self.assertEqual((doc["Frames"], doc["RekognitionCalls"], doc["Alerts"],
                          doc["SuppressedDuplicate"]), (1, 0, 0, 1))


if __name__ == "__main__":
    unittest.main()
