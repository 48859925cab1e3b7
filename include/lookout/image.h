/*
 * image.h: JPEG and PNG bytes in, facts and small pictures out. TurboJPEG decodes and
 * encodes JPEG; PNG is read here with zlib. Nothing in this module touches JSON, the
 * network or the clock.
 *
 * All input is outside bytes: every function takes (data, len), never reads past len, and
 * checks dimensions against the caps below before allocating. Failures return LK_BAD_IMAGE
 * with a message that says what is wrong ("PNG: interlaced images are not supported"),
 * LK_INVALID_ARG for a bad argument, LK_NOMEM, or LK_TOO_LARGE when an output buffer's cap
 * is reached. Functions that decode take a budget_bytes: every pixel buffer they hold at
 * once (decoder, rows, scaled picture, encoded copy) is counted from the headers before any
 * pixel is decoded, and a picture that cannot be read within it is LK_IMAGE_TOO_LARGE. Structs filled here are caller storage whose heap members the module owns
 * until the matching *_cleanup (safe on a zeroed struct and after a failure).
 */
#ifndef LOOKOUT_IMAGE_H
#define LOOKOUT_IMAGE_H

#include <stddef.h>

#include "lookout/buf.h"
#include "lookout/error.h"

enum img_format { IMG_FORMAT_OTHER, IMG_FORMAT_JPEG, IMG_FORMAT_PNG };

/* Caps on what an input may declare. A larger image is LK_BAD_IMAGE before any decoding. */
#define IMG_MAX_SIDE 65500u         /* the largest JPEG side */
#define IMG_MAX_PIXELS 100000000ull /* 100 megapixels */

/* Format by magic bytes: FF D8 FF (JPEG), the 8-byte PNG signature. */
enum img_format img_detect(const void *data, size_t len);
/* "jpeg", "png", "other". */
const char *img_format_name(enum img_format f);
/* Why these bytes cannot be a frame for Rekognition ("empty content", "content is not a
 * JPEG or PNG image"), or NULL when the magic bytes say JPEG or PNG. A static string. */
const char *img_skip_reason(const void *data, size_t len);

struct img_info {
    enum img_format format;
    unsigned width;
    unsigned height;
    unsigned channels; /* JPEG: 1 gray, 3 colour, 4 CMYK; PNG: 1..4 from the colour type */
};

/* Dimensions from the header only (TurboJPEG's header reader; PNG's IHDR), checked against
 * the caps. Does not decode pixels, so a corrupt body can still fail later. */
int img_probe(const void *data, size_t len, struct img_info *out, struct lk_error *err);

/* ---- Thumbnails and motion ---------------------------------------------------------- */

#define IMG_THUMB_MAX_SIDE 256u
#define IMG_THUMB_DEFAULT_SIDE 64u

/* An 8-bit grayscale picture, row-major, width * height bytes. */
struct img_thumb {
    unsigned width;
    unsigned height;
    unsigned char *pixels; /* owned */
};

/* Decodes a JPEG or PNG to a grayscale thumbnail whose longest side is max_side (1..
 * IMG_THUMB_MAX_SIDE) or the image's own when smaller, keeping the aspect ratio (each
 * thumbnail pixel is the mean of the pixels it covers). JPEG is decoded in grayscale at
 * the smallest TurboJPEG scale of 1/1, 1/2, 1/4 or 1/8 whose longest side is still at
 * least 2 * max_side (1/8 for HD frames), so a JPEG and a PNG of the same picture give
 * nearly the same thumbnail. At 1/8 a sequential Huffman JPEG (what cameras and KVS write)
 * is read from its DC terms by the project's own reader, the same pixels TurboJPEG gives at
 * 1/8 in about 60% of the time; other JPEGs go to TurboJPEG. JPEG
 * decoder warnings (a truncated scan) are accepted, errors are LK_BAD_IMAGE. PNG: 8- and
 * 16-bit and 1/2/4-bit gray and palette, all colour types and filters; alpha is ignored;
 * interlaced PNG is LK_BAD_IMAGE. CMYK JPEG is LK_BAD_IMAGE. */
int img_thumbnail(const void *data, size_t len, unsigned max_side, size_t budget_bytes,
                  struct img_thumb *out, struct lk_error *err);
void img_thumb_cleanup(struct img_thumb *t);

/* Pixel difference at or below which a change is noise (JPEG artefacts, sensor noise). */
#define IMG_MOTION_NOISE 24u

/* The fraction (0..1) of pixels of cur whose gray level differs from prev by more than
 * noise. Thumbnails of different sizes are compared by sampling prev at cur's positions.
 * An empty thumbnail on either side gives 1.0 (treat as changed). */
double img_motion_score(const struct img_thumb *prev, const struct img_thumb *cur, unsigned noise);

/* A thumbnail as bytes: "LKT1", width and height as 16-bit big-endian, then the pixels
 * (at most 8 + 256 * 256 bytes). Appends to out (LK_TOO_LARGE past its cap). */
int img_thumb_serialize(const struct img_thumb *t, struct lk_buf *out);
/* The reverse; LK_BAD_IMAGE unless len is exactly right for the header's dimensions. */
int img_thumb_deserialize(const void *data, size_t len, struct img_thumb *out,
                          struct lk_error *err);

/* ---- Rekognition limits ------------------------------------------------------------- */

#define IMG_REK_MAX_BYTES 5242880u /* Image.Bytes, decoded */
#define IMG_REK_MAX_SIDE 10000u
#define IMG_REK_MIN_SIDE 80u
/* The longest side of a re-encoded frame that was over IMG_REK_MAX_SIDE. */
#define IMG_REK_TARGET_SIDE 4096u

/* Makes image bytes acceptable as DetectLabels Image.Bytes.
 * - A JPEG or PNG within IMG_REK_MAX_BYTES and IMG_REK_MAX_SIDE passes through unchanged:
 *   *result points into data and out is not touched.
 * - Otherwise it is decoded (JPEG at a TurboJPEG scale, PNG row by row), scaled so its
 *   longest side is IMG_REK_TARGET_SIDE when it was over IMG_REK_MAX_SIDE (more when the
 *   short side would drop below IMG_REK_MIN_SIDE), and encoded as JPEG 4:2:0 at quality
 *   (1..100) into out; if that is still over IMG_REK_MAX_BYTES it is scaled down by 3/4 and
 *   the quality lowered, until it fits. *result then points into out (valid until out
 *   changes). The first side is lowered the same way until decoding for it fits
 *   budget_bytes (a JPEG decoded at a smaller TurboJPEG scale).
 * LK_BAD_IMAGE when a side is below IMG_REK_MIN_SIDE, when it is not JPEG or PNG, or when
 * it cannot be decoded or made to fit; LK_IMAGE_TOO_LARGE when no side of at least
 * IMG_REK_MIN_SIDE can be decoded within budget_bytes (a progressive JPEG holds all of its
 * coefficients whatever the scale). */
int img_fit_for_rekognition(const void *data, size_t len, int quality, size_t budget_bytes,
                            struct lk_buf *out, struct lk_view *result, struct lk_error *err);

#endif
