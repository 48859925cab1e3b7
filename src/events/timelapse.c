/* The time-lapse invocation {"lookout":{"timelapse":{...}}} (events.h). */
#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/json.h"

#define WHERE "lookout.timelapse"
#define MAX_EPOCH_MS_DIGITS 15

static const char *const FORMATS[] = {"avi", "sheet", "apng"};

const char *ev_timelapse_format_name(enum ev_timelapse_format f)
{
    return (unsigned)f < sizeof(FORMATS) / sizeof(FORMATS[0]) ? FORMATS[f] : "unknown";
}

int ev_timelapse_format_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof(FORMATS) / sizeof(FORMATS[0]); i++)
        if (strcmp(name, FORMATS[i]) == 0)
            return (int)i;
    return -1;
}

int ev_is_timelapse(const cJSON *event)
{
    const cJSON *lookout = cJSON_GetObjectItemCaseSensitive(event, "lookout");
    return cJSON_IsObject(lookout) && cJSON_GetObjectItemCaseSensitive(lookout, "timelapse");
}

int ev_parse_time_text(const char *s, size_t len, long long *ms_out, struct lk_error *err)
{
    if (ev_all_digits(s, len, MAX_EPOCH_MS_DIGITS)) {
        *ms_out = ev_parse_uint(s, len, 253402300799999LL);
        if (*ms_out >= 0)
            return LK_OK;
    }
    return ev_parse_rfc3339(s, len, ms_out, err);
}

void ev_timelapse_cleanup(struct ev_timelapse *t)
{
    ev_stream_range_cleanup(&t->range);
    memset(t, 0, sizeof(*t));
}

/* An optional whole-number member within [min, max]; *out keeps its default when absent. */
static int whole(const cJSON *o, const char *name, long long min, long long max, long long *out,
                 struct lk_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        return LK_OK;
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1.0;
    if (!cJSON_IsNumber(v) || d != (double)(long long)d || d < (double)min || d > (double)max)
        return ev_fail(err, WHERE, "%s must be a whole number from %lld to %lld", name, min, max);
    *out = (long long)d;
    return LK_OK;
}

static int options(const cJSON *o, struct ev_timelapse *t, struct lk_error *err)
{
    long long every = EV_TIMELAPSE_DEFAULT_EVERY_MS, fps = EV_TIMELAPSE_DEFAULT_FPS, w = 0, h = 0;
    int rc = whole(o, "everyMs", EV_TIMELAPSE_MIN_EVERY_MS, EV_MAX_TIMELAPSE_MS, &every, err);
    if (rc == LK_OK)
        rc = whole(o, "fps", 1, EV_TIMELAPSE_MAX_FPS, &fps, err);
    if (rc == LK_OK)
        rc = whole(o, "width", 1, EV_TIMELAPSE_MAX_WIDTH, &w, err);
    if (rc == LK_OK)
        rc = whole(o, "height", 1, EV_TIMELAPSE_MAX_HEIGHT, &h, err);
    if (rc != LK_OK)
        return rc;
    if ((w == 0) != (h == 0))
        return ev_fail(err, WHERE, "give both width and height, or neither");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "format");
    int format = f ? ev_timelapse_format_parse(cJSON_IsString(f) ? f->valuestring : NULL)
                   : EV_TIMELAPSE_AVI;
    if (format < 0)
        return ev_fail(err, WHERE, "format must be \"avi\", \"sheet\" or \"apng\"");
    t->every_ms = every;
    t->fps = (int)fps;
    t->width = (int)w;
    t->height = (int)h;
    t->format = (enum ev_timelapse_format)format;
    return LK_OK;
}

static int range(const cJSON *o, struct ev_stream_range *r, struct lk_error *err)
{
    int rc = ev_stream_member(o, WHERE, r, err);
    if (rc == LK_OK)
        rc = ev_time_member(o, WHERE, "start", &r->start_ms, err);
    if (rc == LK_OK)
        rc = ev_time_member(o, WHERE, "end", &r->end_ms, err);
    if (rc != LK_OK)
        return rc;
    if (r->end_ms <= r->start_ms)
        return ev_fail(err, WHERE, "end must be after start");
    if (r->end_ms - r->start_ms > EV_MAX_TIMELAPSE_MS)
        return ev_fail(err, WHERE, "the range from start to end is longer than %lld days",
                       EV_MAX_TIMELAPSE_MS / 86400000);
    return LK_OK;
}

int ev_timelapse_parse(const cJSON *event, struct ev_timelapse *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    const cJSON *lookout = cJSON_GetObjectItemCaseSensitive(event, "lookout");
    const cJSON *o = cJSON_IsObject(lookout) ? cJSON_GetObjectItemCaseSensitive(lookout, "timelapse")
                                             : NULL;
    if (!cJSON_IsObject(o))
        return ev_fail(err, WHERE, "missing or not an object");
    int rc = range(o, &out->range, err);
    if (rc == LK_OK)
        rc = options(o, out, err);
    if (rc != LK_OK)
        ev_timelapse_cleanup(out);
    return rc;
}
