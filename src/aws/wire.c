/* From a struct aws_request to a signed URL and header list (aws.h): endpoint choice, S3
 * addressing, URI encoding per service, and SigV4 through sigv4.h. */
#include "lookout/aws.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/form.h"
#include "lookout/sigv4.h"

#define WIRE_MAX_BYTES ((size_t)1024 * 1024)
#define WIRE_MAX_HEADERS 64

/* An endpoint split into the parts the URL and the Host header need. */
struct endpoint {
    struct lk_buf origin; /* "https://host:port" as it goes in the URL */
    struct lk_buf host;   /* Host header: lower-case, port only when not the default */
    struct lk_buf prefix; /* path of the endpoint itself, "" or "/base" */
    int custom;           /* an override or base_url, not the public endpoint */
};

static void endpoint_init(struct endpoint *ep)
{
    buf_init(&ep->origin, 4096);
    buf_init(&ep->host, 4096);
    buf_init(&ep->prefix, 4096);
    ep->custom = 0;
}

static void endpoint_cleanup(struct endpoint *ep)
{
    buf_cleanup(&ep->origin);
    buf_cleanup(&ep->host);
    buf_cleanup(&ep->prefix);
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* "https://Host:443/base/" -> origin "https://Host:443", host "host", prefix "/base". */
static int endpoint_parse(struct endpoint *ep, const char *url)
{
    const char *rest;
    const char *default_port;
    if (strncmp(url, "https://", 8) == 0) {
        rest = url + 8;
        default_port = "443";
    } else if (strncmp(url, "http://", 7) == 0) {
        rest = url + 7;
        default_port = "80";
    } else {
        return LK_INVALID_ARG;
    }
    size_t auth_len = strcspn(rest, "/?#");
    if (auth_len == 0 || rest[auth_len] == '?' || rest[auth_len] == '#' ||
        memchr(rest, '@', auth_len))
        return LK_INVALID_ARG;
    int rc;
    LK_TRY(buf_append(&ep->origin, url, (size_t)(rest - url) + auth_len));
    /* Drop the port when it is the scheme's default (an IPv6 literal keeps its brackets). */
    const char *colon = NULL;
    for (size_t i = auth_len; i > 0; i--) {
        if (rest[i - 1] == ':') {
            colon = rest + i - 1;
            break;
        }
        if (rest[i - 1] == ']')
            break;
    }
    size_t host_len = auth_len;
    if (colon && strlen(default_port) == auth_len - (size_t)(colon - rest) - 1 &&
        strncmp(colon + 1, default_port, strlen(default_port)) == 0)
        host_len = (size_t)(colon - rest);
    size_t host_at = ep->host.len;
    LK_TRY(buf_append(&ep->host, rest, host_len));
    for (size_t i = host_at; i < ep->host.len; i++)
        ep->host.data[i] = lower(ep->host.data[i]);
    const char *path = rest + auth_len;
    size_t path_len = strlen(path);
    while (path_len > 0 && path[path_len - 1] == '/')
        path_len--;
    LK_TRY(buf_append(&ep->prefix, path, path_len));
cleanup:
    return rc;
}

/* DNS-compatible and without dots: usable as a virtual host under TLS wildcards. */
static int bucket_virtual_ok(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63 || b[0] == '-' || b[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

static const char *endpoint_prefix(enum aws_service svc)
{
    /* Endpoint prefixes equal the signing names for every service used here. */
    return aws_service_signing_name(svc);
}

static const char *dns_suffix(const char *region)
{
    return strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
}

/* Chooses the endpoint; *virtual_bucket is set when the bucket went into the host name. */
static int resolve_endpoint(const struct aws_config *cfg, enum aws_service svc,
                            const struct aws_request *req, struct endpoint *ep, int *virtual_bucket)
{
    const char *override = req->base_url ? req->base_url : cfg->endpoint_url[svc];
    *virtual_bucket = 0;
    if (override) {
        ep->custom = 1;
        return endpoint_parse(ep, override);
    }
    if (!cfg->region || !*cfg->region)
        return LK_CONFIG;
    struct lk_buf url;
    buf_init(&url, 4096);
    int rc;
    LK_TRY(buf_append_str(&url, "https://"));
    if (svc == AWS_SVC_S3 && req->bucket && bucket_virtual_ok(req->bucket)) {
        LK_TRY(buf_append_str(&url, req->bucket));
        LK_TRY(buf_append_byte(&url, '.'));
        *virtual_bucket = 1;
    }
    const char *const host[] = {endpoint_prefix(svc), ".", cfg->region, ".", dns_suffix(cfg->region)};
    for (size_t i = 0; i < sizeof host / sizeof host[0]; i++)
        LK_TRY(buf_append_str(&url, host[i]));
    LK_TRY(endpoint_parse(ep, buf_cstr(&url)));
cleanup:
    buf_cleanup(&url);
    return rc;
}

/* The path as it goes on the wire (endpoint prefix included). S3 keys are encoded per
 * byte with '/' kept and never normalised; other services' paths are encoded the same way
 * once here, and the signer encodes them a second time for the canonical URI. */
static int wire_path(enum aws_service svc, const struct aws_request *req, const struct endpoint *ep,
                     int virtual_bucket, struct lk_buf *out)
{
    const char *path = req->path ? req->path : "";
    int rc;
    LK_TRY(buf_append(out, ep->prefix.data, ep->prefix.len));
    if (svc == AWS_SVC_S3 && req->bucket && !virtual_bucket) {
        LK_TRY(buf_append_byte(out, '/'));
        LK_TRY(form_encode(out, req->bucket, strlen(req->bucket), 0));
    }
    if (*path && *path != '/')
        LK_TRY(buf_append_byte(out, '/'));
    LK_TRY(form_encode(out, path, strlen(path), 1));
    if (out->len == 0)
        LK_TRY(buf_append_byte(out, '/'));
cleanup:
    return rc;
}

static int append_query(const struct aws_request *req, struct lk_buf *url)
{
    int rc = LK_OK;
    for (size_t i = 0; i < req->query_count; i++) {
        const char *v = req->query[i].value ? req->query[i].value : "";
        LK_TRY(buf_append_byte(url, i ? '&' : '?'));
        LK_TRY(form_encode(url, req->query[i].name, strlen(req->query[i].name), 0));
        LK_TRY(buf_append_byte(url, '='));
        LK_TRY(form_encode(url, v, strlen(v), 0));
    }
cleanup:
    return rc;
}

static int is_token_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int name_is(const char *a, const char *b)
{
    while (*a && lower(*a) == lower(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

/* Header names must be tokens and values free of CR, LF and NUL (no header injection);
 * the headers this layer writes itself may not be passed in. */
static int check_request(const struct aws_request *req, struct lk_error *err)
{
    static const char *const reserved[] = {"host", "authorization", "x-amz-date",
                                           "x-amz-security-token", "x-amz-content-sha256"};
    if (!req->method || !*req->method || (req->query_count && !req->query) ||
        (req->header_count && !req->headers) || (req->body_len && !req->body))
        return err_set(err, LK_INVALID_ARG, "aws request: incomplete request");
    if (req->header_count > WIRE_MAX_HEADERS)
        return err_set(err, LK_INVALID_ARG, "aws request: too many headers");
    for (const char *m = req->method; *m; m++)
        if (*m < 'A' || *m > 'Z')
            return err_set(err, LK_INVALID_ARG, "aws request: invalid method");
    for (size_t i = 0; i < req->query_count; i++)
        if (!req->query[i].name)
            return err_set(err, LK_INVALID_ARG, "aws request: query parameter without name");
    for (size_t i = 0; i < req->header_count; i++) {
        const char *n = req->headers[i].name, *v = req->headers[i].value;
        if (!n || !*n || !v)
            return err_set(err, LK_INVALID_ARG, "aws request: header without name or value");
        for (const char *p = n; *p; p++)
            if (!is_token_char((unsigned char)*p))
                return err_set(err, LK_INVALID_ARG, "aws request: invalid header name");
        if (strpbrk(v, "\r\n"))
            return err_set(err, LK_INVALID_ARG, "aws request: header %s has a line break", n);
        for (size_t r = 0; r < sizeof reserved / sizeof reserved[0]; r++)
            if (name_is(n, reserved[r]))
                return err_set(err, LK_INVALID_ARG, "aws request: header %s is set by the signer",
                               n);
    }
    return LK_OK;
}

static void sign_options(const struct aws_config *cfg, enum aws_service svc, time_t now,
                         struct sig_key_cache *cache, struct sig_options *opt)
{
    int s3 = svc == AWS_SVC_S3;
    *opt = (struct sig_options){
        .creds = {cfg->access_key_id, cfg->secret_access_key, cfg->session_token},
        .region = cfg->region,
        .service = aws_service_signing_name(svc),
        .now = now,
        .normalize_path = !s3,
        .double_encode = !s3,
        .sign_body = s3,
        .cache = cache,
    };
}

/* Appends "name: value" and its NUL to lines; out->headers[i] holds the line's offset
 * until lines_done makes it a pointer (lines may move as it grows). */
static int push_header(struct aws_wire_request *out, struct lk_buf *lines, const char *name,
                       const char *value)
{
    size_t at = lines->len;
    int rc = buf_append_str(lines, name);
    if (rc == LK_OK)
        rc = buf_append(lines, ": ", 2);
    if (rc == LK_OK)
        rc = buf_append(lines, value, strlen(value) + 1);
    if (rc == LK_OK)
        out->headers[out->header_count++] = (char *)(uintptr_t)at;
    return rc;
}

/* The header lines' offsets made pointers into the block, which out now owns. */
static void lines_done(struct aws_wire_request *out, struct lk_buf *lines)
{
    out->lines = buf_detach(lines, NULL);
    for (size_t i = 0; i < out->header_count; i++)
        out->headers[i] = out->lines + (uintptr_t)out->headers[i];
}

/* Everything both entry points share: the endpoint, the path and the URL up to the query. */
struct prepared {
    struct endpoint ep;
    struct lk_buf path;
    struct lk_buf url;
    struct sig_param *params; /* req->query in the signer's type */
    size_t param_slots;
};

static void prepared_init(struct prepared *p)
{
    endpoint_init(&p->ep);
    buf_init(&p->path, WIRE_MAX_BYTES);
    buf_init(&p->url, WIRE_MAX_BYTES);
    p->params = NULL;
    p->param_slots = 0;
}

static void prepared_cleanup(struct prepared *p)
{
    endpoint_cleanup(&p->ep);
    buf_cleanup(&p->path);
    buf_cleanup(&p->url);
    free(p->params);
}

/* Emptied for the next request, its storage kept. */
static void prepared_reset(struct prepared *p)
{
    buf_reset(&p->ep.origin);
    buf_reset(&p->ep.host);
    buf_reset(&p->ep.prefix);
    p->ep.custom = 0;
    buf_reset(&p->path);
    buf_reset(&p->url);
}

struct aws_wire_state {
    struct sig_key_cache keys;
    struct prepared p;
    struct sig_result res;
};

struct aws_wire_state *aws_wire_state_new(void)
{
    struct aws_wire_state *st = calloc(1, sizeof *st);
    if (!st)
        return NULL;
    sig_key_cache_init(&st->keys);
    prepared_init(&st->p);
    sig_result_init(&st->res);
    return st;
}

void aws_wire_state_free(struct aws_wire_state *state)
{
    if (!state)
        return;
    sig_key_cache_cleanup(&state->keys);
    prepared_cleanup(&state->p);
    sig_result_cleanup(&state->res);
    free(state);
}

/* The client's state emptied for a request, or (state NULL) *local made for this one only;
 * wire_done ends it. */
static struct aws_wire_state *wire_begin(struct aws_wire_state *state,
                                         struct aws_wire_state *local)
{
    if (state) {
        prepared_reset(&state->p);
        return state;
    }
    memset(local, 0, sizeof *local);
    prepared_init(&local->p);
    sig_result_init(&local->res);
    return local;
}

static void wire_done(struct aws_wire_state *st, struct aws_wire_state *local)
{
    if (st == local) {
        prepared_cleanup(&local->p);
        sig_result_cleanup(&local->res);
    }
}

/* The key cache of a client's state; none for a one-off request. */
static struct sig_key_cache *keys_of(struct aws_wire_state *st, struct aws_wire_state *local)
{
    return st == local ? NULL : &st->keys;
}

static int prepare_common(const struct aws_config *cfg, enum aws_service svc,
                          const struct aws_request *req, struct prepared *p, struct lk_error *err)
{
    int rc, virtual_bucket = 0;
    if ((unsigned)svc >= AWS_SVC_COUNT || !cfg || !cfg->access_key_id || !cfg->secret_access_key ||
        !cfg->region)
        return err_set(err, LK_INVALID_ARG, "aws request: no configuration for the service");
    if ((rc = check_request(req, err)) != LK_OK)
        return rc;
    if (req->query_count + 1 > p->param_slots) {
        struct sig_param *grown = realloc(p->params, (req->query_count + 1) * sizeof *grown);
        if (!grown)
            return err_set(err, LK_NOMEM, "aws request: out of memory");
        p->params = grown;
        p->param_slots = req->query_count + 1;
    }
    for (size_t i = 0; i < req->query_count; i++)
        p->params[i] =
            (struct sig_param){req->query[i].name, req->query[i].value ? req->query[i].value : ""};
    rc = resolve_endpoint(cfg, svc, req, &p->ep, &virtual_bucket);
    if (rc == LK_INVALID_ARG)
        return err_set(err, rc, "aws request: endpoint for %s is not a usable URL",
                       aws_service_env_id(svc));
    if (rc == LK_OK)
        rc = wire_path(svc, req, &p->ep, virtual_bucket, &p->path);
    if (rc == LK_OK)
        rc = buf_append(&p->url, p->ep.origin.data, p->ep.origin.len);
    if (rc == LK_OK)
        rc = buf_append(&p->url, p->path.data, p->path.len);
    if (rc == LK_OK)
        rc = append_query(req, &p->url);
    if (rc != LK_OK)
        return err_set(err, rc, "aws request: cannot build the URL (%s)", err_default_message(rc));
    return LK_OK;
}

/* The signer's view: Host first, then the caller's headers. hdrs has header_count+1 slots. */
static void sig_view(const struct aws_request *req, const struct prepared *p,
                     struct sig_header *hdrs, struct sig_request *sreq)
{
    hdrs[0] = (struct sig_header){"Host", buf_cstr(&p->ep.host)};
    for (size_t i = 0; i < req->header_count; i++)
        hdrs[i + 1] = (struct sig_header){req->headers[i].name, req->headers[i].value};
    *sreq = (struct sig_request){
        .method = req->method,
        .path = buf_cstr(&p->path),
        .query = p->params,
        .query_count = req->query_count,
        .headers = hdrs,
        .header_count = req->header_count + 1,
        .body = req->body,
        .body_len = req->body_len,
    };
}

/* A presigned URL carries its own signature: it goes out as it is, with the caller's
 * headers only (an Authorization header as well would make S3 refuse it). */
static int prepare_presigned(const struct aws_request *req, struct aws_wire_request *out,
                             struct lk_error *err)
{
    struct lk_buf lines;
    int rc = check_request(req, err);
    if (rc != LK_OK)
        return rc;
    buf_init(&lines, WIRE_MAX_BYTES);
    out->headers = calloc(req->header_count + 1, sizeof *out->headers);
    out->url = strdup(req->presigned_url);
    if (!out->headers || !out->url)
        rc = LK_NOMEM;
    for (size_t i = 0; i < req->header_count && rc == LK_OK; i++)
        rc = push_header(out, &lines, req->headers[i].name, req->headers[i].value);
    if (rc != LK_OK) {
        buf_cleanup(&lines);
        out->header_count = 0;
        aws_wire_cleanup(out);
        return err_set(err, rc, "aws request: cannot build the headers");
    }
    lines_done(out, &lines);
    return LK_OK;
}

int aws_wire_prepare(const struct aws_config *cfg, enum aws_service svc,
                     const struct aws_request *req, time_t now, struct aws_wire_state *state,
                     struct aws_wire_request *out, struct lk_error *err)
{
    if (req->presigned_url) {
        memset(out, 0, sizeof *out);
        return prepare_presigned(req, out, err);
    }
    struct aws_wire_state local, *st = wire_begin(state, &local);
    struct prepared *p = &st->p;
    struct sig_result *res = &st->res;
    struct lk_buf lines;
    struct sig_header hdrs[WIRE_MAX_HEADERS + 1];
    struct sig_request sreq;
    struct sig_options opt;
    memset(out, 0, sizeof *out);
    buf_init(&lines, WIRE_MAX_BYTES);
    int rc = prepare_common(cfg, svc, req, p, err);
    if (rc != LK_OK)
        goto cleanup;
    sig_view(req, p, hdrs, &sreq);
    sign_options(cfg, svc, now, keys_of(st, &local), &opt);
    LK_TRY(sig_sign_headers(&sreq, &opt, res, err));
    out->headers = calloc(req->header_count + 1 + res->added_count, sizeof *out->headers);
    if (!out->headers) {
        rc = err_set(err, LK_NOMEM, "aws request: out of memory");
        goto cleanup;
    }
    for (size_t i = 0; i < sreq.header_count && rc == LK_OK; i++)
        rc = push_header(out, &lines, hdrs[i].name, hdrs[i].value);
    for (size_t i = 0; i < res->added_count && rc == LK_OK; i++)
        rc = push_header(out, &lines, res->added[i].name, res->added[i].value);
    if (rc != LK_OK) {
        out->header_count = 0; /* offsets, not pointers yet */
        err_set(err, rc, "aws request: cannot build the headers");
        goto cleanup;
    }
    lines_done(out, &lines);
    out->url = buf_detach(&p->url, NULL);
    if (!out->url)
        rc = err_set(err, LK_NOMEM, "aws request: out of memory");
cleanup:
    buf_cleanup(&lines);
    wire_done(st, &local);
    if (rc != LK_OK)
        aws_wire_cleanup(out);
    return rc;
}

void aws_wire_cleanup(struct aws_wire_request *wire)
{
    free(wire->url);
    free(wire->headers); /* the lines point into wire->lines */
    free(wire->lines);
    memset(wire, 0, sizeof *wire);
}

int aws_wire_presign(const struct aws_config *cfg, enum aws_service svc,
                     const struct aws_request *req, long expires_s, time_t now,
                     struct aws_wire_state *state, char **url_out, struct lk_error *err)
{
    struct aws_wire_state local, *st = wire_begin(state, &local);
    struct prepared *p = &st->p;
    struct sig_header host;
    struct sig_request sreq;
    struct sig_options opt;
    *url_out = NULL;
    /* Whoever uses the URL sends only Host, so only Host is signed; no body is signed. */
    struct aws_request bare = *req;
    bare.headers = NULL;
    bare.header_count = 0;
    bare.body = NULL;
    bare.body_len = 0;
    int rc = prepare_common(cfg, svc, &bare, p, err);
    if (rc != LK_OK)
        goto cleanup;
    sig_view(&bare, p, &host, &sreq);
    sign_options(cfg, svc, now, keys_of(st, &local), &opt);
    opt.sign_body = 0;
    opt.expires_s = expires_s;
    if (svc == AWS_SVC_S3)
        opt.payload_hash = SIG_UNSIGNED_PAYLOAD;
    LK_TRY(sig_presign(&sreq, &opt, &st->res, err));
    rc = buf_append_byte(&p->url, req->query_count ? '&' : '?');
    if (rc == LK_OK)
        rc = buf_append(&p->url, st->res.query.data, st->res.query.len);
    if (rc != LK_OK) {
        err_set(err, rc, "aws presign: cannot build the URL");
        goto cleanup;
    }
    *url_out = buf_detach(&p->url, NULL);
cleanup:
    wire_done(st, &local);
    return rc;
}
