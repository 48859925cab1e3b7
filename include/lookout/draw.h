/*
 * draw.h: RGB pictures in memory, and what is drawn on them: filled and outlined rectangles,
 * straight lines, and text in an embedded 5x7 bitmap font (no font file, no library). Used
 * for the time labels of a contact sheet and for the boxes and zones of alert snapshots.
 *
 * A struct img_rgb is caller storage; img_rgb_init allocates its pixels (owned by the struct
 * until img_rgb_cleanup). Drawing clips to the picture: coordinates may be negative or past
 * the edges, and nothing outside is touched. Drawing functions never fail.
 *
 * Conversions to and from JPEG use TurboJPEG; the JPEG input is outside bytes, checked as
 * image.h describes (LK_BAD_IMAGE, LK_NOMEM, LK_INVALID_ARG).
 */
#ifndef LOOKOUT_DRAW_H
#define LOOKOUT_DRAW_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/buf.h"
#include "lookout/error.h"

/* 8-bit RGB, row-major; row y starts at pixels + y * stride. */
struct img_rgb {
    unsigned w, h;
    size_t stride;          /* bytes per row, >= 3 * w */
    unsigned char *pixels;  /* owned (img_rgb_init) */
};

struct img_color {
    unsigned char r, g, b;
};

/* Largest side of a picture made here: bounds what a request can make us allocate. */
#define IMG_RGB_MAX_SIDE 16384u

/* Allocates a w x h picture filled with fill. LK_INVALID_ARG for a zero or too large side. */
int img_rgb_init(struct img_rgb *img, unsigned w, unsigned h, struct img_color fill,
                 struct lk_error *err);
void img_rgb_cleanup(struct img_rgb *img);

/* Decodes a JPEG into *img (initialised here; clean it up after), at the smallest TurboJPEG
 * scale (1/1, 1/2, 1/4, 1/8) whose longest side is still at least min_side (0: full size). */
int img_rgb_from_jpeg(const void *data, size_t len, unsigned min_side, struct img_rgb *img,
                      struct lk_error *err);
/* Encodes img as a baseline JPEG (4:2:0, quality 1..100), appended to out (its cap holds:
 * LK_TOO_LARGE past it). */
int img_rgb_to_jpeg(const struct img_rgb *img, int quality, struct lk_buf *out,
                    struct lk_error *err);

/* Draws src scaled (bilinear) into the rectangle x, y, w, h of dst, stretching it to fill. */
void img_rgb_blit_scaled(struct img_rgb *dst, int x, int y, unsigned w, unsigned h,
                         const struct img_rgb *src);

void img_fill_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, struct img_color c);
/* The outline of the rectangle, thickness pixels wide, inside it. */
void img_draw_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, unsigned thickness,
                   struct img_color c);

/* The font: 5x7 glyphs in a 6x8 cell (one column and one row of spacing), drawn at an integer
 * scale (each font pixel a scale x scale square). It covers printable ASCII: digits,
 * upper-case letters (lower case is drawn in upper case), space and
 * ! " # % & ' ( ) * + , - . / : ; < = > ? @ [ ] _ |. Any other byte is drawn as a hollow box. */
#define IMG_FONT_CELL_W 6u
#define IMG_FONT_CELL_H 8u

/* Width and height in pixels of text (NUL-terminated) drawn at scale (0 counts as 1). */
unsigned img_text_width(const char *text, unsigned scale);
unsigned img_text_height(unsigned scale);

/* Draws text with its top-left corner at x, y; only the glyphs' pixels are painted. */
void img_draw_text(struct img_rgb *img, int x, int y, const char *text, unsigned scale,
                   struct img_color c);

/* The font's rows for byte ch: 7 bytes, the low 5 bits of each a row, bit 4 the leftmost
 * column. Static storage. */
const uint8_t *img_font_glyph(unsigned char ch);

#endif
