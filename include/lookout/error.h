/*
 * error.h: the project-wide status codes and the error record that carries details.
 *
 * Every function that can fail returns an int from enum lk_status (LK_OK == 0) and, where it
 * takes one, fills a caller-owned struct lk_error with a short human message and, for AWS
 * errors, the AWS error code, request id and HTTP status. Each status maps to the Lambda
 * error type (Category.Reason, letters only after the dot) that the runtime reports, because
 * Lambda and its emulator keep only types matching (Runtime|Function)\.[A-Z][a-zA-Z]+.
 */
#ifndef LOOKOUT_ERROR_H
#define LOOKOUT_ERROR_H

#include <stddef.h>

/* X(NAME, lambda error type, default message) */
#define LK_STATUS_MAP(X)                                                                     \
    X(OK, "Function.Ok", "success")                                                          \
    X(NOMEM, "Runtime.OutOfMemory", "out of memory")                                         \
    X(INVALID_ARG, "Function.InvalidArgument", "invalid argument")                           \
    X(CONFIG, "Runtime.ConfigInvalid", "invalid configuration")                              \
    X(INVALID_EVENT, "Function.InvalidEvent", "invalid event")                               \
    X(UNSUPPORTED_EVENT, "Function.UnsupportedEvent", "unsupported event")                   \
    X(TOO_LARGE, "Function.PayloadTooLarge", "payload too large")                            \
    X(IO, "Function.IoError", "input/output error")                                          \
    X(TRANSPORT, "Function.NetworkError", "network error")                                   \
    X(TIMEOUT, "Function.DeadlineExceeded", "deadline exceeded")                             \
    X(AWS_ACCESS_DENIED, "Function.AwsAccessDenied", "AWS denied access")                    \
    X(AWS_AUTH, "Function.AwsAuthFailure", "AWS rejected the credentials or signature")      \
    X(AWS_THROTTLED, "Function.AwsThrottled", "AWS throttled the request")                   \
    X(AWS_NOT_FOUND, "Function.AwsNotFound", "AWS resource not found")                       \
    X(AWS_INVALID_REQUEST, "Function.AwsInvalidRequest", "AWS rejected the request")         \
    X(AWS_SERVER, "Function.AwsServerError", "AWS server error")                             \
    X(AWS_BAD_RESPONSE, "Function.AwsBadResponse", "malformed AWS response")                 \
    X(AWS_OTHER, "Function.AwsError", "AWS error")                                           \
    X(AWS_CONDITION_FAILED, "Function.AwsConditionFailed", "AWS condition not met")          \
    X(IN_PROGRESS, "Function.AlreadyInProgress", "another invocation holds the work")        \
    X(BAD_IMAGE, "Function.InvalidImage", "invalid image")                                   \
    X(IMAGE_TOO_LARGE, "Function.ImageTooLarge", "image too large for the memory budget")    \
    X(RUNTIME_API, "Runtime.ApiError", "Lambda Runtime API error")

enum lk_status {
#define LK_STATUS_ENUM(name, type, msg) LK_##name,
    LK_STATUS_MAP(LK_STATUS_ENUM)
#undef LK_STATUS_ENUM
        LK_STATUS_COUNT
};

/* Details of one failure. Caller-owned, fixed size, no heap: safe to fill on any path. */
struct lk_error {
    int code;               /* enum lk_status */
    char message[512];      /* short human message; never holds a secret */
    char aws_code[128];     /* AWS error code ("AccessDenied"), empty when not an AWS error */
    char request_id[128];   /* AWS request id, empty when unknown */
    long http_status;       /* HTTP status of the failed AWS call, 0 when none */
};

/* rc = expr, and on failure to the function's single unwind label, `cleanup`. Needs an int
 * rc in scope. */
#define LK_TRY(expr)                                                                         \
    do {                                                                                     \
        rc = (expr);                                                                         \
        if (rc != LK_OK)                                                                     \
            goto cleanup;                                                                    \
    } while (0)

/* Resets e to LK_OK with empty fields. e may be NULL. */
void err_clear(struct lk_error *e);

/* Sets code and a printf-style message (truncated to fit); returns code so callers can
 * `return err_set(err, LK_CONFIG, "...")`. e may be NULL (the code is still returned).
 * Clears aws_code, request_id and http_status. */
int err_set(struct lk_error *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "context: " to e->message, keeping the code. Returns e->code. */
int err_wrap(struct lk_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "LK_INVALID_EVENT"-style name, the Lambda error type and the default message of a code.
 * Unknown codes give "LK_UNKNOWN", "Runtime.Unknown" and "unknown error". Static strings. */
const char *err_name(int code);
const char *err_lambda_type(int code);
const char *err_default_message(int code);

#endif
