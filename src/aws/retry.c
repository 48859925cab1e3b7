/* The SDKs' standard retry rules with the 2026 scale (aws_retry.h). */
#include "lookout/aws_retry.h"

#include <errno.h>
#include <stdlib.h>

void aws_retry_quota_init(struct aws_retry_quota *q)
{
    q->available = AWS_RETRY_QUOTA_MAX;
}

static int retry_cost(enum aws_retry_kind kind)
{
    switch (kind) {
    case AWS_RETRY_THROTTLING: return AWS_RETRY_COST_THROTTLING;
    case AWS_RETRY_TIMEOUT: return AWS_RETRY_COST_TIMEOUT;
    case AWS_RETRY_TRANSIENT: return AWS_RETRY_COST;
    default: return 0;
    }
}

int aws_retry_quota_acquire(struct aws_retry_quota *q, enum aws_retry_kind kind)
{
    int cost = retry_cost(kind);
    if (cost == 0 || cost > q->available)
        return 0;
    q->available -= cost;
    return cost;
}

void aws_retry_quota_release(struct aws_retry_quota *q, int last_taken)
{
    int back = last_taken > 0 ? last_taken : AWS_RETRY_NO_RETRY_INCREMENT;
    q->available = q->available + back > AWS_RETRY_QUOTA_MAX ? AWS_RETRY_QUOTA_MAX
                                                             : q->available + back;
}

int64_t aws_retry_delay_ms(enum aws_retry_kind kind, int retry, double r, int64_t retry_after_ms)
{
    int64_t base = kind == AWS_RETRY_THROTTLING ? AWS_RETRY_THROTTLING_BASE_MS : AWS_RETRY_BASE_MS;
    int64_t cap = base;
    /* Doubling stops at the 20 s cap, so a large retry number cannot overflow. */
    for (int i = 1; i < retry && cap < AWS_RETRY_MAX_BACKOFF_MS; i++)
        cap *= 2;
    if (cap > AWS_RETRY_MAX_BACKOFF_MS)
        cap = AWS_RETRY_MAX_BACKOFF_MS;
    if (!(r >= 0.0))
        r = 0.0;
    if (r > 1.0)
        r = 1.0;
    int64_t t = (int64_t)(r * (double)cap);
    if (retry_after_ms >= 0) {
        int64_t hinted = retry_after_ms < t + AWS_RETRY_AFTER_EXTRA_MS ? retry_after_ms
                                                                       : t + AWS_RETRY_AFTER_EXTRA_MS;
        if (hinted > t)
            t = hinted;
    }
    return t;
}

int64_t aws_retry_after_parse(const char *value)
{
    if (!value || *value < '0' || *value > '9')
        return -1;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(value, &end, 10);
    while (end && (*end == ' ' || *end == '\t'))
        end++;
    if (errno || !end || *end != '\0' || v < 0 || v > 86400000LL)
        return -1;
    return (int64_t)v;
}
