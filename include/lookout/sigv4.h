/*
 * sigv4.h: AWS Signature Version 4 (AWS4-HMAC-SHA256), header and query (presigned) signing.
 *
 * The signer knows nothing of endpoints or services' addressing: it signs the request it is
 * given, described by plain values. aws.h (src/aws/wire.c) turns a struct aws_request into a
 * struct sig_request and picks the options of the service (S3 or not).
 *
 * What the caller supplies and what the signer adds:
 *   - path is the path exactly as it goes on the wire, already URI-encoded ("/a%20b.jpg").
 *     With normalize_path, dot segments and empty segments are removed (RFC 3986 5.2.4, and
 *     "//" collapsed, as AWS requires) before the canonical URI is made; with double_encode the
 *     (possibly normalised) wire path is URI-encoded once more. S3 wants neither; every other
 *     service wants both.
 *   - query pairs are raw (not encoded); the signer encodes them (RFC 3986 unreserved bytes
 *     kept, everything else %XX upper-case, '/' included) and sorts by encoded name, then
 *     encoded value. An empty value is written "name=".
 *   - headers are signed as given, every one of them, and must include Host (with the port
 *     when it is not the scheme's default). Names are lower-cased and sorted, values trimmed
 *     with inner runs of white space collapsed to one space, and repeated names joined with
 *     ',' in the order given. The caller must not pass X-Amz-Date, Authorization,
 *     X-Amz-Security-Token, nor x-amz-content-sha256 when sign_body is set: the signer adds
 *     those.
 *   - the payload hash is the hex SHA-256 of body, or payload_hash when set (S3 presigning
 *     passes SIG_UNSIGNED_PAYLOAD).
 *
 * Header signing (sig_sign_headers) adds, in this order: X-Amz-Security-Token (when the
 * credentials carry a token; signed unless omit_session_token), X-Amz-Date,
 * x-amz-content-sha256 (when sign_body) and Authorization. Query signing (sig_presign)
 * produces the parameters to append to the request's own query: X-Amz-Algorithm,
 * X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Expires (clamped to
 * 1..SIG_EXPIRES_MAX), X-Amz-Security-Token (in the canonical query unless
 * omit_session_token) and X-Amz-Signature last.
 *
 * Errors: LK_INVALID_ARG for a missing field, no Host header or a time that cannot be
 * formatted; LK_TOO_LARGE when the canonical request would pass SIG_MAX_BYTES; LK_NOMEM;
 * LK_IO when OpenSSL fails. No message ever holds the secret or the token.
 */
#ifndef LOOKOUT_SIGV4_H
#define LOOKOUT_SIGV4_H

#include <stddef.h>
#include <time.h>

#include "lookout/buf.h"
#include "lookout/error.h"
#include "lookout/hash.h"

#define SIG_ALGORITHM "AWS4-HMAC-SHA256"
#define SIG_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SIG_EXPIRES_MAX 604800L
/* Cap on each text the signer builds (canonical request, query, Authorization). */
#define SIG_MAX_BYTES ((size_t)1024 * 1024)

/* Borrowed strings; session_token NULL (or "") when there is none. */
struct sig_credentials {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;
};

struct sig_header {
    const char *name;
    const char *value;
};

struct sig_param {
    const char *name;  /* raw */
    const char *value; /* raw; "" for an empty value */
};

/* Everything is borrowed for the duration of the call. */
struct sig_request {
    const char *method;
    const char *path; /* wire form, already URI-encoded; "" is taken as "/" */
    const struct sig_param *query;
    size_t query_count;
    const struct sig_header *headers;
    size_t header_count;
    const void *body;
    size_t body_len;
};

/*
 * Caches the derived signing key for one (secret, date, region, service). Deriving it costs
 * four HMACs per signature; a caller that signs many requests keeps one of these (it is not
 * thread-safe: one per thread or per client). It holds a copy of the secret: clean it up.
 */
struct sig_key_cache {
    int valid;
    char scope[128];  /* "yyyymmdd/region/service" */
    char secret[128]; /* secrets longer than this are simply not cached */
    size_t secret_len;
    struct hash_hmac_key key; /* the signing key, prepared for HMAC */
};

void sig_key_cache_init(struct sig_key_cache *cache);
/* Wipes the secret and the key. */
void sig_key_cache_cleanup(struct sig_key_cache *cache);

struct sig_options {
    struct sig_credentials creds;
    const char *region;
    const char *service;         /* signing name: "s3", "sns", "kinesisvideo", ... */
    time_t now;                  /* signing time, Unix seconds (UTC) */
    int normalize_path;          /* remove dot and empty segments (not S3) */
    int double_encode;           /* encode the wire path again (not S3) */
    int sign_body;               /* header signing: add and sign x-amz-content-sha256 (S3) */
    int omit_session_token;      /* add the token after signing (a test-suite case only) */
    const char *payload_hash;    /* NULL = hex SHA-256 of body; else this literal */
    long expires_s;              /* query signing: X-Amz-Expires, clamped to 1..604800 */
    struct sig_key_cache *cache; /* optional, caller-owned */
};

/*
 * The outcome of one signing. Owns its buffers; added[] points into this struct and into
 * the options' credentials, so do not copy the struct and keep the credentials alive while
 * added[] is used. Cleanup frees everything; init before first use.
 */
struct sig_result {
    struct lk_buf canonical_request;
    struct lk_buf string_to_sign;
    struct lk_buf signed_headers; /* "host;x-amz-date" */
    struct lk_buf authorization;  /* header signing: the Authorization value */
    struct lk_buf query;          /* query signing: "X-Amz-Algorithm=...&X-Amz-Signature=..." */
    char signature[65];           /* lower-case hex */
    char amz_date[17];            /* "20150830T123600Z" */
    char payload_hash[65];        /* hex SHA-256 or "UNSIGNED-PAYLOAD" */
    struct sig_header added[4];   /* header signing: the headers to send, in order */
    size_t added_count;
    struct lk_buf scratch; /* working space (the canonical header block), kept so that a
                              result signed again reuses it */
};

void sig_result_init(struct sig_result *res);
void sig_result_cleanup(struct sig_result *res);

/* Signs req for an Authorization header. res must be initialised; it is reset first. */
int sig_sign_headers(const struct sig_request *req, const struct sig_options *opt,
                     struct sig_result *res, struct lk_error *err);

/* Signs req as a presigned request (query auth); res->query gets the parameters to append. */
int sig_presign(const struct sig_request *req, const struct sig_options *opt,
                struct sig_result *res, struct lk_error *err);

/* Building blocks, exposed for tests and for wire.c. */

/* URI encoding is form_encode (form.h). */

/* Appends path with dot segments and empty segments removed; keeps a leading '/' and a
 * trailing '/' (when anything is left); "" becomes "/". */
int sig_normalize_path(struct lk_buf *out, const char *path, size_t len);

/* Hex SHA-256 of data (out gets 64 digits and a NUL). LK_IO when OpenSSL fails. */
int sig_sha256_hex(const void *data, size_t len, char out[65]);

/* kSigning from the secret and "yyyymmdd", region, service. */
int sig_signing_key(const char *secret, const char *date8, const char *region, const char *service,
                    unsigned char key_out[32]);

/* "yyyymmddThhmmssZ" for t (UTC). LK_INVALID_ARG when t cannot be represented. */
int sig_format_amz_date(time_t t, char out[17]);

#endif
