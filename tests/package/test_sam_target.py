"""`make build-LookoutFunction`, the target `sam build` runs (Metadata: BuildMethod: makefile):
it must leave in ARTIFACTS_DIR an artifact that passes the same checks as `make package`'s."""

import os
import shutil
import stat
import tempfile
import unittest

import support


class SamBuildTarget(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.artifacts = tempfile.mkdtemp(prefix="lookout-artifacts-")
        make_vars = ["ARTIFACTS_DIR=" + cls.artifacts, "JOBS=2",
                     "LEAN_PREFIX=" + support.LEAN_PREFIX,
                     "LEAN_BUILD=" + os.path.join(support.WORK_DIR, "lean"),
                     "LAMBDA_DIR=" + os.path.join(support.WORK_DIR, "sam-lambda")]
        with support.locked():
            support.run(["make", "--no-print-directory", "-C", support.SOURCE_DIR,
                         "build-LookoutFunction"] + make_vars, env=support.lean_env())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.artifacts, ignore_errors=True)

    def test_bootstrap_and_ca_roots_are_in_artifacts_dir(self):
        bootstrap = os.path.join(self.artifacts, "bootstrap")
        self.assertEqual(stat.S_IMODE(os.stat(bootstrap).st_mode), 0o755)
        self.assertTrue(support.is_elf(bootstrap))
        self.assertGreater(os.path.getsize(os.path.join(self.artifacts, "ca-bundle.crt")), 0)
        self.assertTrue(os.listdir(os.path.join(self.artifacts, "ca-certs")))

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
