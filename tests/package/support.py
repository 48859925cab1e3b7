"""Shared by the package tests: building the Lambda artifact once, checking what its ELF
files need from the host, and running it in a chroot that holds nothing else.

The artifact is built by scripts/package.sh into $LOOKOUT_BUILD_DIR/package-test. The lean
static libraries are those of `make package`: $LEAN_PREFIX, default build/deps of the source
tree, built once by scripts/lean-deps.sh (scripts/test.sh builds them before the tests run)."""

import os
import re
import shutil
import subprocess
import tempfile

SOURCE_DIR = os.environ.get("LOOKOUT_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD_DIR = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
WORK_DIR = os.path.join(BUILD_DIR, "package-test")
LEAN_PREFIX = os.environ.get("LEAN_PREFIX") or os.path.join(SOURCE_DIR, "build", "deps")
BUILD_TIMEOUT_S = 1800

# Lambda provided.al2023 has glibc 2.34.
GLIBC_MAX = (2, 34)
# The libraries glibc itself provides: the only ones the artifact may need from the host.
GLIBC_SONAMES = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
                 "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
GLIBC_INTERPRETERS = {"/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1"}
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:kvs-lookout-alerts"
# What S3 sends when a notification is configured; the function answers it offline.
S3_TEST_EVENT = {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": "2024-05-01T10:00:00.000Z",
                 "Bucket": "images", "RequestId": "5582815E1AEA5ADF", "HostId": "host"}


def lean_env(**extra):
    env = dict(os.environ, LEAN_PREFIX=LEAN_PREFIX, JOBS="2")
    env.update(extra)
    return env


def build_artifact():
    """Runs scripts/package.sh; returns (lambda dir, zip path). Raises with the output on
    failure."""
    lambda_dir = os.path.join(WORK_DIR, "lambda")
    zip_path = os.path.join(WORK_DIR, "function.zip")
    run([os.path.join(SOURCE_DIR, "scripts", "package.sh")],
        lean_env(LEAN_BUILD=os.path.join(WORK_DIR, "lean"), LAMBDA_DIR=lambda_dir,
                 PACKAGE_ZIP=zip_path))
    return lambda_dir, zip_path


def run(cmd, env=None, cwd=None):
    proc = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=BUILD_TIMEOUT_S)
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise AssertionError("%s failed (%d):\n%s" % (" ".join(cmd), proc.returncode, out[-6000:]))
    return out


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def elf_files(top):
    """Every regular ELF file under top."""
    found = []
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            if os.path.isfile(p) and not os.path.islink(p) and is_elf(p):
                found.append(p)
    return sorted(found)


def _readelf(args, path):
    return subprocess.run(["readelf", "-W"] + args + [path], check=True, stdout=subprocess.PIPE,
                          env=dict(os.environ, LC_ALL="C")).stdout.decode()


def needed(path):
    """DT_NEEDED sonames."""
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", _readelf(["-d"], path))


def interpreter(path):
    """PT_INTERP, or None for a static executable."""
    m = re.search(r"\[Requesting program interpreter: ([^\]]+)\]", _readelf(["-l"], path))
    return m.group(1) if m else None


def glibc_versions(path):
    """The GLIBC_* version names the file needs (from its version-needs section)."""
    text = _readelf(["--version-info"], path)
    need = text.split("Version needs section", 1)
    return sorted(set(re.findall(r"Name: (GLIBC_[A-Za-z0-9_.]+)", need[1]))) if len(need) > 1 else []


def version_tuple(name):
    m = re.fullmatch(r"GLIBC_(\d+)\.(\d+)(?:\.(\d+))?", name)
    return tuple(int(x) for x in m.groups() if x is not None) if m else None


def host_problems(path):
    """Why path would not run on a host that has only glibc 2.34: [] when it would."""
    problems = []
    for lib in needed(path):
        if lib not in GLIBC_SONAMES:
            problems.append("needs %s, which is not part of glibc" % lib)
    interp = interpreter(path)
    if interp is not None and interp not in GLIBC_INTERPRETERS:
        problems.append("asks for the program interpreter %s" % interp)
    for name in glibc_versions(path):
        v = version_tuple(name)
        # Non-numeric names (GLIBC_ABI_DT_RELR, GLIBC_PRIVATE) are newer than 2.34 or private.
        if v is None or v > GLIBC_MAX:
            problems.append("needs symbol version %s (> GLIBC_%d.%d)" % ((name,) + GLIBC_MAX))
    return problems


def _ldconfig_paths():
    out = subprocess.run(["ldconfig", "-p"], check=True, stdout=subprocess.PIPE,
                         env=dict(os.environ, LC_ALL="C")).stdout.decode()
    paths = {}
    for m in re.finditer(r"^\s*(\S+) \(([^)]*)\) => (\S+)$", out, re.M):
        if "x86-64" in m.group(2) or "AArch64" in m.group(2) or os.uname().machine not in (
                "x86_64", "aarch64"):
            paths.setdefault(m.group(1), m.group(3))
    return paths


def glibc_closure(path):
    """glibc's files the dynamic loader opens for path: {path in the chroot: host path}.
    Nothing else is copied, whatever path asks for."""
    where = _ldconfig_paths()
    todo, files = [path], {}
    interp = interpreter(path)
    if interp:
        files[interp] = os.path.realpath(interp)
    while todo:
        for lib in needed(todo.pop()):
            if lib not in GLIBC_SONAMES:
                continue  # not provided: the run shows whether the artifact needs it
            host = where.get(lib)
            if host is None:
                raise AssertionError("%s needs %s, which the host does not have" % (path, lib))
            if host not in files:
                files[host] = os.path.realpath(host)
                todo.append(files[host])
    return files


class Chroot:
    """An empty root with the artifact in /var/task (as Lambda's LAMBDA_TASK_ROOT), glibc's
    files the artifact asks for, /dev/{null,zero,random,urandom}, a mounted /proc and /tmp.
    Needs root. Use as a context manager; everything is unmounted and removed on exit."""

    TASK = "/var/task"

    def __init__(self, artifact_dir):
        self.root = tempfile.mkdtemp(prefix="lookout-chroot-")
        self.proc_mounted = False
        try:
            self._populate(artifact_dir)
        except BaseException:
            self.close()
            raise

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def _populate(self, artifact_dir):
        shutil.copytree(artifact_dir, self.path(self.TASK), symlinks=True)
        for elf in elf_files(self.path(self.TASK)):
            for inside, host in glibc_closure(elf).items():
                os.makedirs(os.path.dirname(self.path(inside)), exist_ok=True)
                shutil.copy2(host, self.path(inside))
        os.makedirs(self.path("/dev"))
        for name, minor in (("null", 3), ("zero", 5), ("random", 8), ("urandom", 9)):
            os.mknod(self.path("/dev/" + name), 0o666 | 0o020000, os.makedev(1, minor))
        os.makedirs(self.path("/tmp"))
        os.chmod(self.path("/tmp"), 0o1777)
        os.makedirs(self.path("/proc"))
        subprocess.run(["mount", "-t", "proc", "proc", self.path("/proc")], check=True)
        self.proc_mounted = True

    def files(self):
        """Every file in the root except under /proc, relative to it."""
        out = []
        for d, dirs, names in os.walk(self.root):
            if d == self.root and "proc" in dirs:
                dirs.remove("proc")
            out.extend(os.path.relpath(os.path.join(d, n), self.root) for n in names)
        return sorted(out)

    def popen(self, argv, env, **kw):
        root = self.root

        def enter():
            os.chroot(root)
            os.chdir("/")
        return subprocess.Popen(argv, env=env, preexec_fn=enter, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, **kw)

    def close(self):
        if self.proc_mounted:
            subprocess.run(["umount", "-l", self.path("/proc")], check=False)
            self.proc_mounted = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class locked:
    """An exclusive lock on WORK_DIR/name, so concurrent test files share one build."""

    def __init__(self, name="build.lock"):
        os.makedirs(WORK_DIR, exist_ok=True)
        self.path = os.path.join(WORK_DIR, name)

    def __enter__(self):
        import fcntl
        self.f = open(self.path, "w")
        fcntl.flock(self.f, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        self.f.close()


def lambda_env(api_address, **extra):
    """Only what Lambda itself would set, plus extra."""
    env = {"AWS_LAMBDA_RUNTIME_API": api_address, "LAMBDA_TASK_ROOT": Chroot.TASK,
           "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
           "AWS_SESSION_TOKEN": "token", "ALERT_TOPIC_ARN": TOPIC_ARN,
           "AWS_LAMBDA_LOG_FORMAT": "JSON", "PATH": "/usr/local/bin:/usr/bin:/bin"}
    env.update(extra)
    return env


def run_two_invokes(test, artifact_dir):
    """Runs the artifact in an empty chroot under a local Runtime API: an S3 test event (answered
    without the network) and an event of no known shape (a typed function error), then the API
    ends the loop. Asserts the answers, the exit, and that the root held nothing else."""
    from emulator.runtime_api import RuntimeAPI
    with Chroot(artifact_dir) as root, RuntimeAPI() as api:
        allowed = re.compile(r"^(var/task/.*|dev/(null|zero|random|urandom)|"
                             r"(usr/)?lib(64|32)?/.*\.so(\.[0-9]+)*)$")
        extra = [f for f in root.files() if not allowed.match(f)]
        test.assertEqual(extra, [], "the chroot holds more than the artifact and glibc")
        ok = api.queue(S3_TEST_EVENT)
        bad = api.queue({"unexpected": True})
        api.end_loop()
        proc = root.popen([Chroot.TASK + "/bootstrap"], lambda_env(api.address))
        try:
            api.wait_done(timeout=60)
            _, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        log = err.decode("utf-8", "replace")
        test.assertEqual(ok.outcome, "response", log)
        test.assertIn(b"s3-test", ok.body)
        test.assertEqual(bad.outcome, "error", log)
        test.assertEqual(bad.error_type, "Function.UnsupportedEvent")
        test.assertEqual(api.init_errors, [], log)
        test.assertEqual(api.bad_requests(), [])
        # The loop ends when /next answers 500; the process then exits on its own.
        test.assertIsNotNone(proc.returncode)
