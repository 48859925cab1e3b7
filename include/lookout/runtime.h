/*
 * runtime.h: the Lambda Runtime API (2018-06-01) client and the invoke loop.
 *
 * The client speaks plain HTTP/1.1 to AWS_LAMBDA_RUNTIME_API over one libcurl handle kept
 * for the life of the process (so the connection is reused), with proxies bypassed,
 * TCP_NODELAY, no `Expect: 100-continue`, explicit Content-Length and no timeout on
 * GET /next (the sandbox is frozen between invokes). Bodies travel with their lengths, so
 * responses are binary-safe.
 *
 * This module knows nothing of S3, KVS or the pipeline: it hands each event to a handler
 * (rt_handler_fn) and reports what the handler answered.
 *
 * Status handling, as Lambda defines it, for every call:
 *   202 (200 for /next)  LK_OK
 *   any other status     LK_RUNTIME_API, err->http_status holds it and err->message the
 *                        API's errorType and errorMessage. rt_run logs 400, 403 and 413 and
 *                        goes on with the next event; 500 ends the loop ("exit promptly").
 *   unreachable          LK_TRANSPORT (err->http_status 0) after a few short retries.
 */
#ifndef LOOKOUT_RUNTIME_H
#define LOOKOUT_RUNTIME_H

#include <stdint.h>

#include "lookout/buf.h"
#include "lookout/error.h"

/* Largest event and response the loop holds. Lambda's own limit is 6 MB (the API answers
 * 413 above 6 MiB + 100 bytes); the slack lets the API, not us, decide. */
#define RT_PAYLOAD_MAX_BYTES BUF_DEFAULT_MAX

/* Request ids are echoed into URL paths: longer ones, or ones with characters outside
 * [A-Za-z0-9._:-], are refused as a failed /next. */
#define RT_REQUEST_ID_MAX 128

/* The longest value of a /next header the loop keeps; a longer one is treated as absent.
 * It also sizes the one _X_AMZN_TRACE_ID buffer (X-Ray trace headers are far shorter). */
#define RT_HEADER_VALUE_MAX (16 * 1024)

/* The context of one invoke, from the headers of GET /next. Every string is a heap copy
 * owned by the struct (rt_invocation_cleanup frees them); NULL when the header was absent,
 * except request_id, which a successful rt_next always sets. */
struct rt_invocation {
    char *request_id;       /* Lambda-Runtime-Aws-Request-Id */
    int64_t deadline_ms;    /* Lambda-Runtime-Deadline-Ms, Unix epoch ms; 0 when absent */
    char *function_arn;     /* Lambda-Runtime-Invoked-Function-Arn */
    char *trace_id;         /* Lambda-Runtime-Trace-Id (X-Ray header value) */
    char *client_context;   /* Lambda-Runtime-Client-Context (JSON text) */
    char *cognito_identity; /* Lambda-Runtime-Cognito-Identity (JSON text) */
    char *tenant_id;        /* Lambda-Runtime-Aws-Tenant-Id */
};

/* Frees the strings and zeroes inv. Safe on a zeroed struct. */
void rt_invocation_cleanup(struct rt_invocation *inv);

/* Reads one header line of a /next answer (len bytes, its CRLF included or not, not
 * NUL-terminated) into inv: the Lambda-Runtime-* headers above, names matched
 * case-insensitively, values trimmed; an empty value, one over RT_HEADER_VALUE_MAX or one
 * holding a NUL is ignored, as is a deadline that is not a positive number. A status line ("HTTP/...")
 * empties inv, since an interim response came before. LK_NOMEM when a value cannot be
 * copied; otherwise LK_OK, whatever the line holds. */
int rt_next_header(struct rt_invocation *inv, const char *line, size_t len);

/* Milliseconds left before the deadline (negative once passed); INT64_MAX when the deadline
 * is unknown (deadline_ms == 0). Reads the real-time clock, since the deadline is epoch ms. */
int64_t rt_remaining_ms(const struct rt_invocation *inv);

/* The handler of one invoke. It reads event (borrowed, valid for the call) and inv, and
 * either appends the response bytes to response (an empty buffer the loop owns, capped at
 * RT_PAYLOAD_MAX_BYTES) and returns LK_OK, or returns another status with err filled: the
 * loop reports it as a function error typed err_lambda_type(status) and goes on. ctx is the
 * pointer given to rt_run. */
typedef int (*rt_handler_fn)(void *ctx, const struct rt_invocation *inv, struct lk_view event,
                             struct lk_buf *response, struct lk_error *err);

struct rt_client;

/* Creates a client for api ("host:port", the value of AWS_LAMBDA_RUNTIME_API). The caller
 * owns *out and frees it with rt_client_free. LK_INVALID_ARG for an empty or oversized api,
 * LK_NOMEM, LK_TRANSPORT when libcurl cannot start. Connects lazily. */
int rt_client_new(struct rt_client **out, const char *api, struct lk_error *err);
void rt_client_free(struct rt_client *c);

/* GET /runtime/invocation/next. Blocks until an event arrives. On LK_OK inv holds the
 * context (its previous strings are freed first) and event the payload (reset first).
 * A 200 without a valid request id is a failed /next: LK_RUNTIME_API with http_status 200.
 * LK_TOO_LARGE when the event passes event->max (inv->request_id is then set when known). */
int rt_next(struct rt_client *c, struct rt_invocation *inv, struct lk_buf *event,
            struct lk_error *err);

/* POST /runtime/invocation/{request_id}/response with body, any bytes. */
int rt_post_response(struct rt_client *c, const char *request_id, struct lk_view body,
                     struct lk_error *err);

/* POST /runtime/invocation/{request_id}/error: the body is rt_error_body of failure, and
 * Lambda-Runtime-Function-Error-Type is err_lambda_type(failure->code). */
int rt_post_error(struct rt_client *c, const char *request_id, const struct lk_error *failure,
                  struct lk_error *err);

/* POST /runtime/init/error, same body and header. The caller exits non-zero afterwards. */
int rt_post_init_error(struct rt_client *c, const struct lk_error *failure, struct lk_error *err);

/* Appends {"errorMessage":..,"errorType":..,"stackTrace":[]} (JSON-escaped) to out: the body
 * of both error endpoints and of `bootstrap --event` failures. type is err_lambda_type(code),
 * message failure->message or, when empty, the code's default message. */
int rt_error_body(struct lk_buf *out, const struct lk_error *failure);

/* 1 when type has the form Lambda keeps, (Runtime|Function)\.[A-Z][a-zA-Z]+; else 0. */
int rt_error_type_valid(const char *type);

/* The invoke loop: GET /next, set _X_AMZN_TRACE_ID (or unset it when the header is absent)
 * and the log context, call handler, POST its response or error, repeat. A handler failure
 * never ends the loop, nor do 400/403/413 answers or a failed /next (up to a run of
 * consecutive failures, which ends it as LK_RUNTIME_API). Returns only when the loop must
 * end: LK_RUNTIME_API (500, "exit promptly") or LK_TRANSPORT (unreachable), err filled.
 * Not reentrant: it owns the process environment's _X_AMZN_TRACE_ID and the log context.
 * The variable lives in one buffer of RT_HEADER_VALUE_MAX bytes put in the environment once
 * and rewritten in place, so a long life does not grow the heap. */
int rt_run(struct rt_client *c, rt_handler_fn handler, void *ctx, struct lk_error *err);

#endif
