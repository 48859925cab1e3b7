"""SigV4 verification of incoming requests with botocore's signer as the independent reference.

The canonical request is rebuilt from the wire (method, path, query, exactly the headers the
client listed in SignedHeaders, payload hash) and signed with botocore's SigV4Auth /
S3SigV4Auth for the known secret; the client's signature must match. Header and query
(presigned URL) authentication are both verified.
"""

import calendar
import hashlib
import hmac
import time
import urllib.parse

from botocore.auth import S3SigV4Auth, SigV4Auth, UNSIGNED_PAYLOAD
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

MAX_SKEW_S = 15 * 60
MAX_PRESIGN_EXPIRES_S = 604800


class Verdict:
    """Outcome of a verification. problem is None when the signature is good, else one of:
    missing, malformed, unsupported (SigV2), unknown_key, bad_token, bad_signature, expired, skewed, wrong_region,
    wrong_service, wrong_date, missing_content_sha, content_sha_mismatch, bad_expires."""

    def __init__(self, problem=None, message="", **details):
        self.problem = problem
        self.message = message
        self.details = details

    @property
    def ok(self):
        return self.problem is None


def _parse_authorization(value):
    algorithm, _, rest = value.strip().partition(" ")
    fields = {}
    for part in rest.split(","):
        key, _, val = part.strip().partition("=")
        fields[key] = val
    return algorithm, fields


def _epoch(amz_date):
    return calendar.timegm(time.strptime(amz_date, "%Y%m%dT%H%M%SZ"))


class Verifier:
    """Verifies requests signed for one service name and region with one key pair."""

    def __init__(self, access_key, secret_key, token, region, signing_name, s3=False):
        self.creds = Credentials(access_key, secret_key, token)
        self.region = region
        self.signing_name = signing_name
        self.s3 = s3

    def verify(self, method, raw_path, raw_query, headers, body, now=None):
        """headers: list of (name, value) pairs as received; body: bytes."""
        now = time.time() if now is None else now
        lower = {}
        for name, value in headers:
            lower.setdefault(name.lower(), []).append(value)
        pairs = [p.partition("=") for p in raw_query.split("&") if p]
        query = [(urllib.parse.unquote(k), urllib.parse.unquote(v)) for k, _, v in pairs]
        qdict = dict(query)
        auth = (lower.get("authorization") or [""])[0]
        if auth.startswith("AWS ") or ("AWSAccessKeyId" in qdict and "Signature" in qdict):
            return Verdict("unsupported", "The authorization mechanism you have provided is not "
                           "supported. Please use AWS4-HMAC-SHA256.")
        if "authorization" in lower:
            algorithm, fields = _parse_authorization(lower["authorization"][0])
            if algorithm != "AWS4-HMAC-SHA256" or not all(
                    k in fields for k in ("Credential", "SignedHeaders", "Signature")):
                return Verdict("malformed", "Authorization header requires 'Credential', "
                               "'Signature' and 'SignedHeaders' parameters.")
            amz_date = (lower.get("x-amz-date") or [""])[0]
            token = (lower.get("x-amz-security-token") or [None])[0]
            presigned = False
            expires = None
        elif "X-Amz-Signature" in qdict or "X-Amz-Credential" in qdict:
            if not all(k in qdict for k in ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date",
                                            "X-Amz-SignedHeaders", "X-Amz-Signature")):
                return Verdict("malformed", "Query-string authentication requires the "
                               "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, "
                               "X-Amz-SignedHeaders, and X-Amz-Expires parameters.")
            fields = {"Credential": qdict["X-Amz-Credential"],
                      "SignedHeaders": qdict["X-Amz-SignedHeaders"],
                      "Signature": qdict["X-Amz-Signature"]}
            amz_date = qdict["X-Amz-Date"]
            token = qdict.get("X-Amz-Security-Token")
            presigned = True
            expires = qdict.get("X-Amz-Expires")
        else:
            return Verdict("missing", "Missing Authentication Token")

        verdict = self._check_scope(fields["Credential"], amz_date, token, now, presigned, expires)
        if verdict is not None:
            return verdict

        signed = fields["SignedHeaders"].split(";")
        header_map = HTTPHeaders()
        for name in signed:
            for value in lower.get(name, []):
                header_map[name] = value

        if presigned:
            payload = UNSIGNED_PAYLOAD if self.s3 else hashlib.sha256(body).hexdigest()
            query = [(k, v) for k, v in query if k != "X-Amz-Signature"]
        elif self.s3:
            if "x-amz-content-sha256" not in lower:
                return Verdict("missing_content_sha",
                               "Missing required header for this request: x-amz-content-sha256")
            payload = lower["x-amz-content-sha256"][0]
            if not payload.startswith(("UNSIGNED-PAYLOAD", "STREAMING-")) and \
                    payload != hashlib.sha256(body).hexdigest():
                return Verdict("content_sha_mismatch", "The provided 'x-amz-content-sha256' header "
                               "does not match what was computed.",
                               client=payload, computed=hashlib.sha256(body).hexdigest())
        else:
            payload = hashlib.sha256(body).hexdigest()

        signer_cls = S3SigV4Auth if self.s3 else SigV4Auth
        signer = signer_cls(self.creds, self.signing_name, self.region)
        if self.s3:
            path = urllib.parse.quote(urllib.parse.unquote(raw_path), safe="/~") or "/"
        else:
            path = signer._normalize_url_path(raw_path) or "/"
        creq = "\n".join([method, path, signer._canonical_query_string_params(query),
                          signer.canonical_headers(header_map) + "\n",
                          fields["SignedHeaders"], payload])
        request = AWSRequest(method=method, url="http://localhost/")
        request.context["timestamp"] = amz_date
        sts = signer.string_to_sign(request, creq)
        expected = signer.signature(sts, request)
        if not hmac.compare_digest(expected, fields["Signature"]):
            return Verdict("bad_signature",
                           "The request signature we calculated does not match the signature you "
                           "provided. Check your AWS Secret Access Key and signing method. Consult "
                           "the service documentation for details.",
                           canonical_request=creq, string_to_sign=sts,
                           access_key=self.creds.access_key, signature=fields["Signature"])
        return Verdict()

    def _check_scope(self, credential, amz_date, token, now, presigned, expires):
        parts = credential.split("/")
        if len(parts) != 5 or parts[4] != "aws4_request":
            return Verdict("malformed", "Credential should be scoped to a valid region, not '%s'."
                           % (parts[2] if len(parts) > 2 else ""))
        akid, date, region, service, _ = parts
        if akid != self.creds.access_key:
            return Verdict("unknown_key", "The security token included in the request is invalid.",
                           access_key=akid)
        if self.creds.token is not None and token != self.creds.token:
            return Verdict("bad_token", "The security token included in the request is invalid.")
        try:
            signed_at = _epoch(amz_date)
        except ValueError:
            return Verdict("malformed", "X-Amz-Date is not a valid ISO 8601 basic timestamp")
        if date != amz_date[:8]:
            return Verdict("wrong_date", "Date in Credential scope does not match YYYYMMDD from "
                           "ISO-8601 version of date from HTTP: '%s' != '%s'" % (date, amz_date[:8]))
        if region != self.region:
            return Verdict("wrong_region", "Credential should be scoped to a valid region. ",
                           region=region, expected=self.region)
        if service != self.signing_name:
            return Verdict("wrong_service", "Credential should be scoped to correct service: '%s'."
                           % self.signing_name)
        if presigned:
            try:
                seconds = int(expires)
            except (TypeError, ValueError):
                seconds = -1
            if not 1 <= seconds <= MAX_PRESIGN_EXPIRES_S:
                return Verdict("bad_expires", "X-Amz-Expires must be less than a week (in seconds) "
                               "that is 604800")
            if now > signed_at + seconds:
                return Verdict("expired", "Request has expired", expires=seconds,
                               signed_at=signed_at)
            if signed_at - now > MAX_SKEW_S:
                return Verdict("skewed", "Request is not valid yet")
        elif abs(now - signed_at) > MAX_SKEW_S:
            return Verdict("skewed", "Signature expired: %s is now earlier than %s (%s - 15 min.)"
                           % (amz_date, time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now - MAX_SKEW_S)),
                              time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))))
        return None
