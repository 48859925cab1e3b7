/*
 * The function: one event in, its units of work done, one answer out. Which units an event
 * holds is events.h's business; what each unit does is detect.h's.
 *
 * Every unit of an event is attempted. If any fails, the invocation fails with a message that
 * lists which and why, so Lambda retries the event (alerts already sent for the others repeat
 * with the same alertId, which subscribers can drop).
 */
#include <stdlib.h>
#include <string.h>

#include "lookout/detect.h"
#include "lookout/events.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/pipeline.h"
#include "lookout/setup.h"
#include "lookout/timelapse.h"

/* Without a deadline from Lambda (local runs that give none), work is bounded all the same. */
#define FALLBACK_BUDGET_MS 300000

struct pl_app {
    struct pl_settings settings;
    struct pl_services services;
    struct pl_motion motion;    /* kept across warm invocations */
    struct pl_timelapse_settings timelapse;
};

int pl_app_new(struct pl_app **out, struct lk_error *err)
{
    *out = NULL;
    struct pl_app *app = calloc(1, sizeof(*app));
    if (!app)
        return err_set(err, LK_NOMEM, "out of memory");
    int rc = pl_settings_from_env(&app->settings, err);
    if (rc == LK_OK)
        rc = pl_timelapse_settings_from_env(&app->timelapse, err);
    if (rc == LK_OK)
        rc = pl_services_init(&app->services, err);
    if (rc != LK_OK) {
        pl_settings_cleanup(&app->settings);
        free(app);
        return rc;
    }
    *out = app;
    return LK_OK;
}

void pl_app_free(struct pl_app *app)
{
    if (!app)
        return;
    pl_motion_cleanup(&app->motion);
    pl_services_cleanup(&app->services);
    pl_settings_cleanup(&app->settings);
    free(app);
}

static int run_item(struct pl_job *job, const struct ev_item *item, struct lk_error *err)
{
    switch (item->kind) {
    case EV_ITEM_S3_OBJECT:
        return pl_detect_s3_object(job, &item->s3, item->trigger, err);
    case EV_ITEM_KVS_FRAGMENT:
        return pl_detect_fragment(job, &item->kvs, err);
    case EV_ITEM_STREAM_RANGE:
        return pl_detect_range(job, &item->range, err);
    case EV_ITEM_S3_TEST:
        LOG_INFO("%s: s3:TestEvent, nothing to do", item->where);
        return LK_OK;
    case EV_ITEM_ERROR:
        break;
    }
    *err = item->err;
    return err->code ? err->code : LK_INVALID_EVENT;
}

/* Collects failures as "<where>: <message>" so the final error names each one. */
struct failures {
    size_t count;
    int first_code;
    struct lk_buf text;
};

static void note_failure(struct failures *f, const struct ev_item *item,
                         const struct lk_error *e)
{
    if (f->count++ == 0)
        f->first_code = e->code;
    LOG_ERROR("%s failed (%s): %s", item->where, err_lambda_type(e->code), e->message);
    buf_appendf(&f->text, "%s%s: %s: %s", f->text.len ? "; " : "", item->where,
                err_lambda_type(e->code), e->message);
}

static int answer(struct lk_buf *response, enum ev_kind kind, size_t units,
                  const struct pl_stats *st, struct lk_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "route", ev_kind_name(kind));
    cJSON_AddNumberToObject(o, "units", (double)units);
    cJSON_AddNumberToObject(o, "frames", (double)st->frames);
    cJSON_AddNumberToObject(o, "skipped", (double)st->skipped);
    cJSON_AddNumberToObject(o, "still", (double)st->still);
    cJSON_AddNumberToObject(o, "labels", (double)st->labels);
    cJSON_AddNumberToObject(o, "matched", (double)st->matched);
    cJSON_AddNumberToObject(o, "alerts", (double)st->alerts);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    int rc = text ? buf_append_str(response, text) : LK_NOMEM;
    free(text);
    return rc == LK_OK ? LK_OK : err_set(err, rc, "cannot write the response");
}

static int handle_batch(struct pl_app *app, int64_t deadline_ms, const cJSON *doc,
                        struct lk_buf *response, struct lk_error *err)
{
    struct ev_batch batch = {0};
    struct pl_stats stats = {0};
    struct failures failed = {0};
    buf_init(&failed.text, sizeof(err->message));
    int rc = ev_parse(doc, &batch, err);
    struct pl_job job = {&app->settings, &app->services, deadline_ms, &stats, &app->motion};
    for (size_t i = 0; rc == LK_OK && i < batch.count; i++) {
        struct lk_error item_err = {0};
        if (run_item(&job, &batch.items[i], &item_err) != LK_OK)
            note_failure(&failed, &batch.items[i], &item_err);
    }
    LOG_INFO("%s event: %zu units, %zu frames, %zu skipped, %zu labels, %zu alerts, %zu failed",
             ev_kind_name(batch.kind), batch.count, stats.frames, stats.skipped, stats.labels,
             stats.alerts, failed.count);
    if (rc == LK_OK && failed.count)
        rc = err_set(err, failed.first_code, "%zu of %zu units failed: %s", failed.count,
                     batch.count, buf_cstr(&failed.text));
    if (rc == LK_OK)
        rc = answer(response, batch.kind, batch.count, &stats, err);
    buf_cleanup(&failed.text);
    ev_batch_cleanup(&batch);
    return rc;
}

int pl_app_handle(struct pl_app *app, const struct rt_invocation *inv, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err)
{
    cJSON *doc = json_parse(event.ptr, event.len);
    if (!doc)
        return err_set(err, LK_INVALID_EVENT, "the event is not valid JSON");
    int64_t deadline_ms = inv && inv->deadline_ms ? inv->deadline_ms
                                                  : aws_now_ms() + FALLBACK_BUDGET_MS;
    enum ev_kind kind = ev_classify(doc);
    int rc;
    if (kind == EV_KIND_UNKNOWN)
        rc = err_set(err, LK_UNSUPPORTED_EVENT,
                     "unsupported event: expected an S3, SNS, EventBridge S3, KVS or direct "
                     "invocation event");
    else if (kind == EV_KIND_CFN_CUSTOM)
        rc = pl_setup_handle(&app->services, deadline_ms, doc, response, err);
    else if (kind == EV_KIND_MANUAL && ev_is_timelapse(doc))
        rc = pl_timelapse_handle(&app->timelapse, &app->settings, &app->services, deadline_ms, doc,
                                 response, err);
    else
        rc = handle_batch(app, deadline_ms, doc, response, err);
    cJSON_Delete(doc);
    return rc;
}
