"""Shared helpers for the template tests: load template.yaml in its long JSON form and
translate it offline with the AWS SAM translator (the same library cfn-lint uses)."""
import copy
import json
import os

SOURCE_DIR = os.environ.get(
    "LOOKOUT_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
TEMPLATE = os.path.join(SOURCE_DIR, "template.yaml")
EVENTS_DIR = os.path.join(SOURCE_DIR, "events")
SAM_SCHEMA = os.path.join(SOURCE_DIR, "tests", "data", "sam-schema", "sam.schema.json")
REGION = "us-east-1"


def load_template(path=TEMPLATE):
    """The template as plain JSON data, short-form tags (!Ref, !Sub...) turned into their
    long form ({"Ref": ...}, {"Fn::Sub": ...}), as CloudFormation itself reads them."""
    from cfnlint.decode import decode_str
    with open(path, encoding="utf-8") as f:
        tpl, matches = decode_str(f.read())
    if matches:
        raise ValueError("template does not parse: %s" % matches)
    return json.loads(json.dumps(tpl))


def translate(template):
    """The CloudFormation template SAM would deploy. CodeUri is replaced by an S3 location,
    as `sam package` does, since the translator accepts nothing else."""
    import boto3
    import cfnlint.data.Serverless as serverless_data
    from samtranslator.parser import parser
    from samtranslator.translator.translator import Translator

    tpl = copy.deepcopy(template)
    for res in tpl["Resources"].values():
        if res.get("Type") == "AWS::Serverless::Function":
            res["Properties"]["CodeUri"] = "s3://example-artifacts/function.zip"
    with open(os.path.join(os.path.dirname(serverless_data.__file__),
                           "ManagedPolicies.json"), encoding="utf-8") as f:
        managed = json.load(f)
    translator = Translator(managed_policy_map=managed, sam_parser=parser.Parser(),
                            boto_session=boto3.Session(region_name=REGION))
    return translator.translate(sam_template=tpl, parameter_values={})
