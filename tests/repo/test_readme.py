"""README.md tells the truth about the bootstrap: its direct-invocation examples are events the
bootstrap accepts, its configuration table lists the variables `bootstrap --help` lists, with
the same simple defaults, and the HTTPS trust-root search in the same order as --help (whose
order tests/unit/test_aws_config.c checks against the code)."""
import json
import os
import re
import subprocess
import unittest

ROOT = os.environ.get("LOOKOUT_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(ROOT, "build"))
BOOTSTRAP = os.path.join(BUILD, "bootstrap")
ROOTS = r"SSL_CERT_FILE|SSL_CERT_DIR|ca-certs/|/etc/[\w/.-]+\.crt|ca-bundle\.crt"


def readme():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        return f.read()


def help_text():
    return subprocess.run([BOOTSTRAP, "--help"], check=True, stdout=subprocess.PIPE,
                          timeout=30).stdout.decode()


def help_variables(text):
    """{variable: description} from --help (a long name's description is on the next line)."""
    found, last = {}, None
    section = text.split("Environment variables:\n", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        m = re.match(r"  (\S+)(?: +(.*))?$", line)
        if m:
            last = m.group(1)
            found[last] = m.group(2) or ""
        elif last:
            found[last] += " " + line.strip()
    return found


def readme_table(text):
    """{variable: default cell} from the README's configuration table."""
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`"):
            for name in re.findall(r"`([A-Z_<>]+)`", cells[0]):
                rows[name] = cells[2]
    return rows


def run_event(event):
    env = {"PATH": "/usr/bin:/bin", "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_MAX_ATTEMPTS": "1",
           # Nothing listens on port 9 (discard): any AWS call fails at once, after the
           # event has been parsed.
           "AWS_ENDPOINT_URL": "http://127.0.0.1:9", "LOOKOUT_LOCAL_TIMEOUT_S": "20",
           "ALERT_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:kvs-lookout-alerts"}
    proc = subprocess.run([BOOTSTRAP, "--event", "-"], input=json.dumps(event).encode(), env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return json.loads(proc.stdout.decode() or "{}")


class ReadmeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.readme = readme()
        cls.help = help_text()

    def test_direct_invocation_examples_are_valid_events(self):
        examples = [json.loads(line) for line in self.readme.splitlines()
                    if line.startswith('{"lookout"')]
        self.assertGreaterEqual(len(examples), 2)
        for event in examples:
            with self.subTest(event=event):
                answer = run_event(event)
                # The call to AWS fails (no network here); the event itself must be accepted.
                self.assertNotEqual("Function.InvalidEvent", answer.get("errorType"), answer)
                self.assertNotIn("must be", answer.get("errorMessage", ""), answer)

    def test_the_table_lists_every_variable_of_help_and_no_other(self):
        self.assertEqual(sorted(help_variables(self.help)), sorted(readme_table(self.readme)))

    def test_help_gives_every_default_and_the_readme_the_same_simple_ones(self):
        table = readme_table(self.readme)
        variables = help_variables(self.help)
        for name, text in variables.items():
            with self.subTest(variable=name):
                m = re.search(r"\((?:[^()]*; )?(default|required)\b([^()]*)\)$", text)
                self.assertTrue(m, "--help gives no default for %s: %r" % (name, text))
                value = m.group(2).strip().split(":")[0].strip()
                if m.group(1) == "default" and re.fullmatch(r"[\w/.]+", value) and \
                        value != "none" and value not in variables:  # "then X" is in the table
                    self.assertIn("`%s`" % value, table[name])

    def test_trust_root_search_is_told_in_the_same_order(self):
        tail = " ".join(self.help.split("HTTPS trust roots", 1)[1].split())
        steps = re.findall(ROOTS, tail)
        self.assertEqual(6, len(steps), tail)
        row = [line for line in self.readme.splitlines() if line.startswith("| `SSL_CERT_FILE`")]
        self.assertEqual(1, len(row))
        told = re.findall(ROOTS, row[0].split("|")[2])
        self.assertEqual(steps, told)

    def test_endpoint_overrides_name_the_services_the_code_calls(self):
        # Each AWS_ENDPOINT_URL_<SERVICE> the README and --help offer is a service with its
        # own file in src/services/, and every such service is offered.
        called = {"S3": "s3.c", "REKOGNITION": "rekognition.c", "SNS": "sns.c",
                  "KINESIS_VIDEO": "kvs.c", "KINESIS_VIDEO_ARCHIVED_MEDIA": "kvs.c",
                  "DYNAMODB": "dynamodb.c"}
        services = os.path.join(ROOT, "src", "services")
        for name, source in called.items():
            self.assertTrue(os.path.exists(os.path.join(services, source)), source)
            self.assertIn(name, self.help)
            self.assertIn("`%s`" % name, self.readme)


if __name__ == "__main__":
    unittest.main()
