#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ev_internal.h"
#include "lookout/clock.h"

#define SECONDS_BELOW 100000000000LL
#define ACCOUNT_DIGITS 12
#define MAX_RANDOM_ID 128

void ev_kvs_image_cleanup(struct ev_kvs_image *img)
{
    free(img->fragment_number);
    ev_tags_cleanup(&img->tags);
    memset(img, 0, sizeof(*img));
    img->producer_ms = img->server_ms = -1;
}

static int metadata_timestamp(const struct ev_tag *p, long long *out, struct lk_error *err)
{
    size_t len = strlen(p->value);
    long long v = ev_parse_uint(p->value, len, CLOCK_MAX_EPOCH_MS);
    if (v < 0)
        return ev_fail(err, "metadata", "%s is not epoch milliseconds", p->name);
    *out = v < SECONDS_BELOW ? v * 1000 : v;
    return LK_OK;
}

static int metadata_pair(const struct ev_tag *p, struct ev_kvs_image *out, struct lk_error *err)
{
    if (strcasecmp(p->name, "aws_kinesisvideo_fragment_number") == 0) {
        size_t len = strlen(p->value);
        if (!ev_all_digits(p->value, len, 128))
            return ev_fail(err, "metadata", "%s is not decimal digits", p->name);
        free(out->fragment_number);
        out->fragment_number = ev_memdup(p->value, len);
        return out->fragment_number ? LK_OK : ev_nomem(err);
    }
    if (strcasecmp(p->name, "aws_kinesisvideo_producer_timestamp") == 0)
        return metadata_timestamp(p, &out->producer_ms, err);
    if (strcasecmp(p->name, "aws_kinesisvideo_server_timestamp") == 0)
        return metadata_timestamp(p, &out->server_ms, err);
    return ev_tags_add(&out->tags, p->name, strlen(p->name), p->value, strlen(p->value), "metadata",
                       err);
}

int ev_kvs_image_from_metadata(const struct ev_tag *pairs, size_t count, struct ev_kvs_image *out,
                               struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->producer_ms = out->server_ms = -1;
    int rc = LK_OK;
    for (size_t i = 0; i < count && rc == LK_OK; i++) {
        if (!pairs[i].name || !pairs[i].value)
            rc = err_set(err, LK_INVALID_ARG, "metadata pair %zu has a NULL name or value", i);
        else
            rc = metadata_pair(&pairs[i], out, err);
    }
    if (rc != LK_OK)
        ev_kvs_image_cleanup(out);
    return rc;
}

void ev_kvs_key_cleanup(struct ev_kvs_key *k)
{
    free(k->dir);
    free(k->head);
    free(k->prefix);
    free(k->account);
    free(k->stream_name);
    free(k->random_id);
    memset(k, 0, sizeof(*k));
}

static int random_id_valid(const char *s, size_t len)
{
    if (len == 0 || len > MAX_RANDOM_ID)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '-'))
            return 0;
    }
    return 1;
}

static const char *last_of(const char *s, size_t len, char c)
{
    for (size_t i = len; i > 0; i--)
        if (s[i - 1] == c)
            return s + i - 1;
    return NULL;
}

/* 1 when head splits at p as [PREFIX_]ACCOUNT_STREAM with a valid stream name. */
static int split_fits(const char *head, size_t len, size_t p)
{
    if (p > 0 && head[p - 1] != '_')
        return 0;
    if (p + ACCOUNT_DIGITS + 1 >= len || head[p + ACCOUNT_DIGITS] != '_')
        return 0;
    if (!ev_all_digits(head + p, ACCOUNT_DIGITS, ACCOUNT_DIGITS))
        return 0;
    size_t s = p + ACCOUNT_DIGITS + 1;
    return ev_stream_name_valid(head + s, len - s);
}

/* Fills prefix/account/stream_name when exactly one split of head fits. */
static int split_head(const char *head, size_t len, struct ev_kvs_key *out, struct lk_error *err)
{
    size_t found = 0, at = 0;
    for (size_t p = 0; p < len; p++) {
        if (split_fits(head, len, p)) {
            found++;
            at = p;
        }
    }
    if (found == 0)
        return err_set(err, LK_INVALID_EVENT,
                       "no 12-digit account followed by a stream name before the timecode");
    if (found > 1) {
        out->ambiguous = 1;
        return LK_OK;
    }
    size_t s = at + ACCOUNT_DIGITS + 1;
    out->account = ev_memdup(head + at, ACCOUNT_DIGITS);
    out->stream_name = ev_memdup(head + s, len - s);
    if (at > 1)
        out->prefix = ev_memdup(head, at - 1);
    if (!out->account || !out->stream_name || (at > 1 && !out->prefix))
        return ev_nomem(err);
    return LK_OK;
}

/* base: "HEAD_TIMECODE_RANDOMID.EXT" */
static int parse_base(const char *base, size_t len, struct ev_kvs_key *out, struct lk_error *err)
{
    const char *dot = last_of(base, len, '.');
    out->ext = dot ? ev_key_image_ext(dot, len - (size_t)(dot - base)) : EV_EXT_NONE;
    if (!dot || (size_t)(base + len - dot) > 5 || out->ext == EV_EXT_NONE)
        return err_set(err, LK_INVALID_EVENT, "the extension is not jpg, jpeg or png");
    size_t stem = (size_t)(dot - base);
    const char *us = last_of(base, stem, '_');
    if (!us || !random_id_valid(us + 1, (size_t)(dot - us - 1)))
        return err_set(err, LK_INVALID_EVENT, "no random id after the last '_'");
    const char *us2 = last_of(base, (size_t)(us - base), '_');
    long long tc = us2 ? ev_parse_uint(us2 + 1, (size_t)(us - us2 - 1), CLOCK_MAX_EPOCH_MS) : -1;
    if (tc < 0)
        return err_set(err, LK_INVALID_EVENT, "no millisecond timecode before the random id");
    out->timecode_ms = tc;
    size_t head_len = (size_t)(us2 - base);
    out->random_id = ev_memdup(us + 1, (size_t)(dot - us - 1));
    out->head = ev_memdup(base, head_len);
    if (!out->random_id || !out->head)
        return ev_nomem(err);
    return split_head(base, head_len, out, err);
}

int ev_kvs_key_parse(const char *key, size_t len, struct ev_kvs_key *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len == 0 || len > EV_MAX_KEY_BYTES || memchr(key, '\0', len))
        return err_set(err, LK_INVALID_EVENT, "the key is empty, too long or holds a NUL byte");
    const char *slash = last_of(key, len, '/');
    const char *base = slash ? slash + 1 : key;
    size_t base_len = len - (size_t)(base - key);
    int rc = LK_OK;
    if (slash) {
        out->dir = ev_memdup(key, (size_t)(slash - key));
        if (!out->dir)
            rc = ev_nomem(err);
    }
    if (rc == LK_OK)
        rc = parse_base(base, base_len, out, err);
    if (rc != LK_OK)
        ev_kvs_key_cleanup(out);
    return rc;
}
