#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/log.h"
#include "lookout/runtime.h"
#include "lookout/text.h"

/* A Runtime API that keeps failing /next (4xx, no request id) is broken for good: stop
 * after this many in a row instead of spinning. */
#define FAILED_NEXT_LIMIT 10
/* The payload goes to the log at DEBUG, cut to this many bytes. */
#define PAYLOAD_LOG_MAX (16 * 1024)

/* 500 ("container error, exit promptly") and an unreachable API end the loop; every other
 * answer is logged and the loop goes on. */
static int must_exit(int rc, const struct lk_error *err)
{
    if (rc == LK_TRANSPORT || rc == LK_NOMEM)
        return 1;
    return rc == LK_RUNTIME_API && err->http_status >= 500;
}

#define TRACE_ENV_NAME "_X_AMZN_TRACE_ID="

/* The environment entry of the trace header: one buffer of the largest header value, given
 * to putenv once and rewritten in place, because glibc's setenv keeps every value it
 * replaces (a leak per invoke over a long life). */
struct trace_env {
    char entry[sizeof(TRACE_ENV_NAME) + RT_HEADER_VALUE_MAX];
    int in_env;
};

/* X-Ray SDKs read the trace header from the environment. */
static void set_trace_env(struct trace_env *t, const char *trace_id)
{
    if (!trace_id || strlen(trace_id) > RT_HEADER_VALUE_MAX) {
        if (t->in_env)
            unsetenv("_X_AMZN_TRACE_ID");
        t->in_env = 0;
        return;
    }
    const char *const parts[] = {TRACE_ENV_NAME, trace_id};
    text_join(t->entry, sizeof(t->entry), parts, 2);
    if (!t->in_env && putenv(t->entry) == 0)
        t->in_env = 1;
}

static void log_payload(struct lk_view event)
{
    if (!log_enabled(LOG_LEVEL_DEBUG))
        return;
    int shown = (int)(event.len < PAYLOAD_LOG_MAX ? event.len : PAYLOAD_LOG_MAX);
    LOG_DEBUG("event (%zu bytes%s): %.*s", event.len, event.len > PAYLOAD_LOG_MAX ? ", cut" : "",
              shown, event.ptr);
}

/* Reports what one invoke produced. Returns LK_OK or a status that must end the loop. */
static int report(struct rt_client *c, const struct rt_invocation *inv, int handler_rc,
                  const struct lk_error *failure, struct lk_buf *response, struct lk_error *err)
{
    struct lk_error post_err;
    err_clear(&post_err);
    int rc;
    if (handler_rc == LK_OK) {
        rc = rt_post_response(c, inv->request_id, buf_view(response), &post_err);
    } else {
        LOG_ERROR("invoke failed: %s: %s", err_lambda_type(handler_rc), failure->message);
        rc = rt_post_error(c, inv->request_id, failure, &post_err);
    }
    if (rc == LK_OK)
        return LK_OK;
    if (must_exit(rc, &post_err)) {
        *err = post_err;
        return rc;
    }
    /* 413: Lambda fails this invoke itself; 400/403: the invoke is not ours any more. */
    LOG_WARN("%s", post_err.message);
    return LK_OK;
}

static int invoke(struct rt_client *c, rt_handler_fn handler, void *ctx,
                  const struct rt_invocation *inv, struct lk_view event, struct lk_buf *response,
                  struct trace_env *trace, struct lk_error *err)
{
    set_trace_env(trace, inv->trace_id);
    log_set_context(inv->request_id, inv->trace_id);
    log_payload(event);
    struct lk_error failure;
    err_clear(&failure);
    buf_reset(response);
    int rc = handler(ctx, inv, event, response, &failure);
    if (rc != LK_OK && failure.code != rc) /* a handler that forgot err_set */
        err_set(&failure, rc, "%s", err_default_message(rc));
    rc = report(c, inv, rc, &failure, response, err);
    log_set_context(NULL, NULL);
    return rc;
}

/* A /next that could not be served: report it against the invoke when the id is known (an
 * event too large to hold), log it, and pause a little so a broken API is not hammered. */
static void failed_next(struct rt_client *c, const struct rt_invocation *inv, int rc,
                        const struct lk_error *next_err, int streak)
{
    LOG_ERROR("%s", next_err->message);
    if (rc == LK_TOO_LARGE && inv->request_id) {
        struct lk_error post_err;
        if (rt_post_error(c, inv->request_id, next_err, &post_err) != LK_OK)
            LOG_WARN("%s", post_err.message);
    }
    struct timespec pause = {0, (long)streak * 10 * 1000000L};
    nanosleep(&pause, NULL);
}

int rt_run(struct rt_client *c, rt_handler_fn handler, void *ctx, struct lk_error *err)
{
    struct rt_invocation inv;
    memset(&inv, 0, sizeof(inv));
    struct lk_buf event, response;
    buf_init(&event, RT_PAYLOAD_MAX_BYTES);
    buf_init(&response, RT_PAYLOAD_MAX_BYTES);
    struct trace_env *trace = calloc(1, sizeof(*trace));
    if (!trace)
        return err_set(err, LK_NOMEM, "trace header buffer");
    int streak = 0;
    int rc;
    for (;;) {
        struct lk_error next_err;
        err_clear(&next_err);
        rc = rt_next(c, &inv, &event, &next_err);
        if (rc == LK_OK) {
            streak = 0;
            rc = invoke(c, handler, ctx, &inv, buf_view(&event), &response, trace, err);
            if (rc != LK_OK)
                break;
            continue;
        }
        if (must_exit(rc, &next_err) || ++streak >= FAILED_NEXT_LIMIT) {
            *err = next_err;
            rc = must_exit(rc, &next_err) ? rc : LK_RUNTIME_API;
            break;
        }
        failed_next(c, &inv, rc, &next_err, streak);
    }
    set_trace_env(trace, NULL); /* the environment must not point into freed memory */
    free(trace);
    rt_invocation_cleanup(&inv);
    buf_cleanup(&event);
    buf_cleanup(&response);
    return rc;
}
