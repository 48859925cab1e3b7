#include "lookout/kvs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/base64.h"
#include "lookout/json.h"

/* A GetImages page holds at most page_size images of at most 6 MiB of base64 each; the cap
 * keeps a page of ordinary frames (tens of KB) well inside a 128 MB function. */
#define KVS_PAGE_MAX_BYTES ((size_t)48 * 1024 * 1024)
#define KVS_SMALL_RESPONSE_BYTES ((size_t)64 * 1024)
#define KVS_MAX_PAGES 100

void kvs_cache_init(struct kvs_endpoint_cache *cache)
{
    memset(cache, 0, sizeof(*cache));
}

void kvs_cache_cleanup(struct kvs_endpoint_cache *cache)
{
    for (size_t i = 0; i < KVS_CACHE_SLOTS; i++) {
        free(cache->slot[i].stream);
        free(cache->slot[i].endpoint);
    }
    memset(cache, 0, sizeof(*cache));
}

static int cache_find(const struct kvs_endpoint_cache *cache, const char *stream)
{
    for (int i = 0; i < KVS_CACHE_SLOTS; i++)
        if (cache->slot[i].stream && strcmp(cache->slot[i].stream, stream) == 0)
            return i;
    return -1;
}

void kvs_cache_forget(struct kvs_endpoint_cache *cache, const char *stream)
{
    int i = cache_find(cache, stream);
    if (i < 0)
        return;
    free(cache->slot[i].stream);
    free(cache->slot[i].endpoint);
    cache->slot[i].stream = NULL;
    cache->slot[i].endpoint = NULL;
}

static int cache_put(struct kvs_endpoint_cache *cache, const char *stream, const char *endpoint)
{
    size_t i = 0;
    while (i < KVS_CACHE_SLOTS && cache->slot[i].stream)
        i++;
    if (i == KVS_CACHE_SLOTS) {
        i = cache->next;
        cache->next = (cache->next + 1) % KVS_CACHE_SLOTS;
        free(cache->slot[i].stream);
        free(cache->slot[i].endpoint);
    }
    cache->slot[i].stream = strdup(stream);
    cache->slot[i].endpoint = strdup(endpoint);
    if (!cache->slot[i].stream || !cache->slot[i].endpoint)
        return LK_NOMEM;
    return LK_OK;
}

static void add_stream(cJSON *body, const char *stream)
{
    cJSON_AddStringToObject(body, strncmp(stream, "arn:", 4) == 0 ? "StreamARN" : "StreamName",
                            stream);
}

/* POSTs body as rest-json to path; the response JSON (if wanted) goes to *out. */
static int post_json(struct aws_client *client, const char *base_url, const char *path,
                     cJSON *body, size_t max_response, int64_t deadline_ms, cJSON **out,
                     struct lk_error *err)
{
    struct aws_response resp;
    aws_response_init(&resp);
    char *text = cJSON_PrintUnformatted(body);
    int rc = LK_OK;
    if (!text) {
        rc = err_set(err, LK_NOMEM, "KVS %s: out of memory", path + 1);
        goto cleanup;
    }
    const struct aws_header headers[] = {{"Content-Type", "application/json"}};
    struct aws_request req = {
        .method = "POST",
        .path = path,
        .headers = headers,
        .header_count = 1,
        .body = text,
        .body_len = strlen(text),
        .base_url = base_url,
        .max_response_bytes = max_response,
    };
    rc = aws_client_send(client, &req, deadline_ms, &resp, err);
    if (rc != LK_OK)
        goto cleanup; /* the client's message names the operation */
    if (out && !(*out = json_parse(buf_cstr(&resp.body), resp.body.len)))
        rc = err_set(err, LK_AWS_BAD_RESPONSE, "KVS %s: the response is not JSON", path + 1);
cleanup:
    free(text);
    aws_response_cleanup(&resp);
    return rc;
}

int kvs_data_endpoint(struct aws_client *kv, struct kvs_endpoint_cache *cache, const char *stream,
                      int64_t deadline_ms, const char **endpoint, struct lk_error *err)
{
    int i = cache_find(cache, stream);
    if (i >= 0) {
        *endpoint = cache->slot[i].endpoint;
        return LK_OK;
    }
    cJSON *body = cJSON_CreateObject(), *resp = NULL;
    add_stream(body, stream);
    cJSON_AddStringToObject(body, "APIName", "GET_IMAGES");
    int rc = post_json(kv, NULL, "/getDataEndpoint", body, KVS_SMALL_RESPONSE_BYTES, deadline_ms,
                       &resp, err);
    const char *url = rc == LK_OK ? json_get_string(resp, "DataEndpoint") : NULL;
    if (rc == LK_OK && (!url || strncmp(url, "http", 4) != 0))
        rc = err_set(err, LK_AWS_BAD_RESPONSE, "KVS getDataEndpoint: no DataEndpoint URL");
    if (rc == LK_OK && cache_put(cache, stream, url) != LK_OK)
        rc = err_set(err, LK_NOMEM, "KVS getDataEndpoint: out of memory");
    if (rc == LK_OK)
        *endpoint = cache->slot[cache_find(cache, stream)].endpoint;
    cJSON_Delete(body);
    cJSON_Delete(resp);
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

/* One image of a page: a frame with content goes to on_frame, an Error is counted. */
static int visit_image(const cJSON *image, int want_gaps, struct lk_buf *pixels,
                       kvs_frame_fn on_frame, void *user, size_t *skipped, struct lk_error *err)
{
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(image, "TimeStamp");
    const char *content = json_get_string(image, "ImageContent");
    const char *error = json_get_string(image, "Error");
    if (error || !content) {
        (*skipped)++;
        if (!want_gaps || !cJSON_IsNumber(ts))
            return LK_OK;
        struct kvs_frame gap = {.timestamp_ms = (int64_t)llround(ts->valuedouble * 1000.0),
                                .error = error ? error : "NO_MEDIA"};
        return on_frame(&gap, user, err);
    }
    if (!cJSON_IsNumber(ts))
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS getImages: an image has no TimeStamp");
    buf_reset(pixels);
    if (b64_decode(pixels, content, strlen(content)) != LK_OK)
        return err_set(err, LK_AWS_BAD_RESPONSE, "KVS getImages: ImageContent is not base64");
    struct kvs_frame frame = {
        .timestamp_ms = (int64_t)llround(ts->valuedouble * 1000.0),
        .data = (const unsigned char *)pixels->data,
        .len = pixels->len,
    };
    return on_frame(&frame, user, err);
}

static int visit_page(const cJSON *page, int want_gaps, struct lk_buf *pixels,
                      kvs_frame_fn on_frame, void *user, size_t *skipped, struct lk_error *err)
{
    const cJSON *images = json_get_array(page, "Images");
    const cJSON *image;
    int rc = LK_OK;
    cJSON_ArrayForEach(image, images)
    {
        rc = visit_image(image, want_gaps, pixels, on_frame, user, skipped, err);
        if (rc != LK_OK)
            break;
    }
    return rc;
}

int kvs_get_images(struct aws_client *media, const char *endpoint,
                   const struct kvs_images_query *q, int64_t deadline_ms, kvs_frame_fn on_frame,
                   void *user, size_t *skipped, struct lk_error *err)
{
    size_t skipped_local = 0;
    char *token = NULL;
    struct lk_buf pixels;
    buf_init(&pixels, KVS_PAGE_MAX_BYTES);
    int rc = LK_OK;
    for (int page_no = 0; rc == LK_OK && page_no < KVS_MAX_PAGES; page_no++) {
        cJSON *body = images_request(q, token), *page = NULL;
        rc = post_json(media, endpoint, "/getImages", body, KVS_PAGE_MAX_BYTES, deadline_ms, &page,
                       err);
        cJSON_Delete(body);
        if (q->calls)
            (*q->calls)++;
        if (rc == LK_OK)
            rc = visit_page(page, q->want_gaps, &pixels, on_frame, user, &skipped_local, err);
        const char *next = rc == LK_OK ? json_get_string(page, "NextToken") : NULL;
        free(token);
        token = next && *next ? strdup(next) : NULL;
        cJSON_Delete(page);
        if (!token)
            break;
    }
    free(token);
    buf_cleanup(&pixels);
    if (skipped)
        *skipped = skipped_local;
    return rc;
}

int kvs_update_image_generation(struct aws_client *kv, const char *stream,
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
    int rc = post_json(kv, NULL, "/updateImageGenerationConfiguration", body,
                       KVS_SMALL_RESPONSE_BYTES, deadline_ms, NULL, err);
    cJSON_Delete(body);
    return rc;
}

int kvs_update_notification(struct aws_client *kv, const char *stream, const char *topic_arn,
                            int64_t deadline_ms, struct lk_error *err)
{
    cJSON *body = cJSON_CreateObject();
    add_stream(body, stream);
    if (topic_arn) {
        cJSON *c = cJSON_AddObjectToObject(body, "NotificationConfiguration");
        cJSON_AddStringToObject(c, "Status", "ENABLED");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "DestinationConfig"), "Uri", topic_arn);
    }
    int rc = post_json(kv, NULL, "/updateNotificationConfiguration", body,
                       KVS_SMALL_RESPONSE_BYTES, deadline_ms, NULL, err);
    cJSON_Delete(body);
    return rc;
}
