"""Shared by the runtime conformance tests: where the binaries are, and how to run one
against a Runtime API (with the valgrind wrapper when the run asks for it)."""

import json
import os
import shlex
import socket
import subprocess
import unittest

from emulator.runtime_api import RuntimeAPI

BUILD_DIR = os.environ.get("LOOKOUT_BUILD_DIR", os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "build"))
WRAPPER = shlex.split(os.environ.get("LOOKOUT_BOOTSTRAP_WRAPPER", ""))
# Generous: under valgrind a start takes seconds. Never a timing assertion, only a bound.
EXIT_TIMEOUT_S = 120
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:kvs-lookout-alerts"


def binary(name):
    return os.path.join(BUILD_DIR, name)


# Every AWS call of these tests goes to a port nobody listens on, once: a route that reaches
# its first AWS call fails fast with Function.NetworkError, offline. The pipeline against
# working AWS emulators is tests/integration's business.
CLOSED_AWS = {
    "AWS_ACCESS_KEY_ID": "AKIDRUNTIMETESTS",
    "AWS_SECRET_ACCESS_KEY": "runtime-tests-secret",
    "AWS_REGION": "us-east-1",
    "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
    "AWS_MAX_ATTEMPTS": "1",
}


def base_env(**extra):
    """A clean environment: nothing from the caller's AWS or Lambda settings leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "_X_AMZN", "ALERT_", "MIN_CONFIDENCE", "LOOKOUT_LOCAL"))}
    env.update(CLOSED_AWS)
    env.update({k: v for k, v in extra.items() if v is not None})
    return env


def start(name, env, args=(), stdin=None):
    """Starts a build binary (under the wrapper) with stdout and stderr captured."""
    return subprocess.Popen(WRAPPER + [binary(name)] + list(args), env=env,
                            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def finish(proc, stdin=None):
    """Waits for the process; returns (exit code, stdout bytes, stderr text)."""
    try:
        out, err = proc.communicate(stdin, timeout=EXIT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        raise AssertionError("process did not exit; stderr:\n" + err.decode("utf-8", "replace"))
    return proc.returncode, out, err.decode("utf-8", "replace")


def json_lines(stderr):
    """The log lines of a JSON-format run, parsed; a line that is not JSON fails."""
    return [json.loads(line) for line in stderr.splitlines() if line.strip()]


def closed_port_address():
    """host:port where nothing listens: the socket is bound, never listening, so a connect
    is refused at once. Returns (socket, address); close the socket when done."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    return s, "127.0.0.1:%d" % s.getsockname()[1]


class RuntimeCase(unittest.TestCase):
    """Starts a fresh Runtime API per test and stops it afterwards."""

    def setUp(self):
        self.api = RuntimeAPI().start()
        self.addCleanup(self.api.stop)
        self.procs = []
        self.addCleanup(self._kill_all)

    def _kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.communicate()

    def launch(self, name, **env):
        proc = start(name, base_env(AWS_LAMBDA_RUNTIME_API=self.api.address, **env))
        self.procs.append(proc)
        return proc

    def wait_done(self, proc, invocations=None, timeout=EXIT_TIMEOUT_S):
        """Waits until the invocations (default: all queued) are answered, or fails at once
        when the process exits first."""
        pool = lambda: invocations if invocations is not None else self.api.invocations
        self.api.wait_for(lambda: proc.poll() is not None
                          or all(i.state in ("done", "abandoned") for i in pool()), timeout)
        unanswered = [i for i in pool() if i.state not in ("done", "abandoned")]
        if unanswered:
            _, _, err = finish(proc)
            self.fail("exited with %s before answering %s; stderr:\n%s"
                      % (proc.returncode, unanswered, err))

    def end(self, proc):
        """Ends the loop the way Lambda does (500 on /next) and returns finish(proc)."""
        self.api.end_loop()
        return finish(proc)
