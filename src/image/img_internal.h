/* Pieces shared inside the image module; not part of the public contract. */
#ifndef LOOKOUT_IMG_INTERNAL_H
#define LOOKOUT_IMG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/buf.h"
#include "lookout/error.h"
#include "lookout/image.h"

/* Receives row y (0..height-1) of width pixels of 8-bit samples, channels per pixel. */
typedef int (*img_row_fn)(void *ctx, const unsigned char *row, unsigned y);

struct img_png_header {
    unsigned width;
    unsigned height;
    unsigned bit_depth;
    unsigned color_type;
    unsigned interlace;
};

/* Reads and checks the signature and IHDR (dimension caps, valid depth/colour pairs). */
int img_png_header(const unsigned char *d, size_t len, struct img_png_header *h,
                   struct lk_error *err);
/* Decodes every row to 8-bit gray (out_channels 1) or RGB (3) and hands it to fn. */
int img_png_decode(const unsigned char *d, size_t len, unsigned out_channels, img_row_fn fn,
                   void *ctx, struct lk_error *err);

/* Decodes a JPEG to gray (channels 1) or RGB (3) at the smallest TurboJPEG scale whose
 * longest side is at least min_side (full size when none is), rows handed to fn. */
int img_jpeg_decode(const unsigned char *d, size_t len, unsigned channels, unsigned min_side,
                    img_row_fn fn, void *ctx, unsigned *w_out, unsigned *h_out,
                    struct lk_error *err);
/* The size img_jpeg_decode will produce for that min_side, and the bytes the decode holds
 * at once: the scaled picture in channels, plus the whole image's DCT coefficients when the
 * JPEG is progressive. */
int img_jpeg_scaled_size(const unsigned char *d, size_t len, unsigned min_side, unsigned channels,
                         unsigned *w, unsigned *h, unsigned long long *decoder_bytes,
                         struct lk_error *err);

/* The gray picture at 1/8 scale (w x h: the image's sides / 8, rounded up) of a
 * sequential Huffman JPEG, from its luma DC terms: the pixels TurboJPEG's 1/8 grayscale
 * decode gives, without decoding the AC terms. 1 when out (caller's, w * h bytes) is
 * filled; 0 when the JPEG is not one this reader takes (progressive, arithmetic, 12-bit,
 * several scans, RGB, luma subsampled, a damaged stream TurboJPEG would patch with a
 * warning): the caller decodes it with TurboJPEG instead. */
int img_jpeg_dc_decode(const unsigned char *d, size_t len, unsigned w, unsigned h,
                       unsigned char *out);

/* Encodes RGB rows (stride bytes apart) as a JPEG 4:2:0 at quality, appended to out
 * (LK_TOO_LARGE past its cap). */
int img_jpeg_encode(const unsigned char *rgb, unsigned w, size_t stride, unsigned h, int quality,
                    struct lk_buf *out, struct lk_error *err);

/* Box-filter downscaler fed one source row at a time, in order. */
struct img_resampler {
    unsigned src_w, src_h, dst_w, dst_h, channels;
    uint32_t *colcount; /* source columns per destination column (consecutive ones) */
    uint32_t *sums;     /* per source sample, its column's sum over the band's rows */
    double *inv;        /* 1 / colcount */
    uint64_t *magic;    /* per column, two multipliers dividing by a box's size (resample.c) */
    unsigned rows_lo;   /* source rows per band: rows_lo or rows_lo + 1 */
    int magic_ok;       /* every box is small enough for the multipliers */
    unsigned band;      /* destination row being summed */
    unsigned band_rows; /* source rows summed into it */
    unsigned char *out; /* dst_w * dst_h * channels; handed over by finish */
    int out_borrowed;   /* out is the caller's (img_resampler_init_into) */
};

/* dst sides are 1..src sides. */
int img_resampler_init(struct img_resampler *r, unsigned src_w, unsigned src_h, unsigned dst_w,
                       unsigned dst_h, unsigned channels, struct lk_error *err);
/* The same, the picture going to out (the caller's, dst_w * dst_h * channels bytes, every
 * one written by finish), which cleanup leaves alone. */
int img_resampler_init_into(struct img_resampler *r, unsigned src_w, unsigned src_h, unsigned dst_w,
                            unsigned dst_h, unsigned channels, unsigned char *out,
                            struct lk_error *err);
/* An img_row_fn: ctx is the resampler. */
int img_resampler_row(void *ctx, const unsigned char *row, unsigned y);
/* Flushes and hands over the picture (free() it); the resampler is cleaned up. */
unsigned char *img_resampler_finish(struct img_resampler *r);
void img_resampler_cleanup(struct img_resampler *r);

/* What img_decode_fitted will make and hold: the output size and the bytes of every pixel
 * buffer alive at once (decoder, rows, resampler). Reads headers only. */
struct img_fit_cost {
    unsigned src_w, src_h; /* the decoder's output: a JPEG at its TurboJPEG scale */
    unsigned dst_w, dst_h;
    unsigned long long bytes;
};
int img_decode_fitted_cost(const unsigned char *d, size_t len, unsigned channels,
                           unsigned max_side, unsigned jpeg_min_side, struct img_fit_cost *cost,
                           struct lk_error *err);

/* Decodes a JPEG or PNG to channels (1 gray, 3 RGB) box-scaled so that its longest side is
 * at most max_side; a JPEG is first decoded at the smallest TurboJPEG scale whose longest
 * side is at least jpeg_min_side. LK_IMAGE_TOO_LARGE, before any pixel is decoded, when its
 * img_decode_fitted_cost is over budget_bytes. On LK_OK, rs holds the picture
 * (img_resampler_finish); on failure it holds nothing. */
int img_decode_fitted(const unsigned char *d, size_t len, unsigned channels, unsigned max_side,
                      unsigned jpeg_min_side, size_t budget_bytes, struct img_resampler *rs,
                      struct lk_error *err);

/* Destination size for src scaled so its longest side is at most max_side. */
void img_fit_size(unsigned src_w, unsigned src_h, unsigned max_side, unsigned *w, unsigned *h);

/* The bytes a resampler from a src_w-wide source to dst_w x dst_h holds, its output included. */
unsigned long long img_resampler_bytes(unsigned src_w, unsigned dst_w, unsigned dst_h,
                                       unsigned channels);

#endif
