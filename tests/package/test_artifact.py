"""The Lambda artifact from scripts/package.sh (`make package`): what it is made of, that it
needs nothing from the host but glibc <= 2.34, and that it runs in a root holding only itself."""

import os
import re
import stat
import subprocess
import unittest
import zipfile

import support


def setUpModule():
    global LAMBDA_DIR, ZIP_PATH
    with support.locked():
        LAMBDA_DIR, ZIP_PATH = support.build_artifact()


class Layout(unittest.TestCase):
    def test_bootstrap_is_an_executable(self):
        st = os.stat(os.path.join(LAMBDA_DIR, "bootstrap"))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o755)
        self.assertTrue(support.is_elf(os.path.join(LAMBDA_DIR, "bootstrap")))

    def test_ca_roots_ship_as_bundle_and_hashed_directory(self):
        with open(os.path.join(LAMBDA_DIR, "ca-bundle.crt")) as f:
            bundle = f.read()
        count = bundle.count("-----BEGIN CERTIFICATE-----")
        self.assertGreater(count, 10)
        ca_dir = os.path.join(LAMBDA_DIR, "ca-certs")
        names = sorted(os.listdir(ca_dir))
        self.assertEqual(len(names), count)
        # Every file is named as OpenSSL looks it up: <subject hash>.<n>.
        for name in names[:5] + names[-5:]:
            self.assertRegex(name, r"^[0-9a-f]{8}\.[0-9]+$")
            h = subprocess.run(["openssl", "x509", "-noout", "-subject_hash", "-in",
                                os.path.join(ca_dir, name)], check=True,
                               stdout=subprocess.PIPE).stdout.decode().strip()
            self.assertEqual(name.split(".")[0], h)

    def test_zip_holds_the_directory_with_modes(self):
        with zipfile.ZipFile(ZIP_PATH) as z:
            infos = {i.filename: i for i in z.infolist() if not i.is_dir()}
            self.assertEqual(z.testzip(), None)
        on_disk = set()
        for d, _, names in os.walk(LAMBDA_DIR):
            on_disk.update(os.path.relpath(os.path.join(d, n), LAMBDA_DIR) for n in names)
        self.assertEqual(set(infos), on_disk)
        self.assertEqual(stat.S_IMODE(infos["bootstrap"].external_attr >> 16), 0o755)


class HostNeeds(unittest.TestCase):
    def test_packaging_doc_names_what_the_bootstrap_needs(self):
        with open(os.path.join(support.SOURCE_DIR, "docs", "packaging.md"), encoding="utf-8") as f:
            text = " ".join(f.read().split())
        m = re.search(r"The result needs glibc's (.*?) only \(`readelf -d`", text)
        self.assertTrue(m, "docs/packaging.md: no sentence 'The result needs glibc's ... only'")
        self.assertEqual(sorted(re.findall(r"`([^`]+)`", m.group(1))),
                         sorted(support.needed(os.path.join(LAMBDA_DIR, "bootstrap"))))

    def test_every_elf_needs_only_glibc_up_to_2_34(self):
        elves = support.elf_files(LAMBDA_DIR)
        self.assertIn(os.path.join(LAMBDA_DIR, "bootstrap"), elves)
        for elf in elves:
            self.assertEqual(support.host_problems(elf), [], elf)
            versions = support.glibc_versions(elf)
            self.assertTrue(versions, "%s: no GLIBC_ version needs found" % elf)

    def test_the_check_rejects_a_binary_linked_the_usual_way(self):
        usual = os.path.join(support.BUILD_DIR, "bootstrap")
        if not os.path.exists(usual):
            self.skipTest("no usual build/bootstrap in LOOKOUT_BUILD_DIR")
        problems = support.host_problems(usual)
        self.assertTrue(any("libcurl" in p for p in problems), problems)

    def test_the_check_rejects_a_newer_symbol_version(self):
        self.assertEqual(support.version_tuple("GLIBC_2.34"), (2, 34))
        self.assertGreater(support.version_tuple("GLIBC_2.35"), support.GLIBC_MAX)
        self.assertIsNone(support.version_tuple("GLIBC_ABI_DT_RELR"))


@unittest.skipUnless(os.geteuid() == 0, "chroot, mknod and mounting /proc need root (CI runs as root)")
class EmptyRoot(unittest.TestCase):
    def test_completes_invocations_in_a_chroot_holding_only_the_artifact(self):
        support.run_two_invokes(self, LAMBDA_DIR)


if __name__ == "__main__":
    unittest.main()
