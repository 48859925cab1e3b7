/* aws_call: drives the real AWS HTTP client (aws.h) for the Python tests.
 *
 *   aws_call '<request JSON>'
 *
 * The client is built from the environment (aws_config_from_env: credentials, region,
 * AWS_ENDPOINT_URL_*, AWS_MAX_ATTEMPTS); AWS_LAMBDA_LOG_LEVEL/FORMAT set the logger. The
 * request JSON:
 *   {"service":"s3|rekognition|sns|kinesisvideo|kinesisvideo-media|dynamodb",
 *    "operation":"GetObject",     names the call in messages
 *    "method":"GET", "bucket":"b", "path":"/key", "query":[["name","value"]],
 *    "headers":[["Content-Type","text/plain"]], "body":"text",
 *    "body_repeat":1,             the body is that text repeated (large bodies)
 *    "deadline_ms":2000,          relative to the start of each call; 0 = none
 *    "max_response_bytes":0, "repeat":1,
 *    "jitter":0.5,                fixed random factor for backoff (absent: the client's own)
 *    "presign":3600}              presign instead of sending (the URL is not printed)
 * One JSON line per call on stdout: status name, Lambda type, HTTP status, attempts, AWS
 * code, message, request id, elapsed and deadline times, body length, backoff delays, retry
 * quota left, new connections, and the response headers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/aws.h"
#include "lookout/aws_retry.h"
#include "lookout/clock.h"
#include "lookout/json.h"
#include "lookout/log.h"

#include "tool_output.h"

#define MAX_PAIRS 32

struct call {
    enum aws_service svc;
    struct aws_request req;
    struct aws_query_param query[MAX_PAIRS];
    struct aws_header headers[MAX_PAIRS];
    char *body; /* owned */
    int64_t deadline_ms;
    int repeat;
    long presign_s;
};

static double fixed_rand(void *state)
{
    return *(const double *)state;
}

static int parse_service(const char *name, enum aws_service *out)
{
    static const struct {
        const char *name;
        enum aws_service svc;
    } names[] = {{"s3", AWS_SVC_S3},
                 {"rekognition", AWS_SVC_REKOGNITION},
                 {"sns", AWS_SVC_SNS},
                 {"kinesisvideo", AWS_SVC_KINESIS_VIDEO},
                 {"kinesisvideo-media", AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA},
                 {"dynamodb", AWS_SVC_DYNAMODB}};
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(name, names[i].name) == 0) {
            *out = names[i].svc;
            return 0;
        }
    }
    return -1;
}

/* [["a","b"],...] into pairs of borrowed strings; -1 on a bad shape. */
static int parse_pairs(const cJSON *arr, const char **names, const char **values, size_t *n)
{
    *n = 0;
    const cJSON *pair;
    cJSON_ArrayForEach(pair, arr)
    {
        const cJSON *a = cJSON_GetArrayItem(pair, 0), *b = cJSON_GetArrayItem(pair, 1);
        if (*n == MAX_PAIRS || !cJSON_IsString(a) || !cJSON_IsString(b))
            return -1;
        names[*n] = a->valuestring;
        values[*n] = b->valuestring;
        (*n)++;
    }
    return 0;
}

static int parse_call(const cJSON *j, struct call *c)
{
    const char *names[MAX_PAIRS], *values[MAX_PAIRS];
    size_t n;
    memset(c, 0, sizeof *c);
    if (parse_service(json_get_string(j, "service"), &c->svc) != 0)
        return -1;
    c->req.operation = json_get_string(j, "operation");
    c->req.method = json_get_string(j, "method") ? json_get_string(j, "method") : "GET";
    c->req.bucket = json_get_string(j, "bucket");
    c->req.path = json_get_string(j, "path") ? json_get_string(j, "path") : "/";
    if (parse_pairs(json_get_array(j, "query"), names, values, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        c->query[i] = (struct aws_query_param){names[i], values[i]};
    c->req.query = c->query;
    c->req.query_count = n;
    if (parse_pairs(json_get_array(j, "headers"), names, values, &n) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        c->headers[i] = (struct aws_header){names[i], values[i]};
    c->req.headers = c->headers;
    c->req.header_count = n;
    const char *body = json_get_string(j, "body");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "body_repeat");
    size_t times = cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 64e6
                       ? (size_t)v->valuedouble
                       : 1;
    if (body) {
        size_t len = strlen(body);
        if (!(c->body = malloc(len * times + 1)))
            return -1;
        for (size_t i = 0; i < times; i++)
            memcpy(c->body + i * len, body, len);
        c->req.body = c->body;
        c->req.body_len = len * times;
    }
    v = cJSON_GetObjectItemCaseSensitive(j, "max_response_bytes");
    c->req.max_response_bytes = cJSON_IsNumber(v) ? (size_t)v->valuedouble : 0;
    v = cJSON_GetObjectItemCaseSensitive(j, "deadline_ms");
    c->deadline_ms = cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 10000;
    v = cJSON_GetObjectItemCaseSensitive(j, "repeat");
    c->repeat = cJSON_IsNumber(v) ? v->valueint : 1;
    v = cJSON_GetObjectItemCaseSensitive(j, "presign");
    c->presign_s = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
    return 0;
}

static void add_result(cJSON *o, int rc, const struct lk_error *err)
{
    cJSON_AddStringToObject(o, "status", err_name(rc));
    cJSON_AddStringToObject(o, "type", err_lambda_type(rc));
    cJSON_AddStringToObject(o, "aws_code", err->aws_code);
    cJSON_AddStringToObject(o, "message", err->message);
    cJSON_AddStringToObject(o, "error_request_id", err->request_id);
    cJSON_AddNumberToObject(o, "error_http_status", (double)err->http_status);
}

static void add_response(cJSON *o, const struct aws_client *client, const struct aws_response *r)
{
    struct aws_client_stats st;
    aws_client_last_stats(client, &st);
    cJSON_AddNumberToObject(o, "http_status", (double)r->status);
    cJSON_AddNumberToObject(o, "attempts", r->attempts);
    cJSON_AddStringToObject(o, "request_id", r->request_id);
    cJSON_AddNumberToObject(o, "body_len", (double)r->body.len);
    cJSON_AddNumberToObject(o, "quota", st.quota_available);
    cJSON_AddNumberToObject(o, "connections", (double)st.connections);
    cJSON *delays = cJSON_AddArrayToObject(o, "delays_ms");
    for (size_t i = 0; delays && i < st.delay_count; i++)
        cJSON_AddItemToArray(delays, cJSON_CreateNumber((double)st.delays_ms[i]));
    cJSON *headers = cJSON_AddObjectToObject(o, "headers");
    for (size_t i = 0; headers && i < r->header_count; i++)
        cJSON_AddStringToObject(headers, r->headers[i].name, r->headers[i].value);
}

static void one_send(struct aws_client *client, const struct call *c)
{
    struct aws_response resp;
    struct lk_error err;
    aws_response_init(&resp);
    err_clear(&err);
    int64_t start = clock_now_ms();
    int64_t deadline = c->deadline_ms > 0 ? start + c->deadline_ms : 0;
    int rc = aws_client_send(client, &c->req, deadline, &resp, &err);
    int64_t end = clock_now_ms();
    cJSON *o = cJSON_CreateObject();
    add_result(o, rc, &err);
    add_response(o, client, &resp);
    cJSON_AddNumberToObject(o, "start_epoch_ms", (double)start);
    cJSON_AddNumberToObject(o, "end_epoch_ms", (double)end);
    cJSON_AddNumberToObject(o, "deadline_epoch_ms", (double)deadline);
    cJSON_AddNumberToObject(o, "elapsed_ms", (double)(end - start));
    tool_print_line(o);
    aws_response_cleanup(&resp);
}

static void one_presign(struct aws_client *client, const struct call *c)
{
    struct lk_error err;
    char *url = NULL;
    err_clear(&err);
    int rc = aws_client_presign(client, &c->req, c->presign_s, time(NULL), &url, &err);
    cJSON *o = cJSON_CreateObject();
    add_result(o, rc, &err);
    cJSON_AddNumberToObject(o, "url_len", url ? (double)strlen(url) : 0);
    cJSON_AddBoolToObject(o, "signed", url && strstr(url, "X-Amz-Signature=") != NULL);
    tool_print_line(o);
    free(url);
}

int main(int argc, char **argv)
{
    struct aws_config cfg;
    struct aws_client *client = NULL;
    struct lk_error err;
    struct call c;
    double jitter = 0;
    int status = 2;
    log_configure_from_env();
    cJSON *j = argc == 2 ? cJSON_Parse(argv[1]) : NULL;
    memset(&c, 0, sizeof c);
    if (!j || parse_call(j, &c) != 0) {
        fprintf(stderr, "usage: aws_call '<request JSON>' (see the source)\n");
        free(c.body);
        cJSON_Delete(j);
        return 2;
    }
    if (aws_config_from_env(&cfg, &err) != LK_OK) {
        fprintf(stderr, "aws_call: %s\n", err.message);
        free(c.body);
        cJSON_Delete(j);
        return 2;
    }
    if (aws_client_new(&cfg, c.svc, &client, &err) != LK_OK) {
        fprintf(stderr, "aws_call: %s\n", err.message);
        goto cleanup;
    }
    const cJSON *jit = cJSON_GetObjectItemCaseSensitive(j, "jitter");
    if (cJSON_IsNumber(jit)) {
        jitter = jit->valuedouble;
        aws_client_set_rand(client, fixed_rand, &jitter);
    }
    for (int i = 0; i < c.repeat; i++) {
        if (c.presign_s)
            one_presign(client, &c);
        else
            one_send(client, &c);
    }
    status = 0;
cleanup:
    aws_client_free(client);
    aws_config_cleanup(&cfg);
    free(c.body);
    cJSON_Delete(j);
    return status;
}
