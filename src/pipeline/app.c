/*
 * The function: one event in, its units of work done, one answer out. Which units an event
 * holds is events.h's business; what each unit does is detect.h's.
 *
 * Every unit of an event is attempted. If any fails, the invocation fails with a message that
 * lists which and why, so Lambda retries the event (alerts already sent for the others repeat
 * with the same alertId, which subscribers can drop).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/clock.h"
#include "lookout/detect.h"
#include "lookout/events.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/metrics.h"
#include "lookout/pipeline.h"
#include "lookout/setup.h"
#include "lookout/timelapse.h"
#include "lookout/state.h"

/* Without a deadline from Lambda (local runs that give none), work is bounded all the same. */
#define FALLBACK_BUDGET_MS 300000

struct pl_app {
    struct pl_settings settings;
    struct svc_clients services;
    struct pl_motion motion; /* kept across warm invocations */
};

int pl_app_new(struct pl_app **out, struct lk_error *err)
{
    *out = NULL;
    struct pl_app *app = calloc(1, sizeof(*app));
    if (!app)
        return err_set(err, LK_NOMEM, "out of memory");
    pl_motion_init(&app->motion);
    int rc = pl_settings_from_env(&app->settings, err);
    if (rc == LK_OK)
        rc = svc_clients_init(&app->services, err);
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
    svc_clients_cleanup(&app->services);
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

/* Room for "N of M units failed: " in the final message. */
#define FAILURES_PREFIX_BYTES 40
/* Each unit keeps at least this much of its reason, however many failed. */
#define UNIT_REASON_MIN_BYTES 48

/* A byte offset near at, moved back to the start of a UTF-8 sequence. */
static size_t utf8_start(const char *s, size_t at)
{
    while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
        at--;
    return at;
}

/* Each unit's entry is cut to its share of the final message, keeping its head (which unit,
 * which type) and its tail (the cause), so a long reason shortens instead of pushing every
 * reason out of errorMessage. */
static void note_failure(struct failures *f, size_t units, const struct ev_item *item,
                         const struct lk_error *e)
{
    if (f->count++ == 0)
        f->first_code = e->code;
    LOG_ERROR("%s failed (%s): %s", item->where, err_lambda_type(e->code), e->message);
    size_t share = (sizeof(e->message) - FAILURES_PREFIX_BYTES) / (units ? units : 1);
    if (share < UNIT_REASON_MIN_BYTES)
        share = UNIT_REASON_MIN_BYTES;
    char entry[2 * sizeof(e->message)];
    snprintf(entry, sizeof(entry), "%s: %s: %s", item->where, err_lambda_type(e->code),
             e->message);
    size_t len = strlen(entry);
    const char *sep = f->text.len ? "; " : "";
    if (len <= share) {
        buf_appendf(&f->text, "%s%s", sep, entry);
        return;
    }
    size_t head = utf8_start(entry, share / 2);
    size_t tail = utf8_start(entry, len - (share - share / 2 - 3));
    buf_appendf(&f->text, "%s%.*s...%s", sep, (int)head, entry, entry + tail);
}

static int answer(struct lk_buf *response, enum ev_kind kind, size_t units,
                  const struct pl_stats *st, struct lk_error *err)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "route", ev_kind_name(kind));
    json_add_number(o, "units", (double)units);
    json_add_number(o, "frames", (double)st->frames);
    json_add_number(o, "skipped", (double)st->skipped);
    json_add_number(o, "still", (double)st->still);
    json_add_number(o, "labels", (double)st->labels);
    json_add_number(o, "matched", (double)st->matched);
    json_add_number(o, "alerts", (double)st->alerts);
    pl_metrics_add_suppressed(o, st);
    int rc = json_print_into(o, response);
    return rc == LK_OK ? LK_OK : err_set(err, rc, "cannot write the response");
}

/* One EMF line per invocation on stderr, which Lambda sends to CloudWatch Logs. */
static void emit_metrics(const struct pl_stats *st)
{
    struct lk_buf line;
    buf_init(&line, 64 * 1024);
    if (pl_metrics_emf(st, clock_now_ms(), &line) == LK_OK && line.len &&
        buf_append_byte(&line, '\n') == LK_OK)
        fwrite(line.data, 1, line.len, stderr);
    buf_cleanup(&line);
}

static int handle_snooze(struct pl_app *app, const struct pl_call *call, const cJSON *doc,
                         struct lk_buf *response, struct lk_error *err)
{
    struct pl_stats stats = {0};
    struct pl_job job = {.settings = &app->settings,
                         .services = &app->services,
                         .motion = &app->motion,
                         .deadline_ms = call->deadline_ms,
                         .request_id = call->request_id,
                         .stats = &stats};
    return pl_state_snooze_request(&job, doc, response, err);
}

static int handle_batch(struct pl_app *app, const struct pl_call *call, enum ev_kind kind,
                        const cJSON *doc, struct lk_buf *response, struct lk_error *err)
{
    struct ev_batch batch = {0};
    struct pl_stats stats = {0};
    struct failures failed = {0};
    buf_init(&failed.text, 64 * 1024);
    int rc = ev_parse(doc, kind, &batch, err);
    struct pl_job job = {
        .settings = &app->settings,
        .services = &app->services,
        .motion = &app->motion,
        .deadline_ms = call->deadline_ms,
        .request_id = call->request_id,
        .stats = &stats,
    };
    for (size_t i = 0; rc == LK_OK && i < batch.count; i++) {
        struct lk_error item_err = {0};
        if (run_item(&job, &batch.items[i], &item_err) != LK_OK)
            note_failure(&failed, batch.count, &batch.items[i], &item_err);
    }
    LOG_INFO("%s event: %zu units, %zu frames, %zu skipped, %zu labels, %zu alerts, %zu failed",
             ev_kind_name(batch.kind), batch.count, stats.frames, stats.skipped, stats.labels,
             stats.alerts, failed.count);
    emit_metrics(&stats);
    if (rc == LK_OK && failed.count)
        rc = err_set(err, failed.first_code, "%zu of %zu units failed: %s", failed.count,
                     batch.count, buf_cstr(&failed.text));
    if (rc == LK_OK)
        rc = answer(response, batch.kind, batch.count, &stats, err);
    buf_cleanup(&failed.text);
    ev_batch_cleanup(&batch);
    return rc;
}

int pl_app_handle(struct pl_app *app, const struct pl_call *call, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err)
{
    if (ev_check_text(event.ptr, event.len, err) != LK_OK)
        return err->code;
    cJSON *doc = json_parse(event.ptr, event.len);
    if (!doc)
        return err_set(err, LK_INVALID_EVENT, "the event is not valid JSON");
    struct pl_call bounded = call ? *call : (struct pl_call){0};
    if (bounded.deadline_ms <= 0)
        bounded.deadline_ms = clock_now_ms() + FALLBACK_BUDGET_MS;
    enum ev_kind kind = ev_classify(doc);
    int rc;
    if (ev_is_snooze(doc))
        rc = handle_snooze(app, &bounded, doc, response, err);
    else if (kind == EV_KIND_UNKNOWN)
        rc = err_set(err, LK_UNSUPPORTED_EVENT,
                     "unsupported event: expected an S3, SNS, EventBridge S3, KVS or direct "
                     "invocation event");
    else if (kind == EV_KIND_CFN_CUSTOM)
        rc = pl_setup_handle(&app->services, bounded.deadline_ms, doc, response, err);
    else if (kind == EV_KIND_MANUAL && ev_is_timelapse(doc))
        rc = pl_timelapse_handle(&app->settings, &app->services, bounded.deadline_ms, doc,
                                 response, err);
    else
        rc = handle_batch(app, &bounded, kind, doc, response, err);
    cJSON_Delete(doc);
    return rc;
}
