"""scripts/deps.sh's choice of the Python the tests run with, on a copy of the scripts in a
temporary tree (so build/ here is left alone): the python3 on PATH when it has every tool;
else build/venv when it was filled from this tests/requirements.txt; else pip fills build/venv,
and when the package index cannot be reached the script fails, saying what is missing and
how to get it, and records no interpreter. No case here installs anything: the venvs are made
beforehand, and pip is pointed at a closed local port."""
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ROOT = os.environ.get("LOOKOUT_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class DepsPythonChoice(unittest.TestCase):
    def setUp(self):
        self.tree = tempfile.mkdtemp(prefix="lookout-deps-")
        self.addCleanup(shutil.rmtree, self.tree, ignore_errors=True)
        for rel in ("scripts/deps.sh", "scripts/python3", "tests/requirements.txt"):
            os.makedirs(os.path.join(self.tree, os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, rel), os.path.join(self.tree, rel))
        self.bin = os.path.join(self.tree, "bin")
        os.makedirs(self.bin)

    def path_python(self, *flags, pythonpath=None):
        """A python3 first on PATH: this interpreter, with flags (-S: none of its packages)."""
        stub = os.path.join(self.bin, "python3")
        prefix = "env PYTHONPATH=%s " % pythonpath if pythonpath else ""
        with open(stub, "w") as f:
            f.write('#!/bin/sh\nexec %s%s %s "$@"\n' % (prefix, sys.executable, " ".join(flags)))
        os.chmod(stub, 0o755)

    def deps(self, **env):
        full = dict(os.environ, PATH=self.bin + ":/usr/bin:/bin",
                    PIP_INDEX_URL="http://127.0.0.1:9/simple", PIP_FIND_LINKS="",
                    PIP_NO_CACHE_DIR="1")
        full.update(env)
        proc = subprocess.run([os.path.join(self.tree, "scripts", "deps.sh"), "python"],
                              env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=300)
        return proc.returncode, proc.stdout.decode("utf-8", "replace")

    def choice(self):
        path = os.path.join(self.tree, "build", "python3.path")
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read().strip()

    def make_venv(self, filled):
        """build/venv: filled with this interpreter's packages (the pinned versions: a .pth
        names its site directories, so this works when the tests themselves run in a venv),
        or empty but with pip, for pip to fill."""
        venv = os.path.join(self.tree, "build", "venv")
        subprocess.run([sys.executable, "-m", "venv"] + (["--without-pip"] if filled else [])
                       + [venv], check=True, stdout=subprocess.DEVNULL, timeout=300)
        if filled:
            dirs = [os.path.dirname(os.path.dirname(importlib.import_module(m).__file__))
                    for m in ("boto3", "botocore", "moto", "cfnlint", "samtranslator",
                              "jsonschema", "yaml", "flask", "requests")]
            out = subprocess.run([os.path.join(venv, "bin", "python3"), "-c",
                                  "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                 check=True, stdout=subprocess.PIPE).stdout.decode().strip()
            with open(os.path.join(out, "lookout-test.pth"), "w") as f:
                f.write("\n".join(dict.fromkeys(dirs)) + "\n")
        return venv

    def stamp(self, venv):
        with open(os.path.join(self.tree, "tests", "requirements.txt"), "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
        with open(os.path.join(venv, "requirements.sha256"), "w") as f:
            f.write(digest + "\n")

    def test_python_on_path_with_every_tool_is_used(self):
        self.path_python()
        code, out = self.deps()
        self.assertEqual(0, code, out)
        self.assertEqual(os.path.realpath(sys.executable), os.path.realpath(self.choice()))
        self.assertFalse(os.path.exists(os.path.join(self.tree, "build", "venv")))
        # scripts/python3 runs the choice.
        got = subprocess.run([os.path.join(self.tree, "scripts", "python3"), "-c",
                              "import sys; print(sys.executable)"], check=True,
                             stdout=subprocess.PIPE, env=dict(os.environ, PATH="/usr/bin:/bin"))
        self.assertEqual(self.choice(), got.stdout.decode().strip())

    def test_a_filled_venv_is_used_when_path_python_lacks_the_tools(self):
        self.path_python("-S")
        # Filled here from this interpreter's packages (the same pinned versions); stamped as
        # deps.sh stamps a venv it filled from this requirements file.
        venv = self.make_venv(filled=True)
        self.stamp(venv)
        code, out = self.deps()
        self.assertEqual(0, code, out)
        self.assertEqual(os.path.join(venv, "bin", "python3"), self.choice())

    def test_unreachable_index_fails_naming_what_is_missing(self):
        self.path_python("-S")
        self.make_venv(filled=False)  # pip must fetch the tools
        with open(os.path.join(self.tree, "build", "python3.path"), "w") as f:
            f.write(sys.executable + "\n")  # an earlier choice, now stale
        code, out = self.deps()
        self.assertEqual(1, code, out)
        self.assertIn("lacks: boto3, botocore, moto[server], cfn-lint", out)
        self.assertIn("moto[server]==5.", out)
        self.assertIn("cfn-lint==1.", out)
        self.assertIn("could not reach the package index", out)
        self.assertIn("Connection refused", out)
        self.assertIn("PIP_INDEX_URL", out)
        self.assertIn("put first on PATH a python3 that has them", out)
        self.assertIsNone(self.choice())

    def test_path_python_with_the_wrong_moto_major_is_not_used(self):
        # A site directory first on sys.path whose moto says it is 4.x.
        fake = os.path.join(self.tree, "fake-site")
        os.makedirs(os.path.join(fake, "moto-4.2.0.dist-info"))
        with open(os.path.join(fake, "moto-4.2.0.dist-info", "METADATA"), "w") as f:
            f.write("Metadata-Version: 2.1\nName: moto\nVersion: 4.2.0\n")
        venv = self.make_venv(filled=True)
        self.stamp(venv)
        self.path_python(pythonpath=fake)
        code, out = self.deps()
        self.assertEqual(0, code, out)
        self.assertIn("moto[server] 5.x (has 4.2.0)", out)
        self.assertEqual(os.path.join(venv, "bin", "python3"), self.choice())


if __name__ == "__main__":
    unittest.main()
