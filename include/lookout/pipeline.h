/*
 * pipeline.h: the function itself. pl_app_new reads the configuration once, at start-up;
 * pl_app_handle takes one event (any route) and produces the response JSON.
 *
 * The handler matches rt_handler_fn through a one-line adapter in main.c, so the same code
 * runs inside Lambda and under `bootstrap --event FILE`.
 */
#ifndef LOOKOUT_PIPELINE_H
#define LOOKOUT_PIPELINE_H

#include <stdint.h>

#include "lookout/buf.h"
#include "lookout/error.h"

struct pl_app;

/* Reads and checks every setting (settings.h: ALERT_TOPIC_ARN is required) and the AWS
 * configuration (aws_config_from_env: credentials, region, endpoints), and makes the AWS
 * clients (services.h). On failure returns LK_CONFIG with a message naming the variable
 * (never its value when it could be a secret), or LK_NOMEM. The caller owns *out and frees
 * it with pl_app_free. */
int pl_app_new(struct pl_app **out, struct lk_error *err);
void pl_app_free(struct pl_app *app);

/* Handles one event. event is borrowed; the response JSON (a summary of the work: route,
 * units, frames, skipped, still, labels, matched, alerts) is appended to response (owned by
 * the caller). Errors: LK_INVALID_EVENT for bytes that are not JSON, LK_UNSUPPORTED_EVENT
 * for a shape no route takes, else the first failed unit's status with a message that lists
 * every failed unit. An s3:TestEvent succeeds without doing any work. */
/* The invocation an event arrives with: when its answer is due (Unix epoch ms; 0 = none
 * given: the work is then bounded by 300 s) and its request id (NULL when unknown). */
struct pl_call {
    int64_t deadline_ms;
    const char *request_id;
};

int pl_app_handle(struct pl_app *app, const struct pl_call *call, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err);

#endif
