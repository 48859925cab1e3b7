"""The HTTP front every emulated service shares: read the request, identify the operation,
verify SigV4, apply scripted faults, parse and validate against the model, answer in the
service's protocol, record the call."""

import http.server
import json
import socket
import socketserver
import ssl
import struct
import threading
import time
import uuid
from xml.sax.saxutils import escape

from . import model as wire
from .sigv4 import Verifier

MAX_BODY_BYTES = 64 * 1024 * 1024


class ServiceError(Exception):
    """An AWS error answer: code, message, HTTP status and extra XML/JSON fields."""

    def __init__(self, code, message, status=400, **extra):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra


class Response:
    def __init__(self, status=200, body=b"", headers=None, error_code=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.error_code = error_code


def request_id():
    return str(uuid.uuid4())


# ------------------------------------------------------------------ error documents

def error_response(protocol, err, head=False):
    rid = request_id()
    if protocol == "rest-xml":
        extra = "".join("<%s>%s</%s>" % (k, escape(str(v)), k) for k, v in err.extra.items())
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
                '%s<RequestId>%s</RequestId><HostId>%s</HostId></Error>'
                % (err.code, escape(err.message), extra, rid[:16], rid)).encode()
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", rid[:16])]
        return Response(err.status, b"" if head else body, headers, err.code)
    if protocol == "query":
        kind = "Receiver" if err.status >= 500 else "Sender"
        body = ('<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>%s</Type>'
                '<Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>'
                % (kind, err.code, escape(err.message), rid)).encode()
        return Response(err.status, body, [("Content-Type", "text/xml"), ("x-amzn-RequestId", rid)],
                        err.code)
    if protocol == "json":
        doc = {"__type": err.code, "message": err.message}
        doc.update(err.extra)
        return Response(err.status, json.dumps(doc).encode(),
                        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)],
                        err.code)
    doc = {"message": err.message}
    doc.update(err.extra)
    return Response(err.status, json.dumps(doc).encode(),
                    [("Content-Type", "application/json"), ("x-amzn-RequestId", rid),
                     ("x-amzn-ErrorType", err.code)], err.code)


def auth_error(protocol, verdict):
    """The error AWS gives for a failed signature check, per protocol family."""
    p, msg, d = verdict.problem, verdict.message, verdict.details
    if protocol == "rest-xml":
        table = {
            "missing": ("AccessDenied", 403, "Access Denied"),
            "malformed": ("AuthorizationHeaderMalformed", 400, msg),
            "unknown_key": ("InvalidAccessKeyId", 403,
                            "The AWS Access Key Id you provided does not exist in our records."),
            "bad_token": ("InvalidToken", 400, "The provided token is malformed or otherwise invalid."),
            "bad_signature": ("SignatureDoesNotMatch", 403, msg),
            "expired": ("AccessDenied", 403, "Request has expired"),
            "skewed": ("RequestTimeTooSkewed", 403,
                       "The difference between the request time and the current time is too large."),
            "wrong_region": ("AuthorizationHeaderMalformed", 400,
                             "The authorization header is malformed; the region '%s' is wrong; "
                             "expecting '%s'" % (d.get("region"), d.get("expected"))),
            "wrong_service": ("AuthorizationHeaderMalformed", 400, msg),
            "wrong_date": ("AuthorizationHeaderMalformed", 400, msg),
            "missing_content_sha": ("InvalidRequest", 400, msg),
            "content_sha_mismatch": ("XAmzContentSHA256Mismatch", 400, msg),
            "bad_expires": ("AuthorizationQueryParametersError", 400, msg),
            "unsupported": ("InvalidRequest", 400, msg),
        }
        code, status, message = table[p]
        extra = {}
        if p == "bad_signature":
            extra = {"AWSAccessKeyId": d["access_key"], "StringToSign": d["string_to_sign"],
                     "SignatureProvided": d["signature"], "CanonicalRequest": d["canonical_request"]}
        elif p == "wrong_region":
            extra = {"Region": d.get("expected")}
        elif p == "unknown_key":
            extra = {"AWSAccessKeyId": d.get("access_key")}
        elif p == "content_sha_mismatch":
            extra = {"ClientComputedContentSHA256": d["client"], "S3ComputedContentSHA256": d["computed"]}
        return ServiceError(code, message, status, **extra)
    if protocol == "query":
        table = {"missing": ("MissingAuthenticationToken", 403,
                             "Request is missing Authentication Token"),
                 "malformed": ("IncompleteSignature", 400, msg),
                 "unsupported": ("IncompleteSignature", 400, msg),
                 "unknown_key": ("InvalidClientTokenId", 403, msg),
                 "bad_token": ("InvalidClientTokenId", 403, msg)}
        code, status, message = table.get(p, ("SignatureDoesNotMatch", 403, msg))
        return ServiceError(code, message, status)
    table = {"missing": ("MissingAuthenticationTokenException", 403, "Missing Authentication Token"),
             "malformed": ("IncompleteSignatureException", 400, msg),
             "unsupported": ("IncompleteSignatureException", 400, msg),
             "unknown_key": ("UnrecognizedClientException", 403, msg),
             "bad_token": ("UnrecognizedClientException", 403, msg)}
    code, status, message = table.get(p, ("InvalidSignatureException", 403, msg))
    return ServiceError(code, message, status)


# ------------------------------------------------------------------ HTTP plumbing

class Request:
    def __init__(self, method, target, headers, body, scheme):
        self.method = method
        self.raw_path, _, self.raw_query = target.partition("?")
        self.headers = headers            # list of (name, value) as received
        self.body = body
        self.scheme = scheme

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def query_pairs(self):
        import urllib.parse
        return urllib.parse.parse_qsl(self.raw_query, keep_blank_values=True)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Replies go out in more than one write; with Nagle on, each would wait for the client's
    # delayed ACK (up to 40 ms), which no real endpoint adds.
    disable_nagle_algorithm = True

    def version_string(self):
        return "AmazonEmulator"

    def setup(self):
        ctx = getattr(self.server, "ssl_context", None)
        if ctx is not None:
            self.request.settimeout(10)
            tls = ctx.wrap_socket(self.request, server_side=True, do_handshake_on_connect=False)
            try:
                tls.do_handshake()
            except (OSError, ssl.SSLError):
                tls.close()
                raise
            tls.settimeout(None)
            self.request = tls
        super().setup()

    def log_message(self, fmt, *args):
        pass

    def _read_body(self):
        if (self.headers.get("Transfer-Encoding") or "").lower() == "chunked":
            out = bytearray()
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                if len(out) + size > MAX_BODY_BYTES:
                    raise ValueError("body too large")
                out += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0 or length > MAX_BODY_BYTES:
            raise ValueError("bad Content-Length")
        return self.rfile.read(length) if length else b""

    def _serve(self):
        try:
            body = self._read_body()
        except ValueError:
            self.send_error(400)
            return
        scheme = "https" if getattr(self.server, "ssl_context", None) else "http"
        req = Request(self.command, self.path, list(self.headers.items()), body, scheme)
        self.server.front.serve(req, self)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = _serve

    # -------------------------------------------------------------- answers

    def send(self, resp, truncate=False):
        self.send_response(resp.status)
        names = {k.lower() for k, _ in resp.headers}
        for k, v in resp.headers:
            self.send_header(k, v)
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(resp.body)))
        if truncate:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(resp.body[:len(resp.body) // 2] if truncate else resp.body)
        self.wfile.flush()

    def reset_connection(self):
        """Drops the connection with a TCP RST (SO_LINGER 0), nothing written."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.rfile.close()
        self.connection.close()
        self.wfile = _Sink()

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        if getattr(self.server, "ssl_context", None) is not None:
            self.request.close()   # the server closes only the raw socket it accepted


class _Sink:
    def write(self, data):
        return len(data)

    def flush(self):
        pass

    def close(self):
        pass

    @property
    def closed(self):
        return True


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, front, host, ssl_context):
        self.front = front
        self.ssl_context = ssl_context
        super().__init__((host, 0), Handler)

    def handle_error(self, request, client_address):
        pass


def start_server(front, host, ssl_context):
    server = Server(front, host, ssl_context)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="emu-" + front.name,
                              daemon=True)
    thread.start()
    return server, thread


# ------------------------------------------------------------------ the per-service pipeline

class Front:
    """Base of one emulated service. Subclasses set name, model_name, signing_name,
    validation_error (code, status) and implement identify / parse / handle."""

    name = None
    model_name = None
    signing_name = None
    validation_code = ("ValidationException", 400)

    def __init__(self, emulator):
        self.emu = emulator
        self.state = emulator.state
        self.model = wire.service_model(self.model_name)
        self.protocol = self.model.protocol
        self._statuses = None
        self.verifier = Verifier(emulator.access_key, emulator.secret_key, emulator.session_token,
                                 emulator.region, self.signing_name, s3=(self.name == "s3"))

    # subclasses --------------------------------------------------------
    def identify(self, req):
        raise NotImplementedError

    def parse(self, req, op):
        raise NotImplementedError

    def handle(self, req, op, params):
        raise NotImplementedError

    # shared ------------------------------------------------------------
    def modelled_status(self, code):
        """The HTTP status the model gives error code (500 for server faults it lacks)."""
        if self._statuses is None:
            statuses = {}
            for name in self.model.shape_names:
                meta = self.model.shape_for(name).metadata
                if meta.get("exception"):
                    err = meta.get("error", {})
                    fault = self.model.shape_for(name)._shape_model.get("fault")
                    statuses[err.get("code", name)] = int(err.get("httpStatusCode",
                                                                  500 if fault else 400))
                    statuses.setdefault(name, statuses[err.get("code", name)])
            self._statuses = statuses
        if code in self._statuses:
            return self._statuses[code]
        return 500 if code.startswith(("Internal", "ServiceUnavailable")) else 400

    def validation_error(self, errors):
        code, status = self.validation_code
        return ServiceError(code, wire.summary(errors), status)

    def json_response(self, doc, status=200):
        ctype = "application/x-amz-json-1.1" if self.protocol == "json" else "application/json"
        body = json.dumps(wire.encode_json_value(doc)).encode()
        return Response(status, body, [("Content-Type", ctype), ("x-amzn-RequestId", request_id())])

    def check_output(self, op, doc):
        """Guards the emulator itself: what it answers must fit the modelled output shape."""
        shape = self.model.operation_model(op).output_shape
        errors = wire.validate(shape, doc) if shape is not None else []
        if errors:
            raise ServiceError("InternalFailure", "emulator answer breaks the model: "
                               + wire.summary(errors), 500)

    def serve(self, req, handler):
        call = {"service": self.name, "operation": None, "params": None, "signature_ok": False,
                "status": None, "error": None, "fault": None, "time": time.time(),
                "method": req.method, "path": req.raw_path}
        head = req.method == "HEAD"
        fault = None
        try:
            op = self.identify(req)
            call["operation"] = op
            parse_error = None
            try:
                params = self.parse(req, op)
                call["params"] = params
            except wire.WireError as e:
                parse_error = e
            verdict = self.verifier.verify(req.method, req.raw_path, req.raw_query, req.headers,
                                           req.body)
            call["signature_ok"] = verdict.ok
            if not verdict.ok:
                raise auth_error(self.protocol, verdict)
            fault = self.state.take_fault(self.name, op)
            if fault is not None:
                call["fault"] = fault.describe()
                if fault.delay_s:
                    time.sleep(fault.delay_s)
                if fault.reset:
                    call["status"] = "reset"
                    self.state.record(call)
                    handler.reset_connection()
                    return
                if fault.code:
                    raise ServiceError(fault.code, fault.message or "scripted fault",
                                       fault.status or self.modelled_status(fault.code))
            if parse_error is not None:
                raise parse_error
            shape = self.model.operation_model(op).input_shape
            errors = self.extra_checks(op, params) + wire.validate(shape, params)
            if errors:
                raise self.validation_error(errors)
            resp = self.handle(req, op, params)
        except wire.WireError as e:
            resp = error_response(self.protocol, ServiceError(e.code, e.message, e.status), head)
        except ServiceError as e:
            resp = error_response(self.protocol, e, head)
        truncate = False
        if fault is not None and fault.body is not None:
            resp = Response(fault.status or 200, fault.body,
                            [(k, v) for k, v in resp.headers if k.lower() == "content-type"])
        elif fault is not None and fault.truncate:
            truncate = True
        call["status"] = resp.status
        call["error"] = resp.error_code
        self.state.record(call)
        handler.send(resp, truncate=truncate)

    def extra_checks(self, op, params):
        return []
