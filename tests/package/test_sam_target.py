"""`make build-LookoutFunction`, the target `sam build` runs (Metadata: BuildMethod: makefile),
run the way SAM's makefile builder runs it: the whole source folder but .aws-sam and .git is
copied into a scratch folder, build/ included, and `make build-LookoutFunction` runs there with
ARTIFACTS_DIR in the environment. The copied tree is one where `make package` ran before, so its
build/lean names another folder. The artifact must pass the same checks as `make package`'s and
be for the machine the template's Architecture parameter names."""

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

import support

sys.path.insert(0, os.path.join(support.SOURCE_DIR, "tests", "template"))
import samtemplate  # noqa: E402

# readelf -h's "Machine:" for each value of the template's Architecture parameter.
MACHINES = {"x86_64": "Advanced Micro Devices X86-64", "arm64": "AArch64"}
HOST_ARCH = {"x86_64": "x86_64", "aarch64": "arm64"}.get(os.uname().machine)


def copy_tree(src, dst, skip):
    """Copies src to dst but the top-level names in skip, as SAM copies a CodeUri folder."""
    shutil.copytree(src, dst, symlinks=True,
                    ignore=lambda d, names: [n for n in names if d == src and n in skip])


def machine(path):
    out = subprocess.run(["readelf", "-h", path], check=True, stdout=subprocess.PIPE,
                         env=dict(os.environ, LC_ALL="C")).stdout.decode()
    return next(line.split(":", 1)[1].strip() for line in out.splitlines()
                if line.strip().startswith("Machine:"))


def sam_env(artifacts, **extra):
    """The builder's environment: ours plus ARTIFACTS_DIR; no lean paths of this tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("LEAN_PREFIX", "LEAN_BUILD", "LAMBDA_DIR", "MAKEFLAGS", "MFLAGS")}
    env.update(ARTIFACTS_DIR=artifacts, JOBS="2", **extra)
    return env


class SamBuildTarget(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch = tempfile.mkdtemp(prefix="lookout-sam-")
        used = os.path.join(cls.scratch, "used")
        cls.copy = os.path.join(cls.scratch, "copy")
        cls.artifacts = os.path.join(cls.scratch, "artifacts")
        try:
            # A clone where `make package` ran; its static libraries are the shared ones.
            copy_tree(support.SOURCE_DIR, used, {".git", ".aws-sam", "build"})
            shutil.copytree(support.LEAN_PREFIX, os.path.join(used, "build", "deps"),
                            ignore=shutil.ignore_patterns("apt", "work", ".lock"))
            with support.locked():
                support.run(["make", "--no-print-directory", "package"],
                            env=sam_env(""), cwd=used)
            copy_tree(used, cls.copy, {".git", ".aws-sam"})
            os.makedirs(cls.artifacts)
            with support.locked():
                cls.output = support.run(["make", "--no-print-directory", "build-LookoutFunction"],
                                         env=sam_env(cls.artifacts), cwd=cls.copy)
        except BaseException:
            shutil.rmtree(cls.scratch, ignore_errors=True)
            raise

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    def test_copied_build_folder_was_configured_afresh(self):
        cache = os.path.join(self.copy, "build", "lean", "CMakeCache.txt")
        with open(cache, encoding="utf-8") as f:
            self.assertIn("CMAKE_HOME_DIRECTORY:INTERNAL=" + os.path.realpath(self.copy) + "\n",
                          f.read())

    def test_bootstrap_and_ca_roots_are_in_artifacts_dir(self):
        bootstrap = os.path.join(self.artifacts, "bootstrap")
        self.assertEqual(stat.S_IMODE(os.stat(bootstrap).st_mode), 0o755)
        self.assertTrue(support.is_elf(bootstrap))
        self.assertGreater(os.path.getsize(os.path.join(self.artifacts, "ca-bundle.crt")), 0)
        self.assertTrue(os.listdir(os.path.join(self.artifacts, "ca-certs")))

    def test_machine_is_the_template_default_architecture(self):
        param = samtemplate.load_template()["Parameters"]["Architecture"]
        self.assertEqual(sorted(param["AllowedValues"]), sorted(MACHINES))
        self.assertEqual(machine(os.path.join(self.artifacts, "bootstrap")),
                         MACHINES[param["Default"]])

    @unittest.skipUnless(HOST_ARCH, "a host that is neither x86_64 nor aarch64")
    def test_refuses_an_architecture_the_host_does_not_build(self):
        other = next(a for a in MACHINES if a != HOST_ARCH)
        refused = os.path.join(self.scratch, "refused")
        os.makedirs(refused)
        with support.locked():
            proc = subprocess.run(["make", "--no-print-directory", "build-LookoutFunction"],
                                  env=sam_env(refused, LAMBDA_ARCH=other), cwd=self.copy,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=support.BUILD_TIMEOUT_S)
        out = proc.stdout.decode("utf-8", "replace")
        self.assertNotEqual(proc.returncode, 0, out)
        self.assertIn("LAMBDA_ARCH=%s needs '%s'" % (other, MACHINES[other]), out)
        self.assertEqual(os.listdir(refused), [])

    def test_needs_only_glibc_up_to_2_34(self):
        elves = support.elf_files(self.artifacts)
        self.assertTrue(elves)
        for elf in elves:
            self.assertEqual(support.host_problems(elf), [], elf)

    @unittest.skipUnless(os.geteuid() == 0, "chroot, mknod and mounting /proc need root (CI runs as root)")
    def test_completes_invocations_in_a_chroot_holding_only_the_artifact(self):
        support.run_two_invokes(self, self.artifacts)


if __name__ == "__main__":
    unittest.main()
