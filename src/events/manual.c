#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/clock.h"
#include "lookout/json.h"

#define MAX_URL_BYTES 4096
#define MAX_ID_BYTES 2048

void ev_stream_range_cleanup(struct ev_stream_range *r)
{
    free(r->stream_name);
    ev_stream_arn_cleanup(&r->arn);
    memset(r, 0, sizeof(*r));
}

void ev_manual_cleanup(struct ev_manual *m)
{
    ev_s3_object_cleanup(&m->image);
    ev_stream_range_cleanup(&m->range);
    m->kind = EV_MANUAL_IMAGE;
}

static int manual_image(const cJSON *image, struct ev_s3_object *o, struct lk_error *err)
{
    const char *w = "lookout.image";
    if (!cJSON_IsObject(image))
        return ev_fail(err, w, "not an object");
    int rc = ev_get_string(image, "bucket", w, 1, EV_MAX_BUCKET_BYTES, &o->bucket, err);
    if (rc == LK_OK)
        rc = ev_get_string(image, "key", w, 1, EV_MAX_KEY_BYTES, &o->key, err);
    if (rc != LK_OK)
        return rc;
    o->key_len = strlen(o->key);
    for (const char *p = o->bucket; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_'))
            return ev_fail(err, w, "bucket is not a valid bucket name");
    }
    return LK_OK;
}

/* An epoch-ms number or an RFC 3339 string, member name of parent (at base). */
int ev_time_member(const cJSON *parent, const char *base, const char *name, long long *ms,
                   struct lk_error *err)
{
    char w[64];
    ev_where_join(w, sizeof(w), base, name);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(parent, name);
    if (!v)
        return ev_fail(err, w, "missing (epoch ms or RFC 3339 date-time)");
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!(d >= 0.0 && d <= (double)CLOCK_MAX_EPOCH_MS) || d != (double)(long long)d)
            return ev_fail(err, w, "not a whole number of epoch milliseconds");
        *ms = (long long)d;
        return LK_OK;
    }
    if (cJSON_IsString(v) && v->valuestring) {
        int rc = ev_parse_rfc3339(v->valuestring, strlen(v->valuestring), ms, err);
        if (rc != LK_OK)
            err_wrap(err, "%s", w);
        return rc;
    }
    return ev_fail(err, w, "neither epoch ms nor an RFC 3339 string");
}

int ev_stream_member(const cJSON *obj, const char *base, struct ev_stream_range *r,
                     struct lk_error *err)
{
    char w[64];
    ev_where_join(w, sizeof(w), base, "stream");
    const char *s = json_get_string(obj, "stream");
    if (!s)
        return ev_fail(err, base, "stream is not a string");
    size_t len = strlen(s);
    if (len >= 4 && memcmp(s, "arn:", 4) == 0) {
        int rc = ev_stream_arn_parse(s, len, &r->arn, err);
        if (rc != LK_OK) {
            err_wrap(err, "%s", w);
            return rc;
        }
        r->stream_name = ev_memdup(r->arn.name, strlen(r->arn.name));
    } else {
        if (!ev_stream_name_valid(s, len))
            return ev_fail(err, w, "not a stream name ([a-zA-Z0-9_.-]{1,256}) nor a stream ARN");
        r->stream_name = ev_memdup(s, len);
    }
    return r->stream_name ? LK_OK : ev_nomem(err);
}

static int manual_stream(const cJSON *lookout, struct ev_stream_range *r, struct lk_error *err)
{
    int rc = ev_stream_member(lookout, "lookout", r, err);
    if (rc == LK_OK)
        rc = ev_time_member(lookout, "lookout", "start", &r->start_ms, err);
    if (rc == LK_OK)
        rc = ev_time_member(lookout, "lookout", "end", &r->end_ms, err);
    if (rc != LK_OK)
        return rc;
    if (r->end_ms <= r->start_ms)
        return ev_fail(err, "lookout", "end must be after start");
    if (r->end_ms - r->start_ms > EV_MAX_RANGE_MS)
        return ev_fail(err, "lookout", "the range from start to end is longer than %d s",
                       EV_MAX_RANGE_MS / 1000);
    return LK_OK;
}

int ev_manual_parse(const cJSON *event, struct ev_manual *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->image.size_bytes = -1;
    const cJSON *lookout = cJSON_GetObjectItemCaseSensitive(event, "lookout");
    if (!cJSON_IsObject(lookout))
        return ev_fail(err, "lookout", "missing or not an object");
    const cJSON *image = cJSON_GetObjectItemCaseSensitive(lookout, "image");
    const cJSON *stream = cJSON_GetObjectItemCaseSensitive(lookout, "stream");
    if (image && stream)
        return ev_fail(err, "lookout", "give either image or stream, not both");
    if (!image && !stream)
        return ev_fail(err, "lookout",
                       "expected {\"image\":{\"bucket\":..,\"key\":..}} or "
                       "{\"stream\":..,\"start\":..,\"end\":..}");
    int rc;
    if (image) {
        out->kind = EV_MANUAL_IMAGE;
        rc = manual_image(image, &out->image, err);
    } else {
        out->kind = EV_MANUAL_STREAM;
        rc = manual_stream(lookout, &out->range, err);
    }
    if (rc != LK_OK)
        ev_manual_cleanup(out);
    return rc;
}

void ev_cfn_cleanup(struct ev_cfn_request *req)
{
    free(req->response_url);
    free(req->stack_id);
    free(req->request_id);
    free(req->logical_resource_id);
    free(req->physical_resource_id);
    free(req->resource_type);
    memset(req, 0, sizeof(*req));
}

const char *ev_cfn_request_type_name(enum ev_cfn_request_type type)
{
    switch (type) {
    case EV_CFN_CREATE:
        return "Create";
    case EV_CFN_UPDATE:
        return "Update";
    case EV_CFN_DELETE:
        return "Delete";
    }
    return "Unknown";
}

static int cfn_type(const cJSON *event, enum ev_cfn_request_type *out, struct lk_error *err)
{
    const char *t = json_get_string(event, "RequestType");
    if (!t)
        return ev_fail(err, "", "RequestType is missing or not a string");
    if (strcmp(t, "Create") == 0)
        *out = EV_CFN_CREATE;
    else if (strcmp(t, "Update") == 0)
        *out = EV_CFN_UPDATE;
    else if (strcmp(t, "Delete") == 0)
        *out = EV_CFN_DELETE;
    else
        return ev_fail(err, "RequestType", "%.32s is not Create, Update or Delete", t);
    return LK_OK;
}

static int cfn_properties(const cJSON *event, const char *name, const cJSON **out,
                          struct lk_error *err)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(event, name);
    *out = NULL;
    if (!p || cJSON_IsNull(p))
        return LK_OK;
    if (!cJSON_IsObject(p))
        return ev_fail(err, name, "not an object");
    *out = p;
    return LK_OK;
}

/* Where the answer goes: the one field without which nobody can be told anything. */
static int cfn_response_url(const cJSON *ev, struct ev_cfn_request *o, struct lk_error *err)
{
    int rc = ev_get_string(ev, "ResponseURL", "", 1, MAX_URL_BYTES, &o->response_url, err);
    if (rc == LK_OK && strncmp(o->response_url, "https://", 8) != 0 &&
        strncmp(o->response_url, "http://", 7) != 0) {
        free(o->response_url);
        o->response_url = NULL;
        rc = ev_fail(err, "ResponseURL", "not an http(s) URL");
    }
    return rc;
}

static int cfn_strings(const cJSON *ev, struct ev_cfn_request *o, struct lk_error *err)
{
    int rc = ev_get_string(ev, "StackId", "", 1, MAX_ID_BYTES, &o->stack_id, err);
    if (rc == LK_OK)
        rc = ev_get_string(ev, "RequestId", "", 1, MAX_ID_BYTES, &o->request_id, err);
    if (rc == LK_OK)
        rc = ev_get_string(ev, "LogicalResourceId", "", 1, MAX_ID_BYTES, &o->logical_resource_id,
                           err);
    if (rc == LK_OK)
        rc = ev_get_string(ev, "PhysicalResourceId", "", 0, MAX_ID_BYTES, &o->physical_resource_id,
                           err);
    if (rc == LK_OK)
        rc = ev_get_string(ev, "ResourceType", "", 1, MAX_ID_BYTES, &o->resource_type, err);
    return rc;
}

int ev_cfn_parse(const cJSON *event, struct ev_cfn_request *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!cJSON_IsObject(event))
        return ev_fail(err, "", "the request is not a JSON object");
    int rc = cfn_response_url(event, out, err);
    if (rc != LK_OK)
        return rc;
    rc = cfn_strings(event, out, err);
    if (rc == LK_OK)
        rc = cfn_type(event, &out->type, err);
    if (rc == LK_OK)
        rc = cfn_properties(event, "ResourceProperties", &out->properties, err);
    if (rc == LK_OK)
        rc = cfn_properties(event, "OldResourceProperties", &out->old_properties, err);
    return rc;
}
