"""The repository carries everything it reads: no test, script, benchmark, Makefile, CMake file,
source or doc reads or names a path outside it (the team's shared folder beside the clone, a
developer's /work or home folder). System paths (/etc, /usr, /proc, /dev, /tmp) are the host's
and allowed.

Python files are read with `ast`: every os.path.join / dirname / abspath built from __file__,
from a constant or from a module-level name is worked out and must stay inside the repository.
Other text files are searched: a `../` path in a shell script, Makefile, CMake file or doc must
name something that exists in the repository, seen from the file's folder. The checker checks
itself on known bad lines at the end."""
import ast
import os
import re
import unittest

ROOT = os.path.realpath(os.environ.get(
    "LOOKOUT_SOURCE_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
THIS = os.path.realpath(os.path.abspath(__file__))

# Not ours to scan: build output, and third-party data copied unchanged (see their READMEs).
SKIP_DIRS = {".git", ".aws-sam", "__pycache__", "node_modules"}
SKIP_UNDER = ("tests/data/images", "tests/data/sigv4-test-suite", "tests/data/sam-schema",
              "tests/fuzz/corpus")
# Folders a developer has and a user does not.
FORBIDDEN_ABSOLUTE = re.compile(r"(?<![\w.~$-])/(?:work|home|root|mnt|srv|opt|media)/")
HOME = re.compile(r"(?<![\w.])~/|\$\{?HOME\}?")
SHARED = re.compile(r"\.\./shared|[\"']\.\.[\"']\s*,\s*[\"']shared[\"']")
# The repository root in shell, CMake and Make, followed by a step out of it.
ROOT_ESCAPE = re.compile(r"(?:\$\{?(?:ROOT|SOURCE_DIR|CMAKE_SOURCE_DIR|PROJECT_SOURCE_DIR|"
                         r"LOOKOUT_SOURCE_DIR)\}?|\$\(CURDIR\)|LOOKOUT_SOURCE_DIR \")"
                         r"/\.\.(?:/|\"|$)")
# Notes the team keeps beside the repository, which users do not have: name the AWS document.
TEAM_NOTES = re.compile(r"\bspec(?:'s)?\s*(?:§\s*)?\d|§\s*\d|\b(?:spec|field-notes|style)\.md\b")
DIRNAME_0 = re.compile(r"\$\(dirname \"?\$0\"?\)((?:/\.\.)+)")
RELATIVE = re.compile(r"(?<![\w./~$-])((?:\.\./)+[\w.-][\w./-]*)")
SHELLISH = (".sh", ".cmake", ".md", ".mk")
SHELLISH_NAMES = {"Makefile", "CMakeLists.txt"}


def is_inside(path):
    path = os.path.normpath(path)
    return path == ROOT or path.startswith(ROOT + os.sep)


def rel(path):
    return os.path.relpath(path, ROOT)


def text_of(path):
    with open(path, "rb") as f:
        data = f.read()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def files():
    """Every text file of the repository that is ours, with its text."""
    for d, dirs, names in os.walk(ROOT):
        r = rel(d)
        dirs[:] = sorted(x for x in dirs if x not in SKIP_DIRS and not (
            r == "." and (x.startswith("build") or x == "out")) and
            not os.path.join(r, x).replace(os.sep, "/").lstrip("./").startswith(SKIP_UNDER))
        for n in sorted(names):
            p = os.path.join(d, n)
            if os.path.islink(p) or os.path.realpath(p) == THIS:
                continue
            if r == "." and n == ".git":
                continue  # a worktree's pointer file
            text = text_of(p)
            if text is not None:
                yield p, text


def is_python(path, text):
    return path.endswith(".py") or text.startswith("#!") and "python" in text.split("\n", 1)[0]


def is_shellish(path, text):
    base = os.path.basename(path)
    return (base.endswith(SHELLISH) or base in SHELLISH_NAMES or
            text.startswith("#!") and re.search(r"\b(ba)?sh\b", text.split("\n", 1)[0]))


# ---- Python: paths worked out from the syntax tree ----

class PathEval:
    """Values of path expressions in one Python file, where they can be known statically."""

    def __init__(self, path):
        self.file = os.path.abspath(path)
        self.names = {}

    def value(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.file if node.id == "__file__" else self.names.get(node.id)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            a, b = self.value(node.left), self.value(node.right)
            return a + b if a is not None and b is not None else None
        if isinstance(node, ast.Call):
            fn = ast.unparse(node.func)
            args = [self.value(a) for a in node.args]
            if fn in ("os.path.join", "path.join") and args and None not in args:
                return os.path.join(*args)
            if fn in ("os.path.dirname", "os.path.abspath", "os.path.realpath",
                      "os.path.normpath", "os.path.expanduser") and len(args) == 1 \
                    and args[0] is not None:
                return {"os.path.dirname": os.path.dirname, "os.path.abspath": os.path.abspath,
                        "os.path.realpath": os.path.abspath, "os.path.normpath": os.path.normpath,
                        "os.path.expanduser": lambda p: p}[fn](args[0])
            if fn in ("os.environ.get", "os.getenv") and len(node.args) == 2:
                return args[1]  # the default: what a clone without the variable reads
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self.value(node.values[-1])  # os.environ.get(X) or default
        return None

    def problems(self, source):
        tree = ast.parse(source)
        found = []
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name):
                v = self.value(node.value)
                if v is not None:
                    self.names[node.targets[0].id] = v
        # A second pass, now that every module-level name is known.
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in (
                    "os.path.join", "os.path.dirname", "os.path.abspath", "os.path.realpath",
                    "os.path.normpath"):
                v = self.value(node)
                if v is not None and os.path.isabs(v) and ".." in v.split(os.sep) \
                        and not is_inside(v):
                    found.append((node.lineno, "%s leaves the repository (%s)"
                                  % (ast.unparse(node), os.path.normpath(v))))
        return found


# ---- every text file ----

def text_problems(path, text):
    """(line number, what) for each outside path named in a file."""
    found = []
    shellish = is_shellish(path, text)
    here = os.path.dirname(os.path.abspath(path))
    depth = len(os.path.relpath(here, ROOT).split(os.sep)) if here != ROOT else 0
    for no, line in enumerate(text.splitlines(), 1):
        for rx, what in ((SHARED, "names the shared folder beside the repository"),
                         (FORBIDDEN_ABSOLUTE, "names a developer's folder"),
                         (HOME, "names a home folder"),
                         (ROOT_ESCAPE, "steps out of the repository root"),
                         (TEAM_NOTES, "cites notes users do not have")):
            m = rx.search(line)
            if m:
                found.append((no, "%s: %s" % (what, m.group(0))))
        m = DIRNAME_0.search(line)
        if m and m.group(1).count("..") > depth:
            found.append((no, "steps out of the repository: " + m.group(0)))
        if shellish:
            for m in RELATIVE.finditer(line):
                target = os.path.normpath(os.path.join(here, m.group(1).rstrip(".")))
                if not is_inside(target) or not os.path.exists(target):
                    found.append((no, "%s is not a path in the repository" % m.group(1)))
    if is_python(path, text):
        try:
            found += PathEval(path).problems(text)
        except SyntaxError as e:
            found.append((e.lineno or 0, "does not parse: %s" % e.msg))
    return found


class SelfContainedTest(unittest.TestCase):
    def test_nothing_reads_or_names_a_path_outside_the_repository(self):
        problems = ["%s:%d: %s" % (rel(p), no, what)
                    for p, text in files() for no, what in text_problems(p, text)]
        self.assertEqual([], problems)

    def test_the_data_the_tests_read_is_here_with_its_licences(self):
        data = os.path.join(ROOT, "tests", "data")
        for folder, needed in (("images", ["README.md", "README.ijg", "LICENSE.libjpeg-turbo.md",
                                           "LICENSE.libjpeg-turbo-testimages.txt",
                                           "COPYRIGHT.python3-skimage.debian",
                                           "skimage-astronaut-q85.jpg"]),
                               ("sigv4-test-suite", ["README.md", "LICENSE", "NOTICE",
                                                     "NOTICE.aws-sig-v4-test-suite", "v4"]),
                               ("sam-schema", ["README.md", "LICENSE", "NOTICE",
                                               "sam.schema.json"])):
            for name in needed:
                self.assertTrue(os.path.exists(os.path.join(data, folder, name)),
                                "tests/data/%s/%s is missing" % (folder, name))
        cases = os.listdir(os.path.join(data, "sigv4-test-suite", "v4"))
        self.assertGreaterEqual(len(cases), 38)

    def test_files_were_found(self):
        names = {rel(p) for p, _ in files()}
        for expected in ("Makefile", "CMakeLists.txt", "cmake/tests.cmake", "scripts/test.sh",
                         "bench/run", "bench/runtime", "README.md", "docs/deploy.md",
                         "tests/unit/test_sigv4.c", "tests/emulator/demo.py", ".ci/run"):
            self.assertIn(expected, names)


class CheckerSelfTest(unittest.TestCase):
    """The checker catches the kinds of line it is there to catch, and passes good ones."""

    def at(self, relpath, text):
        return text_problems(os.path.join(ROOT, relpath), text)

    def test_python_joins_that_leave_the_repository(self):
        up = '"' + '..' + '"'
        for text in ('import os\nIMAGES = os.path.join(os.path.dirname(__file__), "../../../sha'
                     'red/data/images")\n',
                     'import os\nSOURCE_DIR = os.environ.get("X", os.path.join(os.path.dirname('
                     '__file__), %s, %s))\nI = os.path.join(SOURCE_DIR, %s, "data")\n'
                     % (up, up, up)):
            self.assertTrue(self.at("tests/integration/x.py", text), text)

    def test_python_joins_inside_the_repository_pass(self):
        text = ('import os\nHERE = os.path.dirname(os.path.abspath(__file__))\n'
                'SOURCE_DIR = os.environ.get("LOOKOUT_SOURCE_DIR",\n'
                '                            os.path.join(HERE, "..", ".."))\n'
                'IMAGES = os.path.join(SOURCE_DIR, "tests", "data", "images")\n'
                'BUILD = os.path.join(os.path.dirname(__file__), "../../build")\n')
        self.assertEqual([], self.at("tests/integration/x.py", text))

    def test_other_files(self):
        bad = {
            "cmake/x.cmake": 'set(D "${CMAKE_SOURCE_DIR}/' + '../data")',
            "scripts/x.sh": '#!/bin/sh\nD=$ROOT/' + '../data\n',
            "scripts/y.sh": '#!/bin/sh\ncd "$(dirname "$0")/../' + '.."\n',
            "docs/x.md": "the images in `../" + "shared/data/images`",
            "events/README.md": "from `../data/images/`",
            "tests/unit/x.c": '#define D "/wo' + 'rk/shared/data"',
            "tests/x.py": 'D = "/ho' + 'me/me/data"',
            "Makefile": "test:\n\t~/" + "bin/run\n",
            "include/lookout/x.h": "/* A notification (spec " + "\u00a73.5). */",
            "template.yaml": "# grants on the camera side (spec " + "3.6).",
        }
        for path, text in bad.items():
            self.assertTrue(self.at(path, text), path)
        good = {
            "scripts/x.sh": ('#!/bin/sh\nROOT=$(cd "$(dirname "$0")/.." && pwd)\n'
                             'cat /etc/ssl/certs/x\n'),
            "docs/x.md": "see [the README](../README.md) and `tests/data/images`",
            "tests/unit/x.c": 'check("/a/../b"); check("cam/../x");',
        }
        for path, text in good.items():
            self.assertEqual([], self.at(path, text), path)


if __name__ == "__main__":
    unittest.main()
