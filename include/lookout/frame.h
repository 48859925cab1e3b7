/*
 * frame.h: what happens to one frame, wherever it came from: Rekognition labels it, the
 * decision keeps what the user cares about, and a match becomes one alert on SNS (after the
 * frame is stored in the snapshot bucket when it has no S3 object of its own).
 *
 * How a frame is read and labelled is decided once, by pl_frame_plan, from where the frame
 * comes from and what the settings need of it; nothing downstream guesses it from whether
 * bytes happen to be at hand.
 */
#ifndef LOOKOUT_FRAME_H
#define LOOKOUT_FRAME_H

#include <stddef.h>

#include "lookout/events.h"
#include "lookout/job.h"

/* The largest frame read from S3 (GetObject), in bytes: Rekognition reads S3 objects of up
 * to 15 MB, and a frame read for motion gating or a snapshot is held to the same bound. */
#define PL_FRAME_MAX_BYTES ((size_t)15 * 1024 * 1024)

enum pl_origin {
    PL_ORIGIN_S3,  /* an S3 object (KVS image generation, or any JPEG/PNG upload) */
    PL_ORIGIN_KVS, /* a frame GetImages returned */
};

/* Where the frame's pixels come from. */
enum pl_pixels {
    PL_PIXELS_NONE,          /* never read: Rekognition reads the S3 object itself */
    PL_PIXELS_IN_HAND,       /* GetImages returned them with the frame */
    PL_PIXELS_READ_FIRST,    /* the S3 object is read (GetObject) before labelling */
    PL_PIXELS_READ_ON_ALERT, /* the S3 object is read only once the frame alerts */
};

/* What DetectLabels is given. */
enum pl_labels_from {
    PL_LABELS_FROM_S3_OBJECT, /* Image.S3Object: nothing travels through the function */
    PL_LABELS_FROM_BYTES,     /* Image.Bytes, fitted to Rekognition's limits */
};

struct pl_plan {
    enum pl_pixels pixels;
    enum pl_labels_from labels_from;
    int motion_gated; /* compared with the stream's last frame before labelling */
};

/* The plan of a frame:
 *   KVS frame                       pixels in hand, labelled from bytes
 *   S3 object, motion gating on     read first (the comparison needs pixels), labelled from
 *                                   the bytes read, which are at hand
 *   S3 object, a picture needed     read on alert, labelled in place
 *   S3 object, otherwise            never read, labelled in place
 * picture_needed: an alert on this frame needs its pixels (a snapshot to store). Motion
 * gating applies to every frame whose pixels are read before labelling. */
struct pl_plan pl_frame_plan(enum pl_origin origin, int motion_gating, int picture_needed);

/* One frame and what is known of it. Everything is borrowed for the call. */
struct pl_frame {
    enum ev_trigger trigger;
    struct pl_plan plan;         /* pl_frame_plan's */
    const char *stream_name;     /* as best known; never NULL */
    const char *stream_arn;      /* NULL when unknown */
    long long time_ms;           /* frame time, epoch ms; -1 when unknown */
    const char *fragment_number; /* NULL when unknown */
    long long producer_ms;       /* -1 when unknown */
    long long server_ms;         /* -1 when unknown */
    const struct ev_tags *tags;  /* custom MKV tags; NULL for none */
    const char *bucket;          /* the S3 object of an S3 frame; NULL for a KVS frame */
    const char *key;
    const char *version_id;
    const char *etag;           /* of the S3 object, NULL when unknown */
    const unsigned char *bytes; /* the pixels (JPEG or PNG) when the plan has them at hand */
    size_t len;
};

/* Labels the frame, decides, and publishes an alert when something wanted is in it. Counts
 * into job->stats. Errors name the frame. */
int pl_frame_detect(struct pl_job *job, const struct pl_frame *frame, struct lk_error *err);

#endif
