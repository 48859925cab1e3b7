/*
 * aws.h: what every service client stands on: configuration from the environment,
 * endpoints, and one signed, retried HTTP exchange with an AWS service.
 *
 * A service file (src/services/) builds a struct aws_request of plain values and calls
 * aws_client_send; this layer resolves the URL (endpoint override, region, S3 addressing),
 * signs it with SigV4 (sigv4.h), sends it on the client's one reused curl handle, retries as
 * the SDKs' standard mode does, caps the response body, bounds every attempt by the
 * invocation deadline, and turns an AWS error reply (JSON, Query XML, S3 XML) into a status
 * and a struct lk_error with the AWS code and request id.
 */
#ifndef LOOKOUT_AWS_H
#define LOOKOUT_AWS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lookout/buf.h"
#include "lookout/error.h"

/* Every AWS service the function talks to, one row each:
 *   X(ID, signing name, suffix of AWS_ENDPOINT_URL_<suffix>, name in messages)
 * CLOUDFORMATION_RESPONSE is the presigned S3 URL CloudFormation gives a custom resource to
 * answer on: never signed by us, no endpoint of its own, named apart so that a failure reads
 * as what it is. */
#define AWS_SERVICE_MAP(X)                                                                         \
    X(S3, "s3", "S3", "S3")                                                                        \
    X(REKOGNITION, "rekognition", "REKOGNITION", "Rekognition")                                    \
    X(SNS, "sns", "SNS", "SNS")                                                                    \
    X(KINESIS_VIDEO, "kinesisvideo", "KINESIS_VIDEO", "Kinesis Video")                             \
    X(KINESIS_VIDEO_ARCHIVED_MEDIA, "kinesisvideo", "KINESIS_VIDEO_ARCHIVED_MEDIA",                \
      "Kinesis Video Archived Media")                                                              \
    X(DYNAMODB, "dynamodb", "DYNAMODB", "DynamoDB")                                                \
    X(CLOUDFORMATION_RESPONSE, "", "", "CloudFormation response")

enum aws_service {
#define AWS_SERVICE_ENUM(id, signing, env, display) AWS_SVC_##id,
    AWS_SERVICE_MAP(AWS_SERVICE_ENUM)
#undef AWS_SERVICE_ENUM
        AWS_SVC_COUNT
};

/* The columns of AWS_SERVICE_MAP for one service: the signing name ("s3", "kinesisvideo"),
 * the suffix of AWS_ENDPOINT_URL_<ID> ("S3", "KINESIS_VIDEO"; "" = no override is read) and
 * the name errors use ("Kinesis Video"). Static strings; "" for an unknown service. */
const char *aws_service_signing_name(enum aws_service svc);
const char *aws_service_env_id(enum aws_service svc);
const char *aws_service_display_name(enum aws_service svc);

/* Credentials and settings, read once at start-up. Every string is owned by the config. */
struct aws_config {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;               /* NULL when not set */
    char *region;                      /* AWS_REGION, else AWS_DEFAULT_REGION */
    char *endpoint_url[AWS_SVC_COUNT]; /* resolved override, NULL = public endpoint */
    int endpoint_own[AWS_SVC_COUNT];   /* 1 when endpoint_url came from the service's
                                          own AWS_ENDPOINT_URL_<ID>, 0 from the global
                                          AWS_ENDPOINT_URL or none */
    char *ca_file;                     /* CA bundle file (CURLOPT_CAINFO), or NULL */
    char *ca_path;                     /* OpenSSL hashed CA directory (CURLOPT_CAPATH),
                                          or NULL; at most one of the two is set, both
                                          NULL = curl's built-in default */
    int max_attempts;                  /* AWS_MAX_ATTEMPTS, default 3 (first included) */
};

/* Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION /
 * AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_<ID> / AWS_ENDPOINT_URL, AWS_MAX_ATTEMPTS and the TLS
 * trust roots: the first that exists of
 *   SSL_CERT_FILE (a readable file)                        -> ca_file
 *   SSL_CERT_DIR (one hashed directory, not a ':' list)    -> ca_path
 *   ca-certs/ in the executable's directory (the artifact) -> ca_path
 *   /etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/certs/ca-certificates.crt,
 *   ca-bundle.crt in the executable's directory            -> ca_file
 * A missing or invalid value fails with LK_CONFIG and a message naming the variable. On
 * failure cfg holds nothing to free. */
int aws_config_from_env(struct aws_config *cfg, struct lk_error *err);
void aws_config_cleanup(struct aws_config *cfg);

struct aws_header {
    const char *name;
    const char *value;
};

struct aws_query_param {
    const char *name;  /* raw (not URL-encoded) */
    const char *value; /* raw; "" for a present empty value */
};

struct aws_response;

/* Reads a 2xx answer before aws_client_send accepts it: parses what the caller needs from
 * resp into state (the callback's own; it may be called again on a retry, so it replaces what
 * an earlier call left there) and returns LK_OK; LK_AWS_BAD_RESPONSE (err saying which
 * member is missing or of the wrong type) for a malformed answer, which the client retries
 * within its attempts and deadline as it does a 5xx; any other status ends the call with it.
 * This is how a 200 that lacks its data fails instead of reading as "nothing there". */
typedef int (*aws_accept_fn)(const struct aws_response *resp, void *state,
                             struct lk_error *err);

struct aws_request {
    const char *operation; /* "GetObject", "DetectLabels": names the call in
                              errors and logs ("S3 GetObject failed: ...") */
    const char *method;    /* "GET", "HEAD", "PUT", "POST" */
    const char *bucket;    /* S3 only: the bucket, or NULL */
    const char *path;      /* raw, unencoded: "/" or "/getImages", or for S3 the
                              object key with a leading '/' ("/a b.jpg") */
    const struct aws_query_param *query;
    size_t query_count;
    const struct aws_header *headers; /* extra headers to send and sign (content-type,
                                         x-amz-target, x-amz-meta-*) */
    size_t header_count;
    const void *body;
    size_t body_len;
    const char *base_url;      /* overrides the endpoint for this request, e.g. the
                                  KVS data endpoint; NULL = the client's */
    size_t max_response_bytes; /* 0 = a default cap of 8 MiB */
    const char *presigned_url; /* when set: send to this URL as it is, unsigned
                                  (it carries its own query signature, as a
                                  CloudFormation ResponseURL does); path, query
                                  and bucket are then ignored */
    aws_accept_fn accept;      /* NULL = any 2xx body is accepted as it is */
    void *accept_state;
};

/* One response header; name is lower-case. Both point into the response's header_text. */
struct aws_response_header {
    char *name;
    char *value;
};

struct aws_response {
    long status; /* HTTP status of the last attempt, 0 if none */
    struct lk_buf body;
    struct aws_response_header *headers; /* names and values point into header_text */
    size_t header_count;
    char *header_text; /* every header's name and value, NUL-terminated, in one block */
    char request_id[128]; /* x-amzn-requestid / x-amz-request-id */
    int attempts;         /* how many attempts were made */
};

void aws_response_init(struct aws_response *resp);
void aws_response_cleanup(struct aws_response *resp);
/* Value of a header by lower-case name, or NULL. Borrowed from resp. */
const char *aws_response_header(const struct aws_response *resp, const char *lower_name);

struct aws_client;

/* A client for one service: one curl handle kept for the life of the process (so
 * connections stay open across warm invocations) and its own retry quota. cfg must outlive
 * the client. Caller frees with aws_client_free. */
int aws_client_new(const struct aws_config *cfg, enum aws_service svc, struct aws_client **out,
                   struct lk_error *err);
void aws_client_free(struct aws_client *client);

/* Sends req, retrying transient and throttling failures and answers req->accept calls
 * malformed, and never past deadline_ms (Unix epoch milliseconds; 0 or less means no
 * deadline, and each attempt then gets 60 s). Each attempt must connect within
 * AWS_CONNECT_TIMEOUT_MS and finish within its share of the time left: the remaining time
 * minus a margin, divided by the attempts still allowed, never under AWS_ATTEMPT_FLOOR_MS
 * (the last attempt gets all of it), as the SDKs' connect and read timeouts do, so one hung
 * connection leaves time for the next attempt. resp
 * (initialised by the caller) receives the final attempt's status, headers and body.
 * Returns LK_OK for a 2xx (and 3xx is an error); otherwise the status that matches the AWS
 * error (LK_AWS_THROTTLED, LK_AWS_ACCESS_DENIED, LK_TIMEOUT, LK_TRANSPORT, ...) with err
 * holding the AWS code, message, request id and HTTP status. */
#define AWS_CONNECT_TIMEOUT_MS 3000
#define AWS_ATTEMPT_FLOOR_MS 2000

int aws_client_send(struct aws_client *client, const struct aws_request *req, int64_t deadline_ms,
                    struct aws_response *resp, struct lk_error *err);

/* A presigned URL (query signing, UNSIGNED-PAYLOAD) for GET of req's resource, valid for
 * expires_s seconds (clamped to 1..604800) from now. *url_out is heap (free() it). */
int aws_client_presign(struct aws_client *client, const struct aws_request *req,
                       long expires_s, time_t now, char **url_out, struct lk_error *err);

/* What one client keeps between the requests it builds with aws_wire_prepare and
 * aws_wire_presign: the day's signing key (sigv4.h's key cache), and the buffers a request is
 * built in (its endpoint, path, URL, query and the signer's strings), reset for each request
 * rather than allocated again. NULL from aws_wire_state_new when memory runs out; freed
 * with aws_wire_state_free (NULL is fine). One per client; not shared by threads. */
struct aws_wire_state;
struct aws_wire_state *aws_wire_state_new(void);
void aws_wire_state_free(struct aws_wire_state *state);

/* One request made ready for the wire: the full URL and every header (signed ones included)
 * as "Name: value" lines. Built afresh for each attempt, since the signature covers the time.
 * Everything is owned by the struct. */
struct aws_wire_request {
    char *url;
    char **headers; /* header_count lines, pointing into lines */
    size_t header_count;
    char *lines; /* every line, each NUL-terminated, in one block */
};

/* Resolves the endpoint (req->base_url, else cfg->endpoint_url[svc], else the public
 * endpoint for cfg->region; S3 virtual-hosted style except for custom endpoints and bucket
 * names with dots), URI-encodes path and query as the service requires, and signs with
 * SigV4 at time now (session token signed; S3 adds x-amz-content-sha256). state (may be
 * NULL: nothing is kept) is the client's, as above. */
int aws_wire_prepare(const struct aws_config *cfg, enum aws_service svc,
                     const struct aws_request *req, time_t now, struct aws_wire_state *state,
                     struct aws_wire_request *out, struct lk_error *err);
void aws_wire_cleanup(struct aws_wire_request *wire);

/* The presigned-URL counterpart of aws_wire_prepare (used by aws_client_presign). */
int aws_wire_presign(const struct aws_config *cfg, enum aws_service svc,
                     const struct aws_request *req, long expires_s, time_t now,
                     struct aws_wire_state *state, char **url_out, struct lk_error *err);

#endif
