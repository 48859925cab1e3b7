/*
 * motion.h: motion gating. The last thumbnail of each stream is kept across warm invocations
 * of one execution environment, so that a frame whose scene barely changed since the
 * stream's previous one costs no Rekognition call (MOTION_MIN_CHANGE).
 */
#ifndef LOOKOUT_MOTION_H
#define LOOKOUT_MOTION_H

#include <stddef.h>

#include "lookout/error.h"
#include "lookout/slots.h"

/* Caller storage, kept for the life of the process: stream -> struct img_thumb. */
struct pl_motion {
    struct slots last;
};

void pl_motion_init(struct pl_motion *m);
void pl_motion_cleanup(struct pl_motion *m);

/* Compares the frame (JPEG or PNG bytes) with the stream's last one and keeps it as the new
 * last one. *change is the fraction (0..1) of the scene that changed; the first frame an
 * environment sees of a stream counts as all changed (1.0). LK_BAD_IMAGE when the bytes do
 * not decode, LK_IMAGE_TOO_LARGE when decoding them needs more than budget_bytes. */
int pl_motion_check(struct pl_motion *m, const char *stream, const unsigned char *bytes, size_t len,
                    size_t budget_bytes, double *change, struct lk_error *err);

#endif
