/*
 * kvs.h: Kinesis Video Streams calls: GetDataEndpoint (cached per stream), GetImages with
 * pagination, and the image-generation / notification configuration of a stream.
 *
 * GetDataEndpoint and the configuration calls go to an aws_client made for
 * AWS_SVC_KINESIS_VIDEO; GetImages to one made for AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA, sent
 * to the data endpoint (or to that client's configured endpoint override, when there is one).
 */
#ifndef LOOKOUT_KVS_H
#define LOOKOUT_KVS_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/error.h"

/* Data endpoints already resolved, per stream, for the life of the process (the KVS docs
 * call caching them safe; an endpoint is resolved again after a failure). Caller-owned. */
#define KVS_CACHE_SLOTS 8
struct kvs_endpoint_cache {
    struct {
        char *stream;   /* ARN or name, as asked */
        char *endpoint;
    } slot[KVS_CACHE_SLOTS];
    size_t next;        /* slot to reuse when all are taken */
};

void kvs_cache_init(struct kvs_endpoint_cache *cache);
void kvs_cache_cleanup(struct kvs_endpoint_cache *cache);
/* Drops the cached endpoint of stream, so that the next call resolves it again. */
void kvs_cache_forget(struct kvs_endpoint_cache *cache, const char *stream);

/* A stream is named by its ARN when it starts with "arn:", else by its name. */

/* The GET_IMAGES data endpoint of stream; *endpoint is borrowed from the cache. */
int kvs_data_endpoint(struct aws_client *kv, struct kvs_endpoint_cache *cache, const char *stream,
                      int64_t deadline_ms, const char **endpoint, struct lk_error *err);

struct kvs_images_query {
    const char *stream;       /* ARN or name */
    int64_t start_ms;         /* producer timestamps, epoch ms; end - start <= 300 s */
    int64_t end_ms;
    int sampling_ms;          /* 0 = let KVS choose; else >= 200 */
    int page_size;            /* MaxResults, 1..100 */
    int width, height;        /* WidthPixels/HeightPixels: both (KVS stretches to them) or
                                 neither (0, the source size) */
    int want_gaps;            /* 1: on_frame also gets images marked NO_MEDIA or MEDIA_ERROR */
    size_t *calls;            /* when not NULL, incremented for each GetImages request sent */
};

/* One image from GetImages. data is borrowed for the duration of the callback. */
struct kvs_frame {
    int64_t timestamp_ms;
    const unsigned char *data;
    size_t len;
    const char *error;        /* "NO_MEDIA" or "MEDIA_ERROR" (data NULL), only with want_gaps;
                                 NULL for a frame with content */
};

/* Called for each frame that has content; a non-LK_OK return stops the walk and is
 * returned by kvs_get_images. */
typedef int (*kvs_frame_fn)(const struct kvs_frame *frame, void *user, struct lk_error *err);

/* Walks every page of GetImages (JPEG, PRODUCER_TIMESTAMP) over the query's range, calling
 * on_frame for each frame with content. Frames marked NO_MEDIA or MEDIA_ERROR are counted in
 * *skipped (may be NULL) and, with want_gaps, handed to on_frame too. */
int kvs_get_images(struct aws_client *media, const char *endpoint,
                   const struct kvs_images_query *q, int64_t deadline_ms, kvs_frame_fn on_frame,
                   void *user, size_t *skipped, struct lk_error *err);

/* Image generation settings for UpdateImageGenerationConfiguration. */
struct kvs_image_generation {
    const char *destination_uri;     /* s3://bucket[/prefix] */
    const char *destination_region;
    const char *selector;            /* SERVER_TIMESTAMP | PRODUCER_TIMESTAMP */
    const char *format;              /* JPEG | PNG */
    int sampling_ms;
    int jpeg_quality;                /* 0 = default */
    int width, height;               /* 0 = source size */
};

/* Enables image generation with g, or deletes the configuration when g is NULL. */
int kvs_update_image_generation(struct aws_client *kv, const char *stream,
                                const struct kvs_image_generation *g, int64_t deadline_ms,
                                struct lk_error *err);
/* Sends fragment notifications to topic_arn, or deletes the configuration when NULL. */
int kvs_update_notification(struct aws_client *kv, const char *stream, const char *topic_arn,
                            int64_t deadline_ms, struct lk_error *err);

#endif
