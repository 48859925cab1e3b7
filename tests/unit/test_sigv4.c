/*
 * Unit tests for the SigV4 signer (sigv4.h).
 *
 * Every case folder under tests/data/sigv4-test-suite/v4/ becomes two tests (header and
 * query signing) that compare, byte for byte, the canonical request, the string to sign,
 * the signature and the signed request. The folder is walked, so a new case needs no code.
 * No case is skipped.
 *
 * How the suite's inputs map onto the signer (the suite is aws-c-auth's):
 *   - request.txt holds the wire request: the path as sent and the query as sent. Query
 *     names and values are percent-decoded here and handed over raw, as the signer wants.
 *   - "normalize" is the signer's normalize_path. The suite always double-encodes the wire
 *     path (its unnormalized cases differ only in keeping dot and empty segments), so
 *     double_encode is always on; S3 (single encoding) is covered by the S3 doc vectors.
 *   - "sign_body" adds x-amz-content-sha256 for header signing; query signing of the suite
 *     signs the body's hash.
 *   - folded header lines stay in the value with their line breaks; the signer's trimming
 *     turns them into single spaces, as the suite expects.
 */
#define _GNU_SOURCE /* strptime, timegm */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "lookout/aws.h"
#include "lookout/buf.h"
#include "lookout/form.h"
#include "lookout/sigv4.h"

#define SUITE_DIR LOOKOUT_TEST_DATA_DIR "/sigv4-test-suite/v4"
#define MAX_FIELDS 64

/* ---- reading the suite ---- */

static int read_file(const char *dir, const char *name, struct lk_buf *out)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return LK_IO;
    int rc = buf_append_file(out, f);
    fclose(f);
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string. */
static char *decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    assert_non_null(out);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n + 0 && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

struct suite_case {
    char dir[1024];
    struct lk_buf raw; /* request.txt */
    size_t head_len;   /* request line and header lines, each with its '\n' */
    size_t target_start, target_len;
    char *method;
    char *path;
    char *strings[4 * MAX_FIELDS];
    size_t nstrings;
    struct sig_param query[MAX_FIELDS];
    size_t nquery;
    struct sig_header headers[MAX_FIELDS];
    size_t nheaders;
    const char *body;
    size_t body_len;
    /* context.json */
    cJSON *ctx;
    struct sig_options opt;
};

static char *keep(struct suite_case *c, char *s)
{
    assert_true(c->nstrings < sizeof c->strings / sizeof c->strings[0]);
    c->strings[c->nstrings++] = s;
    return s;
}

static char *dup_n(struct suite_case *c, const char *s, size_t n)
{
    char *d = malloc(n + 1);
    assert_non_null(d);
    memcpy(d, s, n);
    d[n] = '\0';
    return keep(c, d);
}

static void parse_query(struct suite_case *c, const char *q, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && q[j] != '&')
            j++;
        const char *eq = memchr(q + i, '=', j - i);
        size_t name_end = eq ? (size_t)(eq - q) : j;
        assert_true(c->nquery < MAX_FIELDS);
        c->query[c->nquery].name = keep(c, decode(q + i, name_end - i));
        c->query[c->nquery].value = eq ? keep(c, decode(eq + 1, j - name_end - 1)) : "";
        c->nquery++;
        i = j + 1;
    }
}

static void parse_request(struct suite_case *c)
{
    const char *s = c->raw.data;
    size_t n = c->raw.len;
    const char *eol = memchr(s, '\n', n);
    assert_non_null(eol);
    /* "METHOD TARGET HTTP/1.1": the target may hold spaces (get-space). */
    const char *sp1 = memchr(s, ' ', (size_t)(eol - s));
    const char *sp2 = eol;
    while (sp2 > sp1 && *sp2 != ' ')
        sp2--;
    assert_true(sp1 && sp2 > sp1);
    c->method = dup_n(c, s, (size_t)(sp1 - s));
    c->target_start = (size_t)(sp1 + 1 - s);
    c->target_len = (size_t)(sp2 - sp1 - 1);
    const char *target = sp1 + 1;
    const char *qm = memchr(target, '?', c->target_len);
    size_t path_len = qm ? (size_t)(qm - target) : c->target_len;
    c->path = dup_n(c, target, path_len);
    if (qm)
        parse_query(c, qm + 1, c->target_len - path_len - 1);

    size_t pos = (size_t)(eol - s) + 1;
    while (pos < n && s[pos] != '\n') {
        const char *line = s + pos;
        const char *end = memchr(line, '\n', n - pos);
        size_t len = end ? (size_t)(end - line) : n - pos;
        if ((line[0] == ' ' || line[0] == '\t') && c->nheaders > 0) {
            /* Folded line: the value keeps the line break, the signer collapses it. */
            struct sig_header *h = &c->headers[c->nheaders - 1];
            size_t vlen = strlen(h->value);
            char *v = malloc(vlen + 1 + len + 1);
            assert_non_null(v);
            memcpy(v, h->value, vlen);
            v[vlen] = '\n';
            memcpy(v + vlen + 1, line, len);
            v[vlen + 1 + len] = '\0';
            h->value = keep(c, v);
        } else {
            const char *colon = memchr(line, ':', len);
            assert_non_null(colon);
            assert_true(c->nheaders < MAX_FIELDS);
            c->headers[c->nheaders].name = dup_n(c, line, (size_t)(colon - line));
            c->headers[c->nheaders].value = dup_n(c, colon + 1, len - (size_t)(colon - line) - 1);
            c->nheaders++;
        }
        pos += len + (end ? 1 : 0);
    }
    c->head_len = pos;
    if (pos < n) {
        c->body = s + pos + 1;
        c->body_len = n - pos - 1;
    }
}

static time_t parse_timestamp(const char *iso)
{
    struct tm tm = {0};
    assert_non_null(strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm));
    return timegm(&tm);
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int json_true(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static void load_case(struct suite_case *c, const char *dir)
{
    memset(c, 0, sizeof *c);
    snprintf(c->dir, sizeof c->dir, "%s", dir);
    struct lk_buf json;
    buf_init(&json, 1 << 20);
    buf_init(&c->raw, 1 << 20);
    assert_int_equal(read_file(dir, "context.json", &json), LK_OK);
    assert_int_equal(read_file(dir, "request.txt", &c->raw), LK_OK);
    c->ctx = cJSON_ParseWithLength(json.data, json.len);
    buf_cleanup(&json);
    assert_non_null(c->ctx);
    parse_request(c);

    const cJSON *creds = cJSON_GetObjectItemCaseSensitive(c->ctx, "credentials");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(c->ctx, "expiration_in_seconds");
    c->opt = (struct sig_options){
        .creds = {json_str(creds, "access_key_id"), json_str(creds, "secret_access_key"),
                  json_str(creds, "token")},
        .region = json_str(c->ctx, "region"),
        .service = json_str(c->ctx, "service"),
        .now = parse_timestamp(json_str(c->ctx, "timestamp")),
        .normalize_path = json_true(c->ctx, "normalize"),
        .double_encode = 1,
        .sign_body = json_true(c->ctx, "sign_body"),
        .omit_session_token = json_true(c->ctx, "omit_session_token"),
        .expires_s = cJSON_IsNumber(exp) ? (long)exp->valuedouble : 0,
    };
}

static void free_case(struct suite_case *c)
{
    for (size_t i = 0; i < c->nstrings; i++)
        free(c->strings[i]);
    cJSON_Delete(c->ctx);
    buf_cleanup(&c->raw);
}

static void expect_file(const char *dir, const char *file, const char *got, size_t got_len)
{
    struct lk_buf want;
    buf_init(&want, 1 << 20);
    assert_int_equal(read_file(dir, file, &want), LK_OK);
    if (want.len != got_len || memcmp(want.data, got, got_len) != 0) {
        print_error("%s/%s differs\n--- expected\n%s\n--- got\n%.*s\n", dir, file, buf_cstr(&want),
                    (int)got_len, got);
        buf_cleanup(&want);
        fail();
    }
    buf_cleanup(&want);
}

static struct sig_request case_request(const struct suite_case *c)
{
    return (struct sig_request){
        .method = c->method,
        .path = c->path,
        .query = c->query,
        .query_count = c->nquery,
        .headers = c->headers,
        .header_count = c->nheaders,
        .body = c->body,
        .body_len = c->body_len,
    };
}

static void suite_header_case(void **state)
{
    struct suite_case c;
    struct sig_result res;
    struct lk_error err;
    struct lk_buf signed_req;
    load_case(&c, *state);
    sig_result_init(&res);
    buf_init(&signed_req, 1 << 20);
    struct sig_request req = case_request(&c);
    assert_int_equal(sig_sign_headers(&req, &c.opt, &res, &err), LK_OK);

    assert_int_equal(buf_append(&signed_req, c.raw.data, c.head_len), LK_OK);
    for (size_t i = 0; i < res.added_count; i++)
        assert_int_equal(buf_appendf(&signed_req, "%s:%s\n", res.added[i].name, res.added[i].value),
                         LK_OK);
    assert_int_equal(buf_append_byte(&signed_req, '\n'), LK_OK);
    assert_int_equal(buf_append(&signed_req, c.body, c.body_len), LK_OK);

    expect_file(c.dir, "header-canonical-request.txt", res.canonical_request.data,
                res.canonical_request.len);
    expect_file(c.dir, "header-string-to-sign.txt", res.string_to_sign.data,
                res.string_to_sign.len);
    expect_file(c.dir, "header-signature.txt", res.signature, strlen(res.signature));
    expect_file(c.dir, "header-signed-request.txt", signed_req.data, signed_req.len);
    buf_cleanup(&signed_req);
    sig_result_cleanup(&res);
    free_case(&c);
}

static void suite_query_case(void **state)
{
    struct suite_case c;
    struct sig_result res;
    struct lk_error err;
    struct lk_buf signed_req;
    load_case(&c, *state);
    sig_result_init(&res);
    buf_init(&signed_req, 1 << 20);
    c.opt.sign_body = 0;
    struct sig_request req = case_request(&c);
    assert_int_equal(sig_presign(&req, &c.opt, &res, &err), LK_OK);

    /* The request line gains the auth parameters after the request's own query. */
    size_t target_end = c.target_start + c.target_len;
    assert_int_equal(buf_append(&signed_req, c.raw.data, target_end), LK_OK);
    assert_int_equal(buf_append_byte(&signed_req, c.nquery ? '&' : '?'), LK_OK);
    assert_int_equal(buf_append(&signed_req, res.query.data, res.query.len), LK_OK);
    assert_int_equal(buf_append(&signed_req, c.raw.data + target_end, c.head_len - target_end),
                     LK_OK);
    assert_int_equal(buf_append_byte(&signed_req, '\n'), LK_OK);
    assert_int_equal(buf_append(&signed_req, c.body, c.body_len), LK_OK);

    expect_file(c.dir, "query-canonical-request.txt", res.canonical_request.data,
                res.canonical_request.len);
    expect_file(c.dir, "query-string-to-sign.txt", res.string_to_sign.data, res.string_to_sign.len);
    expect_file(c.dir, "query-signature.txt", res.signature, strlen(res.signature));
    expect_file(c.dir, "query-signed-request.txt", signed_req.data, signed_req.len);
    buf_cleanup(&signed_req);
    sig_result_cleanup(&res);
    free_case(&c);
}

/* ---- fixed vectors ---- */

static const struct sig_credentials S3_DOC_CREDS = {
    "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL};
#define S3_DOC_TIME ((time_t)1369353600) /* 2013-05-24T00:00:00Z */
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

static struct sig_options s3_doc_options(void)
{
    return (struct sig_options){.creds = S3_DOC_CREDS,
                                .region = "us-east-1",
                                .service = "s3",
                                .now = S3_DOC_TIME,
                                .sign_body = 1};
}

static void s3_doc_get_object_with_range(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                                   {"Range", "bytes=0-9"}};
    struct sig_request req = {
        .method = "GET", .path = "/test.txt", .headers = h, .header_count = 2};
    struct sig_options opt = s3_doc_options();
    struct sig_result res;
    sig_result_init(&res);
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    assert_string_equal(buf_cstr(&res.signed_headers),
                        "host;range;x-amz-content-sha256;x-amz-date");
    assert_string_equal(res.payload_hash, EMPTY_SHA256);
    assert_string_equal(res.signature,
                        "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    assert_string_equal(
        buf_cstr(&res.authorization),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
        "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    sig_result_cleanup(&res);
}

static void s3_doc_list_objects(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    /* Given out of order: the canonical query sorts them. */
    const struct sig_param q[] = {{"prefix", "J"}, {"max-keys", "2"}};
    struct sig_request req = {.method = "GET",
                              .path = "/",
                              .query = q,
                              .query_count = 2,
                              .headers = h,
                              .header_count = 1};
    struct sig_options opt = s3_doc_options();
    struct sig_result res;
    sig_result_init(&res);
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    assert_non_null(strstr(buf_cstr(&res.canonical_request), "\nmax-keys=2&prefix=J\n"));
    assert_string_equal(res.signature,
                        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    sig_result_cleanup(&res);
}

static void s3_doc_presigned_get(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    struct sig_request req = {
        .method = "GET", .path = "/test.txt", .headers = h, .header_count = 1};
    struct sig_options opt = s3_doc_options();
    opt.sign_body = 0;
    opt.payload_hash = SIG_UNSIGNED_PAYLOAD;
    opt.expires_s = 86400;
    struct sig_result res;
    char creq_hash[65];
    sig_result_init(&res);
    assert_int_equal(sig_presign(&req, &opt, &res, NULL), LK_OK);
    assert_int_equal(
        sig_sha256_hex(res.canonical_request.data, res.canonical_request.len, creq_hash), LK_OK);
    assert_string_equal(creq_hash,
                        "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04");
    assert_string_equal(res.signature,
                        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    assert_non_null(strstr(buf_cstr(&res.query), "X-Amz-Expires=86400&"));
    sig_result_cleanup(&res);
}

static struct sig_options vanilla_options(void)
{
    return (struct sig_options){
        .creds = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL},
        .region = "us-east-1",
        .service = "service",
        .now = (time_t)1440938160, /* 2015-08-30T12:36:00Z */
        .normalize_path = 1,
        .double_encode = 1,
        .expires_s = 3600,
    };
}

static void get_vanilla_vectors(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"Host", "example.amazonaws.com"}};
    struct sig_request req = {.method = "GET", .path = "/", .headers = h, .header_count = 1};
    struct sig_options opt = vanilla_options();
    struct sig_result res;
    char creq_hash[65];
    sig_result_init(&res);
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    assert_int_equal(
        sig_sha256_hex(res.canonical_request.data, res.canonical_request.len, creq_hash), LK_OK);
    assert_string_equal(creq_hash,
                        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    assert_string_equal(res.signature,
                        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assert_int_equal(sig_presign(&req, &opt, &res, NULL), LK_OK);
    assert_string_equal(res.signature,
                        "e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d");
    sig_result_cleanup(&res);
}

static const char *expires_param(long expires_s, struct sig_result *res)
{
    const struct sig_header h[] = {{"Host", "example.amazonaws.com"}};
    struct sig_request req = {.method = "GET", .path = "/", .headers = h, .header_count = 1};
    struct sig_options opt = vanilla_options();
    opt.expires_s = expires_s;
    assert_int_equal(sig_presign(&req, &opt, res, NULL), LK_OK);
    return strstr(buf_cstr(&res->query), "X-Amz-Expires=");
}

static void presign_expires_is_clamped(void **state)
{
    (void)state;
    struct sig_result res;
    sig_result_init(&res);
    assert_memory_equal(expires_param(0, &res), "X-Amz-Expires=1&", 16);
    assert_memory_equal(expires_param(-5, &res), "X-Amz-Expires=1&", 16);
    assert_memory_equal(expires_param(604800, &res), "X-Amz-Expires=604800&", 21);
    assert_memory_equal(expires_param(604801, &res), "X-Amz-Expires=604800&", 21);
    assert_memory_equal(expires_param(86400, &res), "X-Amz-Expires=86400&", 20);
    sig_result_cleanup(&res);
}

static void cached_key_gives_same_signature(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"Host", "example.amazonaws.com"}};
    struct sig_request req = {.method = "GET", .path = "/", .headers = h, .header_count = 1};
    struct sig_options opt = vanilla_options();
    struct sig_key_cache cache;
    struct sig_result res;
    sig_key_cache_init(&cache);
    sig_result_init(&res);
    opt.cache = &cache;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
        assert_true(cache.valid);
        assert_string_equal(res.signature,
                            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }
    /* Another secret, region or day must not reuse the cached key. */
    opt.creds.secret_access_key = "another-secret";
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    assert_string_not_equal(res.signature,
                            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    opt = vanilla_options();
    opt.cache = &cache;
    opt.now += 86400;
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    char fresh[65];
    memcpy(fresh, res.signature, sizeof fresh);
    opt.cache = NULL;
    assert_int_equal(sig_sign_headers(&req, &opt, &res, NULL), LK_OK);
    assert_string_equal(fresh, res.signature);
    sig_key_cache_cleanup(&cache);
    sig_result_cleanup(&res);
}

/* The X-Amz-Date text, against strftime's, from 1970 to the year 9999. */
static void amz_date_matches_strftime(void **state)
{
    (void)state;
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        time_t t = i == 0 ? 0 : i == 1 ? (time_t)253402300799 : (time_t)(x % 253402300800ULL);
        char got[17], want[17];
        struct tm tm;
        assert_int_equal(sig_format_amz_date(t, got), LK_OK);
        assert_non_null(gmtime_r(&t, &tm));
        assert_int_equal(strftime(want, sizeof want, "%Y%m%dT%H%M%SZ", &tm), 16);
        assert_string_equal(got, want);
    }
}

static void uri_encode_rules(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 1024);
    const char raw[] = "a b/c~d_e.f-g+h*%\xe1\x88\xb4\x00z";
    assert_int_equal(form_encode(&b, raw, sizeof raw - 1, 1), LK_OK);
    assert_string_equal(buf_cstr(&b), "a%20b/c~d_e.f-g%2Bh%2A%25%E1%88%B4%00z");
    buf_reset(&b);
    assert_int_equal(form_encode(&b, "a/b", 3, 0), LK_OK);
    assert_string_equal(buf_cstr(&b), "a%2Fb");
    /* Every byte: RFC 3986's unreserved set as it is, anything else as %XX. */
    for (int c = 0; c < 256; c++) {
        char in = (char)c, want[4];
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~';
        snprintf(want, sizeof want, plain ? "%c" : "%%%02X", c);
        buf_reset(&b);
        assert_int_equal(form_encode(&b, &in, 1, 0), LK_OK);
        assert_string_equal(buf_cstr(&b), want);
    }
    buf_cleanup(&b);
}

static void normalize_path_rules(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"", "/"},
        {"/", "/"},
        {"//", "/"},
        {"/a/../b", "/b"},
        {"/a/./b/", "/a/b/"},
        {"/../../a", "/a"},
        {"/a//b//", "/a/b/"},
        {"/a/..", "/"},
        {"/.../a", "/.../a"},
    };
    struct lk_buf b;
    buf_init(&b, 1024);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_reset(&b);
        assert_int_equal(sig_normalize_path(&b, cases[i][0], strlen(cases[i][0])), LK_OK);
        assert_string_equal(buf_cstr(&b), cases[i][1]);
    }
    buf_cleanup(&b);
}

static void rejects_request_without_host(void **state)
{
    (void)state;
    const struct sig_header h[] = {{"X-Other", "v"}};
    struct sig_request req = {.method = "GET", .path = "/", .headers = h, .header_count = 1};
    struct sig_options opt = vanilla_options();
    struct sig_result res;
    struct lk_error err;
    sig_result_init(&res);
    assert_int_equal(sig_sign_headers(&req, &opt, &res, &err), LK_INVALID_ARG);
    assert_non_null(strstr(err.message, "Host"));
    sig_result_cleanup(&res);
}

/* ---- aws_wire_prepare / aws_wire_presign against the S3 doc vectors ---- */

static struct aws_config s3_doc_config(void)
{
    static char akid[] = "AKIAIOSFODNN7EXAMPLE";
    static char secret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static char region[] = "us-east-1";
    return (struct aws_config){
        .access_key_id = akid, .secret_access_key = secret, .region = region, .max_attempts = 3};
}

static const char *wire_header(const struct aws_wire_request *w, const char *prefix)
{
    for (size_t i = 0; i < w->header_count; i++)
        if (strncmp(w->headers[i], prefix, strlen(prefix)) == 0)
            return w->headers[i] + strlen(prefix);
    return NULL;
}

static void wire_prepare_matches_s3_doc_vector(void **state)
{
    (void)state;
    struct aws_config cfg = s3_doc_config();
    const struct aws_header h[] = {{"Range", "bytes=0-9"}};
    struct aws_request req = {.method = "GET",
                              .path = "/test.txt",
                              .headers = h,
                              .header_count = 1,
                              .base_url = "https://examplebucket.s3.amazonaws.com"};
    struct aws_wire_request w;
    struct lk_error err;
    assert_int_equal(aws_wire_prepare(&cfg, AWS_SVC_S3, &req, S3_DOC_TIME, NULL, &w, &err), LK_OK);
    assert_string_equal(w.url, "https://examplebucket.s3.amazonaws.com/test.txt");
    assert_string_equal(wire_header(&w, "Host: "), "examplebucket.s3.amazonaws.com");
    assert_string_equal(wire_header(&w, "Range: "), "bytes=0-9");
    assert_string_equal(wire_header(&w, "X-Amz-Date: "), "20130524T000000Z");
    assert_string_equal(wire_header(&w, "x-amz-content-sha256: "), EMPTY_SHA256);
    assert_null(wire_header(&w, "X-Amz-Security-Token: "));
    assert_string_equal(
        wire_header(&w, "Authorization: "),
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/"
        "aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    aws_wire_cleanup(&w);
}

static void wire_presign_matches_s3_doc_vector(void **state)
{
    (void)state;
    struct aws_config cfg = s3_doc_config();
    struct aws_request req = {
        .method = "GET", .path = "/test.txt", .base_url = "https://examplebucket.s3.amazonaws.com"};
    char *url = NULL;
    struct lk_error err;
    assert_int_equal(aws_wire_presign(&cfg, AWS_SVC_S3, &req, 86400, S3_DOC_TIME, NULL, &url, &err),
                     LK_OK);
    assert_string_equal(
        url, "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
             "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
             "&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Expires=86400"
             "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    free(url);
}

/* ---- the runner: fixed tests plus two per suite case ---- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t list_cases(char ***out)
{
    DIR *d = opendir(SUITE_DIR);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", SUITE_DIR);
        *out = NULL;
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        size_t len = strlen(SUITE_DIR) + 1 + strlen(e->d_name) + 1;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n], len, "%s/%s", SUITE_DIR, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp);
    *out = names;
    return n;
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(s3_doc_get_object_with_range),
        cmocka_unit_test(s3_doc_list_objects),
        cmocka_unit_test(s3_doc_presigned_get),
        cmocka_unit_test(get_vanilla_vectors),
        cmocka_unit_test(presign_expires_is_clamped),
        cmocka_unit_test(cached_key_gives_same_signature),
        cmocka_unit_test(amz_date_matches_strftime),
        cmocka_unit_test(uri_encode_rules),
        cmocka_unit_test(normalize_path_rules),
        cmocka_unit_test(rejects_request_without_host),
        cmocka_unit_test(wire_prepare_matches_s3_doc_vector),
        cmocka_unit_test(wire_presign_matches_s3_doc_vector),
    };
    char **cases;
    size_t ncases = list_cases(&cases);
    size_t nfixed = sizeof fixed / sizeof fixed[0];
    size_t total = nfixed + 2 * ncases;
    struct CMUnitTest *tests = calloc(total, sizeof *tests);
    char **names = calloc(2 * ncases + 1, sizeof *names);
    if (!tests || !names)
        return 1;
    memcpy(tests, fixed, sizeof fixed);
    for (size_t i = 0; i < ncases; i++) {
        const char *base = strrchr(cases[i], '/') + 1;
        for (int q = 0; q < 2; q++) {
            size_t k = 2 * i + (size_t)q;
            size_t len = strlen(base) + 16;
            names[k] = malloc(len);
            if (!names[k])
                return 1;
            snprintf(names[k], len, "%s:%s", base, q ? "query" : "header");
            tests[nfixed + k] = (struct CMUnitTest){
                .name = names[k],
                .test_func = q ? suite_query_case : suite_header_case,
                .initial_state = cases[i],
            };
        }
    }
    /* The suite has 38 cases; fewer means the data is missing, which must fail. */
    int failed = ncases < 38 ? 1 : 0;
    if (failed)
        fprintf(stderr, "found %zu suite cases in %s, expected at least 38\n", ncases, SUITE_DIR);
    failed += _cmocka_run_group_tests("sigv4", tests, total, NULL, NULL);
    for (size_t i = 0; i < 2 * ncases; i++)
        free(names[i]);
    for (size_t i = 0; i < ncases; i++)
        free(cases[i]);
    free(cases);
    free(names);
    free(tests);
    return failed;
}
