#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/json.h"

#define MAX_MESSAGE_BYTES ((size_t)1024 * 1024) /* SNS caps a message at 256 KB */
#define KVS_SUBJECT "Kinesis Video Streams Notification"

void ev_sns_message_cleanup(struct ev_sns_message *msg)
{
    free(msg->topic_arn);
    free(msg->subject);
    free(msg->message);
    ev_tags_cleanup(&msg->attributes);
    cJSON_Delete(msg->parsed);
    memset(msg, 0, sizeof(*msg));
}

/* Keeps the attributes that fit the tag caps; the pipeline only reads a few small ones, and
 * a long Binary attribute must not cost the record. */
static int attributes(const cJSON *sns, struct ev_tags *out, struct lk_error *err)
{
    const cJSON *attrs = json_get_object(sns, "MessageAttributes");
    const cJSON *a;
    cJSON_ArrayForEach(a, attrs)
    {
        const char *value = json_get_string(a, "Value");
        if (!a->string || !value)
            continue;
        struct lk_error skip;
        int rc = ev_tags_add(out, a->string, strlen(a->string), value, strlen(value), "", &skip);
        if (rc == LK_NOMEM)
            return ev_nomem(err);
    }
    return LK_OK;
}

static enum ev_sns_content content_of(const struct ev_sns_message *m)
{
    const cJSON *p = m->parsed;
    int is_obj = cJSON_IsObject(p);
    if ((m->subject && strcmp(m->subject, KVS_SUBJECT) == 0) ||
        (is_obj && cJSON_GetObjectItemCaseSensitive(p, "StreamArn") &&
         cJSON_GetObjectItemCaseSensitive(p, "FragmentNumber")))
        return EV_SNS_KVS_FRAGMENT;
    if (is_obj && cJSON_GetObjectItemCaseSensitive(p, "Records"))
        return EV_SNS_S3;
    const char *ev = is_obj ? json_get_string(p, "Event") : NULL;
    if (ev && strcmp(ev, "s3:TestEvent") == 0)
        return EV_SNS_S3_TEST;
    return EV_SNS_OTHER;
}

static int sns_fields(const cJSON *sns, const char *w, struct ev_sns_message *out,
                      struct lk_error *err)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(sns, "Message");
    if (!cJSON_IsString(m) || !m->valuestring)
        return ev_fail(err, w, "Message is missing or not a string");
    size_t len = strlen(m->valuestring);
    if (len > MAX_MESSAGE_BYTES)
        return ev_fail(err, w, "Message is longer than %zu bytes", MAX_MESSAGE_BYTES);
    out->message = ev_memdup(m->valuestring, len);
    if (!out->message)
        return ev_nomem(err);
    out->message_len = len;
    int rc = ev_get_string(sns, "Subject", w, 0, 1024, &out->subject, err);
    if (rc == LK_OK)
        rc = ev_get_string(sns, "TopicArn", w, 0, 1024, &out->topic_arn, err);
    if (rc == LK_OK)
        rc = attributes(sns, &out->attributes, err);
    return rc;
}

int ev_sns_parse_record(const cJSON *record, const char *where, struct ev_sns_message *out,
                        struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!where)
        where = "";
    if (!cJSON_IsObject(record))
        return ev_fail(err, where, "not an object");
    const char *source = json_get_string(record, "EventSource");
    if (!source || strcmp(source, "aws:sns") != 0)
        return ev_fail(err, where, "EventSource is not aws:sns");
    const cJSON *sns = json_get_object(record, "Sns");
    if (!sns)
        return ev_fail(err, where, "Sns is missing or not an object");
    char w[160];
    ev_where_join(w, sizeof(w), where, "Sns");
    int rc = sns_fields(sns, w, out, err);
    if (rc == LK_OK) {
        /* Not JSON is not an error here: content stays OTHER and the caller says so. */
        out->parsed = json_parse(out->message, out->message_len);
        out->content = content_of(out);
    }
    if (rc != LK_OK)
        ev_sns_message_cleanup(out);
    return rc;
}
