#include "lookout/sigv4.h"

#include "lookout/digits.h"
#include "lookout/form.h"
#include "lookout/hash.h"
#include "lookout/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* The white space botocore's str.split() and the suite's folded headers agree on. */
static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int str_empty(const char *s)
{
    return !s || !*s;
}

/* Appends the strings of parts[0..n) (a NULL one ends them early): the signer's strings are
 * plain joins, which a format would parse four times a request. */
static int append_all(struct lk_buf *b, const char *const *parts, size_t n)
{
    int rc = LK_OK;
    for (size_t i = 0; i < n && parts[i] && rc == LK_OK; i++)
        rc = buf_append_str(b, parts[i]);
    return rc;
}

int sig_normalize_path(struct lk_buf *out, const char *path, size_t len)
{
    /* Segment stack as (offset, length) pairs into path; ".." pops, "" and "." vanish. */
    size_t *segs = malloc((len / 2 + 1) * 2 * sizeof *segs);
    if (!segs)
        return LK_NOMEM;
    size_t nseg = 0;
    for (size_t i = 0; i <= len;) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        size_t n = j - i;
        if (n == 2 && path[i] == '.' && path[i + 1] == '.') {
            if (nseg)
                nseg--;
        } else if (n > 0 && !(n == 1 && path[i] == '.')) {
            segs[2 * nseg] = i;
            segs[2 * nseg + 1] = n;
            nseg++;
        }
        i = j + 1;
    }
    int rc = LK_OK;
    if (len == 0 || path[0] == '/')
        LK_TRY(buf_append_byte(out, '/'));
    for (size_t k = 0; k < nseg; k++) {
        if (k)
            LK_TRY(buf_append_byte(out, '/'));
        LK_TRY(buf_append(out, path + segs[2 * k], segs[2 * k + 1]));
    }
    if (nseg && len && path[len - 1] == '/')
        LK_TRY(buf_append_byte(out, '/'));
cleanup:
    free(segs);
    return rc;
}

int sig_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[HASH_SHA256_BYTES];
    int rc = hash_sha256(data, len, md);
    if (rc == LK_OK)
        hash_hex(md, sizeof md, out);
    return rc;
}

int sig_signing_key(const char *secret, const char *date8, const char *region, const char *service,
                    unsigned char key_out[32])
{
    struct lk_buf k0;
    unsigned char k[32];
    int rc;
    buf_init(&k0, 4096);
    LK_TRY(buf_append_str(&k0, "AWS4"));
    LK_TRY(buf_append_str(&k0, secret));
    LK_TRY(hash_hmac(k0.data, k0.len, date8, strlen(date8), k));
    LK_TRY(hash_hmac(k, 32, region, strlen(region), k));
    LK_TRY(hash_hmac(k, 32, service, strlen(service), k));
    LK_TRY(hash_hmac(k, 32, "aws4_request", 12, key_out));
cleanup:
    if (k0.data)
        OPENSSL_cleanse(k0.data, k0.len);
    buf_cleanup(&k0);
    OPENSSL_cleanse(k, sizeof k);
    return rc;
}

int sig_format_amz_date(time_t t, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || tm.tm_year < 0 || tm.tm_year > 8099)
        return LK_INVALID_ARG;
    /* yyyymmddThhmmssZ, digits written directly: strftime is costly for four per invoke. */
    char *p = digits_put(out, (uint64_t)(tm.tm_year + 1900), 4);
    p = digits_put(digits_put(p, (uint64_t)(tm.tm_mon + 1), 2), (uint64_t)tm.tm_mday, 2);
    *p++ = 'T';
    p = digits_put(digits_put(p, (uint64_t)tm.tm_hour, 2), (uint64_t)tm.tm_min, 2);
    p = digits_put(p, (uint64_t)tm.tm_sec, 2);
    memcpy(p, "Z", 2);
    return LK_OK;
}

void sig_key_cache_init(struct sig_key_cache *cache)
{
    memset(cache, 0, sizeof *cache);
}

void sig_key_cache_cleanup(struct sig_key_cache *cache)
{
    OPENSSL_cleanse(cache, sizeof *cache);
}

/* scope is "yyyymmdd/region/service"; date8 its first 8 bytes as a string. The key comes
 * prepared for HMAC (hash.h), as the cache keeps it. */
static int get_signing_key(const struct sig_options *opt, const char *scope, const char *date8,
                           struct hash_hmac_key *key)
{
    struct sig_key_cache *c = opt->cache;
    const char *secret = opt->creds.secret_access_key;
    size_t secret_len = strlen(secret);
    if (c && c->valid && c->secret_len == secret_len && strcmp(c->scope, scope) == 0 &&
        CRYPTO_memcmp(c->secret, secret, secret_len) == 0) {
        *key = c->key;
        return LK_OK;
    }
    unsigned char derived[32];
    int rc = sig_signing_key(secret, date8, opt->region, opt->service, derived);
    if (rc == LK_OK)
        rc = hash_hmac_key_init(key, derived, sizeof derived);
    OPENSSL_cleanse(derived, sizeof derived);
    if (rc != LK_OK || !c)
        return rc;
    size_t scope_len = strlen(scope);
    c->valid = 0;
    if (secret_len < sizeof c->secret && scope_len < sizeof c->scope) {
        memcpy(c->scope, scope, scope_len + 1);
        memcpy(c->secret, secret, secret_len);
        c->secret_len = secret_len;
        c->key = *key;
        c->valid = 1;
    }
    return LK_OK;
}

void sig_result_init(struct sig_result *res)
{
    memset(res, 0, sizeof *res);
    buf_init(&res->canonical_request, SIG_MAX_BYTES);
    buf_init(&res->string_to_sign, SIG_MAX_BYTES);
    buf_init(&res->signed_headers, SIG_MAX_BYTES);
    buf_init(&res->authorization, SIG_MAX_BYTES);
    buf_init(&res->query, SIG_MAX_BYTES);
    buf_init(&res->scratch, SIG_MAX_BYTES);
}

void sig_result_cleanup(struct sig_result *res)
{
    buf_cleanup(&res->canonical_request);
    buf_cleanup(&res->string_to_sign);
    buf_cleanup(&res->signed_headers);
    buf_cleanup(&res->authorization);
    buf_cleanup(&res->query);
    buf_cleanup(&res->scratch);
    res->added_count = 0;
}

static void result_reset(struct sig_result *res)
{
    buf_reset(&res->canonical_request);
    buf_reset(&res->string_to_sign);
    buf_reset(&res->signed_headers);
    buf_reset(&res->authorization);
    buf_reset(&res->query);
    buf_reset(&res->scratch);
    res->signature[0] = res->amz_date[0] = res->payload_hash[0] = '\0';
    res->added_count = 0;
}

/* ---- canonical headers ---- */

struct hdr {
    const char *name;
    const char *value;
    size_t order;
};

static int hdr_cmp(const void *a, const void *b)
{
    const struct hdr *x = a, *y = b;
    const char *p = x->name, *q = y->name;
    while (*p && lower(*p) == lower(*q)) {
        p++;
        q++;
    }
    int d = (unsigned char)lower(*p) - (unsigned char)lower(*q);
    if (d)
        return d;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int names_equal(const char *a, const char *b)
{
    while (*a && lower(*a) == lower(*b)) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static int append_lower(struct lk_buf *out, const char *s)
{
    size_t n = strlen(s);
    int rc = buf_reserve(out, n);
    if (rc != LK_OK)
        return rc;
    char *p = out->data + out->len;
    for (size_t i = 0; i < n; i++)
        p[i] = lower(s[i]);
    out->len += n;
    out->data[out->len] = '\0';
    return LK_OK;
}

/* 1 when trimming and collapsing would leave v as it is (nearly every value). */
static int already_trimmed(const char *v)
{
    if (is_ws(*v))
        return 0;
    for (; *v; v++)
        if (is_ws(*v) && (*v != ' ' || is_ws(v[1]) || !v[1]))
            return 0;
    return 1;
}

/* Trims value and collapses inner runs of white space to one space. */
static int append_trimmed(struct lk_buf *out, const char *v)
{
    int rc = LK_OK;
    if (already_trimmed(v))
        return buf_append_str(out, v);
    while (is_ws(*v))
        v++;
    while (*v && rc == LK_OK) {
        const char *run = v;
        while (*v && !is_ws(*v))
            v++;
        rc = buf_append(out, run, (size_t)(v - run));
        while (is_ws(*v))
            v++;
        if (*v && rc == LK_OK)
            rc = buf_append_byte(out, ' ');
    }
    return rc;
}

/* Writes the canonical header block into creq and the names list into signed_headers. */
static int canonical_headers(const struct hdr *h, size_t n, struct lk_buf *creq,
                             struct lk_buf *signed_headers)
{
    int rc = LK_OK;
    for (size_t i = 0; i < n; i++) {
        int same = i > 0 && names_equal(h[i].name, h[i - 1].name);
        if (same) {
            LK_TRY(buf_append_byte(creq, ','));
        } else {
            if (i > 0) {
                LK_TRY(buf_append_byte(creq, '\n'));
                LK_TRY(buf_append_byte(signed_headers, ';'));
            }
            LK_TRY(append_lower(creq, h[i].name));
            LK_TRY(buf_append_byte(creq, ':'));
            LK_TRY(append_lower(signed_headers, h[i].name));
        }
        LK_TRY(append_trimmed(creq, h[i].value));
    }
    LK_TRY(buf_append_str(creq, "\n\n"));
cleanup:
    return rc;
}

/* ---- canonical query ---- */

struct qp {
    size_t name_off, name_len, value_off, value_len;
};

struct qset {
    struct lk_buf text; /* encoded names and values, back to back */
    struct qp *items;
    size_t count, cap;
};

static int qset_add(struct qset *qs, const char *name, const char *value)
{
    if (qs->count == qs->cap) {
        size_t cap = qs->cap ? qs->cap * 2 : 16;
        struct qp *p = realloc(qs->items, cap * sizeof *p);
        if (!p)
            return LK_NOMEM;
        qs->items = p;
        qs->cap = cap;
    }
    struct qp *it = &qs->items[qs->count];
    int rc;
    it->name_off = qs->text.len;
    LK_TRY(form_encode(&qs->text, name, strlen(name), 0));
    it->name_len = qs->text.len - it->name_off;
    it->value_off = qs->text.len;
    LK_TRY(form_encode(&qs->text, value ? value : "", value ? strlen(value) : 0, 0));
    it->value_len = qs->text.len - it->value_off;
    qs->count++;
cleanup:
    return rc;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int d = memcmp(a, b, an < bn ? an : bn);
    if (d)
        return d;
    return an < bn ? -1 : an > bn;
}

/* qsort has no context argument and the offsets need the text: an insertion sort is
 * enough for query lists, which are short. */
static int qp_cmp(const char *t, const struct qp *x, const struct qp *y)
{
    int d = bytes_cmp(t + x->name_off, x->name_len, t + y->name_off, y->name_len);
    if (d)
        return d;
    return bytes_cmp(t + x->value_off, x->value_len, t + y->value_off, y->value_len);
}

static void qset_sort(struct qset *qs)
{
    const char *t = qs->text.data;
    for (size_t i = 1; i < qs->count; i++) {
        struct qp cur = qs->items[i];
        size_t j = i;
        while (j > 0 && qp_cmp(t, &qs->items[j - 1], &cur) > 0) {
            qs->items[j] = qs->items[j - 1];
            j--;
        }
        qs->items[j] = cur;
    }
}

static int qset_write(const struct qset *qs, struct lk_buf *out)
{
    int rc = LK_OK;
    const char *t = qs->text.data;
    for (size_t i = 0; i < qs->count; i++) {
        const struct qp *it = &qs->items[i];
        if (i)
            LK_TRY(buf_append_byte(out, '&'));
        LK_TRY(buf_append(out, t + it->name_off, it->name_len));
        LK_TRY(buf_append_byte(out, '='));
        LK_TRY(buf_append(out, t + it->value_off, it->value_len));
    }
cleanup:
    return rc;
}

/* ---- the signing itself ---- */

#define SIGNING_HEADERS 16 /* headers signed without an allocation */

struct signing {
    const struct sig_request *req;
    const struct sig_options *opt;
    struct sig_result *res;
    int presign;
    int sign_token;  /* token present and part of the signature */
    char scope[160]; /* "yyyymmdd/region/service/aws4_request" */
    struct hdr *hdrs; /* few_hdrs, or hdrs_owned when there are more */
    struct hdr few_hdrs[SIGNING_HEADERS];
    struct hdr *hdrs_owned;
    size_t nhdrs;
    struct qset qs;
};

static int check_inputs(const struct sig_request *req, const struct sig_options *opt,
                        struct lk_error *err)
{
    if (!req || !opt || str_empty(req->method) || !req->path || str_empty(opt->region) ||
        str_empty(opt->service) || str_empty(opt->creds.access_key_id) ||
        !opt->creds.secret_access_key || (req->query_count && !req->query) ||
        (req->header_count && !req->headers) || (req->body_len && !req->body))
        return err_set(err, LK_INVALID_ARG, "sigv4: incomplete request or options");
    int has_host = 0;
    for (size_t i = 0; i < req->header_count; i++) {
        if (str_empty(req->headers[i].name) || !req->headers[i].value)
            return err_set(err, LK_INVALID_ARG, "sigv4: header %zu has no name or value", i);
        if (names_equal(req->headers[i].name, "host"))
            has_host = 1;
    }
    for (size_t i = 0; i < req->query_count; i++)
        if (!req->query[i].name)
            return err_set(err, LK_INVALID_ARG, "sigv4: query parameter %zu has no name", i);
    if (!has_host)
        return err_set(err, LK_INVALID_ARG, "sigv4: the request has no Host header");
    return LK_OK;
}

static int collect_headers(struct signing *s)
{
    const struct sig_request *req = s->req;
    struct sig_result *res = s->res;
    s->hdrs = req->header_count + 3 <= SIGNING_HEADERS
                  ? s->few_hdrs
                  : (s->hdrs_owned = malloc((req->header_count + 3) * sizeof *s->hdrs));
    if (!s->hdrs)
        return LK_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < req->header_count; i++, n++)
        s->hdrs[n] = (struct hdr){req->headers[i].name, req->headers[i].value, n};
    if (!s->presign) {
        s->hdrs[n] = (struct hdr){"x-amz-date", res->amz_date, n};
        n++;
        if (s->sign_token) {
            s->hdrs[n] = (struct hdr){"x-amz-security-token", s->opt->creds.session_token, n};
            n++;
        }
        if (s->opt->sign_body) {
            s->hdrs[n] = (struct hdr){"x-amz-content-sha256", res->payload_hash, n};
            n++;
        }
    }
    s->nhdrs = n;
    qsort(s->hdrs, n, sizeof *s->hdrs, hdr_cmp);
    return LK_OK;
}

static int canonical_uri(const struct signing *s, struct lk_buf *out)
{
    const char *path = s->req->path;
    size_t len = strlen(path);
    int rc;
    if (len == 0)
        return buf_append_byte(out, '/');
    if (!s->opt->normalize_path && !s->opt->double_encode)
        return buf_append(out, path, len);
    /* Without "." or an empty segment a path is already normal ("/" for every JSON and
     * query API): encoded as it is, without a normalised copy. */
    if (s->opt->double_encode && !memchr(path, '.', len) && !strstr(path, "//"))
        return form_encode(out, path, len, 1);
    struct lk_buf norm;
    buf_init(&norm, SIG_MAX_BYTES);
    if (s->opt->normalize_path) {
        LK_TRY(sig_normalize_path(&norm, path, len));
    } else {
        LK_TRY(buf_append(&norm, path, len));
    }
    if (s->opt->double_encode) {
        LK_TRY(form_encode(out, norm.data, norm.len, 1));
    } else {
        LK_TRY(buf_append(out, norm.data, norm.len));
    }
cleanup:
    buf_cleanup(&norm);
    return rc;
}

static long clamp_expires(long e)
{
    return e < 1 ? 1 : (e > SIG_EXPIRES_MAX ? SIG_EXPIRES_MAX : e);
}

/* The X-Amz-* parameters of query signing, in the canonical set and (encoded, in the order
 * the suite and the SDKs write them) in res->query. */
static int add_auth_params(struct signing *s)
{
    const struct sig_options *opt = s->opt;
    struct sig_result *res = s->res;
    char credential[512];
    char expires[24];
    int rc;
    const char *const parts[] = {opt->creds.access_key_id, "/", s->scope};
    if (text_join(credential, sizeof credential, parts, 3) >= sizeof credential)
        return LK_INVALID_ARG;
    *digits_put(expires, (uint64_t)clamp_expires(opt->expires_s), 0) = '\0';
    const struct sig_param p[] = {
        {"X-Amz-Algorithm", SIG_ALGORITHM}, {"X-Amz-Credential", credential},
        {"X-Amz-Date", res->amz_date},      {"X-Amz-SignedHeaders", buf_cstr(&res->signed_headers)},
        {"X-Amz-Expires", expires},         {"X-Amz-Security-Token", opt->creds.session_token},
    };
    size_t np = str_empty(opt->creds.session_token) ? 5 : 6;
    for (size_t i = 0; i < np; i++) {
        if (i < 5 || s->sign_token)
            LK_TRY(qset_add(&s->qs, p[i].name, p[i].value));
        if (i)
            LK_TRY(buf_append_byte(&res->query, '&'));
        LK_TRY(buf_append_str(&res->query, p[i].name));
        LK_TRY(buf_append_byte(&res->query, '='));
        LK_TRY(form_encode(&res->query, p[i].value, strlen(p[i].value), 0));
    }
cleanup:
    return rc;
}

static int build_canonical_request(struct signing *s)
{
    const struct sig_request *req = s->req;
    struct sig_result *res = s->res;
    struct lk_buf *creq = &res->canonical_request;
    struct lk_buf *hblock = &res->scratch;
    int rc;
    LK_TRY(collect_headers(s));
    LK_TRY(canonical_headers(s->hdrs, s->nhdrs, hblock, &res->signed_headers));
    for (size_t i = 0; i < req->query_count; i++)
        LK_TRY(qset_add(&s->qs, req->query[i].name, req->query[i].value));
    if (s->presign)
        LK_TRY(add_auth_params(s));
    qset_sort(&s->qs);

    LK_TRY(buf_append_str(creq, req->method));
    LK_TRY(buf_append_byte(creq, '\n'));
    LK_TRY(canonical_uri(s, creq));
    LK_TRY(buf_append_byte(creq, '\n'));
    LK_TRY(qset_write(&s->qs, creq));
    LK_TRY(buf_append_byte(creq, '\n'));
    LK_TRY(buf_append(creq, hblock->data, hblock->len));
    LK_TRY(buf_append(creq, res->signed_headers.data, res->signed_headers.len));
    LK_TRY(buf_append_byte(creq, '\n'));
    LK_TRY(buf_append_str(creq, res->payload_hash));
cleanup:
    return rc;
}

static int compute_signature(struct signing *s)
{
    struct sig_result *res = s->res;
    char creq_hash[65];
    char date8[9];
    struct hash_hmac_key key;
    unsigned char sig[32];
    int rc;
    memset(&key, 0, sizeof key);
    memcpy(date8, res->amz_date, 8);
    date8[8] = '\0';
    LK_TRY(sig_sha256_hex(res->canonical_request.data, res->canonical_request.len, creq_hash));
    const char *const sts[] = {SIG_ALGORITHM "\n", res->amz_date, "\n", s->scope, "\n", creq_hash};
    LK_TRY(append_all(&res->string_to_sign, sts, sizeof sts / sizeof sts[0]));
    /* The cache is keyed on the scope without its constant "/aws4_request" tail. */
    char short_scope[160];
    size_t scope_len = strlen(s->scope) - strlen("/aws4_request");
    memcpy(short_scope, s->scope, scope_len);
    short_scope[scope_len] = '\0';
    LK_TRY(get_signing_key(s->opt, short_scope, date8, &key));
    LK_TRY(hash_hmac_keyed(&key, res->string_to_sign.data, res->string_to_sign.len, sig));
    hash_hex(sig, 32, res->signature);
cleanup:
    hash_hmac_key_cleanup(&key);
    return rc;
}

static int finish_headers(struct signing *s)
{
    const struct sig_options *opt = s->opt;
    struct sig_result *res = s->res;
    int rc;
    const char *const auth[] = {SIG_ALGORITHM " Credential=",
                                opt->creds.access_key_id,
                                "/",
                                s->scope,
                                ", SignedHeaders=",
                                buf_cstr(&res->signed_headers),
                                ", Signature=",
                                res->signature};
    LK_TRY(append_all(&res->authorization, auth, sizeof auth / sizeof auth[0]));
    size_t n = 0;
    if (!str_empty(opt->creds.session_token))
        res->added[n++] = (struct sig_header){"X-Amz-Security-Token", opt->creds.session_token};
    res->added[n++] = (struct sig_header){"X-Amz-Date", res->amz_date};
    if (opt->sign_body)
        res->added[n++] = (struct sig_header){"x-amz-content-sha256", res->payload_hash};
    res->added[n++] = (struct sig_header){"Authorization", buf_cstr(&res->authorization)};
    res->added_count = n;
cleanup:
    return rc;
}

/* "yyyymmdd/region/service/aws4_request" into scope (160 bytes); LK_TOO_LARGE when it
 * does not fit. */
static int make_scope(const char *amz_date, const char *region, const char *service,
                      char scope[160])
{
    static const char tail[] = "/aws4_request";
    size_t rlen = strlen(region), slen = strlen(service);
    if (rlen + slen + 8 + 2 + sizeof tail > 160)
        return LK_TOO_LARGE;
    char *p = scope;
    memcpy(p, amz_date, 8);
    p += 8;
    *p++ = '/';
    memcpy(p, region, rlen);
    p += rlen;
    *p++ = '/';
    memcpy(p, service, slen);
    memcpy(p + slen, tail, sizeof tail);
    return LK_OK;
}

/* The payload's hash; the empty body's is a constant (every GET and HEAD). */
static int payload_hash(const void *body, size_t len, char out[65])
{
    static const char EMPTY[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    if (len == 0) {
        memcpy(out, EMPTY, sizeof EMPTY);
        return LK_OK;
    }
    return sig_sha256_hex(body, len, out);
}

static int sign(const struct sig_request *req, const struct sig_options *opt, int presign,
                struct sig_result *res, struct lk_error *err)
{
    struct signing s = {.req = req, .opt = opt, .res = res, .presign = presign};
    buf_init(&s.qs.text, SIG_MAX_BYTES);
    int rc = check_inputs(req, opt, err);
    if (rc != LK_OK)
        return rc;
    result_reset(res);
    s.sign_token = !str_empty(opt->creds.session_token) && !opt->omit_session_token;
    if (sig_format_amz_date(opt->now, res->amz_date) != LK_OK)
        return err_set(err, LK_INVALID_ARG, "sigv4: signing time out of range");
    if (make_scope(res->amz_date, opt->region, opt->service, s.scope) != LK_OK)
        return err_set(err, LK_INVALID_ARG, "sigv4: region or service name too long");
    if (opt->payload_hash) {
        size_t len = strlen(opt->payload_hash);
        if (len >= sizeof res->payload_hash)
            return err_set(err, LK_INVALID_ARG, "sigv4: payload hash too long");
        memcpy(res->payload_hash, opt->payload_hash, len + 1);
    } else {
        LK_TRY(payload_hash(req->body, req->body_len, res->payload_hash));
    }
    LK_TRY(build_canonical_request(&s));
    LK_TRY(compute_signature(&s));
    if (presign) {
        const char *const tail[] = {"&X-Amz-Signature=", res->signature};
        LK_TRY(append_all(&res->query, tail, 2));
    } else {
        LK_TRY(finish_headers(&s));
    }
cleanup:
    free(s.hdrs_owned);
    free(s.qs.items);
    buf_cleanup(&s.qs.text);
    if (rc != LK_OK)
        err_set(err, rc, "sigv4: signing failed (%s)", err_default_message(rc));
    return rc;
}

int sig_sign_headers(const struct sig_request *req, const struct sig_options *opt,
                     struct sig_result *res, struct lk_error *err)
{
    return sign(req, opt, 0, res, err);
}

int sig_presign(const struct sig_request *req, const struct sig_options *opt,
                struct sig_result *res, struct lk_error *err)
{
    return sign(req, opt, 1, res, err);
}
