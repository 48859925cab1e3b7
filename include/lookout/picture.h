/*
 * picture.h: the annotated snapshot of an alerting frame, stored in SNAPSHOT_BUCKET (prefix
 * pl_picture_). The frame's pixels are those at hand, or, for an S3 frame whose plan is
 * PL_PIXELS_READ_ON_ALERT, the object read now (GetObject): only frames that alert are read.
 *
 * What is drawn: every instance of the matched labels, outlined in its label's colour and
 * tagged "<Name> <confidence>%"; every configured zone; a strip with the stream, the frame
 * time and the matched labels that have no box. At most SNAPSHOT_MAX_WIDTH wide, JPEG
 * quality 80 (snapshot.h draws; this module only says what).
 *
 * The key is under SNAPSHOT_PREFIX, so the S3 event it raises is skipped as the function's
 * own (detect.c), and a function of the frame, so a retry overwrites it:
 *   <prefix><stream>/<frame ms>-<16 hex of SHA-256 of the frame's identity>.annotated.jpg
 */
#ifndef LOOKOUT_PICTURE_H
#define LOOKOUT_PICTURE_H

#include "lookout/alert.h"
#include "lookout/decide.h"
#include "lookout/frame.h"
#include "lookout/job.h"

struct pl_picture {
    int stored;              /* 0: no snapshot (no SNAPSHOT_BUCKET, or an undecodable frame) */
    char key[1200];
    char uri[1400];
    char *url;               /* owned, presigned */
    struct alert_snapshot snapshot; /* points into this struct */
};

/* Makes, stores and links the snapshot of frame (time frame_ms) for match. A frame whose pixels cannot be
 * decoded (Rekognition may read formats we do not) gives stored = 0 and a warning, not a
 * failure: the alert still goes out with its frame link. S3 and presign failures fail. */
int pl_picture_store(struct pl_job *job, const struct pl_frame *frame, long long frame_ms,
                     const struct dec_result *match, struct pl_picture *out,
                     struct lk_error *err);
void pl_picture_cleanup(struct pl_picture *p);

#endif
