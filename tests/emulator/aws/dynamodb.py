"""DynamoDB front: the request is checked like every other front's (SigV4, the botocore model
of the operation), then moto's DynamoDB answers it, so conditional writes behave as the
service's do."""

import json

from . import model as wire
from .front import Front, Response
from .services import RekognitionFront


class DynamoDbFront(Front):
    name = "dynamodb"
    model_name = "dynamodb"
    signing_name = "dynamodb"
    validation_code = ("ValidationException", 400)

    # JSON protocols alike: the operation from X-Amz-Target against this front's model.
    parse = RekognitionFront.parse

    def identify(self, req):
        op = RekognitionFront.identify(self, req)
        ctype = (req.header("Content-Type") or "").split(";")[0].strip()
        if ctype != "application/x-amz-json-1.0":
            raise wire.WireError("SerializationException",
                                 "Content-Type must be application/x-amz-json-1.0", 400)
        return op

    def handle(self, req, op, params):
        resp = self.emu.moto.forward(req, "dynamodb")
        code = None
        if resp.status >= 300:
            try:
                code = json.loads(resp.body).get("__type", "").rpartition("#")[2] or None
            except ValueError:
                code = None
        headers = [(k, v) for k, v in resp.headers if k.lower() != "content-type"]
        headers.append(("Content-Type", "application/x-amz-json-1.0"))
        return Response(resp.status, resp.body, headers, code)
