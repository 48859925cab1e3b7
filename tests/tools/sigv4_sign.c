/* sigv4_sign: signs requests read as JSON lines on stdin through aws_wire_prepare /
 * aws_wire_presign, and prints one JSON line per request, so a test can compare with
 * another SigV4 implementation. Input fields:
 *   service   "s3" | "sns" | "rekognition" | "kinesisvideo" | "dynamodb"
 *   method, host ("name[:port]", https), path (raw, unencoded), bucket (optional, S3)
 *   query     [[name, value], ...] raw      headers  [[name, value], ...] repeats allowed
 *   body_hex  the body bytes in hex         time     Unix seconds
 *   region, access_key_id, secret_access_key, session_token (optional)
 *   presign   true for a presigned URL, with expires (seconds)
 * Output: {"url":..., "headers":["Name: value", ...], "signature":...} or {"error":...}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "lookout/aws.h"
#include "lookout/buf.h"
#include "lookout/sigv4.h"

#include "tool_output.h"

#define MAX_FIELDS 256

static const char *str_field(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int service_of(const char *name, enum aws_service *out)
{
    static const enum aws_service all[] = {AWS_SVC_S3, AWS_SVC_REKOGNITION, AWS_SVC_SNS,
                                           AWS_SVC_KINESIS_VIDEO, AWS_SVC_DYNAMODB};
    for (size_t i = 0; name && i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(aws_service_signing_name(all[i]), name) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

static int hex_nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex_decode(const char *hex, struct lk_buf *out)
{
    size_t n = hex ? strlen(hex) : 0;
    if (n % 2)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int hi = hex_nibble(hex[i]), lo = hex_nibble(hex[i + 1]);
        if (hi < 0 || lo < 0 || buf_append_byte(out, (char)(hi * 16 + lo)) != LK_OK)
            return -1;
    }
    return 0;
}

/* [[name, value], ...] into parallel name/value pointers borrowed from the JSON. */
static int pairs(const cJSON *arr, const char **names, const char **values, size_t *count)
{
    *count = 0;
    if (!arr)
        return 0;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > MAX_FIELDS)
        return -1;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *n = cJSON_GetArrayItem(it, 0), *v = cJSON_GetArrayItem(it, 1);
        if (!cJSON_IsString(n) || !cJSON_IsString(v))
            return -1;
        names[*count] = n->valuestring;
        values[*count] = v->valuestring;
        (*count)++;
    }
    return 0;
}

static const char *signature_of(const char *s)
{
    const char *p = s ? strstr(s, "Signature=") : NULL;
    return p ? p + strlen("Signature=") : "";
}

static cJSON *sign_one(const cJSON *in, struct aws_wire_state *state)
{
    cJSON *out = cJSON_CreateObject();
    const char *qn[MAX_FIELDS], *qv[MAX_FIELDS], *hn[MAX_FIELDS], *hv[MAX_FIELDS];
    struct aws_query_param query[MAX_FIELDS];
    struct aws_header headers[MAX_FIELDS];
    size_t nq, nh;
    enum aws_service svc;
    struct lk_buf body, base;
    struct lk_error err;
    buf_init(&body, 64 << 20);
    buf_init(&base, 4096);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(in, "time");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(in, "expires");
    if (service_of(str_field(in, "service"), &svc) != 0 || !cJSON_IsNumber(t) ||
        pairs(cJSON_GetObjectItemCaseSensitive(in, "query"), qn, qv, &nq) != 0 ||
        pairs(cJSON_GetObjectItemCaseSensitive(in, "headers"), hn, hv, &nh) != 0 ||
        hex_decode(str_field(in, "body_hex"), &body) != 0 || !str_field(in, "host") ||
        buf_appendf(&base, "https://%s", str_field(in, "host")) != LK_OK) {
        cJSON_AddStringToObject(out, "error", "bad input line");
        goto cleanup;
    }
    for (size_t i = 0; i < nq; i++)
        query[i] = (struct aws_query_param){qn[i], qv[i]};
    for (size_t i = 0; i < nh; i++)
        headers[i] = (struct aws_header){hn[i], hv[i]};
    /* The config only borrows here: aws_config_cleanup is never called on it. */
    struct aws_config cfg = {
        .access_key_id = (char *)str_field(in, "access_key_id"),
        .secret_access_key = (char *)str_field(in, "secret_access_key"),
        .session_token = (char *)str_field(in, "session_token"),
        .region = (char *)str_field(in, "region"),
        .max_attempts = 3,
    };
    struct aws_request req = {
        .method = str_field(in, "method"),
        .bucket = str_field(in, "bucket"),
        .path = str_field(in, "path"),
        .query = query,
        .query_count = nq,
        .headers = headers,
        .header_count = nh,
        .body = body.data,
        .body_len = body.len,
        .base_url = buf_cstr(&base),
    };
    time_t now = (time_t)t->valuedouble;
    err_clear(&err);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(in, "presign"))) {
        char *url = NULL;
        long expires = cJSON_IsNumber(exp) ? (long)exp->valuedouble : 3600;
        if (aws_wire_presign(&cfg, svc, &req, expires, now, state, &url, &err) == LK_OK) {
            cJSON_AddStringToObject(out, "url", url);
            cJSON_AddStringToObject(out, "signature", signature_of(strstr(url, "X-Amz-")));
        } else {
            cJSON_AddStringToObject(out, "error", err.message);
        }
        free(url);
    } else {
        struct aws_wire_request w;
        if (aws_wire_prepare(&cfg, svc, &req, now, state, &w, &err) == LK_OK) {
            cJSON *hs = cJSON_AddArrayToObject(out, "headers");
            const char *auth = NULL;
            for (size_t i = 0; i < w.header_count; i++) {
                cJSON_AddItemToArray(hs, cJSON_CreateString(w.headers[i]));
                if (strncmp(w.headers[i], "Authorization: ", 15) == 0)
                    auth = w.headers[i];
            }
            cJSON_AddStringToObject(out, "url", w.url);
            cJSON_AddStringToObject(out, "signature", signature_of(auth));
            aws_wire_cleanup(&w);
        } else {
            cJSON_AddStringToObject(out, "error", err.message);
        }
    }
cleanup:
    buf_cleanup(&body);
    buf_cleanup(&base);
    return out;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    /* One wire state (the signing-key cache and the buffers requests are built in) across
     * every line, as a client keeps one: lines that change day, region, service or secret
     * must miss the key, and every line must sign as if it were the first. */
    struct aws_wire_state *state = aws_wire_state_new();
    if (!state)
        return 1;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        cJSON *in = cJSON_ParseWithLength(line, (size_t)n);
        cJSON *out = in ? sign_one(in, state) : cJSON_CreateObject();
        if (!in)
            cJSON_AddStringToObject(out, "error", "not JSON");
        tool_print_line(out);
        cJSON_Delete(in);
    }
    free(line);
    aws_wire_state_free(state);
    return 0;
}
