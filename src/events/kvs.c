#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/clock.h"
#include "lookout/json.h"

/* 9999-12-31T23:59:59.999Z: anything later is not a timestamp. */
#define SECONDS_BELOW 100000000000LL /* 1e11: smaller values are seconds */
#define MAX_ARN_BYTES 1024
#define MAX_FRAGMENT_DIGITS 128

int ev_stream_name_valid(const char *name, size_t len)
{
    if (len == 0 || len > EV_MAX_STREAM_NAME_BYTES)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

void ev_stream_arn_cleanup(struct ev_stream_arn *arn)
{
    free(arn->arn);
    free(arn->region);
    free(arn->account);
    free(arn->name);
    memset(arn, 0, sizeof(*arn));
}

static int region_valid(const char *s, size_t len)
{
    if (len == 0 || len > 32)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

/* Splits s at ':' into exactly n fields (the last keeps any further ':'). */
static int split_colons(const char *s, size_t len, struct lk_view *f, size_t n)
{
    size_t start = 0, k = 0;
    for (size_t i = 0; i < len && k + 1 < n; i++) {
        if (s[i] == ':') {
            f[k].ptr = s + start;
            f[k].len = i - start;
            k++;
            start = i + 1;
        }
    }
    if (k + 1 != n)
        return 0;
    f[k].ptr = s + start;
    f[k].len = len - start;
    return 1;
}

int ev_stream_arn_parse(const char *s, size_t len, struct ev_stream_arn *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    struct lk_view f[6];
    if (len > MAX_ARN_BYTES || !split_colons(s, len, f, 6) || !view_eq_cstr(f[0], "arn") ||
        f[1].len == 0 || !view_eq_cstr(f[2], "kinesisvideo"))
        return err_set(err, LK_INVALID_EVENT,
                       "not a stream ARN (arn:aws:kinesisvideo:REGION:ACCOUNT:stream/NAME/MS)");
    if (!region_valid(f[3].ptr, f[3].len))
        return err_set(err, LK_INVALID_EVENT, "stream ARN has an invalid region");
    if (!ev_all_digits(f[4].ptr, f[4].len, 12) || f[4].len != 12)
        return err_set(err, LK_INVALID_EVENT, "stream ARN account is not 12 digits");
    const char *r = f[5].ptr;
    size_t rlen = f[5].len;
    const char *slash = rlen > 7 ? memchr(r + 7, '/', rlen - 7) : NULL;
    if (rlen <= 7 || memcmp(r, "stream/", 7) != 0 || !slash)
        return err_set(err, LK_INVALID_EVENT, "stream ARN resource is not stream/NAME/MS");
    size_t name_len = (size_t)(slash - (r + 7));
    size_t ms_len = rlen - 7 - name_len - 1;
    long long ms = ev_parse_uint(slash + 1, ms_len, CLOCK_MAX_EPOCH_MS);
    if (!ev_stream_name_valid(r + 7, name_len))
        return err_set(err, LK_INVALID_EVENT, "stream ARN has an invalid stream name");
    if (ms < 0)
        return err_set(err, LK_INVALID_EVENT, "stream ARN creation time is not epoch ms");
    out->arn = ev_memdup(s, len);
    out->region = ev_memdup(f[3].ptr, f[3].len);
    out->account = ev_memdup(f[4].ptr, f[4].len);
    out->name = ev_memdup(r + 7, name_len);
    out->creation_ms = ms;
    if (!out->arn || !out->region || !out->account || !out->name) {
        ev_stream_arn_cleanup(out);
        return ev_nomem(err);
    }
    return LK_OK;
}

static int seconds_or_ms(double v, long long *ms_out)
{
    if (!(v >= 0.0) || v > (double)CLOCK_MAX_EPOCH_MS)
        return 0;
    *ms_out = v < (double)SECONDS_BELOW ? (long long)llround(v * 1000.0) : (long long)v;
    return 1;
}

/* "1690707290324", "1690707290", "1690707290.324". */
static int timestamp_text(const char *s, size_t len, long long *ms_out)
{
    const char *dot = memchr(s, '.', len);
    size_t int_len = dot ? (size_t)(dot - s) : len;
    long long whole = ev_parse_uint(s, int_len, CLOCK_MAX_EPOCH_MS);
    if (whole < 0)
        return 0;
    long long frac_ms = 0;
    if (dot) {
        size_t flen = len - int_len - 1;
        if (!ev_all_digits(dot + 1, flen, 9))
            return 0;
        for (size_t i = 0, scale = 100; i < flen && i < 3; i++, scale /= 10)
            frac_ms += (dot[1 + i] - '0') * (long long)scale;
    }
    *ms_out = whole < SECONDS_BELOW ? whole * 1000 + frac_ms : whole;
    return 1;
}

int ev_kvs_timestamp(const cJSON *value, const char *where, long long *ms_out, struct lk_error *err)
{
    int ok = 0;
    if (cJSON_IsNumber(value))
        ok = seconds_or_ms(value->valuedouble, ms_out);
    else if (cJSON_IsString(value) && value->valuestring)
        ok = timestamp_text(value->valuestring, strlen(value->valuestring), ms_out);
    if (!ok)
        return ev_fail(err, where, "not an epoch timestamp (ms, or seconds below 1e11)");
    return LK_OK;
}

void ev_kvs_fragment_cleanup(struct ev_kvs_fragment *frag)
{
    ev_stream_arn_cleanup(&frag->stream);
    free(frag->fragment_number);
    free(frag->notification_type);
    ev_tags_cleanup(&frag->tags);
    memset(frag, 0, sizeof(*frag));
}

static int optional_timestamp(const cJSON *msg, const char *name, const char *where, long long *out,
                              struct lk_error *err)
{
    *out = -1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, name);
    if (!v || cJSON_IsNull(v))
        return LK_OK;
    char w[160];
    ev_where_join(w, sizeof(w), where, name);
    return ev_kvs_timestamp(v, w, out, err);
}

static int payload_tags(const cJSON *msg, const char *where, struct ev_tags *tags,
                        struct lk_error *err)
{
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(msg, "NotificationPayload");
    if (!payload || cJSON_IsNull(payload))
        return LK_OK;
    char w[160];
    ev_where_join(w, sizeof(w), where, "NotificationPayload");
    if (!cJSON_IsObject(payload))
        return ev_fail(err, w, "not an object");
    const cJSON *item;
    cJSON_ArrayForEach(item, payload)
    {
        if (!cJSON_IsString(item) || !item->valuestring || !item->string)
            return ev_fail(err, w, "%.64s is not a string", item->string ? item->string : "?");
        int rc = ev_tags_add(tags, item->string, strlen(item->string), item->valuestring,
                             strlen(item->valuestring), w, err);
        if (rc != LK_OK)
            return rc;
    }
    return LK_OK;
}

static int fragment_identity(const cJSON *msg, const char *where, struct ev_kvs_fragment *out,
                             struct lk_error *err)
{
    char *arn = NULL;
    int rc = ev_get_string(msg, "StreamArn", where, 1, MAX_ARN_BYTES, &arn, err);
    if (rc == LK_OK) {
        rc = ev_stream_arn_parse(arn, strlen(arn), &out->stream, err);
        if (rc == LK_INVALID_EVENT)
            err_wrap(err, "%s%sStreamArn", where, where[0] ? "." : "");
    }
    free(arn);
    const cJSON *fn = cJSON_GetObjectItemCaseSensitive(msg, "FragmentNumber");
    if (rc == LK_OK && cJSON_IsNumber(fn))
        return ev_fail(err, where, "FragmentNumber is a number; it must be a string of digits");
    if (rc == LK_OK)
        rc = ev_get_string(msg, "FragmentNumber", where, 1, MAX_FRAGMENT_DIGITS,
                           &out->fragment_number, err);
    if (rc == LK_OK &&
        !ev_all_digits(out->fragment_number, strlen(out->fragment_number), MAX_FRAGMENT_DIGITS))
        return ev_fail(err, where, "FragmentNumber is not decimal digits");
    return rc;
}

int ev_kvs_fragment_parse(const cJSON *msg, const char *where, struct ev_kvs_fragment *out,
                          struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->producer_ms = out->server_ms = -1;
    if (!where)
        where = "";
    if (!cJSON_IsObject(msg))
        return ev_fail(err, where, "the notification is not a JSON object");
    int rc = fragment_identity(msg, where, out, err);
    if (rc == LK_OK)
        rc = optional_timestamp(msg, "FragmentStartProducerTimestamp", where, &out->producer_ms,
                                err);
    if (rc == LK_OK)
        rc = optional_timestamp(msg, "FragmentStartServerTimestamp", where, &out->server_ms, err);
    if (rc == LK_OK && out->producer_ms < 0 && out->server_ms < 0)
        rc = ev_fail(err, where,
                     "FragmentStartProducerTimestamp and "
                     "FragmentStartServerTimestamp are both missing");
    if (rc == LK_OK)
        rc = ev_get_string(msg, "NotificationType", where, 0, 64, &out->notification_type, err);
    if (rc == LK_OK)
        rc = payload_tags(msg, where, &out->tags, err);
    if (rc != LK_OK) {
        ev_kvs_fragment_cleanup(out);
        out->producer_ms = out->server_ms = -1;
    }
    return rc;
}

int ev_kvs_fragment_parse_text(const char *text, size_t len, struct ev_kvs_fragment *out,
                               struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->producer_ms = out->server_ms = -1;
    cJSON *msg = json_parse(text, len);
    if (!msg)
        return err_set(err, LK_INVALID_EVENT, "the notification is not valid JSON");
    int rc = ev_kvs_fragment_parse(msg, "", out, err);
    cJSON_Delete(msg);
    return rc;
}
