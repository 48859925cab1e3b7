#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/json.h"
#include "lookout/text.h"

static void item_cleanup(struct ev_item *it)
{
    ev_s3_object_cleanup(&it->s3);
    ev_kvs_fragment_cleanup(&it->kvs);
    ev_stream_range_cleanup(&it->range);
    free(it->sns_topic_arn);
}

void ev_batch_cleanup(struct ev_batch *b)
{
    for (size_t i = 0; i < b->count; i++)
        item_cleanup(&b->items[i]);
    free(b->items);
    b->items = NULL;
    b->count = 0;
}

size_t ev_batch_error_count(const struct ev_batch *b)
{
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++)
        n += b->items[i].kind == EV_ITEM_ERROR;
    return n;
}

/* A new zeroed item at the end of b, or NULL (err set). */
static struct ev_item *add_item(struct ev_batch *b, enum ev_trigger trigger, const char *where,
                                struct lk_error *err)
{
    if (b->count >= EV_MAX_RECORDS) {
        err_set(err, LK_INVALID_EVENT, "the event holds more than %d records", EV_MAX_RECORDS);
        return NULL;
    }
    struct ev_item *grown = realloc(b->items, (b->count + 1) * sizeof(*grown));
    if (!grown) {
        ev_nomem(err);
        return NULL;
    }
    b->items = grown;
    struct ev_item *it = &b->items[b->count++];
    memset(it, 0, sizeof(*it));
    it->s3.size_bytes = -1;
    it->kvs.producer_ms = it->kvs.server_ms = -1;
    it->trigger = trigger;
    text_copy(it->where, sizeof(it->where), where);
    return it;
}

/* A parse failure of one record becomes an error item; only LK_NOMEM stops the batch. */
static int settle(struct ev_item *it, int rc, const struct lk_error *rec_err)
{
    if (rc == LK_OK || rc == LK_NOMEM)
        return rc;
    it->kind = EV_ITEM_ERROR;
    it->err = *rec_err;
    return LK_OK;
}

static int check_records(const cJSON *records, const char *where, struct lk_error *err)
{
    int n = cJSON_GetArraySize(records);
    if (!cJSON_IsArray(records) || n == 0)
        return ev_fail(err, where, "Records is missing, not an array or empty");
    if (n > EV_MAX_RECORDS)
        return ev_fail(err, where, "Records holds more than %d records", EV_MAX_RECORDS);
    return LK_OK;
}

/* One item per element of records (S3 notification records). */
static int s3_records(struct ev_batch *b, const cJSON *records, const char *base, const char *topic,
                      struct lk_error *err)
{
    size_t i = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records)
    {
        char where[96];
        ev_where_index(where, sizeof(where), base, "Records", i++);
        struct ev_item *it = add_item(b, EV_TRIGGER_S3, where, err);
        if (!it)
            return err->code;
        struct lk_error rec_err;
        it->kind = EV_ITEM_S3_OBJECT;
        int rc = settle(it, ev_s3_parse_record(rec, where, &it->s3, &rec_err), &rec_err);
        if (rc == LK_NOMEM)
            return *err = rec_err, rc;
        if (topic && !(it->sns_topic_arn = ev_memdup(topic, strlen(topic))))
            return ev_nomem(err);
    }
    return LK_OK;
}

static int error_item(struct ev_batch *b, const char *where, enum ev_trigger trigger,
                      const struct lk_error *why, struct lk_error *err)
{
    struct ev_item *it = add_item(b, trigger, where, err);
    if (!it)
        return err->code;
    it->kind = EV_ITEM_ERROR;
    it->err = *why;
    return LK_OK;
}

/* The items of one SNS message: inner S3 records, a test event, or a KVS fragment. */
static int sns_content(struct ev_batch *b, const struct ev_sns_message *m, const char *where,
                       struct lk_error *err)
{
    char w[96];
    ev_where_join(w, sizeof(w), where, "Sns.Message");
    struct lk_error why;
    if (m->content == EV_SNS_S3) {
        const cJSON *records = cJSON_GetObjectItemCaseSensitive(m->parsed, "Records");
        if (check_records(records, w, &why) != LK_OK)
            return error_item(b, w, EV_TRIGGER_S3, &why, err);
        return s3_records(b, records, w, m->topic_arn, err);
    }
    enum ev_trigger trig =
        m->content == EV_SNS_KVS_FRAGMENT ? EV_TRIGGER_KVS_NOTIFICATION : EV_TRIGGER_S3;
    if (m->content == EV_SNS_OTHER) {
        ev_fail(&why, w, "neither an S3 notification nor a KVS fragment notification");
        return error_item(b, w, trig, &why, err);
    }
    struct ev_item *it = add_item(b, trig, w, err);
    if (!it)
        return err->code;
    if (m->topic_arn && !(it->sns_topic_arn = ev_memdup(m->topic_arn, strlen(m->topic_arn))))
        return ev_nomem(err);
    if (m->content == EV_SNS_S3_TEST) {
        it->kind = EV_ITEM_S3_TEST;
        return LK_OK;
    }
    it->kind = EV_ITEM_KVS_FRAGMENT;
    int rc = m->parsed ? ev_kvs_fragment_parse(m->parsed, w, &it->kvs, &why)
                       : ev_fail(&why, w, "not valid JSON");
    rc = settle(it, rc, &why);
    if (rc == LK_NOMEM)
        *err = why;
    return rc;
}

static int sns_records(struct ev_batch *b, const cJSON *records, struct lk_error *err)
{
    size_t i = 0;
    const cJSON *rec;
    cJSON_ArrayForEach(rec, records)
    {
        char where[96];
        ev_where_index(where, sizeof(where), "", "Records", i++);
        struct ev_sns_message m;
        struct lk_error why;
        int rc = ev_sns_parse_record(rec, where, &m, &why);
        if (rc == LK_NOMEM)
            return *err = why, rc;
        if (rc != LK_OK)
            rc = error_item(b, where, EV_TRIGGER_S3, &why, err);
        else
            rc = sns_content(b, &m, where, err);
        ev_sns_message_cleanup(&m);
        if (rc != LK_OK)
            return rc;
    }
    return LK_OK;
}

static int eventbridge(struct ev_batch *b, const cJSON *event, struct lk_error *err)
{
    struct ev_item *it = add_item(b, EV_TRIGGER_S3, "event", err);
    if (!it)
        return err->code;
    struct lk_error why;
    it->kind = EV_ITEM_S3_OBJECT;
    int rc = settle(it, ev_eventbridge_parse(event, &it->s3, &why), &why);
    if (rc == LK_NOMEM)
        *err = why;
    return rc;
}

static int manual(struct ev_batch *b, const cJSON *event, struct lk_error *err)
{
    struct ev_manual m;
    int rc = ev_manual_parse(event, &m, err);
    if (rc != LK_OK)
        return rc;
    struct ev_item *it = add_item(b, EV_TRIGGER_MANUAL, "lookout", err);
    if (!it) {
        ev_manual_cleanup(&m);
        return err->code;
    }
    /* The parsed parts move into the item whole: no copy. */
    if (m.kind == EV_MANUAL_IMAGE) {
        it->kind = EV_ITEM_S3_OBJECT;
        it->s3 = m.image;
        ev_stream_range_cleanup(&m.range);
    } else {
        it->kind = EV_ITEM_STREAM_RANGE;
        it->range = m.range;
        ev_s3_object_cleanup(&m.image);
    }
    return LK_OK;
}

static int dispatch(struct ev_batch *b, const cJSON *event, struct lk_error *err)
{
    const cJSON *records = cJSON_GetObjectItemCaseSensitive(event, "Records");
    switch (b->kind) {
    case EV_KIND_S3:
        return check_records(records, "", err) ? err->code : s3_records(b, records, "", NULL, err);
    case EV_KIND_SNS:
        return check_records(records, "", err) ? err->code : sns_records(b, records, err);
    case EV_KIND_S3_TEST: {
        struct ev_item *it = add_item(b, EV_TRIGGER_S3, "event", err);
        if (it)
            it->kind = EV_ITEM_S3_TEST;
        return it ? LK_OK : err->code;
    }
    case EV_KIND_EVENTBRIDGE_S3:
        return eventbridge(b, event, err);
    case EV_KIND_MANUAL:
        return manual(b, event, err);
    case EV_KIND_CFN_CUSTOM:
        return err_set(err, LK_UNSUPPORTED_EVENT,
                       "a CloudFormation custom-resource request has no work items");
    case EV_KIND_UNKNOWN:
        break;
    }
    return err_set(err, LK_UNSUPPORTED_EVENT,
                   "not an S3, SNS, EventBridge, manual or custom-resource event");
}

int ev_parse(const cJSON *event, enum ev_kind kind, struct ev_batch *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->kind = kind;
    int rc = dispatch(out, event, err);
    if (rc != LK_OK) {
        ev_batch_cleanup(out);
        out->kind = kind;
    }
    return rc;
}

/* Walks the JSON strings of text: a backslash escapes the next byte, so "\\u0000" is a
 * backslash followed by text, and only a real \u0000 escape counts. */
int ev_check_text(const char *text, size_t len, struct lk_error *err)
{
    /* Nearly every event has no \u0000 at all: one search says so without the walk. */
    if (!memmem(text, len, "\\u0000", 6))
        return LK_OK;
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        if (!in_string) {
            in_string = text[i] == '"';
            continue;
        }
        if (text[i] == '"') {
            in_string = 0;
        } else if (text[i] == '\\') {
            if (len - i >= 6 && text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0)
                return err_set(err, LK_INVALID_EVENT,
                               "the event holds a NUL character (\\u0000) in a string");
            i++;
        }
    }
    return LK_OK;
}
