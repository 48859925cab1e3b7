/*
 * The time-lapse invocation (timelapse.h): parse, fetch into a temporary file while the
 * budget allows, upload, link.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/clock.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/s3.h"
#include "lookout/store_key.h"
#include "lookout/timelapse.h"

/* What is kept back from the invocation's budget for finishing the file and uploading it. */
#define RESERVE_MIN_MS 2000
#define RESERVE_MAX_MS 60000
#define KEY_MAX 1024

static int64_t stop_time(int64_t deadline_ms)
{
    int64_t budget = deadline_ms - clock_now_ms();
    int64_t reserve = budget / 4;
    reserve = reserve < RESERVE_MIN_MS ? RESERVE_MIN_MS
              : reserve > RESERVE_MAX_MS ? RESERVE_MAX_MS
                                         : reserve;
    return deadline_ms - reserve;
}

static int answer(const struct pl_timelapse_request *q, const struct pl_timelapse_stats *st,
                  const char *bucket, const char *key, const char *url, struct lk_buf *response,
                  struct lk_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "route", "manual");
    cJSON *t = cJSON_AddObjectToObject(o, "timelapse");
    if (url) {
        struct lk_buf uri;
        buf_init(&uri, KEY_MAX + 300);
        buf_appendf(&uri, "s3://%s/%s", bucket, key);
        cJSON_AddStringToObject(t, "s3Uri", buf_cstr(&uri));
        cJSON_AddStringToObject(t, "url", url);
        buf_cleanup(&uri);
    } else {
        cJSON_AddStringToObject(t, "message", "no media in the range");
    }
    cJSON_AddStringToObject(t, "format", ev_timelapse_format_name(q->format));
    cJSON_AddNumberToObject(t, "frames", (double)st->frames);
    cJSON_AddNumberToObject(t, "expected", (double)st->expected);
    cJSON_AddNumberToObject(t, "gaps", (double)st->gaps);
    cJSON_AddNumberToObject(t, "repeated", (double)st->repeated);
    cJSON_AddNumberToObject(t, "calls", (double)st->calls);
    cJSON_AddNumberToObject(t, "bytes", (double)st->bytes);
    cJSON_AddNumberToObject(t, "width", st->width);
    cJSON_AddNumberToObject(t, "height", st->height);
    cJSON_AddStringToObject(t, "stopped", pl_timelapse_stop_name(st->stop));
    int rc = json_print_into(o, response);
    return rc == LK_OK ? LK_OK : err_set(err, rc, "cannot write the response");
}

static enum pl_store_format store_format(enum ev_timelapse_format f)
{
    return f == EV_TIMELAPSE_SHEET ? PL_STORE_JPEG : f == EV_TIMELAPSE_APNG ? PL_STORE_APNG
                                                                           : PL_STORE_AVI;
}

static int upload(const struct pl_settings *s, struct svc_clients *svc, const char *key,
                  const struct pl_timelapse_request *q, FILE *f, int64_t deadline_ms, char **url,
                  struct lk_error *err)
{
    int rc = s3_put_file(svc->s3, s->snapshot_bucket, key, f, pl_timelapse_content_type(q->format),
                         deadline_ms, err);
    if (rc == LK_OK)
        rc = s3_presign_get(svc->s3, s->snapshot_bucket, key, s->presign_ttl_s, time(NULL), url,
                            err);
    return rc;
}

int pl_timelapse_handle(const struct pl_settings *s, struct svc_clients *svc, int64_t deadline_ms,
                        const cJSON *event, struct lk_buf *response, struct lk_error *err)
{
    struct ev_timelapse t;
    struct pl_timelapse_stats st = {0};
    char key[KEY_MAX], *url = NULL;
    FILE *f = NULL;
    int rc = ev_timelapse_parse(event, &t, err);
    if (rc != LK_OK)
        return rc;
    if (!s->snapshot_bucket) {
        rc = err_set(err, LK_CONFIG, "a time-lapse is written to SNAPSHOT_BUCKET, which is not set");
        goto cleanup;
    }
    struct pl_timelapse_request q = {
        .stream = t.range.arn.arn ? t.range.arn.arn : t.range.stream_name,
        .start_ms = t.range.start_ms, .end_ms = t.range.end_ms, .every_ms = t.every_ms,
        .width = (unsigned)t.width, .height = (unsigned)t.height, .fps = (unsigned)t.fps,
        .format = t.format, .gaps = PL_TL_GAPS_REPEAT, .max_frames = (size_t)s->timelapse_max_frames,
        .max_bytes = PL_TL_INVOKE_MAX_BYTES, .stop_at_ms = stop_time(deadline_ms),
    };
    LK_TRY(pl_store_key(key, sizeof(key), s->snapshot_prefix, store_format(t.format), err,
                        "timelapse/%s/%lld-%lld", t.range.stream_name, t.range.start_ms,
                        t.range.end_ms));
    if (!(f = tmpfile())) {
        rc = err_set(err, LK_IO, "cannot create a temporary file: %s", strerror(errno));
        goto cleanup;
    }
    /* Every call of the fetch ends by stop_at_ms too: a slow call cuts the file short rather
     * than the upload. */
    LK_TRY(pl_timelapse_run(&svc->kvs, &q, q.stop_at_ms, f, NULL, NULL, &st, err));
    LOG_INFO("time-lapse of %s: %zu frames, %zu gaps, %zu GetImages calls, %llu bytes, %s",
             t.range.stream_name, st.frames, st.gaps, st.calls, (unsigned long long)st.bytes,
             pl_timelapse_stop_name(st.stop));
    if (st.frames > 0)
        LK_TRY(upload(s, svc, key, &q, f, deadline_ms, &url, err));
    rc = answer(&q, &st, s->snapshot_bucket, key, url, response, err);
cleanup:
    if (rc != LK_OK)
        err_wrap(err, "time-lapse");
    if (f)
        fclose(f);
    free(url);
    ev_timelapse_cleanup(&t);
    return rc;
}
