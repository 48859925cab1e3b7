/*
 * detect.h: the story of one unit of work, told top to bottom in src/pipeline/detect.c:
 * where the frames come from (an S3 object, or a KVS time range through GetImages), what
 * Rekognition sees in them, what the user cares about, and the alert that goes out.
 *
 * The routing (which event gives which units) is pipeline.h's; this module does the work
 * for one unit and counts what it did.
 */
#ifndef LOOKOUT_DETECT_H
#define LOOKOUT_DETECT_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/decide.h"
#include "lookout/events.h"
#include "lookout/image.h"
#include "lookout/kvs.h"

/* The settings the story reads, parsed once at start-up (pl_settings_from_env). */
struct pl_settings {
    char *alert_topic_arn;      /* ALERT_TOPIC_ARN (required) */
    struct dec_config labels;   /* ALERT_LABELS, MIN_CONFIDENCE */
    int max_labels;             /* MAX_LABELS: what Rekognition returns at most */
    long presign_ttl_s;         /* PRESIGN_TTL_S: life of the image link in an alert */
    char *snapshot_bucket;      /* SNAPSHOT_BUCKET: where KVS frames that alert are kept */
    char *snapshot_prefix;      /* SNAPSHOT_PREFIX */
    int kvs_window_ms;          /* KVS_WINDOW_MS: frames of [start, start + window] */
    int kvs_sampling_ms;        /* KVS_SAMPLING_MS: GetImages SamplingInterval */
    int kvs_max_frames;         /* KVS_MAX_FRAMES: Rekognition calls per fragment at most */
    double motion_min_change;   /* MOTION_MIN_CHANGE: 0 = off; else the fraction (0..1] of a
                                   frame that must differ from the stream's last frame for it
                                   to be worth a Rekognition call */
};

#define PL_DEFAULT_MAX_LABELS 50
#define PL_DEFAULT_PRESIGN_TTL_S 3600
#define PL_DEFAULT_SNAPSHOT_PREFIX "alerts/"
#define PL_DEFAULT_KVS_WINDOW_MS 1000
#define PL_DEFAULT_KVS_SAMPLING_MS 1000
#define PL_DEFAULT_KVS_MAX_FRAMES 3

/* Reads and checks every setting; LK_CONFIG names the variable at fault. */
int pl_settings_from_env(struct pl_settings *s, struct lk_error *err);
void pl_settings_cleanup(struct pl_settings *s);

/* The AWS clients, made once and kept for the life of the process. */
struct pl_services {
    struct aws_config aws;
    struct aws_client *s3, *rekognition, *sns, *kvs, *kvs_media;
    struct kvs_endpoint_cache endpoints;
};

int pl_services_init(struct pl_services *svc, struct lk_error *err);
void pl_services_cleanup(struct pl_services *svc);

/* Motion gating: the last thumbnail of each stream, kept across warm invocations of one
 * execution environment, so that a still scene costs no Rekognition call. Caller-owned (the
 * app keeps one for its life); a zeroed struct is empty. */
#define PL_MOTION_SLOTS 8
struct pl_motion {
    struct {
        char *stream;
        struct img_thumb thumb;
    } slot[PL_MOTION_SLOTS];
    size_t next;        /* slot to reuse when all are taken */
};

void pl_motion_cleanup(struct pl_motion *m);

/* What one unit of work did, added up over an invocation. */
struct pl_stats {
    size_t frames;     /* frames looked at by Rekognition */
    size_t skipped;    /* objects or frames passed over (not images, NO_MEDIA, ...) */
    size_t still;      /* frames passed over by motion gating */
    size_t labels;     /* labels Rekognition found, matched or not */
    size_t matched;    /* frames with a label the user cares about */
    size_t alerts;     /* alerts published */
};

/* Everything a unit of work needs, borrowed for the call. */
struct pl_job {
    const struct pl_settings *settings;
    struct pl_services *services;
    int64_t deadline_ms;
    struct pl_stats *stats;
    struct pl_motion *motion;
};

/* One S3 object (KVS-generated image or any JPEG/PNG): skipped with a logged reason when it
 * is not an image; else labelled in place (Image.S3Object) and alerted on. With motion gating
 * on, the pixels are needed here: the object is read (GetObject) and labelled from its bytes. */
int pl_detect_s3_object(struct pl_job *job, const struct ev_s3_object *obj,
                        enum ev_trigger trigger, struct lk_error *err);

/* The frames of a KVS fragment notification: GetImages over
 * [producer start, start + KVS_WINDOW_MS]. */
int pl_detect_fragment(struct pl_job *job, const struct ev_kvs_fragment *frag,
                       struct lk_error *err);

/* The frames of a stream time range (manual invocation). */
int pl_detect_range(struct pl_job *job, const struct ev_stream_range *range,
                    struct lk_error *err);

#endif
