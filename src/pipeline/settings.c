/* The settings of the pipeline, read from the environment once at start-up (settings.h). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/settings.h"

static int env_long(const char *name, long dflt, long min, long max, long *out,
                    struct lk_error *err)
{
    const char *v = getenv(name);
    *out = dflt;
    if (!v || !*v)
        return LK_OK;
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < min || n > max)
        return err_set(err, LK_CONFIG, "%s must be a whole number from %ld to %ld", name, min, max);
    *out = n;
    return LK_OK;
}

static int env_fraction(const char *name, double *out, struct lk_error *err)
{
    const char *v = getenv(name);
    *out = 0;
    if (!v || !*v)
        return LK_OK;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || *end != '\0' || !(d >= 0 && d <= 1))
        return err_set(err, LK_CONFIG, "%s must be a number from 0 to 1", name);
    *out = d;
    return LK_OK;
}

static int env_int(const char *name, int dflt, int min, int max, int *out, struct lk_error *err)
{
    long v;
    int rc = env_long(name, dflt, min, max, &v, err);
    *out = (int)v;
    return rc;
}

/* arn:<partition>:sns:<region>:<12-digit account>:<topic>, each field non-empty. */
static int topic_arn_ok(const char *arn)
{
    const char *p = arn;
    static const char *const fixed[] = {"arn", NULL, "sns", NULL, NULL};
    for (int i = 0; i < 5; i++) {
        const char *colon = strchr(p, ':');
        if (!colon || colon == p)
            return 0;
        size_t n = (size_t)(colon - p);
        if (fixed[i] && (strlen(fixed[i]) != n || memcmp(p, fixed[i], n) != 0))
            return 0;
        for (size_t j = 0; i == 4 && j < n; j++)
            if (!isdigit((unsigned char)p[j]))
                return 0;
        if (i == 4 && n != 12)
            return 0;
        p = colon + 1;
    }
    size_t topic_len = strlen(p);
    if (topic_len == 0 || topic_len > 256)
        return 0;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
            return 0;
    return 1;
}

static int env_copy(const char *name, const char *dflt, char **out, struct lk_error *err)
{
    const char *v = getenv(name);
    *out = NULL;
    if (!v || !*v)
        v = dflt;
    if (v && !(*out = strdup(v)))
        return err_set(err, LK_NOMEM, "%s: out of memory", name);
    return LK_OK;
}

static int read_topic(struct pl_settings *s, struct lk_error *err)
{
    int rc = env_copy("ALERT_TOPIC_ARN", NULL, &s->alert_topic_arn, err);
    if (rc != LK_OK)
        return rc;
    if (!s->alert_topic_arn)
        return err_set(err, LK_CONFIG, "ALERT_TOPIC_ARN is not set");
    if (!topic_arn_ok(s->alert_topic_arn))
        return err_set(err, LK_CONFIG,
                       "ALERT_TOPIC_ARN is not an SNS topic ARN (arn:aws:sns:region:account:name)");
    rc = env_copy("NOTIFY_TOPIC_ARN", NULL, &s->notify_topic_arn, err);
    if (rc == LK_OK && s->notify_topic_arn && !topic_arn_ok(s->notify_topic_arn))
        rc = err_set(err, LK_CONFIG, "NOTIFY_TOPIC_ARN is not an SNS topic ARN");
    return rc;
}

static int read_snapshot(struct pl_settings *s, struct lk_error *err)
{
    int rc = env_copy("SNAPSHOT_BUCKET", NULL, &s->snapshot_bucket, err);
    if (rc == LK_OK)
        rc = env_copy("SNAPSHOT_PREFIX", PL_DEFAULT_SNAPSHOT_PREFIX, &s->snapshot_prefix, err);
    if (rc == LK_OK && strlen(s->snapshot_prefix) > 512)
        rc = err_set(err, LK_CONFIG, "SNAPSHOT_PREFIX is longer than 512 bytes");
    long width = 0;
    if (rc == LK_OK)
        rc = env_long("SNAPSHOT_MAX_WIDTH", PL_DEFAULT_SNAPSHOT_MAX_WIDTH, 160, 8192, &width, err);
    s->snapshot_max_width = (unsigned)width;
    return rc;
}

/* DynamoDB table names: 3..255 of [A-Za-z0-9_.-]. */
static int table_name_ok(const char *t)
{
    size_t n = strlen(t);
    for (const char *p = t; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '.')
            return 0;
    return n >= 3 && n <= 255;
}

static int read_zones(struct pl_settings *s, struct lk_error *err)
{
    const char *v = getenv("ZONES");
    if (!v || !*v)
        return LK_OK;
    if (!(s->zones = malloc(sizeof(*s->zones))))
        return err_set(err, LK_NOMEM, "ZONES: out of memory");
    return rules_zones_parse(v, strlen(v), s->zones, err);
}

static int read_state(struct pl_settings *s, struct lk_error *err)
{
    int rc = env_copy("STATE_TABLE", NULL, &s->state_table, err);
    if (rc == LK_OK && s->state_table && !table_name_ok(s->state_table))
        rc = err_set(err, LK_CONFIG, "STATE_TABLE is not a DynamoDB table name");
    if (rc == LK_OK)
        rc = env_copy("AWS_LAMBDA_FUNCTION_NAME", PL_DEFAULT_FUNCTION_NAME, &s->function_name, err);
    if (rc == LK_OK)
        rc = env_long("IDEMPOTENCY_TTL_S", PL_DEFAULT_IDEMPOTENCY_TTL_S, 60, 31536000,
                      &s->idempotency_ttl_s, err);
    if (rc == LK_OK)
        rc = env_long("COOLDOWN_S", PL_DEFAULT_COOLDOWN_S, 0, 86400, &s->cooldown_s, err);
    if (rc == LK_OK)
        rc = env_long("STATIONARY_S", PL_DEFAULT_STATIONARY_S, 0, 604800, &s->stationary_s, err);
    if (rc == LK_OK)
        rc = env_fraction("MIN_BOX_AREA", &s->min_box_area, err);
    if (rc == LK_OK)
        rc = read_zones(s, err);
    return rc;
}

/* Lambda's memory sizes run from 128 to 10240 MB. */
static int read_pixel_budget(struct pl_settings *s, struct lk_error *err)
{
    long mb;
    int rc = env_long("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", PL_DEFAULT_MEMORY_MB, 128, 10240, &mb,
                      err);
    s->pixel_budget_bytes = (size_t)mb * 1024 * 1024 / PL_PIXEL_BUDGET_SHARE;
    return rc;
}

int pl_settings_from_env(struct pl_settings *s, struct lk_error *err)
{
    memset(s, 0, sizeof(*s));
    int rc = read_topic(s, err);
    if (rc == LK_OK)
        rc = dec_config_parse(getenv("ALERT_LABELS"), getenv("MIN_CONFIDENCE"), &s->labels, err);
    if (rc == LK_OK)
        rc = env_int("MAX_LABELS", PL_DEFAULT_MAX_LABELS, 1, 1000, &s->max_labels, err);
    if (rc == LK_OK)
        rc = env_long("PRESIGN_TTL_S", PL_DEFAULT_PRESIGN_TTL_S, 1, PL_MAX_PRESIGN_TTL_S,
                      &s->presign_ttl_s, err);
    if (rc == LK_OK)
        rc = read_snapshot(s, err);
    if (rc == LK_OK)
        rc = env_int("KVS_WINDOW_MS", PL_DEFAULT_KVS_WINDOW_MS, 0, 300000, &s->kvs_window_ms, err);
    if (rc == LK_OK)
        rc = env_int("KVS_SAMPLING_MS", PL_DEFAULT_KVS_SAMPLING_MS, 200, 20000, &s->kvs_sampling_ms,
                     err);
    if (rc == LK_OK)
        rc = env_int("KVS_MAX_FRAMES", PL_DEFAULT_KVS_MAX_FRAMES, 1, 100, &s->kvs_max_frames, err);
    if (rc == LK_OK)
        rc = env_fraction("MOTION_MIN_CHANGE", &s->motion_min_change, err);
    if (rc == LK_OK)
        rc = env_int("TIMELAPSE_MAX_FRAMES", PL_DEFAULT_TIMELAPSE_MAX_FRAMES, 1,
                     PL_MAX_TIMELAPSE_MAX_FRAMES, &s->timelapse_max_frames, err);
    if (rc == LK_OK)
        rc = read_state(s, err);
    if (rc == LK_OK)
        rc = read_pixel_budget(s, err);
    if (rc != LK_OK)
        pl_settings_cleanup(s);
    return rc;
}

void pl_settings_cleanup(struct pl_settings *s)
{
    free(s->alert_topic_arn);
    free(s->notify_topic_arn);
    free(s->snapshot_bucket);
    free(s->snapshot_prefix);
    free(s->state_table);
    free(s->function_name);
    free(s->zones);
    memset(s, 0, sizeof(*s));
}
