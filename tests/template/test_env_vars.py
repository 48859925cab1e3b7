"""events/env.json, the --env-vars file of `sam local invoke` (docs/deploy.md): SAM CLI does not
resolve a resource's !Ref (the alert topic) or the bucket's !Sub locally, and overrides only
variables the template sets, so the file must hold every variable the template sets on the
function, and no other. Values that come from a parameter are its default (a local run behaves
as a default deploy); values only a deployed stack knows are placeholders naming the stack
output that fills them, which docs/deploy.md's command replaces. The bootstrap accepts the
file once filled in, and refuses it, naming the variable, while a placeholder is left."""
import json
import os
import re
import subprocess
import unittest

from samtemplate import EVENTS_DIR, SOURCE_DIR, load_template

ENV_FILE = os.path.join(EVENTS_DIR, "env.json")
DEPLOY_DOC = os.path.join(SOURCE_DIR, "docs", "deploy.md")
BUILD_DIR = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
PLACEHOLDER = re.compile(r"^<(\w+) output of your stack>$")
# What a deployed stack of the samples' made-up deployment (events/README.md) would give.
SAMPLE_OUTPUTS = {"AlertTopicArn": "arn:aws:sns:us-east-1:123456789012:kvs-lookout-alerts",
                  "NotifyTopicArn": "arn:aws:sns:us-east-1:123456789012:kvs-lookout-notify",
                  "ImagesBucketName": "kvs-lookout-demo-images",
                  "StateTableName": "kvs-lookout-state"}
FUNCTION = "LookoutFunction"


def load_env():
    with open(ENV_FILE, encoding="utf-8") as f:
        return json.load(f)


def run_bootstrap(variables):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_REGION": "us-east-1",
           "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
    env.update(variables)
    proc = subprocess.run([os.path.join(BUILD_DIR, "bootstrap"), "--event",
                           os.path.join(EVENTS_DIR, "s3-test-event.json")], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


class EnvVarsFileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.template = load_template()
        fn = cls.template["Resources"][FUNCTION]["Properties"]
        cls.variables = fn["Environment"]["Variables"]
        cls.env = load_env()

    def test_one_entry_per_variable_the_template_sets_on_the_function(self):
        self.assertEqual([FUNCTION], list(self.env))
        self.assertEqual(sorted(self.variables), sorted(self.env[FUNCTION]))
        for name, value in self.env[FUNCTION].items():
            self.assertIsInstance(value, str, name)

    def test_parameter_values_are_the_parameter_defaults(self):
        params = self.template["Parameters"]
        for name, value in self.variables.items():
            if isinstance(value, dict) and list(value) == ["Ref"] and value["Ref"] in params:
                self.assertEqual(str(params[value["Ref"]]["Default"]), self.env[FUNCTION][name],
                                 "%s (parameter %s)" % (name, value["Ref"]))

    def test_values_only_a_stack_knows_are_marked_placeholders(self):
        params = self.template["Parameters"]
        outputs = self.template["Outputs"]
        found = set()
        for name, value in self.variables.items():
            from_parameter = isinstance(value, dict) and value.get("Ref") in params
            if from_parameter:
                self.assertNotRegex(self.env[FUNCTION][name], PLACEHOLDER, name)
                continue
            m = PLACEHOLDER.match(self.env[FUNCTION][name])
            self.assertTrue(m, "%s: %r is not a placeholder '<Output output of your stack>'"
                            % (name, self.env[FUNCTION][name]))
            self.assertIn(m.group(1), outputs, name)
            found.add(m.group(0))
        self.assertEqual({"<AlertTopicArn output of your stack>",
                          "<NotifyTopicArn output of your stack>",
                          "<ImagesBucketName output of your stack>",
                          "<StateTableName output of your stack>"}, found)

    def test_deploy_guide_fills_every_placeholder(self):
        with open(DEPLOY_DOC, encoding="utf-8") as f:
            doc = f.read()
        self.assertIn("--env-vars build/env.json", doc)
        for value in self.env[FUNCTION].values():
            m = PLACEHOLDER.match(value)
            if m:
                self.assertIn('s|%s|$(output %s)|' % (value, m.group(1)), doc)

    def test_bootstrap_accepts_the_filled_file_and_names_a_placeholder_left(self):
        filled = {k: PLACEHOLDER.sub(lambda m: SAMPLE_OUTPUTS[m.group(1)], v)
                  for k, v in self.env[FUNCTION].items()}
        code, out = run_bootstrap(filled)
        self.assertEqual(0, code, out)
        self.assertIn('"route":"s3-test"', out)
        code, out = run_bootstrap(self.env[FUNCTION])
        self.assertEqual(1, code, out)
        self.assertIn("Runtime.ConfigInvalid", out)
        self.assertIn("ALERT_TOPIC_ARN", out)


if __name__ == "__main__":
    unittest.main()
