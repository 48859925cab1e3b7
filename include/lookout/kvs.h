/*
 * kvs.h: the Kinesis Video Streams service: GetDataEndpoint, GetImages with pagination, and
 * the image-generation / notification configuration of a stream.
 *
 * A struct kvs_service holds the two clients the API needs (the control plane, and archived
 * media for GetImages) and resolves the GET_IMAGES data endpoint of each stream itself: asked
 * once, kept for the life of the process (the KVS docs call caching it safe), asked again
 * after a GetImages failure. When AWS_ENDPOINT_URL_KINESIS_VIDEO_ARCHIVED_MEDIA is set
 * (local emulators, VPC endpoints), GetImages goes there and GetDataEndpoint is not called;
 * the global AWS_ENDPOINT_URL does not do that, as in the AWS SDKs: the data endpoint the
 * service answers wins over it.
 */
#ifndef LOOKOUT_KVS_H
#define LOOKOUT_KVS_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/error.h"
#include "lookout/slots.h"

struct kvs_service {
    struct aws_client *control; /* owned: AWS_SVC_KINESIS_VIDEO */
    struct aws_client *media;   /* owned: AWS_SVC_KINESIS_VIDEO_ARCHIVED_MEDIA */
    int media_endpoint_fixed;   /* the archived-media endpoint is configured: no lookup */
    struct slots endpoints;     /* stream (as asked) -> data endpoint URL */
};

/* Makes both clients from cfg, which must outlive the service. On failure kvs holds nothing
 * to free. */
int kvs_service_init(struct kvs_service *kvs, const struct aws_config *cfg, struct lk_error *err);
/* Safe on a zeroed struct. */
void kvs_service_cleanup(struct kvs_service *kvs);

/* A stream is named by its ARN when it starts with "arn:", else by its name. */

struct kvs_images_query {
    const char *stream; /* ARN or name */
    int64_t start_ms;   /* producer timestamps, epoch ms; end - start <= 300 s */
    int64_t end_ms;
    int sampling_ms; /* 0 = let KVS choose; else >= 200 */
    int page_size;   /* MaxResults, 1..100 */
    int width, height; /* WidthPixels/HeightPixels: both (KVS stretches to them) or
                          neither (0, the source size) */
    int want_gaps;     /* 1: on_frame also gets images marked NO_MEDIA or MEDIA_ERROR */
    size_t *calls;     /* when not NULL, incremented for each GetImages request sent */
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

/* The GET_IMAGES data endpoint of stream: the one kept, else GetDataEndpoint's answer, then
 * kept. *endpoint is borrowed from kvs until the next call on it. */
int kvs_data_endpoint(struct kvs_service *kvs, const char *stream, int64_t deadline_ms,
                      const char **endpoint, struct lk_error *err);

/* Walks every page of GetImages (JPEG, PRODUCER_TIMESTAMP) over the query's range on the
 * stream's data endpoint, calling on_frame for each frame with content. Frames marked
 * NO_MEDIA or MEDIA_ERROR are counted in *skipped (may be NULL) and, with want_gaps, handed
 * to on_frame too. A page that
 * kvs_check_images_page rejects is a malformed answer, retried like a 5xx and then
 * LK_AWS_BAD_RESPONSE. Only NO_MEDIA images is a normal answer (logged at INFO); MEDIA_ERROR
 * with no frame that has content is LK_AWS_SERVER. After a failure the stream's data
 * endpoint is forgotten, so the next call asks for it again. */
int kvs_get_images(struct kvs_service *kvs, const struct kvs_images_query *q, int64_t deadline_ms,
                   kvs_frame_fn on_frame, void *user, size_t *skipped, struct lk_error *err);

/* What the images of a GetImages page are. */
struct kvs_page_tally {
    size_t frames;      /* with ImageContent */
    size_t no_media;    /* Error NO_MEDIA: nothing was recorded at that time */
    size_t media_error; /* any other Error: KVS could not make the image */
};

/* Checks one GetImages page body (len bytes, not NUL-terminated): a JSON object whose Images
 * is a list of objects, each with a number TimeStamp and a string ImageContent or Error, and
 * whose NextToken, when present, is a string. Fills *tally (caller's). Returns LK_OK or
 * LK_AWS_BAD_RESPONSE naming the place ("KVS GetImages: Images[2]: no TimeStamp"). */
int kvs_check_images_page(const char *text, size_t len, struct kvs_page_tally *tally,
                          struct lk_error *err);

/* Image generation settings for UpdateImageGenerationConfiguration. */
struct kvs_image_generation {
    const char *destination_uri; /* s3://bucket[/prefix] */
    const char *destination_region;
    const char *selector; /* SERVER_TIMESTAMP | PRODUCER_TIMESTAMP */
    const char *format;   /* JPEG | PNG */
    int sampling_ms;
    int jpeg_quality;  /* 0 = default */
    int width, height; /* 0 = source size */
};

/* Enables image generation with g, or deletes the configuration when g is NULL. */
int kvs_update_image_generation(struct kvs_service *kvs, const char *stream,
                                const struct kvs_image_generation *g, int64_t deadline_ms,
                                struct lk_error *err);
/* Sends fragment notifications to topic_arn, or deletes the configuration when NULL. */
int kvs_update_notification(struct kvs_service *kvs, const char *stream, const char *topic_arn,
                            int64_t deadline_ms, struct lk_error *err);

#endif
