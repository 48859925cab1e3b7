/* AWS error replies (JSON, Query XML, S3 XML) to plain values, statuses and retry kinds
 * (aws_errors.h). Pure functions over outside bytes. */
#include "lookout/aws_errors.h"

#include <stdio.h>
#include <string.h>

#include "lookout/error.h"
#include "lookout/json.h"

#define XML_MAX_DEPTH 16

/* A bounded text field being filled: control bytes become spaces, the end is cut at a
 * character boundary. */
struct field {
    char *dst;
    size_t cap;
    size_t len;
};

static struct field field_of(char *dst, size_t cap)
{
    dst[0] = '\0';
    return (struct field){dst, cap, 0};
}

static void field_put(struct field *f, const char *s, size_t n)
{
    for (size_t i = 0; i < n && f->len + 1 < f->cap; i++) {
        unsigned char c = (unsigned char)s[i];
        f->dst[f->len++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    f->dst[f->len] = '\0';
}

/* Drops surrounding spaces and a UTF-8 sequence cut short by the cap. */
static void field_finish(struct field *f)
{
    size_t start = 0;
    while (start < f->len && f->dst[start] == ' ')
        start++;
    memmove(f->dst, f->dst + start, f->len - start);
    f->len -= start;
    while (f->len > 0 && f->dst[f->len - 1] == ' ')
        f->len--;
    size_t lead = f->len;
    while (lead > 0 && ((unsigned char)f->dst[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead > 0 && ((unsigned char)f->dst[lead - 1] & 0x80)) {
        unsigned char c = (unsigned char)f->dst[lead - 1];
        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (f->len - (lead - 1) < want)
            f->len = lead - 1;
    }
    f->dst[f->len] = '\0';
}

static void set_field(char *dst, size_t cap, const char *s, size_t n)
{
    struct field f = field_of(dst, cap);
    field_put(&f, s, n);
    field_finish(&f);
}

/* "aws.protocol#Code:http://internal" -> "Code" (botocore's rules for every protocol). */
static void normalise_code(char *code)
{
    char *hash = strrchr(code, '#');
    if (hash)
        memmove(code, hash + 1, strlen(hash + 1) + 1);
    char *colon = strchr(code, ':');
    if (colon)
        *colon = '\0';
    size_t n = strlen(code);
    while (n > 0 && code[n - 1] == ' ')
        code[--n] = '\0';
}

/* ---- JSON ---- */

static void parse_json(const char *body, size_t len, struct aws_error_info *out)
{
    cJSON *root = json_parse(body, len);
    if (!root)
        return;
    if (cJSON_IsObject(root)) {
        const char *type = json_get_string(root, "__type");
        if (!type)
            type = json_get_string(root, "code");
        if (!type)
            type = json_get_string(root, "Code");
        const char *msg = json_get_string(root, "message");
        if (!msg)
            msg = json_get_string(root, "Message");
        if (type)
            set_field(out->code, sizeof out->code, type, strlen(type));
        if (msg)
            set_field(out->message, sizeof out->message, msg, strlen(msg));
    }
    cJSON_Delete(root);
}

/* ---- XML: a tolerant scanner that only looks for Code, Message and RequestId ---- */

struct xml {
    const char *p;
    const char *end;
    struct lk_view stack[XML_MAX_DEPTH];
    int depth;              /* may exceed XML_MAX_DEPTH; deeper names are not kept */
    struct field *capture;  /* the field the current element's text goes to, or NULL */
    int seen_root;
    int root_ok;            /* the root is Error, ErrorResponse or Response */
    struct field code, message, request_id;
};

static const char *find(const char *p, const char *end, const char *needle)
{
    size_t n = strlen(needle);
    for (; (size_t)(end - p) >= n; p++)
        if (memcmp(p, needle, n) == 0)
            return p;
    return NULL;
}

static int is_name_char(char c)
{
    return c != '\0' && !strchr(" \t\r\n/>=\"'<", c);
}

/* The local name (prefix dropped) of the element at depth d, or an empty view. */
static struct lk_view xml_name(const struct xml *x, int d)
{
    if (d < 0 || d >= x->depth || d >= XML_MAX_DEPTH)
        return (struct lk_view){"", 0};
    return x->stack[d];
}

static void xml_put_utf8(struct field *f, unsigned long cp)
{
    char u[4];
    size_t n;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    field_put(f, u, n);
}

/* Decodes one entity at p ('&'); returns the bytes consumed (1 when it is not one). */
static size_t xml_entity(struct field *f, const char *p, const char *end)
{
    static const struct {
        const char *name;
        char c;
    } named[] = {{"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        size_t n = strlen(named[i].name);
        if ((size_t)(end - p) >= n && memcmp(p, named[i].name, n) == 0) {
            field_put(f, &named[i].c, 1);
            return n;
        }
    }
    if (end - p >= 4 && p[1] == '#') {
        int hex = p[2] == 'x' || p[2] == 'X';
        const char *q = p + (hex ? 3 : 2);
        unsigned long cp = 0;
        size_t digits = 0;
        for (; q < end && digits < 8; q++, digits++) {
            char c = *q;
            int v = (c >= '0' && c <= '9')         ? c - '0'
                    : hex && (c >= 'a' && c <= 'f') ? c - 'a' + 10
                    : hex && (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                    : -1;
            if (v < 0)
                break;
            cp = cp * (hex ? 16 : 10) + (unsigned long)v;
        }
        if (digits > 0 && q < end && *q == ';') {
            xml_put_utf8(f, cp);
            return (size_t)(q + 1 - p);
        }
    }
    field_put(f, p, 1);
    return 1;
}

static void xml_text(struct xml *x, const char *s, const char *e)
{
    if (!x->capture)
        return;
    while (s < e) {
        const char *amp = memchr(s, '&', (size_t)(e - s));
        const char *stop = amp ? amp : e;
        field_put(x->capture, s, (size_t)(stop - s));
        s = stop;
        if (amp)
            s += xml_entity(x->capture, amp, e);
    }
}

/* Which field, if any, the element just opened at depth x->depth-1 feeds. */
static struct field *xml_target(struct xml *x)
{
    int d = x->depth - 1;
    struct lk_view name = xml_name(x, d);
    struct lk_view parent = xml_name(x, d - 1);
    struct field *f = NULL;
    int in_error = view_eq_cstr(parent, "Error");
    if (in_error && view_eq_cstr(name, "Code"))
        f = &x->code;
    else if (in_error && view_eq_cstr(name, "Message"))
        f = &x->message;
    else if ((in_error || d == 1) &&
             (view_eq_cstr(name, "RequestId") || view_eq_cstr(name, "RequestID")))
        f = &x->request_id;
    /* The first occurrence wins. */
    return (f && f->len == 0) ? f : NULL;
}

static void xml_open(struct xml *x, const char *name, size_t len, int self_closing)
{
    const char *colon = memchr(name, ':', len);
    if (colon) {
        len -= (size_t)(colon + 1 - name);
        name = colon + 1;
    }
    if (x->depth == 0 && !x->seen_root) {
        struct lk_view v = {name, len};
        x->seen_root = 1;
        x->root_ok = view_eq_cstr(v, "Error") || view_eq_cstr(v, "ErrorResponse") ||
                     view_eq_cstr(v, "Response");
    }
    if (x->depth < XML_MAX_DEPTH)
        x->stack[x->depth] = (struct lk_view){name, len};
    x->depth++;
    x->capture = x->root_ok ? xml_target(x) : NULL;
    if (self_closing) {
        x->depth--;
        x->capture = NULL;
    }
}

/* Handles the markup at x->p ('<'); returns 0 when the document ends inside it. */
static int xml_markup(struct xml *x)
{
    const char *p = x->p, *end = x->end, *close;
    if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
        if (!(close = find(p + 9, end, "]]>")))
            return 0;
        xml_text(x, p + 9, close);  /* entities are not decoded in CDATA; close enough */
        x->p = close + 3;
        return 1;
    }
    const char *terminator = (end - p >= 4 && memcmp(p, "<!--", 4) == 0) ? "-->"
                             : (end - p >= 2 && p[1] == '?')             ? "?>"
                                                                         : ">";
    if (!(close = find(p + 1, end, terminator)))
        return 0;
    x->p = close + strlen(terminator);
    if (p[1] == '!' || p[1] == '?')
        return 1;
    if (p[1] == '/') {
        if (x->depth > 0)
            x->depth--;
        x->capture = NULL;
        return 1;
    }
    const char *n = p + 1;
    while (n < close && is_name_char(*n))
        n++;
    if (n > p + 1)
        xml_open(x, p + 1, (size_t)(n - p - 1), close[-1] == '/');
    return 1;
}

static void parse_xml(const char *body, size_t len, struct aws_error_info *out)
{
    struct xml x;
    memset(&x, 0, sizeof x);
    x.p = body;
    x.end = body + len;
    x.code = field_of(out->code, sizeof out->code);
    x.message = field_of(out->message, sizeof out->message);
    x.request_id = field_of(out->request_id, sizeof out->request_id);
    while (x.p < x.end) {
        const char *lt = memchr(x.p, '<', (size_t)(x.end - x.p));
        xml_text(&x, x.p, lt ? lt : x.end);
        if (!lt)
            break;
        x.p = lt;
        if (!xml_markup(&x) || (x.seen_root && !x.root_ok))
            break;
    }
    field_finish(&x.code);
    field_finish(&x.message);
    field_finish(&x.request_id);
    if (!x.root_ok)
        memset(out, 0, sizeof *out);
}

/* ---- from the HTTP status alone ---- */

static const char *status_code_name(long status)
{
    switch (status) {
    case 301: return "MovedPermanently";
    case 307: return "TemporaryRedirect";
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 412: return "PreconditionFailed";
    case 413: return "RequestEntityTooLarge";
    case 416: return "InvalidRange";
    case 429: return "TooManyRequests";
    case 500: return "InternalServerError";
    case 501: return "NotImplemented";
    case 502: return "BadGateway";
    case 503: return "ServiceUnavailable";
    case 504: return "GatewayTimeout";
    default: return NULL;
    }
}

static const char *skip_space(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

void aws_error_parse(long http_status, const char *error_type, const char *body, size_t body_len,
                     struct aws_error_info *out)
{
    memset(out, 0, sizeof *out);
    const char *end = body ? body + body_len : NULL;
    const char *start = body ? skip_space(body, end) : NULL;
    if (start && start < end && *start == '{')
        parse_json(start, (size_t)(end - start), out);
    else if (start && start < end && *start == '<')
        parse_xml(start, (size_t)(end - start), out);
    if (error_type && *error_type)
        set_field(out->code, sizeof out->code, error_type, strlen(error_type));
    normalise_code(out->code);
    if (!out->code[0]) {
        const char *name = status_code_name(http_status);
        if (name)
            snprintf(out->code, sizeof out->code, "%s", name);
        else
            snprintf(out->code, sizeof out->code, "Http%ld", http_status);
    }
}

/* ---- classification ---- */

static int in_list(const char *code, const char *const *list, size_t n)
{
    for (size_t i = 0; code && i < n; i++)
        if (strcmp(code, list[i]) == 0)
            return 1;
    return 0;
}

#define IN(code, list) in_list((code), (list), sizeof(list) / sizeof((list)[0]))

static const char *const THROTTLING_CODES[] = {
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException",
    "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
    "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
    /* Not in the SDKs' list, but throttles all the same (KVS GetImages, SNS Publish errors). */
    "ClientLimitExceededException", "KMSThrottling", "Throttled"};

static const char *const TRANSIENT_CODES[] = {"RequestTimeout", "RequestTimeoutException",
                                              "PriorRequestNotComplete"};

static const char *const AUTH_CODES[] = {
    "SignatureDoesNotMatch", "InvalidSignatureException", "UnrecognizedClientException",
    "ExpiredToken", "ExpiredTokenException", "InvalidToken", "InvalidClientTokenId",
    "RequestTimeTooSkewed"};

static const char *const DENIED_CODES[] = {"AuthorizationError", "NotAuthorizedException"};

static const char *const NOT_FOUND_CODES[] = {"NoSuchKey", "NoSuchBucket", "NotFound",
                                              "ResourceNotFoundException"};

int aws_error_is_throttling(const char *code)
{
    return IN(code, THROTTLING_CODES);
}

enum aws_retry_kind aws_error_retry_kind(long http_status, const char *code)
{
    if (aws_error_is_throttling(code) || http_status == 429)
        return AWS_RETRY_THROTTLING;
    if (IN(code, TRANSIENT_CODES) || http_status == 500 || http_status == 502 ||
        http_status == 503 || http_status == 504)
        return AWS_RETRY_TRANSIENT;
    return AWS_RETRY_NONE;
}

static int is_access_denied(const char *code)
{
    size_t n = strlen(code), suffix = strlen("AccessDenied");
    return strncmp(code, "AccessDenied", suffix) == 0 ||
           (n >= suffix && strcmp(code + n - suffix, "AccessDenied") == 0) ||
           IN(code, DENIED_CODES);
}

int aws_error_status(long http_status, const char *code)
{
    if (!code)
        code = "";
    if (aws_error_is_throttling(code) || http_status == 429)
        return LK_AWS_THROTTLED;
    if (IN(code, AUTH_CODES))
        return LK_AWS_AUTH;
    if (is_access_denied(code) || http_status == 403)
        return LK_AWS_ACCESS_DENIED;
    if (http_status == 401)
        return LK_AWS_AUTH;
    if (IN(code, NOT_FOUND_CODES) || http_status == 404)
        return LK_AWS_NOT_FOUND;
    if (IN(code, TRANSIENT_CODES) || (http_status >= 500 && http_status <= 599))
        return LK_AWS_SERVER;
    if (http_status >= 300 && http_status <= 499)
        return LK_AWS_INVALID_REQUEST;
    return LK_AWS_BAD_RESPONSE;
}
