#include "lookout/metrics.h"

#include <stdio.h>
#include <stdlib.h>

#include "lookout/json.h"
#include "lookout/state.h"

/* "cooldown" -> "SuppressedCooldown". */
static void metric_name(enum pl_why why, char out[48])
{
    const char *n = pl_why_name(why);
    snprintf(out, 48, "Suppressed%c%s", n[0] - 'a' + 'A', n + 1);
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

static int add_metric(cJSON *doc, cJSON *defs, const char *name, size_t value)
{
    cJSON *def = cJSON_CreateObject();
    if (!def || !cJSON_AddItemToArray(defs, def))
        return cJSON_Delete(def), 0;
    return cJSON_AddStringToObject(def, "Name", name) && cJSON_AddStringToObject(def, "Unit", "Count") &&
           json_add_number(doc, name, (double)value);
}

static cJSON *emf_doc(const struct pl_stats *st, int64_t now_ms)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *aws = cJSON_AddObjectToObject(doc, "_aws");
    json_add_number(aws, "Timestamp", (double)now_ms);
    cJSON *directive = cJSON_CreateObject();
    cJSON_AddItemToArray(cJSON_AddArrayToObject(aws, "CloudWatchMetrics"), directive);
    cJSON_AddStringToObject(directive, "Namespace", PL_METRICS_NAMESPACE);
    cJSON *dims = cJSON_CreateArray();
    cJSON_AddItemToArray(dims, cJSON_CreateString("Stream"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(directive, "Dimensions"), dims);
    cJSON *defs = cJSON_AddArrayToObject(directive, "Metrics");
    cJSON_AddStringToObject(doc, "Stream", st->streams > 1 ? "several" : st->stream);
    int ok = defs && add_metric(doc, defs, "Frames", frames_seen(st)) &&
             add_metric(doc, defs, "RekognitionCalls", st->frames) &&
             add_metric(doc, defs, "Alerts", st->alerts);
    for (int w = 0; ok && w < PL_WHY_COUNT; w++) {
        char name[48];
        metric_name((enum pl_why)w, name);
        ok = add_metric(doc, defs, name, st->suppressed[w]);
    }
    if (!ok) {
        cJSON_Delete(doc);
        return NULL;
    }
    return doc;
}

int pl_metrics_emf(const struct pl_stats *st, int64_t now_ms, struct lk_buf *out)
{
    if (st->streams == 0)
        return LK_OK;
    cJSON *doc = emf_doc(st, now_ms);
    char *text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    int rc = text ? buf_append_str(out, text) : LK_NOMEM;
    free(text);
    cJSON_Delete(doc);
    return rc;
}
