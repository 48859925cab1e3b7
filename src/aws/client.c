/* One signed, retried HTTP exchange with an AWS service on a reused curl handle (aws.h).
 *
 * Choices worth knowing (see also aws_retry.h):
 *   - every attempt is bounded by its share of the time to the deadline minus
 *     CLIENT_MARGIN_MS (250 ms), left to the caller to report the failure to Lambda before
 *     it is killed (aws.h says how the share is cut); an attempt or a backoff
 *     sleep that could not finish CLIENT_MIN_ATTEMPT_MS before that is not started;
 *   - proxies: curl's usual environment (HTTPS_PROXY, NO_PROXY) is honoured, so a user's
 *     proxy is used for real AWS, but loopback (127.0.0.1, localhost, ::1: local emulators)
 *     is always reached directly;
 *   - HTTP/1.1 with keep-alive, TCP_NODELAY, no "Expect: 100-continue", no redirects, TLS
 *     peer and host verification always on;
 *   - response headers are kept with lower-case names; the body is capped before it is
 *     buffered (Content-Length in the header callback, a byte count in the write callback);
 *   - nothing that could hold a credential is logged: TRACE lines go through the
 *     aws_redact_* rules and messages from outside through aws_scrub.
 */
#include "lookout/aws.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "lookout/aws_errors.h"
#include "lookout/aws_redact.h"
#include "lookout/aws_retry.h"
#include "lookout/clock.h"
#include "lookout/log.h"
#include "lookout/sigv4.h"
#include "lookout/text.h"

#define CLIENT_MARGIN_MS 250
#define CLIENT_MIN_ATTEMPT_MS 50
#define CLIENT_NO_DEADLINE_ATTEMPT_MS 60000
#define CLIENT_MAX_HEADERS 256
#define CLIENT_MAX_HEADER_BYTES (256 * 1024)
#define CLIENT_ERROR_BODY_MAX (64 * 1024)
#define CLIENT_LOOPBACK "127.0.0.1,localhost,::1"

/* State of the transfer in progress, read and written by the curl callbacks. */
struct transfer {
    struct aws_response *resp;
    size_t cap;        /* cap on a success body */
    int head;          /* HEAD: Content-Length describes a body that is not sent */
    long status;       /* from the latest status line */
    int64_t budget_ms; /* the attempt's timeout */
    size_t header_bytes;
    size_t header_slots;
    size_t text_len, text_cap; /* of resp->header_text */
    int too_large; /* a success body passed the cap: LK_TOO_LARGE */
    int truncated; /* an error body passed CLIENT_ERROR_BODY_MAX: keep what we have */
    int nomem;
};

struct aws_client {
    const struct aws_config *cfg;
    enum aws_service svc;
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
    char *noproxy;
    struct aws_retry_quota quota;
    aws_rand_fn rand_fn;
    void *rand_state;
    uint64_t rng;
    struct aws_client_stats stats;
    struct transfer xfer;
    struct aws_wire_state *wire; /* the signing key and the buffers requests are built in */
    /* The header list handed to curl, built in place for each attempt: curl only reads the
     * list while it performs, so its nodes are kept and reused rather than allocated. */
    struct curl_slist *nodes;
    size_t node_slots;
};

/* What one attempt came to. */
struct outcome {
    int status; /* LK_OK for a 2xx, else the error status */
    enum aws_retry_kind kind;
    int64_t retry_after_ms; /* -1 when the reply gave no hint */
    char detail[704];       /* "Code: message (HTTP 503, request id ...)" */
};

/* ---- responses ---- */

void aws_response_init(struct aws_response *resp)
{
    memset(resp, 0, sizeof *resp);
    buf_init(&resp->body, BUF_DEFAULT_MAX);
}

static void free_headers(struct aws_response *resp)
{
    free(resp->headers);
    free(resp->header_text);
    resp->headers = NULL;
    resp->header_text = NULL;
    resp->header_count = 0;
}

void aws_response_cleanup(struct aws_response *resp)
{
    free_headers(resp);
    buf_cleanup(&resp->body);
    aws_response_init(resp);
}

const char *aws_response_header(const struct aws_response *resp, const char *lower_name)
{
    for (size_t i = 0; i < resp->header_count; i++)
        if (strcmp(resp->headers[i].name, lower_name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* ---- curl callbacks ---- */

static long status_line_code(const char *data, size_t len)
{
    const char *sp = memchr(data, ' ', len);
    long code = 0;
    for (const char *p = sp ? sp + 1 : data + len; p < data + len && *p >= '0' && *p <= '9'; p++)
        code = code * 10 + (*p - '0');
    return code > 999 ? 0 : code;
}

/* Room for n more bytes in the header block; the headers already in it move with it (held
 * as offsets while the block is reallocated). */
static int text_room(struct transfer *t, size_t n)
{
    struct aws_response *r = t->resp;
    if (t->text_len + n <= t->text_cap)
        return LK_OK;
    size_t cap = t->text_cap ? t->text_cap : 1024;
    while (cap < t->text_len + n)
        cap *= 2;
    for (size_t i = 0; i < r->header_count; i++) {
        r->headers[i].value = (char *)(uintptr_t)(r->headers[i].value - r->header_text);
        r->headers[i].name = (char *)(uintptr_t)(r->headers[i].name - r->header_text);
    }
    char *grown = realloc(r->header_text, cap);
    if (grown) {
        r->header_text = grown;
        t->text_cap = cap;
    }
    for (size_t i = 0; i < r->header_count; i++) {
        r->headers[i].name = r->header_text + (uintptr_t)r->headers[i].name;
        r->headers[i].value = r->header_text + (uintptr_t)r->headers[i].value;
    }
    return grown ? LK_OK : LK_NOMEM;
}

static int add_header(struct transfer *t, const char *name, size_t nlen, const char *value,
                      size_t vlen)
{
    struct aws_response *r = t->resp;
    if (r->header_count == t->header_slots) {
        size_t slots = t->header_slots ? t->header_slots * 2 : 16;
        struct aws_response_header *grown = realloc(r->headers, slots * sizeof *grown);
        if (!grown)
            return LK_NOMEM;
        r->headers = grown;
        t->header_slots = slots;
    }
    /* The name, its NUL, the value, its NUL, after the headers before it in one block. */
    if (nlen > SIZE_MAX / 4 || vlen > SIZE_MAX / 4 || text_room(t, nlen + vlen + 2) != LK_OK)
        return LK_NOMEM;
    struct aws_response_header *h = &r->headers[r->header_count];
    h->name = r->header_text + t->text_len;
    t->text_len += nlen + vlen + 2;
    memcpy(h->name, name, nlen);
    h->name[nlen] = '\0';
    h->value = h->name + nlen + 1;
    memcpy(h->value, value, vlen);
    h->value[vlen] = '\0';
    for (char *c = h->name; *c; c++)
        if (*c >= 'A' && *c <= 'Z')
            *c = (char)(*c - 'A' + 'a');
    r->header_count++;
    return LK_OK;
}

/* 0 when the announced length passes the cap of a success body. */
static int content_length_ok(struct transfer *t, const char *v, size_t vlen)
{
    if (t->head || t->status < 200 || t->status > 299)
        return 1;
    unsigned long long n = 0;
    for (size_t i = 0; i < vlen && v[i] >= '0' && v[i] <= '9'; i++) {
        if (n > (unsigned long long)SIZE_MAX / 10)
            return 0;
        n = n * 10 + (unsigned long long)(v[i] - '0');
    }
    return n <= t->cap;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct transfer *t = userp;
    size_t len = size * nmemb;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* A new response (after a 1xx): forget the previous one's headers. */
        free_headers(t->resp);
        t->header_slots = 0;
        t->header_bytes = 0;
        t->text_len = t->text_cap = 0;
        t->status = status_line_code(data, len);
        t->resp->body.max = (t->status >= 200 && t->status <= 299) ? t->cap : CLIENT_ERROR_BODY_MAX;
        return len;
    }
    t->header_bytes += len;
    const char *colon = memchr(data, ':', len);
    if (t->header_bytes > CLIENT_MAX_HEADER_BYTES ||
        (colon && t->resp->header_count >= CLIENT_MAX_HEADERS)) {
        t->too_large = 1;
        return 0;
    }
    if (!colon)
        return len;
    size_t nlen = (size_t)(colon - data);
    const char *v = colon + 1, *end = data + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    if (nlen == 14 && strncasecmp(data, "Content-Length", 14) == 0 &&
        !content_length_ok(t, v, (size_t)(end - v))) {
        t->too_large = 1;
        return 0;
    }
    if (add_header(t, data, nlen, v, (size_t)(end - v)) != LK_OK) {
        t->nomem = 1;
        return 0;
    }
    return len;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct transfer *t = userp;
    size_t len = size * nmemb;
    struct lk_buf *b = &t->resp->body;
    int rc = buf_append(b, data, len);
    if (rc == LK_OK)
        return len;
    if (rc == LK_TOO_LARGE && (t->status < 200 || t->status > 299)) {
        buf_append(b, data, b->max - b->len); /* what fits; the error reply is still read */
        t->truncated = 1;
    } else if (rc == LK_TOO_LARGE) {
        t->too_large = 1;
    } else {
        t->nomem = 1;
    }
    return 0;
}

/* ---- the client ---- */

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Jitter needs no cryptographic strength, only clients that do not move in step. */
static double default_rand(void *state)
{
    struct aws_client *c = state;
    return (double)(splitmix64(&c->rng) >> 11) / (double)(1ULL << 53);
}

static void seed_rng(struct aws_client *c)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    c->rng = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)c ^
             ((uint64_t)getpid() << 16);
}

void aws_client_set_rand(struct aws_client *client, aws_rand_fn fn, void *state)
{
    client->rand_fn = fn ? fn : default_rand;
    client->rand_state = fn ? state : client;
}

void aws_client_last_stats(const struct aws_client *client, struct aws_client_stats *out)
{
    *out = client->stats;
}

/* NO_PROXY from the environment, plus loopback. */
static char *noproxy_list(void)
{
    const char *env = getenv("NO_PROXY");
    if (!env || !*env)
        env = getenv("no_proxy");
    struct lk_buf b;
    buf_init(&b, 64 * 1024);
    if (env && *env && (buf_append_str(&b, env) != LK_OK || buf_append_byte(&b, ',') != LK_OK))
        buf_reset(&b);
    if (buf_append_str(&b, CLIENT_LOOPBACK) != LK_OK) {
        buf_cleanup(&b);
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static int configure_handle(struct aws_client *c)
{
    CURL *k = c->curl;
    CURLcode rc = CURLE_OK;
#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(k, opt, val);                                                    \
    } while (0)
    /* A libcurl built without proxy support has no proxy to bypass. */
    curl_easy_setopt(k, CURLOPT_NOPROXY, c->noproxy);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    SET(CURLOPT_TCP_NODELAY, 1L);
    SET(CURLOPT_TCP_KEEPALIVE, 1L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    /* S3 keys may hold "." and ".." segments; the signature covers the path as sent. */
    SET(CURLOPT_PATH_AS_IS, 1L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->cfg->ca_file)
        SET(CURLOPT_CAINFO, c->cfg->ca_file);
    if (c->cfg->ca_path) {
        SET(CURLOPT_CAPATH, c->cfg->ca_path);
        /* A shared libcurl may have a compiled-in bundle: loading it too would cost the
         * parse of every root on the first request, which the directory exists to avoid. */
        SET(CURLOPT_CAINFO, (char *)NULL);
    }
    SET(CURLOPT_USERAGENT, "kvs-lookout/"
                           "0.1");
    SET(CURLOPT_ERRORBUFFER, c->errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, &c->xfer);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, &c->xfer);
#undef SET
    return rc == CURLE_OK ? LK_OK : LK_TRANSPORT;
}

int aws_client_new(const struct aws_config *cfg, enum aws_service svc, struct aws_client **out,
                   struct lk_error *err)
{
    *out = NULL;
    if (!cfg || (unsigned)svc >= AWS_SVC_COUNT)
        return err_set(err, LK_INVALID_ARG, "aws client: no configuration or unknown service");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(err, LK_TRANSPORT, "libcurl failed to initialise");
    struct aws_client *c = calloc(1, sizeof *c);
    if (!c) {
        curl_global_cleanup();
        return err_set(err, LK_NOMEM, "aws client: out of memory");
    }
    c->cfg = cfg;
    c->svc = svc;
    aws_retry_quota_init(&c->quota);
    seed_rng(c);
    aws_client_set_rand(c, NULL, NULL);
    c->noproxy = noproxy_list();
    c->curl = curl_easy_init();
    c->wire = aws_wire_state_new();
    if (!c->wire) {
        aws_client_free(c);
        return err_set(err, LK_NOMEM, "aws client: out of memory");
    }
    if (!c->noproxy || !c->curl || configure_handle(c) != LK_OK) {
        aws_client_free(c); /* also balances curl_global_init */
        return err_set(err, LK_TRANSPORT, "aws client: libcurl failed to create a handle");
    }
    *out = c;
    return LK_OK;
}

void aws_client_free(struct aws_client *client)
{
    if (!client)
        return;
    if (client->curl)
        curl_easy_cleanup(client->curl);
    free(client->noproxy);
    free(client->nodes);
    aws_wire_state_free(client->wire);
    free(client);
    curl_global_cleanup();
}

/* ---- one attempt ---- */

/* Time an attempt may take now, or CLIENT_NO_DEADLINE_ATTEMPT_MS without a deadline. */
static int64_t budget_ms(int64_t deadline_ms)
{
    if (deadline_ms <= 0)
        return CLIENT_NO_DEADLINE_ATTEMPT_MS;
    return deadline_ms - clock_now_ms() - CLIENT_MARGIN_MS;
}

static void trace_line(const char *prefix, const char *text, size_t len, int is_url)
{
    struct lk_buf b;
    buf_init(&b, 64 * 1024);
    int rc = is_url ? aws_redact_url(text, len, &b) : aws_redact_header(text, len, &b);
    if (rc == LK_OK)
        LOG_TRACE("%s%s", prefix, buf_cstr(&b));
    else
        LOG_TRACE("%s(line too long to show)", prefix);
    buf_cleanup(&b);
}

static void trace_request(const struct aws_request *req, const struct aws_wire_request *wire)
{
    if (!log_enabled(LOG_LEVEL_TRACE))
        return;
    LOG_TRACE("aws > %s (%zu body bytes)", req->method, req->body_len);
    trace_line("aws > ", wire->url, strlen(wire->url), 1);
    for (size_t i = 0; i < wire->header_count; i++)
        trace_line("aws > ", wire->headers[i], strlen(wire->headers[i]), 0);
}

static void trace_response(const struct aws_response *resp, CURLcode cc)
{
    if (!log_enabled(LOG_LEVEL_TRACE))
        return;
    LOG_TRACE("aws < HTTP %ld (curl %d, %zu body bytes)", resp->status, (int)cc, resp->body.len);
    struct lk_buf line;
    buf_init(&line, 64 * 1024);
    for (size_t i = 0; i < resp->header_count; i++) {
        buf_reset(&line);
        if (buf_appendf(&line, "%s: %s", resp->headers[i].name, resp->headers[i].value) == LK_OK)
            trace_line("aws < ", line.data, line.len, 0);
    }
    buf_cleanup(&line);
}

/* The header list for curl: the signed lines, no Expect, and no Content-Type curl would
 * invent for a body sent without one; in c->nodes, which point into wire. NULL when memory
 * runs out. */
static struct curl_slist *header_list(struct aws_client *c, const struct aws_wire_request *wire,
                                      int has_body)
{
    size_t need = wire->header_count + 2;
    if (need > c->node_slots) {
        struct curl_slist *grown = realloc(c->nodes, need * sizeof *grown);
        if (!grown)
            return NULL;
        c->nodes = grown;
        c->node_slots = need;
    }
    size_t n = 0;
    int has_type = 0;
    for (; n < wire->header_count; n++) {
        c->nodes[n].data = wire->headers[n];
        if (strncasecmp(wire->headers[n], "content-type:", 13) == 0)
            has_type = 1;
    }
    c->nodes[n++].data = (char *)"Expect:";
    if (has_body && !has_type)
        c->nodes[n++].data = (char *)"Content-Type:";
    for (size_t i = 0; i < n; i++)
        c->nodes[i].next = i + 1 < n ? &c->nodes[i + 1] : NULL;
    return c->nodes;
}

static void set_method(CURL *k, const struct aws_request *req)
{
    const char *m = req->method;
    int head = strcmp(m, "HEAD") == 0;
    int get = strcmp(m, "GET") == 0;
    curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, (char *)NULL);
    curl_easy_setopt(k, CURLOPT_HTTPGET, 1L); /* resets NOBODY, POST and UPLOAD */
    if (head) {
        curl_easy_setopt(k, CURLOPT_NOBODY, 1L);
    } else if (!get && (req->body_len > 0 || strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0)) {
        curl_easy_setopt(k, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
        curl_easy_setopt(k, CURLOPT_POSTFIELDS, req->body_len ? (const char *)req->body : "");
    }
    if (!head && !get && strcmp(m, "POST") != 0)
        curl_easy_setopt(k, CURLOPT_CUSTOMREQUEST, m);
}

static void reset_response(struct aws_response *resp, size_t cap)
{
    free_headers(resp);
    buf_reset(&resp->body);
    resp->body.max = cap;
    resp->status = 0;
    resp->request_id[0] = '\0';
}

static int wire_for_attempt(struct aws_client *c, const struct aws_request *req,
                            struct aws_wire_request *wire, struct curl_slist **list,
                            struct lk_error *err)
{
    int rc = aws_wire_prepare(c->cfg, c->svc, req, (time_t)(clock_now_ms() / 1000), c->wire,
                              wire, err);
    if (rc != LK_OK)
        return rc;
    *list = header_list(c, wire, strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0);
    if (!*list)
        return err_set(err, LK_NOMEM, "out of memory");
    return LK_OK;
}

#define NOT_PREPARED (-1)
#define NO_TIME (-2)

/* The timeout of the next attempt: an equal share of the time left for each attempt still
 * allowed, with a floor, so that a hung first attempt does not spend the second's time. */
static int64_t attempt_ms(const struct aws_client *c, const struct aws_response *resp,
                          int64_t deadline_ms)
{
    int64_t left = budget_ms(deadline_ms);
    int max = c->cfg->max_attempts > 0 ? c->cfg->max_attempts : 3;
    int attempts_left = max - resp->attempts;
    if (attempts_left <= 1)
        return left;
    int64_t share = left / attempts_left;
    if (share < AWS_ATTEMPT_FLOOR_MS)
        share = AWS_ATTEMPT_FLOOR_MS;
    return share < left ? share : left;
}

/* Performs one attempt; the curl code, NOT_PREPARED when the request could not be prepared
 * (err then holds why), or NO_TIME when the deadline came while it was being prepared. The
 * timeout is taken after signing, so the time signing took is not spent twice. */
static int perform(struct aws_client *c, const struct aws_request *req, int64_t deadline_ms,
                   struct aws_response *resp, struct lk_error *err)
{
    struct aws_wire_request wire;
    struct curl_slist *list = NULL;
    size_t cap = req->max_response_bytes ? req->max_response_bytes : BUF_DEFAULT_MAX;
    reset_response(resp, cap);
    c->xfer = (struct transfer){.resp = resp, .cap = cap, .head = strcmp(req->method, "HEAD") == 0};
    if (wire_for_attempt(c, req, &wire, &list, err) != LK_OK) {
        aws_wire_cleanup(&wire);
        return NOT_PREPARED;
    }
    if (budget_ms(deadline_ms) < CLIENT_MIN_ATTEMPT_MS) {
        aws_wire_cleanup(&wire);
        return NO_TIME;
    }
    int64_t budget = c->xfer.budget_ms = attempt_ms(c, resp, deadline_ms);
    resp->attempts++;
    CURL *k = c->curl;
    set_method(k, req);
    curl_easy_setopt(k, CURLOPT_URL, wire.url);
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, (long)budget);
    curl_easy_setopt(
        k, CURLOPT_CONNECTTIMEOUT_MS,
        (long)(budget < AWS_CONNECT_TIMEOUT_MS ? budget : AWS_CONNECT_TIMEOUT_MS));
    trace_request(req, &wire);
    c->errbuf[0] = '\0';
    CURLcode cc = curl_easy_perform(k);
    long connects = 0;
    curl_easy_getinfo(k, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(k, CURLINFO_NUM_CONNECTS, &connects);
    c->stats.connections += connects;
    curl_easy_setopt(k, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
    trace_response(resp, cc);
    aws_wire_cleanup(&wire);
    return (int)cc;
}

/* ---- what an attempt came to ---- */

static void fill_request_id(struct aws_response *resp, const char *from_body)
{
    static const char *const names[] = {"x-amzn-requestid", "x-amz-request-id"};
    const char *id = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !id; i++)
        id = aws_response_header(resp, names[i]);
    if (!id)
        id = from_body;
    /* The usual id (letters, digits and '-', well under the cap) is what cleaning leaves. */
    size_t n = id ? strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZ-")
                  : 0;
    if (n > 0 && id[n] == '\0' && n < 100) {
        memcpy(resp->request_id, id, n + 1);
        return;
    }
    struct aws_error_info clean;
    aws_error_parse(0, id ? id : "", NULL, 0, &clean); /* the same control-byte rules */
    snprintf(resp->request_id, sizeof resp->request_id, "%s", id && *id ? clean.code : "");
}

/* An HTTP error reply: parsed, classified, and err filled with the AWS details. */
static void http_outcome(const struct aws_config *cfg, struct aws_response *resp,
                         struct outcome *o, struct lk_error *err)
{
    struct aws_error_info info;
    /* Scrubbed before the parser cuts the message, so no cut-off part of a secret remains. */
    aws_scrub_bytes(resp->body.data, resp->body.len, cfg->secret_access_key);
    aws_scrub_bytes(resp->body.data, resp->body.len, cfg->session_token);
    aws_error_parse(resp->status, aws_response_header(resp, "x-amzn-errortype"), resp->body.data,
                    resp->body.len, &info);
    fill_request_id(resp, info.request_id);
    o->status = aws_error_status(resp->status, info.code);
    o->kind = aws_error_retry_kind(resp->status, info.code);
    o->retry_after_ms = aws_retry_after_parse(aws_response_header(resp, "x-amz-retry-after"));
    snprintf(o->detail, sizeof o->detail, "%s%s%s (HTTP %ld%s%s)", info.code,
             info.message[0] ? ": " : "", info.message, resp->status,
             resp->request_id[0] ? ", request id " : "", resp->request_id);
    err_set(err, o->status, "%s", o->detail);
    snprintf(err->aws_code, sizeof err->aws_code, "%s", info.code);
    snprintf(err->request_id, sizeof err->request_id, "%s", resp->request_id);
    err->http_status = resp->status;
}

static int curl_transient(CURLcode cc)
{
    switch (cc) {
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return 1;
    default:
        return 0;
    }
}

static void transport_outcome(struct aws_client *c, CURLcode cc, struct outcome *o,
                              struct lk_error *err)
{
    const char *why = c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc);
    o->kind = AWS_RETRY_NONE;
    o->retry_after_ms = -1;
    if (c->xfer.too_large) {
        o->status = LK_TOO_LARGE;
        snprintf(o->detail, sizeof o->detail, "the response is larger than %zu bytes", c->xfer.cap);
    } else if (c->xfer.nomem) {
        o->status = LK_NOMEM;
        snprintf(o->detail, sizeof o->detail, "out of memory reading the response");
    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        o->status = LK_TIMEOUT;
        o->kind = AWS_RETRY_TIMEOUT;
        snprintf(o->detail, sizeof o->detail, "no complete response within %lld ms (%s)",
                 (long long)c->xfer.budget_ms, why);
    } else {
        o->status = LK_TRANSPORT;
        o->kind = curl_transient(cc) ? AWS_RETRY_TRANSIENT : AWS_RETRY_NONE;
        snprintf(o->detail, sizeof o->detail, "network error: %s (curl %d)", why, (int)cc);
    }
    err_set(err, o->status, "%s", o->detail);
}

/* A 2xx the caller's accept callback read: a malformed answer is retried as a 5xx is. */
static void accept_outcome(const struct aws_request *req, struct aws_response *resp,
                           struct outcome *o, struct lk_error *err)
{
    err_clear(err);
    int rc = req->accept(resp, req->accept_state, err);
    if (rc == LK_OK)
        return;
    o->status = rc;
    o->kind = rc == LK_AWS_BAD_RESPONSE ? AWS_RETRY_TRANSIENT : AWS_RETRY_NONE;
    snprintf(o->detail, sizeof o->detail, "%s (HTTP %ld%s%s)", err->message, resp->status,
             resp->request_id[0] ? ", request id " : "", resp->request_id);
    err_set(err, rc, "%s", o->detail);
    snprintf(err->request_id, sizeof err->request_id, "%s", resp->request_id);
    err->http_status = resp->status;
}

/* One attempt, classified; or NOT_PREPARED or NO_TIME as perform says. */
static int attempt(struct aws_client *c, const struct aws_request *req, int64_t deadline_ms,
                   struct aws_response *resp, struct outcome *o, struct lk_error *err)
{
    int cc = perform(c, req, deadline_ms, resp, err);
    if (cc < 0)
        return cc;
    if ((cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && c->xfer.truncated)) && resp->status >= 200 &&
        resp->status <= 299) {
        fill_request_id(resp, NULL);
        *o = (struct outcome){.status = LK_OK, .kind = AWS_RETRY_NONE, .retry_after_ms = -1};
        if (req->accept)
            accept_outcome(req, resp, o, err);
    } else if (cc == CURLE_OK || (cc == CURLE_WRITE_ERROR && c->xfer.truncated)) {
        http_outcome(c->cfg, resp, o, err);
    } else {
        transport_outcome(c, (CURLcode)cc, o, err);
    }
    if (o->status == LK_OK)
        return 0;
    aws_scrub(err->message, c->cfg->secret_access_key);
    aws_scrub(err->message, c->cfg->session_token);
    aws_scrub(o->detail, c->cfg->secret_access_key);
    aws_scrub(o->detail, c->cfg->session_token);
    return 0;
}

/* ---- the retry loop ---- */

static void sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
        ;
}

/* The final message, keeping the AWS fields of the last error. */
static int finish(struct lk_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int finish(struct lk_error *err, int code, const char *fmt, ...)
{
    struct lk_error last = *err;
    char text[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    err_set(err, code, "%s", text);
    memcpy(err->aws_code, last.aws_code, sizeof err->aws_code);
    memcpy(err->request_id, last.request_id, sizeof err->request_id);
    err->http_status = last.http_status;
    return code;
}

static int fail(struct lk_error *err, const char *what, int attempts, const char *why,
                const struct outcome *o)
{
    if (attempts <= 1)
        return finish(err, o->status, "%s failed: %s", what, o->detail);
    return finish(err, o->status, "%s failed after %d attempts%s: %s", what, attempts, why,
                  o->detail);
}

static int deadline(struct lk_error *err, const char *what, int attempts, const struct outcome *o)
{
    if (attempts == 0)
        return finish(err, LK_TIMEOUT, "%s: no time left before the deadline", what);
    return finish(err, LK_TIMEOUT, "%s: deadline reached after %d attempt%s; last error: %s", what,
                  attempts, attempts == 1 ? "" : "s", o->detail);
}

/* Sleeps before the next attempt and returns 1, or returns 0 (err set) when the request
 * must stop here. */
static int backoff(struct aws_client *c, int64_t deadline_ms, const char *what,
                   struct aws_response *resp, const struct outcome *o, int *taken,
                   struct lk_error *err)
{
    int max = c->cfg->max_attempts > 0 ? c->cfg->max_attempts : 3;
    if (o->kind == AWS_RETRY_NONE || resp->attempts >= max) {
        fail(err, what, resp->attempts, "", o);
        return 0;
    }
    int64_t delay =
        aws_retry_delay_ms(o->kind, resp->attempts, c->rand_fn(c->rand_state), o->retry_after_ms);
    if (deadline_ms > 0 && delay + CLIENT_MIN_ATTEMPT_MS > budget_ms(deadline_ms)) {
        deadline(err, what, resp->attempts, o);
        return 0;
    }
    if (!(*taken = aws_retry_quota_acquire(&c->quota, o->kind))) {
        fail(err, what, resp->attempts, " (retry quota exhausted)", o);
        return 0;
    }
    if (c->stats.delay_count < AWS_CLIENT_MAX_DELAYS)
        c->stats.delays_ms[c->stats.delay_count++] = delay;
    LOG_DEBUG("%s: attempt %d: %s; retrying in %lld ms", what, resp->attempts, o->detail,
              (long long)delay);
    sleep_ms(delay);
    return 1;
}

/* "Service Operation", the name errors and logs give the call. */
static void call_name(const struct aws_client *c, const struct aws_request *req, char *out,
                      size_t cap)
{
    const char *op = req->operation ? req->operation : "";
    const char *const parts[] = {aws_service_display_name(c->svc), *op ? " " : "", op};
    text_join(out, cap, parts, 3);
}

int aws_client_send(struct aws_client *client, const struct aws_request *req, int64_t deadline_ms,
                    struct aws_response *resp, struct lk_error *err)
{
    char what[128];
    struct outcome o = {.status = LK_OK, .kind = AWS_RETRY_NONE, .retry_after_ms = -1};
    int rc = LK_OK, taken = 0;
    err_clear(err);
    if (!client || !req || !req->method || !resp)
        return err_set(err, LK_INVALID_ARG, "aws send: missing client, request or response");
    call_name(client, req, what, sizeof what);
    memset(&client->stats, 0, sizeof client->stats);
    resp->attempts = 0;
    for (;;) {
        int done = budget_ms(deadline_ms) < CLIENT_MIN_ATTEMPT_MS
                       ? NO_TIME
                       : attempt(client, req, deadline_ms, resp, &o, err);
        if (done == NO_TIME) {
            rc = deadline(err, what, resp->attempts, &o);
            break;
        }
        if (done == NOT_PREPARED) {
            rc = err_wrap(err, "%s", what);
            break;
        }
        if (o.status == LK_OK) {
            err_clear(err); /* an earlier attempt's error is not the outcome */
            aws_retry_quota_release(&client->quota, taken);
            rc = LK_OK;
            break;
        }
        if (!backoff(client, deadline_ms, what, resp, &o, &taken, err)) {
            rc = err->code;
            break;
        }
    }
    client->stats.attempts = resp->attempts;
    client->stats.quota_available = client->quota.available;
    if (rc != LK_OK)
        LOG_DEBUG("%s", err->message);
    return rc;
}

int aws_client_presign(struct aws_client *client, const struct aws_request *req,
                       long expires_s, time_t now, char **url_out, struct lk_error *err)
{
    int rc = aws_wire_presign(client->cfg, client->svc, req, expires_s, now, client->wire,
                              url_out, err);
    if (rc != LK_OK) {
        aws_scrub(err ? err->message : NULL, client->cfg->secret_access_key);
        aws_scrub(err ? err->message : NULL, client->cfg->session_token);
        return rc;
    }
    if (log_enabled(LOG_LEVEL_TRACE))
        trace_line("aws presigned ", *url_out, strlen(*url_out), 1);
    return LK_OK;
}
