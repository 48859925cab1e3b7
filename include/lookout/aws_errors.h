/*
 * aws_errors.h: AWS error replies turned into plain values, statuses and retry kinds.
 * Internal to src/aws/ (the HTTP client, its tests and the fuzz target); service files use
 * aws.h.
 *
 * Everything here is pure: no I/O, no allocation that outlives a call, no global state, so
 * it is unit-tested and fuzzed on its own. Inputs are outside bytes (any length, any
 * content, not NUL-terminated); outputs are bounded, NUL-terminated and free of control
 * characters, so they can go into a log line or a Lambda error message as they are.
 */
#ifndef LOOKOUT_AWS_ERRORS_H
#define LOOKOUT_AWS_ERRORS_H

#include <stddef.h>

#include "lookout/buf.h"

/* What one AWS error reply says. Empty strings when a field is absent. */
struct aws_error_info {
    char code[128];       /* "NoSuchKey", "ThrottlingException" (no namespace, no ":...") */
    char message[384];    /* the service's human message, control characters made spaces */
    char request_id[128]; /* from the body (the HTTP client prefers the response header) */
};

/*
 * Parses the error reply of one HTTP exchange. The wire forms, tried in this order:
 *   - the x-amzn-ErrorType header (error_type, may be NULL): "Code:http://..." -> "Code";
 *   - JSON: {"__type":"ns#Code","message":"..."} (also "code", "Message");
 *   - Query XML: <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>;
 *   - S3 XML: <Error><Code/><Message/><RequestId/></Error>;
 * A code from the header wins over one from the body; the message still comes from the
 * body. With no code found (an empty body such as a HEAD 404, or garbage), the code is
 * made from the HTTP status ("NotFound", "Forbidden", "ServiceUnavailable", "Http418") and
 * the message stays empty: a body that is not an AWS error is never copied, since it could
 * hold anything (S3's SignatureDoesNotMatch body carries the canonical request, for one).
 */
void aws_error_parse(long http_status, const char *error_type, const char *body, size_t body_len,
                     struct aws_error_info *out);

/* How a failed attempt may be retried (AWS SDK standard mode). */
enum aws_retry_kind {
    AWS_RETRY_NONE,       /* not retryable */
    AWS_RETRY_TRANSIENT,  /* 500/502/503/504, RequestTimeout(Exception), connection errors */
    AWS_RETRY_THROTTLING, /* the SDKs' throttling codes, the project's additions, HTTP 429 */
    AWS_RETRY_TIMEOUT     /* the client's own attempt timed out: transient, costs more quota */
};

/* Retry kind of an HTTP error reply. Throttling wins over transient (SlowDown is a 503). */
enum aws_retry_kind aws_error_retry_kind(long http_status, const char *code);

/* 1 when code is a throttling code: the SDK list (Throttling, ThrottlingException,
 * ThrottledException, RequestThrottledException, TooManyRequestsException,
 * ProvisionedThroughputExceededException, TransactionInProgressException,
 * RequestLimitExceeded, BandwidthLimitExceeded, LimitExceededException, RequestThrottled,
 * SlowDown, PriorRequestNotComplete, EC2ThrottledException) plus ClientLimitExceededException
 * (KVS), KMSThrottling (SNS) and Throttled. */
int aws_error_is_throttling(const char *code);

/*
 * The project status of an HTTP error reply (enum lk_status), first match wins:
 *   throttling code or 429                                  -> LK_AWS_THROTTLED
 *   SignatureDoesNotMatch, InvalidSignatureException, UnrecognizedClientException,
 *   ExpiredToken(Exception), InvalidToken, InvalidClientTokenId, RequestTimeTooSkewed,
 *   or a 401 without a known code                           -> LK_AWS_AUTH
 *   AccessDenied*, *AccessDenied, AuthorizationError, NotAuthorizedException, any other 403
 *                                                           -> LK_AWS_ACCESS_DENIED
 *   NoSuchKey, NoSuchBucket, NotFound, ResourceNotFoundException, 404 -> LK_AWS_NOT_FOUND
 *   RequestTimeout(Exception), 5xx                          -> LK_AWS_SERVER
 *   other 3xx/4xx (PermanentRedirect: wrong region)         -> LK_AWS_INVALID_REQUEST
 *   anything else (1xx, a 2xx is not an error)              -> LK_AWS_BAD_RESPONSE
 */
int aws_error_status(long http_status, const char *code);

#endif
