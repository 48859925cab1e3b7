/* runtime_echo: the runtime loop (rt_run) with a handler the conformance tests steer through
 * the event bytes, so they can check the loop apart from the pipeline:
 *   "context"        answers the invocation context and _X_AMZN_TRACE_ID as JSON
 *   "fail:MESSAGE"   fails with LK_INVALID_EVENT and MESSAGE (any bytes)
 *   "big:N"          answers N bytes cycling through every byte value, NUL included
 *   anything else    answers the event bytes unchanged
 * Exits 1 when the loop ends, as the bootstrap does. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/runtime.h"

static int starts_with(struct lk_view v, const char *prefix)
{
    size_t n = strlen(prefix);
    return v.len >= n && memcmp(v.ptr, prefix, n) == 0;
}

static void add_str(cJSON *obj, const char *name, const char *value)
{
    if (value)
        cJSON_AddStringToObject(obj, name, value);
    else
        cJSON_AddNullToObject(obj, name);
}

static int answer_context(const struct rt_invocation *inv, struct lk_buf *response)
{
    cJSON *o = cJSON_CreateObject();
    add_str(o, "request_id", inv->request_id);
    cJSON_AddNumberToObject(o, "deadline_ms", (double)inv->deadline_ms);
    cJSON_AddBoolToObject(o, "remaining_positive", rt_remaining_ms(inv) > 0);
    add_str(o, "function_arn", inv->function_arn);
    add_str(o, "trace_id", inv->trace_id);
    add_str(o, "client_context", inv->client_context);
    add_str(o, "cognito_identity", inv->cognito_identity);
    add_str(o, "tenant_id", inv->tenant_id);
    add_str(o, "env_trace_id", getenv("_X_AMZN_TRACE_ID"));
    return json_print_into(o, response);
}

static int answer_big(struct lk_view event, struct lk_buf *response, struct lk_error *err)
{
    char digits[24];
    size_t n = event.len - 4;
    if (n == 0 || n >= sizeof(digits))
        return err_set(err, LK_INVALID_EVENT, "big:N wants a size");
    memcpy(digits, event.ptr + 4, n);
    digits[n] = '\0';
    unsigned long long size = strtoull(digits, NULL, 10);
    for (unsigned long long i = 0; i < size; i++) {
        int rc = buf_append_byte(response, (char)(i % 256));
        if (rc != LK_OK)
            return err_set(err, rc, "response of %llu bytes", size);
    }
    return LK_OK;
}

static int handle(void *ctx, const struct rt_invocation *inv, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err)
{
    (void)ctx;
    if (event.len == 7 && starts_with(event, "context"))
        return answer_context(inv, response);
    if (starts_with(event, "fail:"))
        return err_set(err, LK_INVALID_EVENT, "%.*s", (int)(event.len - 5), event.ptr + 5);
    if (starts_with(event, "big:"))
        return answer_big(event, response, err);
    return buf_append(response, event.ptr, event.len);
}

int main(void)
{
    log_configure_from_env();
    struct rt_client *client = NULL;
    struct lk_error err;
    err_clear(&err);
    if (rt_client_new(&client, getenv("AWS_LAMBDA_RUNTIME_API"), &err) == LK_OK)
        rt_run(client, handle, NULL, &err);
    LOG_INFO("loop ended: %s", err.message);
    rt_client_free(client);
    return 1;
}
