/*
 * aws_retry.h: the AWS SDKs' "standard" retry rules, with the 2026 scale (AWS SDKs and Tools
 * Reference Guide, "Retry behavior"), as pure functions the HTTP client (src/aws/client.c)
 * applies, plus the client's hooks for tests and benchmarks. Internal to src/aws/; service
 * files use aws.h.
 *
 * Rules:
 *   - attempts: cfg->max_attempts (AWS_MAX_ATTEMPTS, first attempt included, default 3);
 *   - delay before retry n (n = 1 for the first retry): rand[0,1] * min(base * 2^(n-1), 20 s),
 *     base 1 s for throttling and 50 ms otherwise; an x-amz-retry-after header (ms) turns the
 *     delay t into max(t, min(retry_after, t + 5 s));
 *   - a retry quota per client of 500 tokens: a retry costs 14 (5 after throttling, 10
 *     after a timeout of our own); with too few tokens the error is returned as it is. A
 *     success gives back 1 token when it needed no retry, else the amount last taken;
 *   - no attempt and no sleep may pass the caller's deadline (the client enforces it).
 */
#ifndef LOOKOUT_AWS_RETRY_H
#define LOOKOUT_AWS_RETRY_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/aws_errors.h"

#define AWS_RETRY_QUOTA_MAX 500
#define AWS_RETRY_COST 14
#define AWS_RETRY_COST_THROTTLING 5
#define AWS_RETRY_COST_TIMEOUT 10
#define AWS_RETRY_NO_RETRY_INCREMENT 1
#define AWS_RETRY_BASE_MS 50
#define AWS_RETRY_THROTTLING_BASE_MS 1000
#define AWS_RETRY_MAX_BACKOFF_MS 20000
#define AWS_RETRY_AFTER_EXTRA_MS 5000

/* Caller-owned; no heap. */
struct aws_retry_quota {
    int available;
};

void aws_retry_quota_init(struct aws_retry_quota *q);
/* Takes the cost of one retry of this kind. Returns the tokens taken, or 0 when the quota
 * cannot pay (then the caller must not retry). AWS_RETRY_NONE costs nothing and returns 0. */
int aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_kind kind);
/* After a success: last_taken is what the last retry of this request took (0 when none). */
void aws_retry_quota_release(struct aws_retry_quota *q, int last_taken);

/* The delay before retry number retry (1-based), with r in [0,1] the random factor and
 * retry_after_ms the x-amz-retry-after value (negative when absent). Never negative. */
int64_t aws_retry_delay_ms(enum aws_retry_kind kind, int retry, double r, int64_t retry_after_ms);

/* Parses an x-amz-retry-after value (decimal milliseconds, at most 1 day). -1 when absent
 * or invalid. */
int64_t aws_retry_after_parse(const char *value);

/* A source of randomness in [0,1]; state is the caller's. */
typedef double (*aws_rand_fn)(void *state);

/* Replaces the client's randomness (by default a per-client generator seeded at creation).
 * fn NULL restores the default. state must outlive the client or the next call. */
void aws_client_set_rand(struct aws_client *client, aws_rand_fn fn, void *state);

/* What the last aws_client_send did, for tests and benchmarks. */
#define AWS_CLIENT_MAX_DELAYS 32
struct aws_client_stats {
    int attempts;
    int quota_available;                        /* tokens left after the call */
    size_t delay_count;                         /* backoff sleeps taken (at most the cap) */
    int64_t delays_ms[AWS_CLIENT_MAX_DELAYS];   /* the planned length of each sleep */
    long connections;                           /* new connections curl opened in the call */
};
void aws_client_last_stats(const struct aws_client *client, struct aws_client_stats *out);

#endif
