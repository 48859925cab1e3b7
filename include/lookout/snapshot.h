/*
 * snapshot.h: the annotated picture of an alert (prefix img_snapshot_): the frame (JPEG or
 * PNG) decoded at reduced scale, each located object outlined in its label's colour with a
 * tag ("Person 97%"), zones outlined, and a strip under the frame with lines of text (the
 * stream and the time, labels that have no box); encoded as JPEG.
 *
 * Knows nothing of Rekognition, JSON or alerts: boxes, zones and text arrive as plain data,
 * already worded by the caller. Input bytes are outside bytes, checked as image.h says.
 *
 * Memory: a JPEG is decoded at the smallest TurboJPEG scale (1/1, 1/2, 1/4, 1/8) whose width
 * still reaches the snapshot's, then box-scaled; so a 4K frame going to 1280 wide is decoded
 * at 1/2, never whole. PNG is decoded row by row into the same scaler.
 *
 * Pixels: a colour JPEG with 4:2:0, 4:2:2 or 4:4:4 chroma (what KVS writes is 4:2:0) whose
 * scaled and fitted sides are whole chroma samples is read, scaled, drawn on and encoded as
 * YCbCr planes (img_snapshot_planar): no colour conversion, no chroma resampling, and the
 * snapshot keeps the frame's subsampling. There, box edges, outline widths and tags are
 * rounded to whole chroma samples, so their colours stay exact and do not bleed. Every
 * other frame (PNG, gray, other JPEGs) is drawn in RGB and encoded 4:2:0.
 */
#ifndef LOOKOUT_SNAPSHOT_H
#define LOOKOUT_SNAPSHOT_H

#include <stddef.h>

#include "lookout/buf.h"
#include "lookout/draw.h"
#include "lookout/error.h"

#define IMG_SNAPSHOT_DEFAULT_WIDTH 1280u
#define IMG_SNAPSHOT_MIN_WIDTH 160u
#define IMG_SNAPSHOT_QUALITY 80
#define IMG_SNAPSHOT_MAX_LINES 8u /* strip lines */

/* A located object: its box in fractions (0..1) of the frame, the tag drawn on it
 * (NUL-terminated; the font's characters, others drawn as hollow boxes) and its colour. */
struct img_snapshot_box {
    double left, top, width, height;
    const char *tag;
    struct img_color color;
};

/* A zone: a closed polygon of points in fractions of the frame, and its name (may be NULL). */
struct img_snapshot_zone {
    const double (*points)[2]; /* x, y pairs */
    size_t point_count;        /* >= 2 to be drawn */
    const char *name;
};

/* What to draw; everything borrowed for the call. */
struct img_snapshot_spec {
    unsigned max_width; /* IMG_SNAPSHOT_MIN_WIDTH..IMG_RGB_MAX_SIDE; the frame is never enlarged */
    int quality;        /* 1..100 */
    const struct img_snapshot_box *boxes;
    size_t box_count;
    const struct img_snapshot_zone *zones;
    size_t zone_count;
    const char *const *lines; /* strip text, at most IMG_SNAPSHOT_MAX_LINES (more are dropped) */
    size_t line_count;
    size_t budget_bytes; /* pixels decoded at most (image.h): else LK_IMAGE_TOO_LARGE */
};

/* The geometry of a snapshot of width w: outline thickness and font scale, so that tests and
 * callers can find what was drawn. */
struct img_snapshot_style {
    unsigned thickness;   /* box outlines, pixels */
    unsigned zone_width;  /* zone outlines, pixels */
    unsigned font_scale;  /* tags and strip */
    unsigned line_height; /* strip line pitch, pixels */
};
struct img_snapshot_style img_snapshot_style_for(unsigned width);

/* The size of the frame inside the snapshot: src_w x src_h fitted to max_width (aspect kept). */
void img_snapshot_frame_size(unsigned src_w, unsigned src_h, unsigned max_width, unsigned *w,
                             unsigned *h);
/* Height of the strip for line_count lines at width (0 for no lines). */
unsigned img_snapshot_strip_height(unsigned width, size_t line_count);

/* Decodes data (JPEG or PNG), draws spec and appends the JPEG to out. *w and *h receive the
 * snapshot's size (the frame's fitted size, plus the strip under it). LK_BAD_IMAGE for bytes
 * that are not a decodable JPEG/PNG (or are CMYK / interlaced PNG), LK_INVALID_ARG for a bad
 * spec, LK_NOMEM, LK_TOO_LARGE past out's cap. */
int img_snapshot_make(const void *data, size_t len, const struct img_snapshot_spec *spec,
                      struct lk_buf *out, unsigned *w, unsigned *h, struct lk_error *err);

/* 1 when img_snapshot_make draws this frame (fitted to max_width) on YCbCr planes, 0 when in
 * RGB or when the bytes are not an image it takes. Reads headers only. */
int img_snapshot_planar(const void *data, size_t len, unsigned max_width);

/* The colour zones are outlined in (no label gets it). */
extern const struct img_color IMG_SNAPSHOT_ZONE_COLOR;

/* The colour of a label name: one of a fixed palette of bright, distinct colours, chosen by
 * the name (case-insensitive), so that a label keeps its colour from one alert to the next. */
struct img_color img_snapshot_color(const char *label);

#endif
