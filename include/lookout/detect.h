/*
 * detect.h: where frames come from, one unit of work at a time, told top to bottom in
 * src/pipeline/detect.c: an S3 object, or a KVS time range through GetImages. What happens
 * to each frame is frame.h's; which units an event holds is events.h's.
 */
#ifndef LOOKOUT_DETECT_H
#define LOOKOUT_DETECT_H

#include "lookout/events.h"
#include "lookout/job.h"

/* One S3 object (KVS-generated image or any JPEG/PNG): skipped with a logged reason when it
 * is not an image; else read as its plan says (HeadObject for the metadata, GetObject when
 * the pixels are needed first), labelled and alerted on. */
int pl_detect_s3_object(struct pl_job *job, const struct ev_s3_object *obj, enum ev_trigger trigger,
                        struct lk_error *err);

/* The frames of a KVS fragment notification: GetImages over
 * [producer start, start + KVS_WINDOW_MS]. */
int pl_detect_fragment(struct pl_job *job, const struct ev_kvs_fragment *frag,
                       struct lk_error *err);

/* The frames of a stream time range (manual invocation). */
int pl_detect_range(struct pl_job *job, const struct ev_stream_range *range, struct lk_error *err);

#endif
