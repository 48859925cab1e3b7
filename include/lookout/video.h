/*
 * video.h: moving pictures written as the frames arrive, so memory stays bounded whatever
 * the length: Motion-JPEG in AVI (the JPEG bytes as they are) and animated PNG (APNG, RGB
 * frames deflated with zlib). Both write through a struct img_sink: appends in order, plus
 * a few small rewrites of the header at the end (sizes and counts known only then).
 *
 * Writers are heap objects: *_new / *_free. After a failure of *_add the writer is still
 * consistent: LK_TOO_LARGE (the size limit would be passed: nothing of that frame was
 * written) lets the caller *_finish what it has. A sink failure is LK_IO.
 */
#ifndef LOOKOUT_VIDEO_H
#define LOOKOUT_VIDEO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lookout/buf.h"
#include "lookout/draw.h"
#include "lookout/error.h"

/* Where bytes go. write appends n bytes; pwrite rewrites n bytes at offset off (< the bytes
 * written so far). Both return LK_OK or LK_IO. user is the caller's, borrowed. */
struct img_sink {
    int (*write)(void *user, const void *p, size_t n);
    int (*pwrite)(void *user, uint64_t off, const void *p, size_t n);
    void *user;
};

/* A sink on a seekable stdio file (borrowed; the caller closes it). */
struct img_sink img_sink_file(FILE *f);
/* A sink on a memory buffer (borrowed; its cap bounds it: passing it is LK_IO). */
struct img_sink img_sink_buf(struct lk_buf *b);

/* ---- Motion-JPEG AVI ------------------------------------------------------------------
 * RIFF 'AVI ' with one video stream: avih, strh 'vids'/'MJPG', strf BITMAPINFOHEADER with
 * biCompression 'MJPG', each frame one '00dc' chunk holding a whole JPEG, and an idx1 index
 * (every frame a key frame). AVI 1.0 keeps sizes in 32 bits and many readers stop at 1 GiB,
 * so the file is held to max_bytes (default IMG_AVI_MAX_BYTES) index included. */
#define IMG_AVI_MAX_BYTES ((uint64_t)1 << 30)
#define IMG_AVI_MAX_FRAMES 1000000u

struct img_avi_options {
    unsigned width, height;  /* of every frame: a JPEG of another size is LK_INVALID_ARG */
    unsigned fps;            /* 1..120 */
    uint64_t max_bytes;      /* 0 = IMG_AVI_MAX_BYTES; at most that */
};

struct img_avi;

/* Writes the headers (counts to be filled in by finish). The sink is borrowed and must
 * outlive the writer. */
int img_avi_new(const struct img_avi_options *opt, struct img_sink sink, struct img_avi **out,
                struct lk_error *err);
/* Appends one JPEG as it is (its header is read for the size; nothing is decoded). */
int img_avi_add(struct img_avi *avi, const void *jpeg, size_t len, struct lk_error *err);
/* Writes the index and the final sizes and counts. The writer can only be freed after. */
int img_avi_finish(struct img_avi *avi, struct lk_error *err);
void img_avi_free(struct img_avi *avi);
/* Frames and bytes written so far. */
size_t img_avi_frames(const struct img_avi *avi);
uint64_t img_avi_bytes(const struct img_avi *avi);

/* ---- Animated PNG ---------------------------------------------------------------------
 * PNG signature, IHDR (8-bit RGB), acTL (frame count written by finish, loops forever),
 * then per frame fcTL and the pixels (IDAT for the first, fdAT after), each row Paeth-
 * filtered and deflated. Lossless, so about ten times the size of the same frames in
 * Motion-JPEG: keep frames small (IMG_APNG_DEFAULT_SIDE) and the file under max_bytes. */
#define IMG_APNG_MAX_BYTES ((uint64_t)16 * 1024 * 1024)
#define IMG_APNG_DEFAULT_SIDE 320u

struct img_apng_options {
    unsigned width, height;  /* of every frame (img_rgb of another size: LK_INVALID_ARG) */
    unsigned fps;            /* 1..120 */
    uint64_t max_bytes;      /* 0 = IMG_APNG_MAX_BYTES */
};

struct img_apng;

int img_apng_new(const struct img_apng_options *opt, struct img_sink sink,
                 struct img_apng **out, struct lk_error *err);
int img_apng_add(struct img_apng *png, const struct img_rgb *frame, struct lk_error *err);
int img_apng_finish(struct img_apng *png, struct lk_error *err);
void img_apng_free(struct img_apng *png);
size_t img_apng_frames(const struct img_apng *png);
uint64_t img_apng_bytes(const struct img_apng *png);

#endif
