/*
 * frame.h: what happens to one frame, wherever it came from: Rekognition labels it, the
 * decision keeps what the user cares about, and a match becomes one alert on SNS (after the
 * frame is stored in the snapshot bucket when it has no S3 object of its own).
 */
#ifndef LOOKOUT_FRAME_H
#define LOOKOUT_FRAME_H

#include <stddef.h>

#include "lookout/detect.h"
#include "lookout/events.h"

/* One frame and what is known of it. Everything is borrowed for the call. */
struct pl_frame {
    enum ev_trigger trigger;
    const char *stream_name;      /* as best known; never NULL */
    const char *stream_arn;       /* NULL when unknown */
    long long time_ms;            /* frame time, epoch ms; -1 when unknown */
    const char *fragment_number;  /* NULL when unknown */
    long long producer_ms;        /* -1 when unknown */
    long long server_ms;          /* -1 when unknown */
    const struct ev_tags *tags;   /* custom MKV tags; NULL for none */
    /* Where the pixels are: an S3 object (labelled in place), or bytes (JPEG). */
    const char *bucket;
    const char *key;
    const char *version_id;
    const unsigned char *bytes;
    size_t len;
};

/* Labels the frame, decides, and publishes an alert when something wanted is in it. Counts
 * into job->stats. Errors name the frame. */
int pl_frame_detect(struct pl_job *job, const struct pl_frame *frame, struct lk_error *err);

#endif
