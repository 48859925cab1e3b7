#include "lookout/metrics.h"

#include <stdlib.h>
#include <string.h>

#include "lookout/json.h"
#include "lookout/state.h"
#include "lookout/text.h"

/* "cooldown" -> "SuppressedCooldown". */
static void metric_name(enum pl_why why, char out[48])
{
    const char *n = pl_why_name(why);
    memcpy(out, "Suppressed", 10);
    text_copy(out + 10, 48 - 10, n);
    out[10] = (char)(n[0] - 'a' + 'A');
}

int pl_metrics_add_suppressed(cJSON *o, const struct pl_stats *st)
{
    cJSON *s = cJSON_AddObjectToObject(o, "suppressed");
    for (int w = 0; s && w < PL_WHY_COUNT; w++)
        if (!cJSON_AddNumberToObject(s, pl_why_name((enum pl_why)w), (double)st->suppressed[w]))
            return 0;
    return s != NULL;
}

static size_t frames_seen(const struct pl_stats *st)
{
    return st->frames + st->suppressed[PL_WHY_DUPLICATE] + st->suppressed[PL_WHY_SNOOZED] +
           st->suppressed[PL_WHY_STILL];
}

/* One metric: its name and the count it has for this invocation. */
struct metric {
    char name[48];
    size_t value;
};

static size_t metrics_of(const struct pl_stats *st, struct metric m[3 + PL_WHY_COUNT])
{
    static const char *const FIXED[] = {"Frames", "RekognitionCalls", "Alerts"};
    const size_t fixed[] = {frames_seen(st), st->frames, st->alerts};
    size_t n = 0;
    for (; n < 3; n++) {
        text_copy(m[n].name, sizeof m[n].name, FIXED[n]);
        m[n].value = fixed[n];
    }
    for (int w = 0; w < PL_WHY_COUNT; w++, n++) {
        metric_name((enum pl_why)w, m[n].name);
        m[n].value = st->suppressed[w];
    }
    return n;
}

/* The line is written straight into out, with the bytes cJSON printed from the tree it
 * once was: the directive, the stream and each metric's count. */
static int emf_line(const struct pl_stats *st, int64_t now_ms, struct lk_buf *out)
{
    struct metric m[3 + PL_WHY_COUNT];
    size_t n = metrics_of(st, m);
    char num[JSON_NUMBER_MAX];
    int rc;
    LK_TRY(buf_append_str(out, "{\"_aws\":{\"Timestamp\":"));
    LK_TRY(buf_append(out, num, json_format_number((double)now_ms, num)));
    LK_TRY(buf_append_str(out, ",\"CloudWatchMetrics\":[{\"Namespace\":"));
    LK_TRY(json_append_text(out, PL_METRICS_NAMESPACE, strlen(PL_METRICS_NAMESPACE)));
    LK_TRY(buf_append_str(out, ",\"Dimensions\":[[\"Stream\"]],\"Metrics\":["));
    for (size_t i = 0; i < n; i++) {
        LK_TRY(buf_append_str(out, i ? ",{\"Name\":\"" : "{\"Name\":\""));
        LK_TRY(buf_append_str(out, m[i].name));
        LK_TRY(buf_append_str(out, "\",\"Unit\":\"Count\"}"));
    }
    LK_TRY(buf_append_str(out, "]}]}"));
    const char *stream = st->streams > 1 ? "several" : st->stream;
    LK_TRY(buf_append_str(out, ",\"Stream\":"));
    LK_TRY(json_append_text(out, stream, strlen(stream)));
    for (size_t i = 0; i < n; i++) {
        LK_TRY(buf_append_str(out, ",\""));
        LK_TRY(buf_append_str(out, m[i].name));
        LK_TRY(buf_append_str(out, "\":"));
        LK_TRY(buf_append(out, num, json_format_number((double)m[i].value, num)));
    }
    LK_TRY(buf_append_byte(out, '}'));
cleanup:
    return rc;
}

int pl_metrics_emf(const struct pl_stats *st, int64_t now_ms, struct lk_buf *out)
{
    if (st->streams == 0)
        return LK_OK;
    size_t len = out->len;
    int rc = emf_line(st, now_ms, out);
    if (rc != LK_OK) { /* nothing half-written */
        out->len = len;
        if (out->data)
            out->data[len] = '\0';
    }
    return rc;
}
