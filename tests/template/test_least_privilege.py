"""Least privilege, checked on what CloudFormation would get after the SAM transform: every
Allow statement in every IAM, bucket, topic and queue policy names its resources and spells
out its actions. The only "*" resource allowed is for rekognition:DetectLabels, which has no
resource-level permissions."""
import copy
import re
import unittest

from samtemplate import load_template, translate

WILDCARD_OK = {"rekognition:DetectLabels"}
SERVICE_OF_TYPE = {
    "AWS::S3::Bucket": "s3",
    "AWS::SNS::Topic": "sns",
    "AWS::SQS::Queue": "sqs",
    "AWS::Logs::LogGroup": "logs",
    "AWS::KinesisVideo::Stream": "kinesisvideo",
    "AWS::Lambda::Function": "lambda",
    "AWS::DynamoDB::Table": "dynamodb",
}
POLICY_RESOURCES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy",
                    "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy")


def as_list(value):
    return value if isinstance(value, list) else [value]


def policy_documents(cfn):
    """(where, document) for every permissions policy in a translated template."""
    for name, res in cfn["Resources"].items():
        props = res.get("Properties", {})
        if res["Type"] == "AWS::IAM::Role":
            for policy in props.get("Policies", []):
                yield "%s/%s" % (name, policy["PolicyName"]), policy["PolicyDocument"]
        elif res["Type"] in POLICY_RESOURCES:
            yield name, props["PolicyDocument"]


class Checker:
    def __init__(self, cfn):
        self.cfn = cfn
        self.resources = cfn["Resources"]
        self.parameters = cfn.get("Parameters", {})

    def problems(self):
        found = []
        for name, res in self.resources.items():
            props = res.get("Properties", {})
            if res["Type"] == "AWS::IAM::Role":
                for arn in props.get("ManagedPolicyArns", []):
                    # A policy made in this template is checked below; any other (AWS managed
                    # ones included) cannot be read here, so it is not allowed.
                    if not (isinstance(arn, dict) and arn.get("Ref") in self.resources):
                        found.append("%s: managed policy %s cannot be checked" % (name, arn))
            if res["Type"] == "AWS::Lambda::Permission":
                if "SourceArn" not in props and "SourceAccount" not in props:
                    found.append("%s: invoke permission open to any account" % name)
        for where, doc in policy_documents(self.cfn):
            for i, stmt in enumerate(as_list(doc["Statement"])):
                if stmt["Effect"] == "Allow":
                    found += ["%s#%d: %s" % (where, i, p) for p in self.statement_problems(stmt)]
        return found

    def statement_problems(self, stmt):
        found = []
        for key in ("NotAction", "NotResource", "NotPrincipal"):
            if key in stmt:
                found.append("Allow with " + key)
        actions = as_list(stmt.get("Action", []))
        for action in actions:
            if not isinstance(action, str) or not re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", action):
                found.append("action %r is not one named action" % (action,))
        principal = stmt.get("Principal")
        if principal == "*" or (isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))):
            found.append("Allow to any principal")
        if "Resource" not in stmt:
            found.append("no Resource")
        services = {a.split(":")[0] for a in actions if isinstance(a, str)}
        for resource in as_list(stmt.get("Resource", [])):
            for problem in self.resource_problems(resource, services):
                found.append("resource %s: %s" % (resource, problem))
        if "*" in as_list(stmt.get("Resource", [])) and not set(actions) <= WILDCARD_OK:
            found.append("'*' resource for %s" % sorted(set(actions) - WILDCARD_OK))
        return found

    def resource_problems(self, resource, services):
        """What is wrong with one Resource entry, given the services of its actions."""
        if resource == "*":
            return []  # judged with the actions, in statement_problems
        if isinstance(resource, str):
            return self.arn_problems(resource, services)
        if not isinstance(resource, dict) or len(resource) != 1:
            return ["not a string or one intrinsic function"]
        (fn, arg), = resource.items()
        if fn == "Fn::If":
            return [p for branch in arg[1:] for p in self.resource_problems(branch, services)]
        if fn == "Ref":
            return self.named_problems(arg, services)
        if fn == "Fn::GetAtt":
            return self.named_problems(as_list(arg)[0].split(".")[0], services)
        if fn == "Fn::Sub":
            return self.sub_problems(arg, services)
        return ["%s cannot be checked" % fn]

    def named_problems(self, logical_id, services):
        res = self.resources.get(logical_id)
        if res is None:
            return ["%s is not a resource of this template" % logical_id]
        service = SERVICE_OF_TYPE.get(res["Type"])
        if service is None or services != {service}:
            return ["%s (%s) does not match actions of %s" % (logical_id, res["Type"],
                                                               sorted(services))]
        return []

    def sub_problems(self, arg, services):
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        found = []
        for var in re.findall(r"\$\{([^!}][^}]*)\}", text):
            if var.startswith("AWS::"):
                continue
            if "." in var:  # ${Resource.Arn}
                found += self.named_problems(var.split(".")[0], services)
            elif var in self.parameters:
                pattern = self.parameters[var].get("AllowedPattern")
                if pattern is None or re.fullmatch(pattern, "*"):
                    found.append("parameter %s may be '*'" % var)
            elif var not in variables and var not in self.resources:
                found.append("unknown variable %s" % var)
        if text.startswith("${") and "." in text.split("}")[0]:
            return found  # starts from a resource's own ARN, checked above
        return found + self.arn_problems(re.sub(r"\$\{[^}]*\}", "X", text), services)

    @staticmethod
    def arn_problems(arn, services):
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            return ["not an ARN"]
        if services != {parts[2]}:
            return ["ARN of %s for actions of %s" % (parts[2], sorted(services))]
        if parts[5] in ("", "*") or parts[5].startswith("*"):
            return ["ARN names no resource"]
        return []


class LeastPrivilegeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.template = load_template()
        cls.cfn = translate(cls.template)

    def test_every_allow_names_its_resources(self):
        self.assertEqual([], Checker(self.cfn).problems())

    def test_policies_were_found(self):
        where = [w for w, _ in policy_documents(self.cfn)]
        for expected in ("LookoutFunctionRole/lookout", "ProducerPolicy", "ImagesBucketPolicy",
                         "FragmentTopicPolicy"):
            self.assertIn(expected, where)

    def function_statements(self):
        role = self.cfn["Resources"]["LookoutFunctionRole"]["Properties"]
        return [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]

    def test_function_gets_what_it_needs_and_no_more(self):
        actions = {a for s in self.function_statements() if s["Effect"] == "Allow"
                   for a in as_list(s["Action"])}
        self.assertEqual({
            "logs:CreateLogStream", "logs:PutLogEvents",
            "s3:GetObject", "s3:PutObject",
            "rekognition:DetectLabels",
            "sns:Publish",
            "kinesisvideo:GetDataEndpoint", "kinesisvideo:GetImages",
            "kinesisvideo:UpdateImageGenerationConfiguration",
            "kinesisvideo:UpdateNotificationConfiguration",
            "sqs:SendMessage",
            "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
        }, actions)
        fn = self.cfn["Resources"]["LookoutFunction"]["Properties"]
        self.assertEqual({"Fn::GetAtt": ["LookoutFunctionRole", "Arn"]}, fn["Role"])

    def test_state_table_is_the_only_dynamodb_resource(self):
        ddb = [s for s in self.function_statements()
               if any(a.startswith("dynamodb:") for a in as_list(s["Action"]))]
        self.assertEqual(1, len(ddb))
        self.assertEqual({"Fn::GetAtt": ["StateTable", "Arn"]}, ddb[0]["Resource"])
        table = self.cfn["Resources"]["StateTable"]["Properties"]
        self.assertEqual("PAY_PER_REQUEST", table["BillingMode"])
        self.assertTrue(table["SSESpecification"]["SSEEnabled"])
        self.assertEqual({"AttributeName": "expiration", "Enabled": True},
                         table["TimeToLiveSpecification"])

    def test_function_writes_only_under_the_snapshot_prefix(self):
        put = [s for s in self.function_statements() if "s3:PutObject" in as_list(s["Action"])]
        self.assertEqual(1, len(put))
        self.assertIn("/${SnapshotPrefix}*", put[0]["Resource"]["Fn::Sub"][0])

    def test_stream_statements_name_the_stream(self):
        want = {"Fn::Sub": "arn:${AWS::Partition}:kinesisvideo:${AWS::Region}:"
                           "${AWS::AccountId}:stream/${StreamName}/*"}
        for stmt in self.function_statements():
            if as_list(stmt["Action"])[0].startswith("kinesisvideo:"):
                self.assertEqual(want, stmt["Resource"])

    def test_producer_policy_covers_what_kvs_does_on_the_cameras_behalf(self):
        doc = self.cfn["Resources"]["ProducerPolicy"]["Properties"]["PolicyDocument"]
        actions = {a for s in doc["Statement"] for a in as_list(s["Action"])}
        self.assertTrue({"kinesisvideo:PutMedia", "s3:PutObject", "sns:Publish"} <= actions)


class CheckerSelfTest(unittest.TestCase):
    """The checker must catch what it is there to catch."""

    @classmethod
    def setUpClass(cls):
        cls.template = load_template()

    def problems_with(self, statement):
        tpl = copy.deepcopy(self.template)
        role = tpl["Resources"]["LookoutFunctionRole"]["Properties"]
        role["Policies"][0]["PolicyDocument"]["Statement"].append(statement)
        return Checker(translate(tpl)).problems()

    def test_star_resource(self):
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))

    def test_action_wildcard(self):
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "sns:*", "Resource": {"Ref": "AlertTopic"}}))
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "s3:Get*",
             "Resource": {"Fn::Sub": "${ImagesBucket.Arn}/*"}}))

    def test_arn_with_no_resource(self):
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "sns:Publish",
             "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:*"}}))

    def test_resource_of_another_service(self):
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "FailureQueue"}}))

    def test_parameter_that_could_be_a_star(self):
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": "sns:Publish",
             "Resource": {"Fn::Sub": "arn:${AWS::Partition}:sns:${AWS::Region}:"
                                     "${AWS::AccountId}:${AlertLabels}"}}))

    def test_detect_labels_star_is_the_only_exception(self):
        self.assertEqual([], self.problems_with(
            {"Effect": "Allow", "Action": "rekognition:DetectLabels", "Resource": "*"}))
        self.assertTrue(self.problems_with(
            {"Effect": "Allow", "Action": ["rekognition:DetectLabels", "rekognition:DetectFaces"],
             "Resource": "*"}))

    def test_sam_generated_role_and_policy_templates_are_checked(self):
        # Without our own role, SAM makes one with an AWS managed policy and expands policy
        # templates into statements: both must be caught.
        tpl = copy.deepcopy(self.template)
        fn = tpl["Resources"]["LookoutFunction"]["Properties"]
        del fn["Role"]
        del tpl["Resources"]["LookoutFunctionRole"]  # SAM names its role the same
        tpl["Outputs"].pop("LookoutFunctionRoleArn")
        fn["Policies"] = [{"RekognitionDetectOnlyPolicy": {}}]
        problems = Checker(translate(tpl)).problems()
        self.assertTrue(any("managed policy" in p for p in problems), problems)
        self.assertTrue(any("rekognition:DetectFaces" in p for p in problems), problems)


if __name__ == "__main__":
    unittest.main()
