#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/utf8.h"
#include "lookout/json.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int ev_s3_key_decode(const char *s, size_t len, char **out, size_t *out_len, struct lk_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (len == 0)
        return err_set(err, LK_INVALID_EVENT, "empty key");
    /* Decoding only shrinks, so len bytes always suffice. */
    char *dst = malloc(len + 1);
    if (!dst)
        return ev_nomem(err);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int h = i + 2 < len ? hex_value(s[i + 1]) : -1;
            int l = h >= 0 ? hex_value(s[i + 2]) : -1;
            if (h < 0 || l < 0) {
                free(dst);
                return err_set(err, LK_INVALID_EVENT, "invalid percent escape at byte %zu", i);
            }
            c = (char)(h * 16 + l);
            i += 2;
        }
        if (c == '\0') {
            free(dst);
            return err_set(err, LK_INVALID_EVENT, "NUL byte in key");
        }
        dst[n++] = c;
    }
    dst[n] = '\0';
    if (n > EV_MAX_KEY_BYTES || !utf8_valid(dst, n)) {
        free(dst);
        return err_set(err, LK_INVALID_EVENT, "key is longer than %d bytes or not UTF-8",
                       EV_MAX_KEY_BYTES);
    }
    *out = dst;
    *out_len = n;
    return LK_OK;
}

void ev_s3_object_cleanup(struct ev_s3_object *obj)
{
    free(obj->bucket);
    free(obj->key);
    free(obj->etag);
    free(obj->version_id);
    free(obj->sequencer);
    free(obj->event_name);
    free(obj->event_time);
    free(obj->region);
    memset(obj, 0, sizeof(*obj));
    obj->size_bytes = -1;
}

static int bucket_valid(const char *b)
{
    size_t n = strlen(b);
    if (n == 0 || n > EV_MAX_BUCKET_BYTES)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
        if (!ok)
            return 0;
    }
    return 1;
}

/* "2" followed by "." and digits: any 2.x version. */
static int check_event_version(const cJSON *record, const char *where, struct lk_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(record, "eventVersion");
    if (!v)
        return ev_fail(err, where, "eventVersion is missing");
    if (!cJSON_IsString(v) || !v->valuestring)
        return ev_fail(err, where, "eventVersion is not a string");
    const char *s = v->valuestring;
    const char *dot = strchr(s, '.');
    size_t major_len = dot ? (size_t)(dot - s) : strlen(s);
    if (!dot || !ev_all_digits(s, major_len, 9) || !ev_all_digits(dot + 1, strlen(dot + 1), 9))
        return ev_fail(err, where, "eventVersion %.32s is not MAJOR.MINOR", s);
    if (major_len != 1 || s[0] != '2')
        return ev_fail(err, where, "eventVersion %.32s is not supported (major version must be 2)",
                       s);
    return LK_OK;
}

/* size: a non-negative integral JSON number (absent or null: -1). */
static int get_size(const cJSON *obj, const char *where, long long *out, struct lk_error *err)
{
    *out = -1;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "size");
    if (!v || cJSON_IsNull(v))
        return LK_OK;
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1.0;
    if (!(d >= 0.0 && d <= 9007199254740992.0) || d != (double)(long long)d)
        return ev_fail(err, where, "size is not a non-negative integer");
    *out = (long long)d;
    return LK_OK;
}

static int get_bucket(const cJSON *bucket_obj, const char *where, char **out, struct lk_error *err)
{
    int rc = ev_get_string(bucket_obj, "name", where, 1, EV_MAX_BUCKET_BYTES, out, err);
    if (rc == LK_OK && !bucket_valid(*out)) {
        free(*out);
        *out = NULL;
        rc = ev_fail(err, where, "name is not a valid bucket name");
    }
    return rc;
}

static int record_fields(const cJSON *record, const char *where, struct ev_s3_object *o,
                         struct lk_error *err)
{
    char w[160], wb[160], wo[160];
    ev_where_join(w, sizeof(w), where, "s3");
    const cJSON *s3 = json_get_object(record, "s3");
    if (!s3)
        return ev_fail(err, where, "s3 is missing or not an object");
    const cJSON *bucket = json_get_object(s3, "bucket");
    const cJSON *object = json_get_object(s3, "object");
    if (!bucket || !object)
        return ev_fail(err, w, "%s is missing or not an object", bucket ? "object" : "bucket");
    ev_where_join(wb, sizeof(wb), w, "bucket");
    ev_where_join(wo, sizeof(wo), w, "object");
    int rc = get_bucket(bucket, wb, &o->bucket, err);
    char *raw = NULL;
    if (rc == LK_OK)
        rc = ev_get_string(object, "key", wo, 1, (size_t)EV_MAX_KEY_BYTES * 3, &raw, err);
    if (rc == LK_OK) {
        rc = ev_s3_key_decode(raw, strlen(raw), &o->key, &o->key_len, err);
        if (rc == LK_INVALID_EVENT)
            err_wrap(err, "%s.key", wo);
    }
    free(raw);
    if (rc == LK_OK)
        rc = get_size(object, wo, &o->size_bytes, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "eTag", wo, 0, 256, &o->etag, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "versionId", wo, 0, 1024, &o->version_id, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "sequencer", wo, 0, 256, &o->sequencer, err);
    return rc;
}

int ev_s3_parse_record(const cJSON *record, const char *where, struct ev_s3_object *out,
                       struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->size_bytes = -1;
    if (!cJSON_IsObject(record))
        return ev_fail(err, where, "not an object");
    const char *source = json_get_string(record, "eventSource");
    if (!source || strcmp(source, "aws:s3") != 0)
        return ev_fail(err, where, "eventSource is not aws:s3");
    int rc = check_event_version(record, where, err);
    if (rc == LK_OK)
        rc = record_fields(record, where, out, err);
    if (rc == LK_OK)
        rc = ev_get_string(record, "eventName", where, 0, 256, &out->event_name, err);
    if (rc == LK_OK)
        rc = ev_get_string(record, "eventTime", where, 0, 64, &out->event_time, err);
    if (rc == LK_OK)
        rc = ev_get_string(record, "awsRegion", where, 0, 64, &out->region, err);
    if (rc != LK_OK)
        ev_s3_object_cleanup(out);
    return rc;
}

int ev_eventbridge_parse(const cJSON *event, struct ev_s3_object *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->size_bytes = -1;
    const cJSON *detail = json_get_object(event, "detail");
    const cJSON *bucket = json_get_object(detail, "bucket");
    const cJSON *object = json_get_object(detail, "object");
    if (!detail)
        return ev_fail(err, "detail", "missing or not an object");
    if (!bucket || !object)
        return ev_fail(err, "detail", "%s is missing or not an object",
                       bucket ? "object" : "bucket");
    int rc = get_bucket(bucket, "detail.bucket", &out->bucket, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "key", "detail.object", 1, EV_MAX_KEY_BYTES, &out->key, err);
    if (rc == LK_OK)
        out->key_len = strlen(out->key);
    if (rc == LK_OK)
        rc = get_size(object, "detail.object", &out->size_bytes, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "etag", "detail.object", 0, 256, &out->etag, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "version-id", "detail.object", 0, 1024, &out->version_id, err);
    if (rc == LK_OK)
        rc = ev_get_string(object, "sequencer", "detail.object", 0, 256, &out->sequencer, err);
    if (rc == LK_OK)
        rc = ev_get_string(event, "detail-type", "", 0, 256, &out->event_name, err);
    if (rc == LK_OK)
        rc = ev_get_string(event, "time", "", 0, 64, &out->event_time, err);
    if (rc == LK_OK)
        rc = ev_get_string(event, "region", "", 0, 64, &out->region, err);
    if (rc != LK_OK)
        ev_s3_object_cleanup(out);
    return rc;
}

static int ends_with_ci(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    if (len < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[len - n + i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != suffix[i])
            return 0;
    }
    return 1;
}

enum ev_image_ext ev_key_image_ext(const char *key, size_t len)
{
    if (ends_with_ci(key, len, ".jpg") || ends_with_ci(key, len, ".jpeg"))
        return EV_EXT_JPEG;
    if (ends_with_ci(key, len, ".png"))
        return EV_EXT_PNG;
    return EV_EXT_NONE;
}

const char *ev_s3_object_skip_reason(const struct ev_s3_object *obj)
{
    const char *name = obj->event_name;
    if (name && strncmp(name, "ObjectCreated:", 14) != 0 && strcmp(name, "Object Created") != 0)
        return "the event is not an object creation";
    if (obj->size_bytes == 0)
        return "the object is empty";
    if (!obj->key || ev_key_image_ext(obj->key, obj->key_len) == EV_EXT_NONE)
        return "the key does not end in .jpg, .jpeg or .png";
    return NULL;
}
