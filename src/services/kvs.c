#include "lookout/kvs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/base64.h"
#include "lookout/json.h"
#include "lookout/log.h"

/* A GetImages page holds at most page_size images of at most 6 MiB of base64 each; the cap
 * keeps a page of ordinary frames (tens of KB) well inside a 128 MB function. */
#define KVS_PAGE_MAX_BYTES ((size_t)48 * 1024 * 1024)
#define KVS_SMALL_RESPONSE_BYTES ((size_t)64 * 1024)
#define KVS_MAX_PAGES 100

int kvs_service_init(struct kvs_service *kvs, const struct aws_config *cfg, struct lk_error *err)
{
    memset(kvs, 0, sizeof(*kvs));
    slots_init(&kvs->endpoints, free);
    kvs->media_endpoint_fixed = cfg->endpoint_own[AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA];
    int rc = aws_client_new(cfg, AWS_SVC_KINESIS_VIDEO, &kvs->control, err);
    if (rc == LK_OK)
        rc = aws_client_new(cfg, AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA, &kvs->media, err);
    if (rc != LK_OK)
        kvs_service_cleanup(kvs);
    return rc;
}

void kvs_service_cleanup(struct kvs_service *kvs)
{
    aws_client_free(kvs->control);
    aws_client_free(kvs->media);
    if (kvs->endpoints.free_value)
        slots_cleanup(&kvs->endpoints);
    memset(kvs, 0, sizeof(*kvs));
}

static void add_stream(cJSON *body, const char *stream)
{
    cJSON_AddStringToObject(body, strncmp(stream, "arn:", 4) == 0 ? "StreamARN" : "StreamName",
                            stream);
}

/* What a JSON answer must hold: the client retries an answer that does not. */
typedef int (*answer_check_fn)(const cJSON *doc, struct lk_error *err);

struct json_answer {
    const char *operation;
    answer_check_fn check; /* NULL = any JSON */
    cJSON *doc;            /* the accepted answer, owned */
};

static int accept_json(const struct aws_response *resp, void *state, struct lk_error *err)
{
    struct json_answer *a = state;
    cJSON_Delete(a->doc);
    if (!(a->doc = json_parse(buf_cstr(&resp->body), resp->body.len)))
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS %s: the response is not JSON",
                       a->operation);
    return a->check ? a->check(a->doc, err) : LK_OK;
}

/* POSTs body as rest-json to path; when answer is not NULL the response must be JSON that
 * passes answer->check, and answer->doc receives it (the caller frees it). */
static int post_json(struct aws_client *client, const char *base_url, const char *operation,
                     const char *path, cJSON *body, size_t max_response, int64_t deadline_ms,
                     struct json_answer *answer, struct lk_error *err)
{
    struct aws_response resp;
    aws_response_init(&resp);
    char *text = cJSON_PrintUnformatted(body);
    int rc = LK_OK;
    if (!text) {
        rc = err_set(err, LK_NOMEM, "KVS %s: out of memory", operation);
        goto cleanup;
    }
    if (answer)
        answer->operation = operation;
    const struct aws_header headers[] = {{"Content-Type", "application/json"}};
    struct aws_request req = {
        .operation = operation,
        .method = "POST",
        .path = path,
        .headers = headers,
        .header_count = 1,
        .body = text,
        .body_len = strlen(text),
        .base_url = base_url,
        .max_response_bytes = max_response,
        .accept = answer ? accept_json : NULL,
        .accept_state = answer,
    };
    rc = aws_client_send(client, &req, deadline_ms, &resp, err);
cleanup:
    free(text);
    aws_response_cleanup(&resp);
    return rc;
}

static int check_endpoint(const cJSON *doc, struct lk_error *err)
{
    const char *url = json_get_string(doc, "DataEndpoint");
    if (!url || strncmp(url, "http", 4) != 0)
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS GetDataEndpoint: no DataEndpoint URL");
    return LK_OK;
}

int kvs_data_endpoint(struct kvs_service *kvs, const char *stream, int64_t deadline_ms,
                      const char **endpoint, struct lk_error *err)
{
    if ((*endpoint = slots_get(&kvs->endpoints, stream)))
        return LK_OK;
    cJSON *body = cJSON_CreateObject();
    struct json_answer answer = {.check = check_endpoint};
    add_stream(body, stream);
    cJSON_AddStringToObject(body, "APIName", "GET_IMAGES");
    int rc = post_json(kvs->control, NULL, "GetDataEndpoint", "/getDataEndpoint", body,
                       KVS_SMALL_RESPONSE_BYTES, deadline_ms, &answer, err);
    const char *url = rc == LK_OK ? json_get_string(answer.doc, "DataEndpoint") : NULL;
    char *copy = NULL;
    if (rc == LK_OK && (!(copy = strdup(url)) || slots_put(&kvs->endpoints, stream, copy)))
        rc = err_set(err, LK_NOMEM, "KVS getDataEndpoint: out of memory");
    if (rc == LK_OK)
        *endpoint = copy;
    cJSON_Delete(body);
    cJSON_Delete(answer.doc);
    return rc;
}

static cJSON *images_request(const struct kvs_images_query *q, const char *next_token)
{
    cJSON *body = cJSON_CreateObject();
    add_stream(body, q->stream);
    cJSON_AddStringToObject(body, "ImageSelectorType", "PRODUCER_TIMESTAMP");
    cJSON_AddNumberToObject(body, "StartTimestamp", (double)q->start_ms / 1000.0);
    cJSON_AddNumberToObject(body, "EndTimestamp", (double)q->end_ms / 1000.0);
    if (q->sampling_ms > 0)
        cJSON_AddNumberToObject(body, "SamplingInterval", q->sampling_ms);
    cJSON_AddStringToObject(body, "Format", "JPEG");
    cJSON_AddNumberToObject(body, "MaxResults", q->page_size > 0 ? q->page_size : 25);
    if (q->width > 0 && q->height > 0) {
        cJSON_AddNumberToObject(body, "WidthPixels", q->width);
        cJSON_AddNumberToObject(body, "HeightPixels", q->height);
    }
    if (next_token)
        cJSON_AddStringToObject(body, "NextToken", next_token);
    return body;
}

/* A page must hold an Images array whose entries each carry a TimeStamp and either
 * ImageContent or Error: anything less is a malformed answer, not "no frames". */
static int check_image(const cJSON *image, int index, struct lk_error *err)
{
    const char *why = NULL;
    if (!cJSON_IsObject(image))
        why = "not an object";
    else if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(image, "TimeStamp")))
        why = "no TimeStamp";
    else if (!json_get_string(image, "ImageContent") && !json_get_string(image, "Error"))
        why = "neither ImageContent nor Error";
    if (why)
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS GetImages: Images[%d]: %s", index, why);
    return LK_OK;
}

static int check_page(const cJSON *page, struct lk_error *err)
{
    const cJSON *images = cJSON_GetObjectItemCaseSensitive(page, "Images");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(page, "NextToken");
    if (!cJSON_IsObject(page) || !cJSON_IsArray(images))
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS GetImages: Images: missing or not a list");
    if (next && !cJSON_IsNull(next) && !cJSON_IsString(next))
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS GetImages: NextToken: not a string");
    const cJSON *image;
    int index = 0, rc = LK_OK;
    cJSON_ArrayForEach(image, images)
    {
        if ((rc = check_image(image, index++, err)) != LK_OK)
            break;
    }
    return rc;
}

/* Counts a checked image; 1 when it has content. */
static int count_image(const cJSON *image, struct kvs_page_tally *t)
{
    const char *error = json_get_string(image, "Error");
    if (!error)
        t->frames++;
    else if (strcmp(error, "NO_MEDIA") == 0)
        t->no_media++;
    else
        t->media_error++;
    return !error;
}

int kvs_check_images_page(const char *text, size_t len, struct kvs_page_tally *tally,
                          struct lk_error *err)
{
    memset(tally, 0, sizeof(*tally));
    cJSON *page = json_parse(text, len);
    if (!page)
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS GetImages: the response is not JSON");
    int rc = check_page(page, err);
    const cJSON *images = rc == LK_OK ? json_get_array(page, "Images") : NULL, *image;
    cJSON_ArrayForEach(image, images)
        count_image(image, tally);
    cJSON_Delete(page);
    return rc;
}

/* A walk over the pages of one range. */
struct image_walk {
    kvs_frame_fn on_frame;
    void *user;
    int want_gaps;
    struct lk_buf pixels;
    struct kvs_page_tally tally;
};

/* One checked image: a frame with content goes to on_frame; an Error is counted, and handed
 * to on_frame too when the caller wants the gaps. */
static int visit_image(const cJSON *image, struct image_walk *w, struct lk_error *err)
{
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(image, "TimeStamp");
    const char *content = json_get_string(image, "ImageContent");
    int64_t ms = (int64_t)llround(ts->valuedouble * 1000.0);
    if (!count_image(image, &w->tally)) {
        struct kvs_frame gap = {.timestamp_ms = ms, .error = json_get_string(image, "Error")};
        return w->want_gaps ? w->on_frame(&gap, w->user, err) : LK_OK;
    }
    buf_reset(&w->pixels);
    if (b64_decode(&w->pixels, content, strlen(content)) != LK_OK)
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS getImages: ImageContent is not base64");
    struct kvs_frame frame = {
        .timestamp_ms = ms,
        .data = (const unsigned char *)w->pixels.data,
        .len = w->pixels.len,
    };
    return w->on_frame(&frame, w->user, err);
}

static int visit_page(const cJSON *page, struct image_walk *w, struct lk_error *err)
{
    const cJSON *images = json_get_array(page, "Images");
    const cJSON *image;
    int rc = LK_OK;
    cJSON_ArrayForEach(image, images)
    {
        rc = visit_image(image, w, err);
        if (rc != LK_OK)
            break;
    }
    return rc;
}

static int images_pages(struct kvs_service *kvs, const char *endpoint,
                        const struct kvs_images_query *q, int64_t deadline_ms,
                        struct image_walk *w, struct lk_error *err)
{
    char *token = NULL;
    int rc = LK_OK;
    for (int page_no = 0; rc == LK_OK && page_no < KVS_MAX_PAGES; page_no++) {
        cJSON *body = images_request(q, token);
        struct json_answer page = {.check = check_page};
        rc = post_json(kvs->media, endpoint, "GetImages", "/getImages", body, KVS_PAGE_MAX_BYTES,
                       deadline_ms, &page, err);
        cJSON_Delete(body);
        if (q->calls)
            (*q->calls)++;
        if (rc == LK_OK)
            rc = visit_page(page.doc, w, err);
        const char *next = rc == LK_OK ? json_get_string(page.doc, "NextToken") : NULL;
        free(token);
        token = next && *next ? strdup(next) : NULL;
        cJSON_Delete(page.doc);
        if (!token)
            break;
    }
    free(token);
    return rc;
}

/* What a walk that ended well still has to say: MEDIA_ERROR with no frame is KVS failing
 * to make the images (the unit fails, so Lambda retries the event); only NO_MEDIA is
 * "nothing was recorded then". A caller that takes the gaps (want_gaps) judges them itself. */
static int walk_outcome(const struct kvs_images_query *q, const struct kvs_page_tally *t,
                        struct lk_error *err)
{
    if (t->frames == 0 && t->media_error > 0 && !q->want_gaps)
        return err_set(err, LK_AWS_SERVER,
                       "KVS GetImages: %zu images MEDIA_ERROR and none with content in %s",
                       t->media_error, q->stream);
    if (t->frames == 0)
        LOG_INFO("KVS GetImages: no media in %s from %lld to %lld ms (%zu NO_MEDIA)", q->stream,
                 (long long)q->start_ms, (long long)q->end_ms, t->no_media);
    return LK_OK;
}

int kvs_get_images(struct kvs_service *kvs, const struct kvs_images_query *q, int64_t deadline_ms,
                   kvs_frame_fn on_frame, void *user, size_t *skipped, struct lk_error *err)
{
    struct image_walk w = {.on_frame = on_frame, .user = user, .want_gaps = q->want_gaps};
    const char *endpoint = NULL;
    int rc = LK_OK;
    buf_init(&w.pixels, KVS_PAGE_MAX_BYTES);
    if (!kvs->media_endpoint_fixed)
        rc = kvs_data_endpoint(kvs, q->stream, deadline_ms, &endpoint, err);
    if (rc == LK_OK)
        rc = images_pages(kvs, endpoint, q, deadline_ms, &w, err);
    if (rc == LK_OK)
        rc = walk_outcome(q, &w.tally, err);
    /* The endpoint may be what failed (moved, or the stream re-created): ask again next time. */
    if (rc != LK_OK && endpoint)
        slots_remove(&kvs->endpoints, q->stream);
    if (skipped)
        *skipped = w.tally.no_media + w.tally.media_error;
    buf_cleanup(&w.pixels);
    return rc;
}

int kvs_update_image_generation(struct kvs_service *kvs, const char *stream,
                                const struct kvs_image_generation *g, int64_t deadline_ms,
                                struct lk_error *err)
{
    cJSON *body = cJSON_CreateObject();
    add_stream(body, stream);
    if (g) {
        cJSON *c = cJSON_AddObjectToObject(body, "ImageGenerationConfiguration");
        cJSON_AddStringToObject(c, "Status", "ENABLED");
        cJSON_AddStringToObject(c, "ImageSelectorType", g->selector);
        cJSON *dest = cJSON_AddObjectToObject(c, "DestinationConfig");
        cJSON_AddStringToObject(dest, "Uri", g->destination_uri);
        cJSON_AddStringToObject(dest, "DestinationRegion", g->destination_region);
        cJSON_AddNumberToObject(c, "SamplingInterval", g->sampling_ms);
        cJSON_AddStringToObject(c, "Format", g->format);
        if (g->jpeg_quality > 0 && strcmp(g->format, "JPEG") == 0) {
            char q[16];
            snprintf(q, sizeof(q), "%d", g->jpeg_quality);
            cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "FormatConfig"), "JPEGQuality", q);
        }
        if (g->width > 0)
            cJSON_AddNumberToObject(c, "WidthPixels", g->width);
        if (g->height > 0)
            cJSON_AddNumberToObject(c, "HeightPixels", g->height);
    }
    int rc = post_json(kvs->control, NULL, "UpdateImageGenerationConfiguration",
                       "/updateImageGenerationConfiguration", body, KVS_SMALL_RESPONSE_BYTES,
                       deadline_ms, NULL, err);
    cJSON_Delete(body);
    return rc;
}

int kvs_update_notification(struct kvs_service *kvs, const char *stream, const char *topic_arn,
                            int64_t deadline_ms, struct lk_error *err)
{
    cJSON *body = cJSON_CreateObject();
    add_stream(body, stream);
    if (topic_arn) {
        cJSON *c = cJSON_AddObjectToObject(body, "NotificationConfiguration");
        cJSON_AddStringToObject(c, "Status", "ENABLED");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "DestinationConfig"), "Uri", topic_arn);
    }
    int rc = post_json(kvs->control, NULL, "UpdateNotificationConfiguration",
                       "/updateNotificationConfiguration", body, KVS_SMALL_RESPONSE_BYTES,
                       deadline_ms, NULL, err);
    cJSON_Delete(body);
    return rc;
}
