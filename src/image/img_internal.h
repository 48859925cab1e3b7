/* Pieces shared inside the image module; not part of the public contract. */
#ifndef LOOKOUT_IMG_INTERNAL_H
#define LOOKOUT_IMG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/buf.h"
#include "lookout/draw.h"
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

/* Ends an encode on TurboJPEG compressor tj: appends jpeg (size bytes) to out unless the
 * encode failed, then frees jpeg and tj. LK_BAD_IMAGE with TurboJPEG's message when failed,
 * LK_TOO_LARGE past out's cap. */
int img_jpeg_encoded(void *tj, int failed, unsigned char *jpeg, unsigned long size,
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

/* A YCbCr picture as a colour JPEG holds it (JFIF, full range), one plane per component:
 * Cb and Cr have one sample per sub_x columns and sub_y rows (4:2:0 is 2 x 2), and the sides
 * are whole chroma samples (w a multiple of sub_x, h of sub_y). Plane k is pw[k] x ph[k],
 * its stride pw[k]; the three are one allocation starting at plane[0], owned by the struct. */
struct img_planes {
    unsigned w, h, sub_x, sub_y;
    unsigned pw[3], ph[3];
    unsigned char *plane[3]; /* Y, Cb, Cr */
};

/* Allocates the planes (pixels not set). LK_INVALID_ARG for a zero or too large side, a
 * subsampling other than 1 or 2 a way, or sides that are not whole chroma samples. */
int img_planes_init(struct img_planes *p, unsigned w, unsigned h, unsigned sub_x, unsigned sub_y,
                    struct lk_error *err);
void img_planes_cleanup(struct img_planes *p);
/* Encodes p as a baseline JPEG with p's own subsampling (no colour conversion, no
 * downsampling), appended to out (LK_TOO_LARGE past its cap). */
int img_planes_to_jpeg(const struct img_planes *p, int quality, struct lk_buf *out,
                       struct lk_error *err);

/* The JPEG's subsampling when its pixels can be read as planes at the TurboJPEG scale picked
 * for min_side: YCbCr with 4:4:4, 4:2:2 or 4:2:0 chroma and scaled sides that are whole chroma
 * samples; else *sub_x = *sub_y = 0. *decoder_bytes: the planes, plus the DCT coefficients of
 * a progressive JPEG. */
int img_jpeg_planar_size(const unsigned char *d, size_t len, unsigned min_side, unsigned *w,
                         unsigned *h, unsigned *sub_x, unsigned *sub_y,
                         unsigned long long *decoder_bytes, struct lk_error *err);
/* Decodes such a JPEG into planes at that scale (*p initialised here; clean it up after). */
int img_jpeg_decode_planes(const unsigned char *d, size_t len, unsigned min_side,
                           struct img_planes *p, struct lk_error *err);

/* img_decode_fitted_cost for a JPEG read as planes, each plane box-scaled on its own: LK_OK
 * with *sub_x = 0 when the frame cannot be (img_jpeg_planar_size), or when its fitted sides
 * would not be whole chroma samples. */
int img_planes_fitted_cost(const unsigned char *d, size_t len, unsigned max_side,
                           unsigned jpeg_min_side, struct img_fit_cost *cost, unsigned *sub_x,
                           unsigned *sub_y, struct lk_error *err);
/* img_decode_fitted for such a JPEG, into planes (*p initialised here on LK_OK) extra_h rows
 * taller than the fitted frame, which fills their top (the rows below are not set; extra_h
 * is whole chroma samples). LK_IMAGE_TOO_LARGE before any pixel is decoded when the cost
 * (the extra rows included) is over budget_bytes; LK_INVALID_ARG when the frame cannot be
 * read as planes. */
int img_planes_decode_fitted(const unsigned char *d, size_t len, unsigned max_side,
                             unsigned jpeg_min_side, unsigned extra_h, size_t budget_bytes,
                             struct img_planes *p, struct lk_error *err);

/* Where drawing lands: an RGB picture or YCbCr planes, clipped to w x h (which may be the top
 * of the picture only). Shapes and text are drawn once, over img_canvas_fill_rect (draw.c).
 * On planes a colour is converted once (the last one is kept) and a chroma sample takes the
 * colour of a rectangle that covers its top-left pixel, so a rectangle on the chroma grid
 * (grid_x, grid_y: the sample's size in pixels, 1 for RGB) is exact and bleeds nowhere. */
struct img_canvas {
    unsigned w, h, grid_x, grid_y;
    struct img_rgb rgb;        /* a view; pixels NULL when drawing on planes */
    struct img_planes *planes; /* borrowed */
    struct img_color last;     /* the colour last converted to YCbCr, and its samples */
    unsigned char last_ycc[3];
    int has_last;
};

struct img_canvas img_canvas_rgb(const struct img_rgb *img);
struct img_canvas img_canvas_planes(struct img_planes *p);
/* The same canvas, clipped to its top h rows. */
struct img_canvas img_canvas_top(const struct img_canvas *c, unsigned h);
void img_canvas_fill_rect(struct img_canvas *c, int x, int y, unsigned w, unsigned h,
                          struct img_color col);
void img_canvas_draw_rect(struct img_canvas *c, int x, int y, unsigned w, unsigned h,
                          unsigned thickness, struct img_color col);
/* A straight line from (x0, y0) to (x1, y1), thickness pixels wide (a square brush centred on
 * the line). */
void img_canvas_draw_line(struct img_canvas *c, int x0, int y0, int x1, int y1, unsigned thickness,
                          struct img_color col);
void img_canvas_draw_text(struct img_canvas *c, int x, int y, const char *text, unsigned scale,
                          struct img_color col);
/* JFIF full-range YCbCr of an RGB colour. */
void img_ycc_from_rgb(struct img_color c, unsigned char ycc[3]);

#endif
