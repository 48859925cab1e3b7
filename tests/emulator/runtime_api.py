"""A local Lambda Runtime API (2018-06-01) for tests, demos and benchmarks.

It behaves as Lambda and its Runtime Interface Emulator (RIE) do for one function instance:

* ``GET /2018-06-01/runtime/invocation/next`` blocks until an event is queued, then answers
  200 with the payload and every header Lambda sends (request id, deadline, function ARN,
  trace id, and, when given, client context, Cognito identity and tenant id). Per event,
  headers can be overridden or left out. A ``/next`` while an invoke is in flight sends that
  invoke again, as RIE does; if that invoke went out without a request id (so the runtime
  could not answer it) it is recorded as abandoned and the next event is served instead.
* ``POST .../invocation/{id}/response`` and ``.../error`` answer 202 ``{"status":"OK"}``;
  403 ``InvalidStateTransition`` when no invoke is in flight (a second post, for example);
  400 ``InvalidRequestID`` when the id is not the invoke in flight; 413
  ``RequestEntityTooLarge`` above 6 MiB + 100 bytes, which ends the invoke with
  ``Function.ResponseSizeTooLarge`` (the runtime should go on to ``/next``).
* ``POST /runtime/init/error`` answers 202 before the first ``/next`` and 403 after it; a
  ``/next`` after an init error answers 403, as RIE does.
* ``Lambda-Runtime-Function-Error-Type`` is kept when it matches
  ``(Runtime|Function)\\.[A-Z][a-zA-Z]+``, else normalised to ``Function.Unknown`` (when it
  starts with ``Function.``) or ``Runtime.Unknown``; both forms are recorded. Error bodies
  are checked to be ``{"errorMessage": str, "errorType": str, ...}`` JSON.
* Unknown paths answer 404 and wrong methods 405 (both recorded, so a test can assert none).
* ``inject(endpoint, status)`` makes the next call to an endpoint answer 400, 403, 413 or 500
  with Lambda's body; an injected answer to a post ends that invoke (recorded as
  ``rejected``), since Lambda would not take another answer for it.

Ending the loop: ``end_loop()`` makes ``/next`` answer 500 ``InternalServerError`` once
every queued event has been answered. Lambda defines 500 as "non-recoverable state, the
runtime should exit promptly", so a conforming runtime exits; ``stop()`` does the same for a
``/next`` still waiting, then shuts the server down.

Everything is recorded: ``requests`` (method, path, headers, body, status, answer) and
``invocations`` (what was sent, what came back, and when, for benchmarks).

Command line: ``python3 -m emulator.runtime_api --help``.
"""

import argparse
import http.server
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
import uuid

API_PREFIX = "/2018-06-01"
MAX_PAYLOAD = 6 * 1024 * 1024 + 100
DEFAULT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:kvs-lookout"
DEFAULT_TIMEOUT_MS = 30000
ERROR_TYPE_RE = re.compile(r"^(Runtime|Function)\.[A-Z][a-zA-Z]+$")
_BODY_DISCARD_MAX = 64 * 1024 * 1024

# Header names, as Lambda spells them.
H_REQUEST_ID = "Lambda-Runtime-Aws-Request-Id"
H_DEADLINE = "Lambda-Runtime-Deadline-Ms"
H_ARN = "Lambda-Runtime-Invoked-Function-Arn"
H_TRACE = "Lambda-Runtime-Trace-Id"
H_CLIENT_CONTEXT = "Lambda-Runtime-Client-Context"
H_COGNITO = "Lambda-Runtime-Cognito-Identity"
H_TENANT = "Lambda-Runtime-Aws-Tenant-Id"
H_ERROR_TYPE = "Lambda-Runtime-Function-Error-Type"

# Lambda's answers for each status the API returns on its own.
_ANSWERS = {
    400: ("InvalidRequestID", "Invalid request ID"),
    403: ("InvalidStateTransition", "State transition is not allowed"),
    404: ("NotFound", "Path not found"),
    405: ("MethodNotAllowed", "Method not allowed"),
    413: ("RequestEntityTooLarge",
          "Exceeded maximum allowed payload size (%d bytes)." % MAX_PAYLOAD),
    500: ("InternalServerError", "Internal Server Error"),
}


def normalise_error_type(value):
    """The error type Lambda keeps for a Lambda-Runtime-Function-Error-Type value."""
    if value is None:
        return None
    if ERROR_TYPE_RE.match(value):
        return value
    return "Function.Unknown" if value.startswith("Function.") else "Runtime.Unknown"


def new_trace_id():
    root = "1-%08x-%s" % (int(time.time()), uuid.uuid4().hex[:24])
    return "Root=%s;Parent=%s;Sampled=1" % (root, uuid.uuid4().hex[:16])


class Headers:
    """Request headers as received: ordered pairs, looked up without regard to case."""

    def __init__(self, pairs):
        self.pairs = list(pairs)

    def get(self, name, default=None):
        low = name.lower()
        for k, v in self.pairs:
            if k.lower() == low:
                return v
        return default

    def __contains__(self, name):
        return self.get(name) is not None

    def __repr__(self):
        return "Headers(%r)" % (self.pairs,)


class Request:
    """One request the runtime made, and what the API answered. peer is the client's
    (host, port): one port for every request means one connection, reused."""

    def __init__(self, method, path, headers, body, t, peer=None):
        self.method, self.path, self.headers, self.body, self.t = method, path, headers, body, t
        self.peer = peer
        self.status = None
        self.answer = b""

    def __repr__(self):
        return "<%s %s -> %s>" % (self.method, self.path, self.status)


class Invocation:
    """One queued event and its outcome.

    state: queued, in-flight, done, abandoned. outcome (once done): response, error,
    too-large or rejected. For an error: error_type (normalised), error_type_raw,
    error_body (parsed JSON or None) and error_body_valid.
    """

    def __init__(self, request_id, payload, headers):
        self.request_id = request_id
        self.payload = payload
        self.headers = headers  # name -> value actually sent
        self.state = "queued"
        self.outcome = None
        self.body = None
        self.content_type = None
        self.status = None
        self.error_type = None
        self.error_type_raw = None
        self.error_body = None
        self.error_body_valid = None
        self.deliveries = 0
        self.timeout_ms = None  # set: the deadline is written when /next hands it out
        self.t_sent = None
        self.t_done = None

    @property
    def round_trip_s(self):
        if self.t_sent is None or self.t_done is None:
            return None
        return self.t_done - self.t_sent

    def __repr__(self):
        return "<Invocation %s %s %s>" % (self.request_id, self.state, self.outcome)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class RuntimeAPI:
    """The emulator. Use as a context manager, or start() then stop()."""

    def __init__(self, host="127.0.0.1", port=0, max_payload=MAX_PAYLOAD, record_bodies=True,
                 record_requests=True):
        self.max_payload = max_payload
        self.record_bodies = record_bodies
        self.record_requests = record_requests
        self.requests = []
        self.invocations = []
        self.init_errors = []
        self._queue = []
        self._current = None
        self._ended = False  # end_loop() was called
        self._stopping = False
        self._next_seen = False
        self._init_failed = False
        self._injected = {}
        self._cond = threading.Condition()
        self._server = _Server((host, port), self._handler_class())
        self._thread = None

    # ---- life cycle -------------------------------------------------------------------

    @property
    def address(self):
        """host:port, the value for AWS_LAMBDA_RUNTIME_API."""
        host, port = self._server.server_address[:2]
        return "%s:%d" % (host, port)

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ---- what tests drive ------------------------------------------------------------

    def queue(self, payload, request_id=None, deadline_ms=None, timeout_ms=DEFAULT_TIMEOUT_MS,
              function_arn=DEFAULT_ARN, trace_id=True, client_context=None,
              cognito_identity=None, tenant_id=None, headers=None, omit=(),
              content_type="application/json"):
        """Queues one event; returns its Invocation.

        payload: bytes, str, or anything JSON-serialisable. trace_id: True for a fresh X-Ray
        header, None for none, or a string. omit: names of the usual headers to leave out
        (request id included). headers: extra headers, sent as given, after omit applies.
        deadline_ms fixes the deadline; without it the deadline is timeout_ms after /next
        hands the event out, as Lambda counts it.
        """
        if isinstance(payload, str):
            payload = payload.encode()
        elif not isinstance(payload, (bytes, bytearray)):
            payload = json.dumps(payload).encode()
        request_id = request_id or str(uuid.uuid4())
        deadline_from_delivery = deadline_ms is None
        if deadline_from_delivery:
            deadline_ms = int(time.time() * 1000) + timeout_ms
        if trace_id is True:
            trace_id = new_trace_id()
        sent = {H_REQUEST_ID: request_id, H_DEADLINE: str(deadline_ms), H_ARN: function_arn,
                H_TRACE: trace_id, H_CLIENT_CONTEXT: client_context, H_COGNITO: cognito_identity,
                H_TENANT: tenant_id, "Content-Type": content_type}
        omitted = {o.lower() for o in omit}
        sent = {k: v for k, v in sent.items() if v is not None and k.lower() not in omitted}
        sent.update(headers or {})
        inv = Invocation(request_id, bytes(payload), sent)
        if deadline_from_delivery and H_DEADLINE in sent and H_DEADLINE not in (headers or {}):
            inv.timeout_ms = timeout_ms
        with self._cond:
            self.invocations.append(inv)
            self._queue.append(inv)
            self._cond.notify_all()
        return inv

    def end_loop(self):
        """Once every queued event is answered, /next answers 500: the runtime exits."""
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def inject(self, endpoint, status, count=1):
        """The next count calls to endpoint ('next', 'response', 'error', 'init-error')
        answer status (400, 403, 413 or 500) with Lambda's body."""
        if endpoint not in ("next", "response", "error", "init-error") or status not in _ANSWERS:
            raise ValueError("cannot inject %r %r" % (endpoint, status))
        with self._cond:
            self._injected.setdefault(endpoint, []).extend([status] * count)

    def wait_for(self, predicate, timeout=30):
        """Waits until predicate() (called under the lock, at every change and at least
        every 50 ms, so it may watch a process too) is true; returns its value."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                value = predicate()
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("runtime API: condition not met in %.1fs" % timeout)
                self._cond.wait(min(left, 0.05))

    def wait_done(self, invocations=None, timeout=30):
        """Waits until the given invocations (default: all queued) are done or abandoned."""
        targets = list(invocations) if invocations is not None else None

        def finished():
            pool = targets if targets is not None else self.invocations
            return all(i.state in ("done", "abandoned") for i in pool)
        self.wait_for(finished, timeout)
        return targets if targets is not None else list(self.invocations)

    def wait_init_error(self, timeout=30):
        return self.wait_for(lambda: self.init_errors and self.init_errors[0], timeout)

    def bad_requests(self):
        """Requests that did not follow the API: unknown paths and wrong methods."""
        return [r for r in self.requests if r.status in (404, 405)]

    # ---- the server side ---------------------------------------------------------------

    def _take_injected(self, endpoint):
        pending = self._injected.get(endpoint)
        return pending.pop(0) if pending else None

    def _next(self):
        """Returns (status, headers, body, invocation) for a GET /next."""
        with self._cond:
            self._next_seen = True
            injected = self._take_injected("next")
            if injected:
                return injected, {}, None, None
            if self._init_failed:
                return 403, {}, None, None
            cur = self._current
            if cur is not None and H_REQUEST_ID in cur.headers:
                cur.deliveries += 1
                return 200, cur.headers, cur.payload, cur
            if cur is not None:
                cur.state = "abandoned"
                self._current = None
                self._cond.notify_all()
            while not self._queue and not self._ended and not self._stopping:
                self._cond.wait()
            if not self._queue:
                return 500, {}, None, None
            inv = self._queue.pop(0)
            if inv.timeout_ms is not None:
                # Lambda's deadline runs from the start of the invoke, not from when the
                # event was queued behind others.
                inv.headers[H_DEADLINE] = str(int(time.time() * 1000) + inv.timeout_ms)
            inv.state = "in-flight"
            inv.deliveries += 1
            self._current = inv
            return 200, inv.headers, inv.payload, inv

    def _finish(self, inv, outcome, status, t):
        inv.state, inv.outcome, inv.status, inv.t_done = "done", outcome, status, t
        self._current = None
        self._cond.notify_all()

    def _post(self, kind, request_id, headers, body, t):
        """Returns the status for a response or error post, recording the outcome."""
        with self._cond:
            cur = self._current
            if cur is None:
                return 403
            if request_id != cur.request_id:
                return 400
            injected = self._take_injected(kind)
            if injected:
                self._finish(cur, "rejected", injected, t)
                return injected
            if len(body) > self.max_payload:
                cur.error_type = "Function.ResponseSizeTooLarge"
                self._finish(cur, "too-large", 413, t)
                return 413
            cur.body = body if self.record_bodies else None
            cur.content_type = headers.get("Content-Type")
            if kind == "error":
                self._record_error(cur, headers, body)
            self._finish(cur, kind, 202, t)
            return 202

    @staticmethod
    def _record_error(target, headers, body):
        target.error_type_raw = headers.get(H_ERROR_TYPE)
        target.error_type = normalise_error_type(target.error_type_raw)
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        target.error_body = doc
        target.error_body_valid = (isinstance(doc, dict)
                                   and isinstance(doc.get("errorMessage"), str)
                                   and isinstance(doc.get("errorType"), str))

    def _init_error(self, headers, body):
        with self._cond:
            injected = self._take_injected("init-error")
            if injected:
                return injected
            if self._next_seen or self._init_failed:
                return 403
            rec = Invocation("init", b"", {})
            self._record_error(rec, headers, body)
            rec.body = body
            rec.state, rec.outcome = "done", "init-error"
            self._init_failed = True
            self.init_errors.append(rec)
            self._cond.notify_all()
            return 202

    def _route(self, method, path):
        """(endpoint, request id) for a path, or (None, status) when it is not the API's."""
        if not path.startswith(API_PREFIX + "/runtime/"):
            return None, 404
        rest = path[len(API_PREFIX + "/runtime/"):]
        if rest == "invocation/next":
            return ("next", None) if method == "GET" else (None, 405)
        if rest == "init/error":
            return ("init-error", None) if method == "POST" else (None, 405)
        m = re.match(r"^invocation/([^/]+)/(response|error)$", rest)
        if not m:
            return None, 404
        return (m.group(2), m.group(1)) if method == "POST" else (None, 405)

    def _handler_class(self):
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args):
                pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

            def do_PUT(self):
                self._serve("PUT")

            def do_DELETE(self):
                self._serve("DELETE")

            def _read_body(self):
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    return self._read_chunked()
                length = int(self.headers.get("Content-Length") or 0)
                if length > _BODY_DISCARD_MAX:
                    self.close_connection = True
                    return b""
                return self.rfile.read(length) if length else b""

            def _read_chunked(self):
                parts = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(parts)
                    parts.append(self.rfile.read(size))
                    self.rfile.readline()

            def _serve(self, method):
                body = self._read_body()
                t = time.perf_counter()
                path = self.path.split("?", 1)[0]
                headers = Headers(self.headers.items())
                rec = Request(method, path, headers, body if api.record_bodies else None, t,
                              self.client_address)
                if api.record_requests:
                    with api._cond:
                        api.requests.append(rec)
                endpoint, arg = api._route(method, path)
                extra, payload, inv = {}, None, None
                if endpoint is None:
                    status = arg
                elif endpoint == "next":
                    status, extra, payload, inv = api._next()
                elif endpoint == "init-error":
                    status = api._init_error(headers, body)
                else:
                    status = api._post(endpoint, arg, headers, body, t)
                self._answer(rec, status, extra, payload, inv)

            def _answer(self, rec, status, extra, payload, inv):
                if status == 200:
                    out = payload
                elif status == 202:
                    out = b'{"status":"OK"}'
                else:
                    etype, msg = _ANSWERS[status]
                    out = json.dumps({"errorMessage": msg, "errorType": etype}).encode()
                    extra = {"Content-Type": "application/json"}
                if status == 202:
                    extra = {"Content-Type": "application/json"}
                rec.status, rec.answer = status, out
                reason = self.responses.get(status, ("",))[0]
                lines = ["HTTP/1.1 %d %s" % (status, reason)]
                lines += ["%s: %s" % (k, v) for k, v in extra.items()]
                lines.append("Content-Length: %d" % len(out))
                if self.close_connection:
                    lines.append("Connection: close")
                head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
                if inv is not None:
                    inv.t_sent = time.perf_counter()
                self.wfile.write(head + out)  # one write: no Nagle stall between the two
                self.wfile.flush()

        return Handler


# ---- command line ---------------------------------------------------------------------

def _print_result(name, inv, out):
    if inv.outcome == "response":
        text = inv.body.decode("utf-8", "replace")
    elif inv.outcome == "error":
        text = "ERROR %s %s" % (inv.error_type, inv.body.decode("utf-8", "replace"))
    else:
        text = "%s (HTTP %s)" % (inv.outcome or inv.state, inv.status)
    out.write("%s: %s\n" % (name, text))
    out.flush()


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m emulator.runtime_api",
        description="A local Lambda Runtime API. Queues the EVENT files, runs COMMAND with "
                    "AWS_LAMBDA_RUNTIME_API pointing at it (or waits for a runtime you start), "
                    "prints each answer, then ends the loop (/next answers 500).")
    parser.add_argument("events", nargs="*", metavar="EVENT", help="event files (JSON)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument("--run", metavar="COMMAND",
                        help="the runtime to start, e.g. build/bootstrap (split like a shell)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait for answers")
    parser.add_argument("--keep", action="store_true",
                        help="keep serving after the events (until interrupted)")
    args = parser.parse_args(argv)

    with RuntimeAPI(port=args.port) as api:
        invs = []
        for path in args.events:
            with open(path, "rb") as f:
                invs.append((os.path.basename(path), api.queue(f.read())))
        sys.stderr.write("runtime API listening on %s\n" % api.address)
        proc = None
        if args.run:
            env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=api.address)
            proc = subprocess.Popen(shlex.split(args.run), env=env)
        answered = 0
        try:
            for name, inv in invs:
                api.wait_for(lambda: inv.state in ("done", "abandoned") or api.init_errors
                             or (proc is not None and proc.poll() is not None), args.timeout)
                if inv.state != "done":
                    break
                _print_result(name, inv, sys.stdout)
                answered += 1
            if api.init_errors:
                rec = api.init_errors[0]
                sys.stdout.write("init error: %s %s\n" % (rec.error_type, rec.body.decode()))
            if args.keep:
                while True:
                    time.sleep(3600)
        except (KeyboardInterrupt, TimeoutError) as e:
            sys.stderr.write("runtime API: %s\n" % (e or "interrupted"))
        finally:
            api.end_loop()
            if proc:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    # 0 when the runtime answered every event (a function error is an answer too).
    return 0 if answered == len(invs) and not api.init_errors else 1

if __name__ == "__main__":
    sys.exit(main())
