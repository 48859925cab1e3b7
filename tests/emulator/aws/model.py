"""The official botocore service models: operation routing, wire parsing and validation.

botocore's own ParamValidator checks required members and types on the client side only;
it does not check lengths, ranges, enums or patterns. The checker here walks the model's
shapes itself and reports every violation the way AWS's front ends word them
("Value '...' at 'maxLabels' failed to satisfy constraint: ...").
"""

import base64
import binascii
import json
import re
import threading
import urllib.parse
import xml.etree.ElementTree as ET

import botocore.session

_SESSION_LOCK = threading.Lock()
_SESSION = None
_MODELS = {}


def service_model(name):
    """The botocore ServiceModel of name (cached; loading the S3 model takes ~0.2 s)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is None:
            _SESSION = botocore.session.get_session()
        if name not in _MODELS:
            _MODELS[name] = _SESSION.get_service_model(name)
        return _MODELS[name]


class WireError(Exception):
    """A request that cannot be read at all (bad JSON, bad base64, unknown operation)."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# ---------------------------------------------------------------- validation

def _lower_camel(name):
    return name[:1].lower() + name[1:]


def _describe(value):
    if isinstance(value, (bytes, bytearray)):
        return "java.nio.HeapByteBuffer[pos=0 lim=%d cap=%d]" % (len(value), len(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value)[:80]
    return str(value)


_PATTERN_CACHE = {}


def _compiled(pattern):
    if pattern not in _PATTERN_CACHE:
        try:
            _PATTERN_CACHE[pattern] = re.compile(pattern)
        except re.error:
            # Java-only syntax (\p{...} and the like): the check is skipped, see docs/emulators.md.
            _PATTERN_CACHE[pattern] = None
    return _PATTERN_CACHE[pattern]


class Checker:
    """Walks a value against a botocore shape and collects constraint violations.

    Values are in their parsed form: blobs as bytes, timestamps as numbers or strings,
    numbers as int/float, booleans as bool.
    """

    def __init__(self):
        self.errors = []

    def check(self, shape, value, path):
        meta = shape.metadata
        kind = shape.type_name
        checker = getattr(self, "_check_" + kind, None)
        if checker is not None and checker(shape, value, path) is False:
            return
        if kind in ("string", "blob", "list", "map"):
            self._length(meta, value, path)
        elif kind in ("integer", "long", "float", "double"):
            self._range(meta, value, path)
        if kind == "string" and isinstance(value, str):
            if shape.enum and value not in shape.enum:
                self._fail(value, path, "Member must satisfy enum value set: [%s]"
                           % ", ".join(shape.enum))
            pattern = meta.get("pattern")
            regex = _compiled(pattern) if pattern else None
            if regex is not None and not regex.fullmatch(value):
                self._fail(value, path,
                           "Member must satisfy regular expression pattern: %s" % pattern)

    def _fail(self, value, path, rule):
        if value is None:
            self.errors.append("Value null at '%s' failed to satisfy constraint: %s" % (path, rule))
        else:
            self.errors.append("Value '%s' at '%s' failed to satisfy constraint: %s"
                               % (_describe(value), path, rule))

    def _type(self, ok, value, path, expected):
        if not ok:
            self.errors.append("Value '%s' at '%s' is not a valid %s"
                               % (_describe(value), path, expected))
        return ok

    def _length(self, meta, value, path):
        if not hasattr(value, "__len__"):
            return
        if "min" in meta and len(value) < meta["min"]:
            self._fail(value, path, "Member must have length greater than or equal to %s"
                       % meta["min"])
        if "max" in meta and len(value) > meta["max"]:
            self._fail(value, path, "Member must have length less than or equal to %s"
                       % meta["max"])

    def _range(self, meta, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if "min" in meta and value < meta["min"]:
            self._fail(value, path, "Member must have value greater than or equal to %s"
                       % meta["min"])
        if "max" in meta and value > meta["max"]:
            self._fail(value, path, "Member must have value less than or equal to %s"
                       % meta["max"])

    def _check_structure(self, shape, value, path):
        if not self._type(isinstance(value, dict), value, path, "structure"):
            return False
        prefix = path + "." if path else ""
        for name in shape.required_members:
            if value.get(name) is None:
                self._fail(None, prefix + _lower_camel(name), "Member must not be null")
        for name, member in shape.members.items():
            if value.get(name) is not None:
                self.check(member, value[name], prefix + _lower_camel(name))
        return None

    def _check_list(self, shape, value, path):
        if not self._type(isinstance(value, list), value, path, "list"):
            return False
        for i, item in enumerate(value):
            self.check(shape.member, item, "%s.%d.member" % (path, i + 1))
        return None

    def _check_map(self, shape, value, path):
        if not self._type(isinstance(value, dict), value, path, "map"):
            return False
        for key, item in value.items():
            self.check(shape.key, key, "%s.%s.key" % (path, key))
            self.check(shape.value, item, "%s.%s.value" % (path, key))
        return None

    def _check_string(self, shape, value, path):
        return self._type(isinstance(value, str), value, path, "string") or False

    def _check_blob(self, shape, value, path):
        return self._type(isinstance(value, (bytes, bytearray)), value, path, "blob") or False

    def _check_boolean(self, shape, value, path):
        return self._type(isinstance(value, bool), value, path, "boolean") or False

    def _integral(self, shape, value, path):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return self._type(ok, value, path, shape.type_name) or False

    _check_integer = _integral
    _check_long = _integral

    def _real(self, shape, value, path):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        return self._type(ok, value, path, shape.type_name) or False

    _check_float = _real
    _check_double = _real

    def _check_timestamp(self, shape, value, path):
        ok = isinstance(value, (int, float, str)) and not isinstance(value, bool)
        return self._type(ok, value, path, "timestamp") or False


def validate(shape, params):
    """Every constraint violation of params against shape, in AWS's wording (empty = valid)."""
    if shape is None:
        return []
    checker = Checker()
    checker.check(shape, params, "")
    return checker.errors


def summary(errors):
    if len(errors) == 1:
        return "1 validation error detected: " + errors[0]
    return "%d validation errors detected: %s" % (len(errors), "; ".join(errors))


# ---------------------------------------------------------------- JSON protocols

def _decode_json_value(shape, value, path):
    """Turns wire JSON into parsed values: base64 blobs become bytes."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict):
        return {k: (_decode_json_value(shape.members[k], v, path + "." + k)
                    if k in shape.members else v) for k, v in value.items()}
    if kind == "list" and isinstance(value, list):
        return [_decode_json_value(shape.member, v, path) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _decode_json_value(shape.value, v, path) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise WireError("SerializationException",
                            "Could not decode the base64 value at '%s'" % path.lstrip("."))
    return value


def parse_json_body(shape, body):
    if not body.strip():
        data = {}
    else:
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise WireError("SerializationException", "Start of structure or map found where not expected.")
    if not isinstance(data, dict):
        raise WireError("SerializationException", "Start of structure or map found where not expected.")
    if shape is None:
        return data
    return _decode_json_value(shape, data, "")


def encode_json_value(value):
    """Parsed values back to wire JSON (bytes -> base64)."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: encode_json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [encode_json_value(v) for v in value]
    return value


# ---------------------------------------------------------------- query protocol

def _query_scalar(shape, text, path):
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text  # reported by the checker as a type error
    if kind == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if kind == "blob":
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise WireError("InvalidParameterValue", "Invalid base64 at '%s'" % path)
    return text


def _query_value(shape, form, prefix):
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            key = member.serialization.get("name", name)
            value = _query_value(member, form, prefix + key if not prefix else prefix + "." + key)
            if value is not None:
                out[name] = value
        return out if (out or not prefix) else None
    if kind == "list":
        flat = shape.serialization.get("flattened")
        item = prefix if flat else prefix + "." + shape.member.serialization.get("name", "member")
        out = []
        while item + ".%d" % (len(out) + 1) in form or any(
                k.startswith(item + ".%d." % (len(out) + 1)) for k in form):
            out.append(_query_value(shape.member, form, item + ".%d" % (len(out) + 1)))
        if not out and prefix in form:
            return []  # "Name=" is how the query protocol sends an empty list
        return out if out else None
    if kind == "map":
        flat = shape.serialization.get("flattened")
        entry = prefix if flat else prefix + ".entry"
        kname = shape.key.serialization.get("name", "key")
        vname = shape.value.serialization.get("name", "value")
        out = {}
        n = 1
        while entry + ".%d.%s" % (n, kname) in form:
            key = form[entry + ".%d.%s" % (n, kname)]
            out[key] = _query_value(shape.value, form, entry + ".%d.%s" % (n, vname))
            n += 1
        return out if out else None
    if prefix in form:
        return _query_scalar(shape, form[prefix], prefix)
    return None


def parse_query_form(model, body):
    """(operation name, params) of an AWS Query request body."""
    try:
        pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                                       strict_parsing=False)
    except UnicodeDecodeError:
        raise WireError("MalformedQueryString", "The query string is not UTF-8")
    form = dict(pairs)
    action = form.get("Action")
    if not action or action not in model.operation_names:
        raise WireError("InvalidAction", "The action %s is not valid for this web service." % action)
    op = model.operation_model(action)
    if op.input_shape is None:
        return action, {}
    return action, _query_value(op.input_shape, form, "") or {}


# ---------------------------------------------------------------- REST protocols

class RestRouter:
    """Maps method + path + query to an operation from the model's http.requestUri templates."""

    def __init__(self, model):
        self.model = model
        self.routes = []
        for name in model.operation_names:
            http = model.operation_model(name).http
            uri = http["requestUri"]
            path, _, query = uri.partition("?")
            literal_query = {}
            for part in filter(None, query.split("&")):
                key, _, value = part.partition("=")
                if key != "x-id":
                    literal_query[key] = value
            regex, labels = self._path_regex(path)
            literal_len = len(re.sub(r"\{[^}]*\}", "", path))
            shape = model.operation_model(name).input_shape
            needed = []
            if shape is not None:
                needed = [shape.members[m].serialization.get("name", m).lower()
                          for m in shape.required_members
                          if shape.members[m].serialization.get("location") == "header"]
            self.routes.append((http["method"], regex, labels, literal_query, literal_len, needed,
                                name))

    @staticmethod
    def _path_regex(path):
        labels = []
        out = ""
        for piece in re.split(r"(\{[^}]+\})", path):
            if piece.startswith("{"):
                name = piece[1:-1]
                greedy = name.endswith("+")
                name = name.rstrip("+")
                labels.append(name)
                out += "(?P<%s>%s)" % (name, ".+" if greedy else "[^/]+")
            else:
                out += re.escape(piece)
        if path.endswith("/") and path != "/":
            out += "?"
        return re.compile(out + "$"), labels

    def route(self, method, raw_path, query_pairs, header_names=()):
        """(operation, {label: decoded value}); header_names: lower-case names present, which
        tell apart operations sharing a URI (PutObject / CopyObject)."""
        keys = dict(query_pairs)
        present = set(header_names)
        best = None
        for m, regex, labels, literal, literal_len, needed, name in self.routes:
            if m != method:
                continue
            match = regex.match(raw_path)
            if not match:
                continue
            if any(k not in keys or (v and keys[k] != v) for k, v in literal.items()):
                continue
            if any(h not in present for h in needed):
                continue
            rank = (len(literal), len(needed), literal_len, -len(labels))
            if best is None or rank > best[0]:
                best = (rank, name, {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()})
        if best is None:
            return None, {}
        return best[1], best[2]


def _rest_scalar(shape, text):
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
    except ValueError:
        return text
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind == "timestamp":
        return text
    return text


def _xml_to_value(shape, elem):
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            tag = member.serialization.get("name", name)
            found = [c for c in elem if c.tag.split("}")[-1] == tag]
            if not found:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                out[name] = [_xml_to_value(member.member, c) for c in found]
            else:
                out[name] = _xml_to_value(member, found[0])
        return out
    if kind == "list":
        return [_xml_to_value(shape.member, c) for c in elem]
    if kind == "map":
        return {}
    return _rest_scalar(shape, elem.text or "")


def parse_rest(model, op_name, labels, query_pairs, headers, body):
    """Parameters of a rest-json / rest-xml request, per the members' locations.
    headers: dict with lower-case names."""
    op = model.operation_model(op_name)
    shape = op.input_shape
    if shape is None:
        return {}
    params = {}
    query = {}
    for k, v in query_pairs:
        query.setdefault(k, []).append(v)
    body_members = {}
    for name, member in shape.members.items():
        loc = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if loc == "uri":
            if wire in labels:
                params[name] = _rest_scalar(member, labels[wire])
        elif loc == "querystring":
            if member.type_name == "list" and wire in query:
                params[name] = [_rest_scalar(member.member, v) for v in query[wire]]
            elif member.type_name == "map":
                pass
            elif wire in query:
                params[name] = _rest_scalar(member, query[wire][0])
        elif loc == "header":
            if wire.lower() in headers:
                params[name] = _rest_scalar(member, headers[wire.lower()])
        elif loc == "headers":
            prefix = wire.lower()
            found = {k[len(prefix):].lower(): v for k, v in headers.items()
                     if k.lower().startswith(prefix)}
            if found:
                params[name] = found
        elif loc == "statusCode":
            pass
        else:
            body_members[name] = member
    payload = shape.serialization.get("payload")
    if payload:
        member = shape.members[payload]
        if member.type_name in ("blob", "string"):
            params[payload] = body if member.type_name == "blob" else body.decode("utf-8", "replace")
        elif body.strip():
            try:
                root = ET.fromstring(body)
            except ET.ParseError:
                raise WireError("MalformedXML", "The XML you provided was not well-formed or did "
                                "not validate against our published schema")
            params[payload] = _xml_to_value(member, root)
    elif body_members and model.protocol == "rest-json":
        data = parse_json_body(shape, body)
        for name in body_members:
            wire = body_members[name].serialization.get("name", name)
            if wire in data:
                params[name] = data[wire]
    return params
