#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "lookout/clock.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/runtime.h"
#include "lookout/text.h"

#define API_PREFIX "/2018-06-01/runtime"
#define API_MAX 256
#define ANSWER_MAX (64 * 1024)
#define CONNECT_ATTEMPTS 3
#define CONNECT_TIMEOUT_MS 1000L

struct rt_client {
    CURL *curl;
    struct curl_slist *post_headers;
    char base[API_MAX + 32];
    char errbuf[CURL_ERROR_SIZE];
    /* State of the transfer in progress, read by the callbacks. */
    struct lk_buf *body;
    struct rt_invocation *inv; /* NULL unless the transfer is a /next */
    int header_oom;
};

/* The headers of /next, matched case-insensitively, and where each one goes. */
enum { H_REQUEST_ID, H_DEADLINE, H_ARN, H_TRACE, H_CLIENT_CONTEXT, H_COGNITO, H_TENANT };
static const char *const NEXT_HEADERS[] = {
    "Lambda-Runtime-Aws-Request-Id",       "Lambda-Runtime-Deadline-Ms",
    "Lambda-Runtime-Invoked-Function-Arn", "Lambda-Runtime-Trace-Id",
    "Lambda-Runtime-Client-Context",       "Lambda-Runtime-Cognito-Identity",
    "Lambda-Runtime-Aws-Tenant-Id",
};

void rt_invocation_cleanup(struct rt_invocation *inv)
{
    free(inv->request_id);
    free(inv->function_arn);
    free(inv->trace_id);
    free(inv->client_context);
    free(inv->cognito_identity);
    free(inv->tenant_id);
    memset(inv, 0, sizeof(*inv));
}

int64_t rt_remaining_ms(const struct rt_invocation *inv)
{
    if (inv->deadline_ms == 0)
        return INT64_MAX;
    return inv->deadline_ms - clock_now_ms();
}

int rt_error_type_valid(const char *type)
{
    size_t skip;
    if (strncmp(type, "Runtime.", 8) == 0)
        skip = 8;
    else if (strncmp(type, "Function.", 9) == 0)
        skip = 9;
    else
        return 0;
    const char *p = type + skip;
    if (*p < 'A' || *p > 'Z')
        return 0;
    for (p++; *p; p++) {
        if (!isalpha((unsigned char)*p))
            return 0;
    }
    return 1;
}

int rt_error_body(struct lk_buf *out, const struct lk_error *failure)
{
    const char *type = err_lambda_type(failure->code);
    const char *msg = failure->message[0] ? failure->message : err_default_message(failure->code);
    int rc = buf_append_str(out, "{\"errorMessage\":");
    if (rc == LK_OK)
        rc = json_append_string(out, msg, strnlen(msg, sizeof(failure->message)));
    if (rc == LK_OK)
        rc = buf_append_str(out, ",\"errorType\":");
    if (rc == LK_OK)
        rc = json_append_string(out, type, strlen(type));
    if (rc == LK_OK)
        rc = buf_append_str(out, ",\"stackTrace\":[]}");
    return rc;
}

static size_t on_body(char *data, size_t size, size_t n, void *userdata)
{
    struct rt_client *c = userdata;
    size_t len = size * n;
    if (c->body && buf_append(c->body, data, len) != LK_OK)
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    return len;
}

static int id_char_ok(char ch)
{
    return isalnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' || ch == ':';
}

static int request_id_ok(const char *id)
{
    size_t len = strnlen(id, RT_REQUEST_ID_MAX);
    if (len == 0 || len >= RT_REQUEST_ID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (!id_char_ok(id[i]))
            return 0;
    }
    return 1;
}

static char **header_slot(struct rt_invocation *inv, int which)
{
    switch (which) {
    case H_REQUEST_ID:
        return &inv->request_id;
    case H_ARN:
        return &inv->function_arn;
    case H_TRACE:
        return &inv->trace_id;
    case H_CLIENT_CONTEXT:
        return &inv->client_context;
    case H_COGNITO:
        return &inv->cognito_identity;
    case H_TENANT:
        return &inv->tenant_id;
    default:
        return NULL;
    }
}

static int store_header(struct rt_invocation *inv, int which, struct lk_view value)
{
    if (which == H_DEADLINE) {
        char digits[32];
        if (value.len == 0 || value.len >= sizeof(digits))
            return LK_OK;
        memcpy(digits, value.ptr, value.len);
        digits[value.len] = '\0';
        char *end;
        errno = 0;
        long long ms = strtoll(digits, &end, 10);
        if (errno == 0 && *end == '\0' && ms > 0)
            inv->deadline_ms = ms;
        return LK_OK;
    }
    char **slot = header_slot(inv, which);
    /* Lambda sends a header only when it has a value, and never a NUL in one. */
    if (value.len == 0 || value.len > RT_HEADER_VALUE_MAX || memchr(value.ptr, '\0', value.len))
        return LK_OK;
    char *copy = view_dup(value);
    if (!copy)
        return LK_NOMEM;
    free(*slot);
    *slot = copy;
    return LK_OK;
}

/* A status line starts a new response (after an interim one), so the invocation is reset
 * there. */
int rt_next_header(struct rt_invocation *inv, const char *line, size_t len)
{
    if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
        rt_invocation_cleanup(inv);
        return LK_OK;
    }
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return LK_OK;
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
        end--;
    for (int i = 0; i < (int)(sizeof(NEXT_HEADERS) / sizeof(NEXT_HEADERS[0])); i++) {
        if (strlen(NEXT_HEADERS[i]) == name_len &&
            strncasecmp(line, NEXT_HEADERS[i], name_len) == 0)
            return store_header(inv, i, (struct lk_view){v, (size_t)(end - v)});
    }
    return LK_OK;
}

/* Header lines arrive one at a time, with their CRLF. */
static size_t on_header(char *data, size_t size, size_t n, void *userdata)
{
    struct rt_client *c = userdata;
    size_t len = size * n;
    if (c->inv && rt_next_header(c->inv, data, len) != LK_OK)
        c->header_oom = 1;
    return len;
}

/* A header list from lines; NULL (and nothing leaked) when memory runs out. */
static struct curl_slist *header_list(const char *const *lines, size_t n)
{
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < n; i++) {
        struct curl_slist *grown = curl_slist_append(list, lines[i]);
        if (!grown) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = grown;
    }
    return list;
}

static void configure_handle(struct rt_client *c)
{
    CURL *k = c->curl;
    curl_easy_setopt(k, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(k, CURLOPT_PROXY, "");
    curl_easy_setopt(k, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(k, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, 0L); /* /next waits as long as it takes */
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(k, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(k, CURLOPT_HEADERDATA, c);
}

int rt_client_new(struct rt_client **out, const char *api, struct lk_error *err)
{
    static const char *const POST_HEADERS[] = {"Expect:", "Content-Type: application/json"};
    *out = NULL;
    size_t api_len = api ? strnlen(api, API_MAX + 1) : 0;
    if (api_len == 0 || api_len > API_MAX)
        return err_set(err, LK_INVALID_ARG, "AWS_LAMBDA_RUNTIME_API must be host:port");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return err_set(err, LK_TRANSPORT, "libcurl failed to initialise");
    struct rt_client *c = calloc(1, sizeof(*c));
    if (!c) {
        curl_global_cleanup();
        return err_set(err, LK_NOMEM, "runtime client");
    }
    snprintf(c->base, sizeof(c->base), "http://%.*s" API_PREFIX, (int)api_len, api);
    c->curl = curl_easy_init();
    c->post_headers = header_list(POST_HEADERS, 2);
    if (!c->curl || !c->post_headers) {
        rt_client_free(c); /* also balances curl_global_init */
        return err_set(err, LK_TRANSPORT, "libcurl failed to create a handle");
    }
    configure_handle(c);
    *out = c;
    return LK_OK;
}

void rt_client_free(struct rt_client *c)
{
    if (!c)
        return;
    curl_slist_free_all(c->post_headers);
    if (c->curl)
        curl_easy_cleanup(c->curl);
    free(c);
    curl_global_cleanup();
}

/* The Runtime API answers errors as {"errorMessage":..,"errorType":..}; keep both for the
 * log, whatever shape the body has. */
static int api_error(struct lk_error *err, long status, const char *what, struct lk_view answer)
{
    cJSON *doc = json_parse(answer.ptr, answer.len);
    const char *type = json_get_string(doc, "errorType");
    const char *msg = json_get_string(doc, "errorMessage");
    err_set(err, LK_RUNTIME_API, "%s: HTTP %ld %s: %s", what, status, type ? type : "-",
            msg ? msg : "-");
    err->http_status = status;
    cJSON_Delete(doc);
    return LK_RUNTIME_API;
}

static int is_connect_failure(CURLcode cc)
{
    return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
           cc == CURLE_OPERATION_TIMEDOUT || cc == CURLE_SEND_ERROR || cc == CURLE_RECV_ERROR ||
           cc == CURLE_GOT_NOTHING;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Runs the transfer set up on c->curl; retries a few times, quickly, when the API cannot be
 * reached (a Runtime API that is gone will not come back). body may be NULL. */
static int perform(struct rt_client *c, const char *what, struct lk_buf *body, long *status,
                   struct lk_error *err)
{
    static const long backoff_ms[CONNECT_ATTEMPTS] = {10, 50, 0};
    CURLcode cc = CURLE_OK;
    for (int attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
        c->errbuf[0] = '\0';
        c->header_oom = 0;
        if (body)
            buf_reset(body);
        c->body = body;
        cc = curl_easy_perform(c->curl);
        c->body = NULL;
        if (!is_connect_failure(cc))
            break;
        if (backoff_ms[attempt]) {
            LOG_WARN("%s: Runtime API unreachable (%s); retrying in %ld ms", what,
                     curl_easy_strerror(cc), backoff_ms[attempt]);
            sleep_ms(backoff_ms[attempt]);
        }
    }
    if (cc == CURLE_WRITE_ERROR && body)
        return err_set(err, LK_TOO_LARGE, "%s: body larger than %zu bytes", what, body->max);
    if (cc != CURLE_OK)
        return err_set(err, LK_TRANSPORT, "%s: Runtime API unreachable: %s", what,
                       c->errbuf[0] ? c->errbuf : curl_easy_strerror(cc));
    if (c->header_oom)
        return err_set(err, LK_NOMEM, "%s: headers", what);
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, status);
    return LK_OK;
}

int rt_next(struct rt_client *c, struct rt_invocation *inv, struct lk_buf *event,
            struct lk_error *err)
{
    char url[sizeof(c->base) + 32];
    const char *const parts[] = {c->base, "/invocation/next"};
    text_join(url, sizeof(url), parts, 2);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    rt_invocation_cleanup(inv);
    c->inv = inv;
    long status = 0;
    int rc = perform(c, "GET /next", event, &status, err);
    c->inv = NULL;
    if (rc != LK_OK)
        return rc;
    if (status != 200)
        return api_error(err, status, "GET /next", buf_view(event));
    if (!inv->request_id || !request_id_ok(inv->request_id)) {
        err_set(err, LK_RUNTIME_API, "GET /next: missing or invalid Lambda-Runtime-Aws-Request-Id");
        err->http_status = status;
        return LK_RUNTIME_API;
    }
    return LK_OK;
}

static int post(struct rt_client *c, const char *path, struct lk_view body,
                struct curl_slist *headers, struct lk_error *err)
{
    char url[sizeof(c->base) + RT_REQUEST_ID_MAX + 64];
    const char *const url_parts[] = {c->base, path};
    text_join(url, sizeof(url), url_parts, 2);
    char what[RT_REQUEST_ID_MAX + 64];
    const char *const what_parts[] = {"POST ", path};
    text_join(what, sizeof(what), what_parts, 2);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body.len ? body.ptr : "");
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers ? headers : c->post_headers);
    struct lk_buf answer;
    buf_init(&answer, ANSWER_MAX);
    long status = 0;
    int rc = perform(c, what, &answer, &status, err);
    /* An answer body past ANSWER_MAX is not worth failing over: the status says it all. */
    if (rc == LK_TOO_LARGE) {
        rc = LK_OK;
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &status);
    }
    if (rc == LK_OK && status != 202)
        rc = api_error(err, status, what, buf_view(&answer));
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, NULL);
    buf_cleanup(&answer);
    return rc;
}

int rt_post_response(struct rt_client *c, const char *request_id, struct lk_view body,
                     struct lk_error *err)
{
    if (!request_id_ok(request_id))
        return err_set(err, LK_INVALID_ARG, "invalid request id");
    char path[RT_REQUEST_ID_MAX + 64];
    const char *const parts[] = {"/invocation/", request_id, "/response"};
    text_join(path, sizeof(path), parts, 3);
    return post(c, path, body, NULL, err);
}

static int post_failure(struct rt_client *c, const char *path, const struct lk_error *failure,
                        struct lk_error *err)
{
    char type_header[128];
    snprintf(type_header, sizeof(type_header), "Lambda-Runtime-Function-Error-Type: %s",
             err_lambda_type(failure->code));
    struct lk_buf body;
    buf_init(&body, sizeof(failure->message) * 6 + 256);
    struct curl_slist *headers = NULL;
    int rc = rt_error_body(&body, failure);
    if (rc != LK_OK) {
        err_set(err, rc, "error body");
        goto cleanup;
    }
    const char *const lines[] = {"Expect:", "Content-Type: application/json", type_header};
    headers = header_list(lines, 3);
    if (!headers) {
        rc = err_set(err, LK_NOMEM, "error headers");
        goto cleanup;
    }
    rc = post(c, path, buf_view(&body), headers, err);
cleanup:
    curl_slist_free_all(headers);
    buf_cleanup(&body);
    return rc;
}

int rt_post_error(struct rt_client *c, const char *request_id, const struct lk_error *failure,
                  struct lk_error *err)
{
    if (!request_id_ok(request_id))
        return err_set(err, LK_INVALID_ARG, "invalid request id");
    char path[RT_REQUEST_ID_MAX + 64];
    const char *const parts[] = {"/invocation/", request_id, "/error"};
    text_join(path, sizeof(path), parts, 3);
    return post_failure(c, path, failure, err);
}

int rt_post_init_error(struct rt_client *c, const struct lk_error *failure, struct lk_error *err)
{
    return post_failure(c, "/init/error", failure, err);
}
