/*
 * alert_build: builds one alert from a JSON description on stdin, through the real chain
 * (rek_parse_labels -> dec_config_parse -> dec_match -> alert_build), for the schema tests.
 *
 * Input:
 *   {"stream": {"name": "front-door", "arn": "arn:..."},        name and arn optional
 *    "trigger": "s3" | "kvs-notification" | "manual",
 *    "timeMs": 1795507200123,
 *    "fragmentNumber": "9134...", "producerTimestampMs": 1, "serverTimestampMs": 2,
 *    "image": {"s3Uri": "s3://b/k", "url": "https://...", "urlExpiresAtMs": 3},
 *    "alertLabels": "Person,Dog:50", "minConfidence": "80",      both optional
 *    "response": { a DetectLabels response },
 *    "tags": [["name", "value"], ...],
 *    "snapshot": {"s3Uri": "s3://b/k", "url": "https://...", "urlExpiresAtMs": 3,
 *                 "width": 1280, "height": 760},                   optional
 *    "zones": ["porch", ...], "suppressed": 3}                      optional
 * Output on stdout, exit 0:
 *   {"matched": false}  or
 *   {"matched": true, "alertId": "...", "subject": "...", "message": "<Message text>",
 *    "attributes": [{"name": "stream", "type": "String", "value": "..."}, ...],
 *    "omitted": {"labels": 0, "instances": 0},
 *    "email": "<e-mail text>", "sms": "<SMS line>", "notification": "<per-protocol Message>"}
 * On a failure, exit 2 with {"error": {"status": "LK_...", "message": "..."}} on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/alert.h"
#include "lookout/buf.h"
#include "lookout/decide.h"
#include "lookout/json.h"
#include "lookout/rekognition.h"
#include "lookout/words.h"

#include "tool_output.h"

struct job {
    cJSON *in;
    char *response;
    struct rek_result labels;
    struct dec_config config;
    struct dec_result match;
    struct ev_tag *tags;
    struct alert alert;
    struct alert_snapshot snapshot;
    const char *zones[16];
};

static long long get_ms(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

static int trigger_of(const char *s, enum ev_trigger *out)
{
    const enum ev_trigger all[] = {EV_TRIGGER_S3, EV_TRIGGER_KVS_NOTIFICATION, EV_TRIGGER_MANUAL};
    for (size_t i = 0; s && i < 3; i++) {
        if (strcmp(s, ev_trigger_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

static int fill_tags(struct job *j, struct alert_input *a)
{
    const cJSON *tags = json_get_array(j->in, "tags");
    int n = cJSON_GetArraySize(tags);
    if (n == 0)
        return 0;
    j->tags = calloc((size_t)n, sizeof(*j->tags));
    if (!j->tags)
        return -1;
    const cJSON *pair;
    cJSON_ArrayForEach(pair, tags)
    {
        const cJSON *name = cJSON_GetArrayItem(pair, 0), *value = cJSON_GetArrayItem(pair, 1);
        if (!cJSON_IsString(name) || !cJSON_IsString(value))
            return -1;
        j->tags[a->tag_count].name = name->valuestring;
        j->tags[a->tag_count].value = value->valuestring;
        a->tag_count++;
    }
    a->tags = j->tags;
    return 0;
}

static int fill_input(struct job *j, struct alert_input *a)
{
    const cJSON *stream = json_get_object(j->in, "stream");
    const cJSON *image = json_get_object(j->in, "image");
    memset(a, 0, sizeof(*a));
    a->stream_name = json_get_string(stream, "name");
    a->stream_arn = json_get_string(stream, "arn");
    if (trigger_of(json_get_string(j->in, "trigger"), &a->trigger) != 0)
        return -1;
    a->frame_ms = get_ms(j->in, "timeMs");
    a->fragment_number = json_get_string(j->in, "fragmentNumber");
    a->producer_ms = get_ms(j->in, "producerTimestampMs");
    a->server_ms = get_ms(j->in, "serverTimestampMs");
    a->image_s3_uri = json_get_string(image, "s3Uri");
    a->image_url = json_get_string(image, "url");
    a->image_url_expires_ms = get_ms(image, "urlExpiresAtMs");
    a->match = &j->match;
    const cJSON *snap = json_get_object(j->in, "snapshot"), *zone;
    if (snap) {
        j->snapshot = (struct alert_snapshot){
            json_get_string(snap, "s3Uri"), json_get_string(snap, "url"),
            get_ms(snap, "urlExpiresAtMs"), (unsigned)get_ms(snap, "width"),
            (unsigned)get_ms(snap, "height")};
        a->snapshot = &j->snapshot;
    }
    cJSON_ArrayForEach(zone, json_get_array(j->in, "zones"))
    {
        if (cJSON_IsString(zone) && a->zone_count < 16)
            j->zones[a->zone_count++] = zone->valuestring;
    }
    a->zones = j->zones;
    a->suppressed = get_ms(j->in, "suppressed");
    return fill_tags(j, a);
}

static void add_words(cJSON *out, const struct alert_input *in, const struct alert *al)
{
    struct lk_buf email;
    char sms[WORDS_SMS_MAX + 1], *notification = NULL;
    size_t len;
    struct lk_error err;
    buf_init(&email, BUF_DEFAULT_MAX);
    if (words_email(in, al, &email) == LK_OK)
        cJSON_AddStringToObject(out, "email", buf_cstr(&email));
    words_sms(in, al, sms);
    cJSON_AddStringToObject(out, "sms", sms);
    if (words_notification(in, al, &notification, &len, &err) == LK_OK)
        cJSON_AddStringToObject(out, "notification", notification);
    free(notification);
    buf_cleanup(&email);
}

static cJSON *result_json(const struct alert_input *in, const struct alert *al)
{
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    cJSON *out = cJSON_CreateObject();
    cJSON_AddBoolToObject(out, "matched", 1);
    cJSON_AddStringToObject(out, "alertId", al->id);
    cJSON_AddStringToObject(out, "subject", al->subject);
    cJSON_AddStringToObject(out, "message", al->message);
    cJSON *arr = cJSON_AddArrayToObject(out, "attributes");
    alert_attributes(al, attrs);
    for (size_t i = 0; i < ALERT_ATTRIBUTE_COUNT; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", attrs[i].name);
        cJSON_AddStringToObject(o, "type", attrs[i].type);
        cJSON_AddStringToObject(o, "value", attrs[i].value);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON *om = cJSON_AddObjectToObject(out, "omitted");
    cJSON_AddNumberToObject(om, "labels", (double)al->omitted_labels);
    cJSON_AddNumberToObject(om, "instances", (double)al->omitted_instances);
    add_words(out, in, al);
    return out;
}

static int run(struct job *j, cJSON **out, struct lk_error *err)
{
    struct alert_input a;
    const cJSON *resp = cJSON_GetObjectItemCaseSensitive(j->in, "response");
    j->response = cJSON_PrintUnformatted(resp);
    if (!j->response)
        return err_set(err, LK_INVALID_ARG, "no response");
    int rc = rek_parse_labels(j->response, strlen(j->response), &j->labels, err);
    if (rc == LK_OK)
        rc = dec_config_parse(json_get_string(j->in, "alertLabels"),
                              json_get_string(j->in, "minConfidence"), &j->config, err);
    if (rc == LK_OK)
        rc = dec_match(&j->config, &j->labels, &j->match, err);
    if (rc != LK_OK)
        return rc;
    if (j->match.label_count == 0) {
        *out = cJSON_CreateObject();
        cJSON_AddBoolToObject(*out, "matched", 0);
        return LK_OK;
    }
    if (fill_input(j, &a) != 0)
        return err_set(err, LK_INVALID_ARG, "bad trigger or tags");
    rc = alert_build(&a, &j->alert, err);
    if (rc == LK_OK)
        *out = result_json(&a, &j->alert);
    return rc;
}

int main(void)
{
    struct job j;
    struct lk_buf input;
    struct lk_error err;
    cJSON *out = NULL;
    memset(&j, 0, sizeof(j));
    err_clear(&err);
    buf_init(&input, (size_t)64 << 20);
    if (buf_append_file(&input, stdin) != LK_OK)
        return 3;
    j.in = json_parse(input.data ? input.data : "", input.len);
    int rc = j.in ? run(&j, &out, &err) : err_set(&err, LK_INVALID_ARG, "stdin is not JSON");
    if (rc != LK_OK)
        out = tool_error_tree(rc, &err);
    tool_print_line(out);
    alert_cleanup(&j.alert);
    free(j.tags);
    dec_result_cleanup(&j.match);
    rek_result_cleanup(&j.labels);
    free(j.response);
    cJSON_Delete(j.in);
    buf_cleanup(&input);
    return rc == LK_OK ? 0 : 2;
}
