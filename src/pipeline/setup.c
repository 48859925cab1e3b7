/*
 * The KVS set-up custom resource: read the request, configure (or unconfigure) the stream,
 * and always tell CloudFormation how it went.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/cfn.h"
#include "lookout/events.h"
#include "lookout/json.h"
#include "lookout/kvs.h"
#include "lookout/log.h"
#include "lookout/setup.h"

#define REASON_MAX sizeof(((struct lk_error *)0)->message)

struct setup_props {
    const char *stream;
    const char *topic_arn;
    struct kvs_image_generation gen;
};

/* CloudFormation sends every scalar property as a string; a number is accepted too. */
static int prop_int(const cJSON *props, const char *name, int dflt, int min, int max, int *out,
                    struct lk_error *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, name);
    *out = dflt;
    if (!v || cJSON_IsNull(v))
        return LK_OK;
    double d;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v) && *v->valuestring) {
        char *end;
        errno = 0;
        d = strtod(v->valuestring, &end);
        if (errno || *end)
            d = min - 1.0;
    } else {
        d = min - 1.0;
    }
    if (d < min || d > max || d != (double)(int)d)
        return err_set(err, LK_INVALID_EVENT, "%s must be a whole number from %d to %d", name, min,
                       max);
    *out = (int)d;
    return LK_OK;
}

static int prop_str(const cJSON *props, const char *name, const char *dflt, const char **out,
                    struct lk_error *err)
{
    const char *v = json_get_string(props, name);
    *out = v && *v ? v : dflt;
    if (!*out)
        return err_set(err, LK_INVALID_EVENT, "%s is required", name);
    return LK_OK;
}

static int prop_choice(const cJSON *props, const char *name, const char *a, const char *b,
                       const char **out, struct lk_error *err)
{
    int rc = prop_str(props, name, a, out, err);
    if (rc == LK_OK && strcmp(*out, a) != 0 && strcmp(*out, b) != 0)
        rc = err_set(err, LK_INVALID_EVENT, "%s must be %s or %s", name, a, b);
    return rc;
}

static int read_props(const cJSON *p, struct setup_props *s, struct lk_error *err)
{
    memset(s, 0, sizeof(*s));
    struct kvs_image_generation *g = &s->gen;
    if (!p)
        return err_set(err, LK_INVALID_EVENT, "ResourceProperties is missing");
    int rc = prop_str(p, "StreamName", NULL, &s->stream, err);
    if (rc == LK_OK && !ev_stream_name_valid(s->stream, strlen(s->stream)))
        rc = err_set(err, LK_INVALID_EVENT, "StreamName is not a valid stream name");
    if (rc == LK_OK)
        rc = prop_str(p, "NotificationTopicArn", NULL, &s->topic_arn, err);
    if (rc == LK_OK)
        rc = prop_str(p, "DestinationUri", NULL, &g->destination_uri, err);
    if (rc == LK_OK && strncmp(g->destination_uri, "s3://", 5) != 0)
        rc = err_set(err, LK_INVALID_EVENT, "DestinationUri must start with s3://");
    if (rc == LK_OK)
        rc = prop_str(p, "Region", NULL, &g->destination_region, err);
    if (rc == LK_OK)
        rc = prop_choice(p, "Format", "JPEG", "PNG", &g->format, err);
    if (rc == LK_OK)
        rc = prop_choice(p, "ImageSelectorType", "PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP",
                         &g->selector, err);
    if (rc == LK_OK)
        rc = prop_int(p, "SamplingIntervalMs", 3000, 200, 20000, &g->sampling_ms, err);
    if (rc == LK_OK)
        rc = prop_int(p, "JpegQuality", 0, 1, 100, &g->jpeg_quality, err);
    if (rc == LK_OK)
        rc = prop_int(p, "WidthPixels", 0, 1, 3840, &g->width, err);
    if (rc == LK_OK)
        rc = prop_int(p, "HeightPixels", 0, 1, 2160, &g->height, err);
    return rc;
}

static int configure(struct kvs_service *kvs, const struct setup_props *s, int64_t deadline_ms,
                     struct lk_error *err)
{
    int rc = kvs_update_image_generation(kvs, s->stream, &s->gen, deadline_ms, err);
    if (rc == LK_OK)
        rc = kvs_update_notification(kvs, s->stream, s->topic_arn, deadline_ms, err);
    return rc;
}

/* A stream that is gone has nothing left to unconfigure. */
static int unconfigure(struct kvs_service *kvs, const char *stream, int64_t deadline_ms,
                       struct lk_error *err)
{
    int rc = kvs_update_image_generation(kvs, stream, NULL, deadline_ms, err);
    if (rc == LK_OK)
        rc = kvs_update_notification(kvs, stream, NULL, deadline_ms, err);
    if (rc == LK_AWS_NOT_FOUND) {
        LOG_WARN("stream %s is gone; nothing to remove", stream);
        err_clear(err);
        rc = LK_OK;
    }
    return rc;
}

static int apply(struct kvs_service *svc, const struct ev_cfn_request *req, int64_t deadline_ms,
                 struct lk_error *err)
{
    struct setup_props now, before;
    int rc = read_props(req->properties, &now, err);
    if (req->type == EV_CFN_DELETE)
        return rc == LK_OK ? unconfigure(svc, now.stream, deadline_ms, err) : LK_OK;
    if (rc != LK_OK)
        return rc;
    /* An update that moves to another stream leaves the old one as it found it. */
    if (req->type == EV_CFN_UPDATE && read_props(req->old_properties, &before, NULL) == LK_OK &&
        strcmp(before.stream, now.stream) != 0)
        rc = unconfigure(svc, before.stream, deadline_ms, err);
    return rc == LK_OK ? configure(svc, &now, deadline_ms, err) : rc;
}

static char *response_body(const struct ev_cfn_request *req, const char *physical_id,
                           const char *status, const char *reason)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "Status", status);
    if (reason)
        cJSON_AddStringToObject(o, "Reason", reason);
    cJSON_AddStringToObject(o, "PhysicalResourceId", physical_id);
    cJSON_AddStringToObject(o, "StackId", req->stack_id);
    cJSON_AddStringToObject(o, "RequestId", req->request_id);
    cJSON_AddStringToObject(o, "LogicalResourceId", req->logical_resource_id);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static const char *physical_id_of(const struct ev_cfn_request *req, char *buf, size_t cap)
{
    if (req->physical_resource_id)
        return req->physical_resource_id;
    const char *stream = json_get_string(req->properties, "StreamName");
    snprintf(buf, cap, "kvs-lookout-setup-%s", stream ? stream : "unknown");
    return buf;
}

int pl_setup_handle(struct svc_clients *svc, int64_t deadline_ms, const cJSON *event,
                    struct lk_buf *response, struct lk_error *err)
{
    struct ev_cfn_request req = {0};
    struct lk_error outcome = {0};
    int applied = ev_cfn_parse(event, &req, &outcome);
    if (applied != LK_OK && !req.response_url) {
        *err = outcome; /* without a ResponseURL there is nobody to answer */
        ev_cfn_cleanup(&req);
        return applied;
    }
    if (applied == LK_OK)
        applied = apply(&svc->kvs, &req, deadline_ms, &outcome);
    char reason[REASON_MAX], id[300];
    snprintf(reason, sizeof(reason), "%s", outcome.message);
    const char *status = applied == LK_OK ? "SUCCESS" : "FAILED";
    const char *physical_id = physical_id_of(&req, id, sizeof(id));
    LOG_INFO("custom resource %s %s: %s%s%s", ev_cfn_request_type_name(req.type), physical_id,
             status, applied == LK_OK ? "" : ": ", applied == LK_OK ? "" : reason);
    char *body = response_body(&req, physical_id, status, applied == LK_OK ? NULL : reason);
    int rc = body ? cfn_respond(svc->cfn_response, req.response_url, body, deadline_ms, err)
                  : err_set(err, LK_NOMEM, "out of memory");
    if (rc == LK_OK)
        rc = buf_append_str(response, body) == LK_OK ? LK_OK : err_set(err, LK_NOMEM, "response");
    free(body);
    ev_cfn_cleanup(&req);
    return rc;
}
