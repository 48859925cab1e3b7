"""template.yaml: cfn-lint clean, every AWS::Serverless::* resource valid against the SAM
schema, and the pieces the function and the docs rely on present and wired as documented."""
import copy
import json
import os
import re
import tempfile
import unittest
from pathlib import Path

import jsonschema
import yaml

from samtemplate import SAM_SCHEMA, SOURCE_DIR, TEMPLATE, load_template, translate

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]

# Environment variables the function reads (README, issue 4) and the template must set.
FUNCTION_ENV = {"ALERT_TOPIC_ARN", "ALERT_LABELS", "MIN_CONFIDENCE", "MAX_LABELS",
                "PRESIGN_TTL_S", "SNAPSHOT_BUCKET", "SNAPSHOT_PREFIX", "SNAPSHOT_MAX_WIDTH",
                "NOTIFY_TOPIC_ARN", "KVS_WINDOW_MS",
                "STATE_TABLE", "COOLDOWN_S", "STATIONARY_S", "ZONES", "MIN_BOX_AREA"}

# The custom resource's properties, as docs/deploy.md documents them for the C side.
KVS_SETUP_PROPERTIES = {"ServiceToken", "ServiceTimeout", "StreamName", "Region", "ImagesBucket",
                        "DestinationUri", "SamplingIntervalMs", "Format", "JpegQuality",
                        "WidthPixels", "HeightPixels", "ImageSelectorType",
                        "NotificationTopicArn"}


def lint(path):
    from cfnlint.api import ManualArgs, lint_file
    return lint_file(Path(path), ManualArgs(regions=REGIONS))


def sam_resource_schema(schema, sam_type):
    """The schema of one SAM resource type: the definition whose Type enum names it."""
    defs = schema["definitions"]
    for name, definition in defs.items():
        type_prop = definition.get("properties", {}).get("Type", {})
        if name.endswith("__Resource") and type_prop.get("enum") == [sam_type]:
            return {"$ref": "#/definitions/" + name, "definitions": defs}
    raise KeyError("no schema definition for " + sam_type)


class CfnLintTest(unittest.TestCase):
    def test_template_has_no_errors_or_warnings(self):
        matches = [m for m in lint(TEMPLATE) if m.rule.severity in ("error", "warning")]
        self.assertEqual([], ["%s line %s: %s" % (m.rule.id, m.linenumber, m.message)
                              for m in matches])

    def test_lint_catches_a_broken_copy(self):
        # The check above is only worth something if cfn-lint really reads this template.
        with open(TEMPLATE, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("Runtime: provided.al2023", text)
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "template.yaml")
            with open(bad, "w", encoding="utf-8") as f:
                f.write(text.replace("Runtime: provided.al2023", "Runtime: provided.al9"))
            ids = {m.rule.id for m in lint(bad) if m.rule.severity == "error"}
        self.assertTrue(ids, "cfn-lint found nothing wrong with an invalid runtime")


class SamSchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SAM_SCHEMA, encoding="utf-8") as f:
            cls.schema = json.load(f)
        cls.template = load_template()

    def errors(self, sam_type, resource):
        validator = jsonschema.Draft4Validator(sam_resource_schema(self.schema, sam_type))
        return sorted("/".join(map(str, e.absolute_path)) + ": " + e.message
                      for e in validator.iter_errors(resource))

    def test_every_serverless_resource_validates(self):
        checked = 0
        for name, res in self.template["Resources"].items():
            if res["Type"].startswith("AWS::Serverless::"):
                with self.subTest(resource=name):
                    self.assertEqual([], self.errors(res["Type"], res))
                checked += 1
        self.assertGreaterEqual(checked, 1)

    def test_whole_template_validates(self):
        errors = [e.message for e in jsonschema.Draft4Validator(self.schema)
                  .iter_errors(self.template)]
        self.assertEqual([], errors)

    def test_schema_rejects_a_misspelt_event_property(self):
        res = copy.deepcopy(self.template["Resources"]["LookoutFunction"])
        props = res["Properties"]["Events"]["JpegImages"]["Properties"]
        props["Filtr"] = props.pop("Filter")
        self.assertNotEqual([], self.errors("AWS::Serverless::Function", res))


class FunctionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.template = load_template()
        cls.fn = cls.template["Resources"]["LookoutFunction"]
        cls.props = cls.fn["Properties"]

    def test_custom_runtime_built_by_the_makefile(self):
        self.assertEqual("AWS::Serverless::Function", self.fn["Type"])
        self.assertEqual({"BuildMethod": "makefile"}, self.fn["Metadata"])
        self.assertEqual("provided.al2023", self.props["Runtime"])
        self.assertEqual("bootstrap", self.props["Handler"])
        self.assertEqual(".", self.props["CodeUri"])
        self.assertEqual([{"Ref": "Architecture"}], self.props["Architectures"])
        arch = self.template["Parameters"]["Architecture"]
        self.assertEqual(("x86_64", ["x86_64", "arm64"]), (arch["Default"], arch["AllowedValues"]))
        self.assertEqual({"Ref": "MemorySize"}, self.props["MemorySize"])
        self.assertTrue(3 <= self.props["Timeout"] <= 900)

    def test_makefile_target_name_matches_the_logical_id(self):
        # `sam build` runs build-<LogicalId> in CodeUri/Makefile.
        makefile = os.path.join(SOURCE_DIR, self.props["CodeUri"], "Makefile")
        with open(makefile, encoding="utf-8") as f:
            text = f.read()
        self.assertRegex(text, re.compile(r"^build-LookoutFunction:", re.M))

    def test_json_logs_at_the_parameter_level(self):
        logging = self.props["LoggingConfig"]
        self.assertEqual("JSON", logging["LogFormat"])
        self.assertEqual({"Ref": "LogLevel"}, logging["ApplicationLogLevel"])
        self.assertEqual({"Ref": "FunctionLogGroup"}, logging["LogGroup"])
        levels = self.template["Parameters"]["LogLevel"]["AllowedValues"]
        self.assertEqual(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], levels)

    def test_every_setting_is_an_environment_variable(self):
        env = self.props["Environment"]["Variables"]
        self.assertEqual(FUNCTION_ENV, set(env))
        for name, value in env.items():
            with self.subTest(name=name):
                self.assertRegex(name, r"^[A-Za-z][A-Za-z0-9_]*$")
                self.assertIsInstance(value, (str, dict))

    def test_defaults_of_the_detection_settings(self):
        params = self.template["Parameters"]
        self.assertEqual("Person", params["AlertLabels"]["Default"])
        self.assertEqual(80, params["MinConfidence"]["Default"])
        self.assertEqual(200, params["ImageSamplingIntervalMs"]["MinValue"])
        self.assertEqual(["JPEG", "PNG"], params["ImageFormat"]["AllowedValues"])

    def test_snapshot_bucket_is_the_images_bucket_by_literal_name(self):
        # !Ref ImagesBucket here would close a cycle: bucket -> permission -> function.
        env = self.props["Environment"]["Variables"]
        bucket_name = self.template["Resources"]["ImagesBucket"]["Properties"]["BucketName"]
        self.assertEqual(bucket_name, env["SNAPSHOT_BUCKET"])
        self.assertNotIn("ImagesBucket", deps_of({"Properties": env}))

    def test_s3_events_for_jpg_and_png(self):
        suffixes = set()
        for event in self.props["Events"].values():
            if event["Type"] != "S3":
                continue
            p = event["Properties"]
            self.assertEqual({"Ref": "ImagesBucket"}, p["Bucket"])
            self.assertEqual("s3:ObjectCreated:*", p["Events"])
            rules = p["Filter"]["S3Key"]["Rules"]
            self.assertEqual(1, len(rules))
            self.assertEqual("suffix", rules[0]["Name"])
            suffixes.add(rules[0]["Value"])
        self.assertEqual({".jpg", ".png"}, suffixes)

    def test_topics_are_encrypted_with_the_sns_managed_key(self):
        res = self.template["Resources"]
        topics = [r for r in res.values() if r["Type"] == "AWS::SNS::Topic"]
        self.assertEqual(3, len(topics))  # alerts, fragment notifications, words for people
        for topic in topics:
            self.assertEqual("alias/aws/sns", topic["Properties"].get("KmsMasterKeyId"))
        # KVS publishes as the camera: no service principal may publish to the fragment topic.
        policy = res["FragmentTopicPolicy"]["Properties"]["PolicyDocument"]
        for st in policy["Statement"]:
            self.assertNotIn("Service", st.get("Principal", {}), st)

    def test_reserved_concurrency_is_a_parameter_with_off_at_zero(self):
        self.assertEqual({"Fn::If": ["HasReservedConcurrency", {"Ref": "ReservedConcurrency"},
                                     {"Ref": "AWS::NoValue"}]},
                         self.props["ReservedConcurrentExecutions"])
        param = self.template["Parameters"]["ReservedConcurrency"]
        self.assertGreater(param["Default"], 0)
        self.assertEqual(0, param["MinValue"])

    def test_presign_ttl_at_most_the_cap_of_the_code(self):
        with open(os.path.join(SOURCE_DIR, "include", "lookout", "settings.h"),
                  encoding="utf-8") as f:
            cap = int(re.search(r"#define PL_MAX_PRESIGN_TTL_S (\d+)", f.read()).group(1))
        param = self.template["Parameters"]["PresignTtlSeconds"]
        self.assertEqual(6 * 3600, cap)
        self.assertEqual(cap, param["MaxValue"])
        self.assertEqual(3600, param["Default"])

    def test_sns_fragment_topic_event(self):
        sns = [e for e in self.props["Events"].values() if e["Type"] == "SNS"]
        self.assertEqual([{"Type": "SNS", "Properties": {"Topic": {"Ref": "FragmentTopic"}}}], sns)

    def test_failed_invokes_go_to_the_queue(self):
        cfg = self.props["EventInvokeConfig"]
        self.assertEqual(2, cfg["MaximumRetryAttempts"])
        on_failure = cfg["DestinationConfig"]["OnFailure"]
        self.assertEqual("SQS", on_failure["Type"])
        self.assertEqual({"Fn::GetAtt": ["FailureQueue", "Arn"]}, on_failure["Destination"])


class ResourcesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.template = load_template()
        cls.res = cls.template["Resources"]

    def test_bucket_is_private_encrypted_and_expires_images(self):
        props = self.res["ImagesBucket"]["Properties"]
        self.assertEqual(
            {"BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
             "RestrictPublicBuckets": True}, props["PublicAccessBlockConfiguration"])
        sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        self.assertIn(sse["ServerSideEncryptionByDefault"]["SSEAlgorithm"],
                      ("AES256", "aws:kms"))
        rules = props["LifecycleConfiguration"]["Rules"]
        self.assertIn({"Ref": "ImageRetentionDays"},
                      [r.get("ExpirationInDays") for r in rules if r["Status"] == "Enabled"])

    def test_bucket_policy_denies_plain_http(self):
        doc = self.res["ImagesBucketPolicy"]["Properties"]["PolicyDocument"]
        deny = [s for s in doc["Statement"] if s["Effect"] == "Deny"]
        self.assertEqual(1, len(deny))
        self.assertEqual({"Bool": {"aws:SecureTransport": "false"}}, deny[0]["Condition"])
        self.assertEqual("s3:*", deny[0]["Action"])

    def test_stream_is_optional(self):
        stream = self.res["Stream"]
        self.assertEqual("AWS::KinesisVideo::Stream", stream["Type"])
        self.assertEqual("CreateStreamCondition", stream["Condition"])
        self.assertEqual({"Fn::Equals": [{"Ref": "CreateStream"}, "yes"]},
                         self.template["Conditions"]["CreateStreamCondition"])
        self.assertEqual({"Ref": "DataRetentionHours"},
                         stream["Properties"]["DataRetentionInHours"])
        self.assertGreaterEqual(self.template["Parameters"]["DataRetentionHours"]["MinValue"], 1)

    def test_email_subscription_is_optional(self):
        sub = self.res["AlertEmailSubscription"]
        self.assertEqual("HasAlertEmail", sub["Condition"])
        self.assertEqual("email", sub["Properties"]["Protocol"])
        # People read the words of the notify topic; the alert topic's JSON is for machines.
        self.assertEqual({"Ref": "NotifyTopic"}, sub["Properties"]["TopicArn"])
        self.assertEqual({"Ref": "NotifyTopic"},
                         self.res["LookoutFunction"]["Properties"]["Environment"]["Variables"]
                         ["NOTIFY_TOPIC_ARN"])

    def test_kvs_setup_contract(self):
        setup = self.res["KvsSetup"]
        self.assertEqual("Custom::KvsImageSetup", setup["Type"])
        props = setup["Properties"]
        self.assertEqual({"Fn::GetAtt": ["LookoutFunction", "Arn"]}, props["ServiceToken"])
        self.assertEqual(KVS_SETUP_PROPERTIES, set(props))
        self.assertEqual({"Ref": "FragmentTopic"}, props["NotificationTopicArn"])
        self.assertEqual({"Ref": "AWS::Region"}, props["Region"])

    def test_kvs_setup_properties_are_documented(self):
        with open(os.path.join(SOURCE_DIR, "docs", "deploy.md"), encoding="utf-8") as f:
            doc = f.read()
        for name in KVS_SETUP_PROPERTIES:
            with self.subTest(property=name):
                self.assertIn("`%s`" % name, doc)

    def test_outputs_cover_every_resource(self):
        outputs = json.dumps(self.template["Outputs"])
        # Policies attached to a bucket or topic have nothing worth an output.
        attached = ("AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy")
        for name in (n for n, r in self.res.items() if r["Type"] not in attached):
            with self.subTest(resource=name):
                self.assertRegex(outputs, r'"(Ref|Fn::GetAtt)": \[?"%s"' % re.escape(name))

    def test_translates_without_a_cycle(self):
        out = translate(self.template)["Resources"]
        graph = {name: deps_of(res) & set(out) for name, res in out.items()}
        self.assertEqual([], find_cycle(graph))
        # The S3 events made the bucket depend on the function, as expected.
        self.assertIn("LookoutFunction", reachable(graph, "ImagesBucket"))


def deps_of(resource):
    found = set()
    depends = resource.get("DependsOn", [])
    found.update([depends] if isinstance(depends, str) else depends)

    def walk(node):
        if isinstance(node, dict):
            if "Ref" in node and isinstance(node["Ref"], str):
                found.add(node["Ref"])
            if "Fn::GetAtt" in node:
                att = node["Fn::GetAtt"]
                found.add(att[0] if isinstance(att, list) else att.split(".")[0])
            if "Fn::Sub" in node:
                sub = node["Fn::Sub"]
                text = sub if isinstance(sub, str) else sub[0]
                found.update(v.split(".")[0] for v in re.findall(r"\$\{([^!}][^}]*)\}", text))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(resource.get("Properties", {}))
    return found


def reachable(graph, start):
    seen, todo = set(), [start]
    while todo:
        for nxt in graph.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def find_cycle(graph):
    return sorted(name for name in graph if name in reachable(graph, name))


class SamConfigTest(unittest.TestCase):
    def test_deploy_defaults(self):
        import tomllib
        with open(os.path.join(SOURCE_DIR, "samconfig.toml"), "rb") as f:
            cfg = tomllib.load(f)
        deploy = cfg["default"]["deploy"]["parameters"]
        self.assertEqual("kvs-lookout", deploy["stack_name"])
        self.assertIs(True, deploy["resolve_s3"])
        self.assertIs(True, deploy["confirm_changeset"])
        self.assertIn("CAPABILITY_IAM", deploy["capabilities"])
        # Every override names a real parameter (sam would pass a typo on to CloudFormation,
        # which then refuses the change set).
        params = load_template()["Parameters"]
        for command, section in cfg["default"].items():
            overrides = section["parameters"].get("parameter_overrides")
            if overrides is None:
                continue
            with self.subTest(command=command):
                names = re.findall(r'(\w+)=', overrides)
                self.assertTrue(names)
                self.assertEqual([], [n for n in names if n not in params])

    def test_template_is_plain_yaml_with_the_transform(self):
        class Loader(yaml.SafeLoader):
            pass
        Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
        with open(TEMPLATE, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=Loader)  # noqa: S506 (SafeLoader subclass)
        self.assertEqual("AWS::Serverless-2016-10-31", doc["Transform"])


if __name__ == "__main__":
    unittest.main()
