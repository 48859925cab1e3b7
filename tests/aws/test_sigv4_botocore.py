"""Cross-check of the C SigV4 signer with botocore's, on a few thousand generated requests.

The C side is tests/tools/sigv4_sign (aws_wire_prepare / aws_wire_presign); the Python side is
botocore's SigV4Auth, S3SigV4Auth, SigV4QueryAuth and S3SigV4QueryAuth on an AWSRequest built
from the same raw request, with the clock frozen the way botocore's own tests do it (patching
botocore.auth.get_current_datetime). Every signature must match.

Where botocore does not simply follow the SigV4 rules, the generator stays on the common
ground, so both sides sign the same thing:
- botocore takes the canonical URI from the request URL, so it never encodes the raw path
  itself: the URL here carries the path encoded once (urllib's quote, '/' kept), which is the
  wire form. For S3 it uses that as is; for other services it normalises it (dot and empty
  segments) and encodes it again, which is the AWS rule, so paths with "." "..", "//" and
  reserved or non-ASCII characters are all fair.
- botocore reads the canonical query from the URL as written (split on '&' and '='), so the URL
  carries the query encoded by the RFC 3986 rules (quote with safe "-_.~") and botocore only
  sorts it. Its params-dict path would sort by the raw name, which is not the rule, so it is
  not used.
- SigV4QueryAuth re-parses the query into a dict: repeated names would collapse and would
  reorder, so presigned requests have distinct names. It also moves a body into the query and
  drops a Content-Type of "application/x-www-form-urlencoded; charset=utf-8": presigned requests
  carry no body and no extra headers (aws_wire_presign signs Host only anyway).
- botocore never signs User-Agent, Expect, X-Amzn-Trace-Id and a few hop-by-hop headers, and
  collapses every Unicode white space in values: generated headers avoid those names and use
  only ASCII printable characters, spaces and tabs.
- botocore signs an S3 body's SHA-256 unless Content-MD5 (or a checksum header) is present:
  generated requests never carry those, so both sides sign the body's hash.
"""

import datetime
import json
import os
import random
import subprocess
import unittest
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

SEED = 20150830
COUNT = 3000
SERVICES = ["s3", "sns", "rekognition", "kinesisvideo", "dynamodb"]
REGIONS = ["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
HOSTS = ["example.amazonaws.com", "s3.us-west-2.amazonaws.com", "127.0.0.1:9000",
         "localhost:4566", "kinesisvideo.eu-west-1.amazonaws.com", "example.com:443"]
METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE"]
PATH_PIECES = ["a", "photo.jpg", "a b", "ሴ", "é", "日本", "!", "*", "'", "(", ")", ";", ":",
               "@", "&", "=", "+", "$", ",", "?", "#", "[", "]", "%", "%20", "~", "-_.",
               ".", "..", "", "\x7f", "\u00a0", "😀", "key=value", "~user"]
QUERY_CHARS = "abcXYZ019-_.~ !*'();:@&=+$,/?#[]%\"<>\\^`{|}ሴé😀"
HEADER_NAMES = ["X-Amz-Meta-Camera", "x-amz-meta-camera", "Content-Type", "X-Amz-Target",
                "Range", "X-Custom", "x-custom", "My-Header1", "Accept", "If-None-Match",
                "X-Amz-Meta-Zone_2"]
VALUE_CHARS = "abcXYZ0129 \t!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def rand_text(rng, alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


def gen_request(rng, i):
    service = rng.choice(SERVICES)
    presign = rng.random() < 0.3
    req = {
        "service": service,
        "region": rng.choice(REGIONS),
        "host": rng.choice(HOSTS),
        "method": "GET" if presign else rng.choice(METHODS),
        "path": "/" + "/".join(rng.choice(PATH_PIECES) for _ in range(rng.randint(0, 5))),
        "time": rng.randint(946684800, 2145916800),
        "access_key_id": "AKID" + rand_text(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 12, 16),
        "secret_access_key": rand_text(
            rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 40, 40),
    }
    if rng.random() < 0.5:
        req["session_token"] = rand_text(
            rng, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=", 16, 400)
    query, names = [], set()
    for _ in range(rng.randint(0, 5)):
        name = rand_text(rng, QUERY_CHARS, 1, 8)
        if presign and (name in names or name.startswith("X-Amz-")):
            continue
        if not presign and names and rng.random() < 0.2:
            name = rng.choice(sorted(names))  # a repeated name
        names.add(name)
        query.append([name, rand_text(rng, QUERY_CHARS, 0, 10)])
    req["query"] = query
    if presign:
        req["presign"] = True
        req["expires"] = rng.randint(1, 604800)
        req["headers"], req["body_hex"] = [], ""
        return req
    headers = []
    # Now and then more headers than the signer keeps without an allocation (16 with its own).
    for _ in range(rng.randint(0, 5) if rng.random() < 0.9 else rng.randint(12, 20)):
        value = rand_text(rng, VALUE_CHARS, 0, 20)
        if rng.random() < 0.3:
            value = "  " + value + " \t "  # padding to trim
        headers.append([rng.choice(HEADER_NAMES), value])
    req["headers"] = headers
    kind = rng.random()
    if kind < 0.4:
        body = b""
    elif kind < 0.7:
        body = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))
    else:
        body = json.dumps({"n": i, "s": rand_text(rng, QUERY_CHARS, 0, 30)}).encode()
    req["body_hex"] = body.hex()
    return req


def url_of(req):
    path = quote(req["path"], safe="/")
    url = "https://" + req["host"] + path
    if req["query"]:
        url += "?" + "&".join(quote(n, safe="-_.~") + "=" + quote(v, safe="-_.~")
                              for n, v in req["query"])
    return url


def botocore_sign(req):
    """Returns (signature, Authorization or None, signed URL or None, headers)."""
    creds = Credentials(req["access_key_id"], req["secret_access_key"], req.get("session_token"))
    s3 = req["service"] == "s3"
    if req.get("presign"):
        cls = S3SigV4QueryAuth if s3 else SigV4QueryAuth
        signer = cls(creds, req["service"], req["region"], expires=req["expires"])
    else:
        cls = S3SigV4Auth if s3 else SigV4Auth
        signer = cls(creds, req["service"], req["region"])
    aws_req = AWSRequest(method=req["method"], url=url_of(req),
                         data=bytes.fromhex(req["body_hex"]))
    for name, value in req["headers"]:
        aws_req.headers[name] = value  # HTTPHeaders: assignment appends, so repeats stay
    now = datetime.datetime.fromtimestamp(req["time"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch("botocore.auth.get_current_datetime", return_value=now):
        signer.add_auth(aws_req)
    if req.get("presign"):
        sig = dict(parse_qsl(urlsplit(aws_req.url).query))["X-Amz-Signature"]
        return sig, None, aws_req.url, aws_req.headers
    auth = aws_req.headers["Authorization"]
    return auth.rsplit("Signature=", 1)[1], auth, None, aws_req.headers


def query_pairs(url):
    return sorted(parse_qsl(urlsplit(url).query, keep_blank_values=True))


class SigV4BotocoreCrossCheck(unittest.TestCase):
    def test_signatures_match_botocore(self):
        rng = random.Random(SEED)
        requests = [gen_request(rng, i) for i in range(COUNT)]
        tool = os.path.join(os.environ["LOOKOUT_BUILD_DIR"], "sigv4_sign")
        stdin = "".join(json.dumps(r) + "\n" for r in requests)
        proc = subprocess.run([tool], input=stdin.encode(), capture_output=True, check=True,
                              timeout=300)
        outputs = [json.loads(line) for line in proc.stdout.decode().splitlines()]
        self.assertEqual(len(outputs), len(requests))

        differences = []
        kinds = {"header": 0, "presign": 0, "s3": 0, "token": 0, "body": 0}
        for req, ours in zip(requests, outputs):
            self.assertNotIn("error", ours, msg=json.dumps(req))
            sig, auth, url, headers = botocore_sign(req)
            ok = ours["signature"] == sig
            if auth is not None:
                sent = {}
                for line in ours["headers"]:
                    name, _, value = line.partition(": ")
                    sent.setdefault(name.lower(), []).append(value)
                ok = ok and sent.get("authorization") == [auth]
                for name in ("X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256"):
                    if name in headers:
                        ok = ok and sent.get(name.lower()) == [headers[name]]
            else:
                ok = ok and query_pairs(ours["url"]) == query_pairs(url)
            if not ok:
                differences.append((req, ours, sig, auth or url))
            kinds["presign" if req.get("presign") else "header"] += 1
            kinds["s3"] += req["service"] == "s3"
            kinds["token"] += "session_token" in req
            kinds["body"] += bool(req["body_hex"])
        print(f"\ncompared {len(requests)} signatures with botocore: {kinds}, "
              f"{len(differences)} differences")
        for req, ours, sig, theirs in differences[:3]:
            print("request:", json.dumps(req, ensure_ascii=False))
            print("ours:   ", json.dumps(ours, ensure_ascii=False))
            print("botocore:", sig, theirs)
        self.assertEqual(differences, [])


if __name__ == "__main__":
    unittest.main()
