/*
 * pipeline.h: the function itself. pl_app_new reads the configuration once, at start-up;
 * pl_app_handle takes one event (any route) and produces the response JSON.
 *
 * The handler matches rt_handler_fn through a one-line adapter in main.c, so the same code
 * runs inside Lambda and under `bootstrap --event FILE`.
 */
#ifndef LOOKOUT_PIPELINE_H
#define LOOKOUT_PIPELINE_H

#include "lookout/buf.h"
#include "lookout/error.h"
#include "lookout/runtime.h"

struct pl_app;

/* Reads and validates the configuration from the environment:
 *   ALERT_TOPIC_ARN  required, an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>)
 *   MIN_CONFIDENCE   optional, a number in 0..100 (default PL_DEFAULT_MIN_CONFIDENCE)
 * On failure returns LK_CONFIG with a message naming the variable (never its value when it
 * could be a secret), or LK_NOMEM. The caller owns *out and frees it with pl_app_free. */
#define PL_DEFAULT_MIN_CONFIDENCE 80.0
int pl_app_new(struct pl_app **out, struct lk_error *err);
void pl_app_free(struct pl_app *app);

/* Handles one event. event is borrowed; the response JSON is appended to response (owned by
 * the caller). Errors: LK_INVALID_EVENT for bytes that are not JSON, LK_UNSUPPORTED_EVENT
 * for a shape no route takes, LK_NOT_BUILT for a route not written yet (the message names
 * it), or the route's own failure. An s3:TestEvent succeeds without doing any work. */
int pl_app_handle(struct pl_app *app, const struct rt_invocation *inv, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err);

#endif
