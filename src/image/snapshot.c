/* The annotated snapshot of an alert (snapshot.h). */
#include "lookout/snapshot.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "img_internal.h"

#define TAG_PAD 3u
#define STRIP_PAD 6u

/* Bright colours far from each other and from the zone yellow, readable on grass, tarmac
 * and night infrared alike. */
static const struct img_color PALETTE[] = {
    {230, 25, 75},  {60, 180, 75},  {0, 130, 200}, {245, 130, 48},
    {145, 30, 180}, {70, 240, 240}, {240, 50, 230}, {0, 128, 128},
};
const struct img_color IMG_SNAPSHOT_ZONE_COLOR = {255, 214, 0};
static const struct img_color STRIP_COLOR = {24, 24, 24};
static const struct img_color TEXT_LIGHT = {255, 255, 255};
static const struct img_color TEXT_DARK = {0, 0, 0};

struct img_color img_snapshot_color(const char *label)
{
    uint32_t h = 2166136261u; /* FNV-1a: stable across runs and builds */
    for (const unsigned char *p = (const unsigned char *)label; p && *p; p++)
        h = (h ^ (uint32_t)tolower(*p)) * 16777619u;
    return PALETTE[h % (sizeof(PALETTE) / sizeof(PALETTE[0]))];
}

struct img_snapshot_style img_snapshot_style_for(unsigned width)
{
    struct img_snapshot_style s;
    s.thickness = width / 320 > 3 ? width / 320 : 3;
    s.zone_width = s.thickness; /* thinner lines lose their colour to 4:2:0 chroma */
    s.font_scale = width / 640 > 1 ? width / 640 : 1;
    s.line_height = img_text_height(s.font_scale) + s.font_scale * 3;
    return s;
}

void img_snapshot_frame_size(unsigned src_w, unsigned src_h, unsigned max_width, unsigned *w,
                             unsigned *h)
{
    if (src_w <= max_width || src_w == 0) {
        *w = src_w;
        *h = src_h;
        return;
    }
    unsigned long long sh = (unsigned long long)src_h * max_width / src_w;
    *w = max_width;
    *h = sh ? (unsigned)sh : 1;
}

unsigned img_snapshot_strip_height(unsigned width, size_t line_count)
{
    if (line_count == 0)
        return 0;
    if (line_count > IMG_SNAPSHOT_MAX_LINES)
        line_count = IMG_SNAPSHOT_MAX_LINES;
    struct img_snapshot_style s = img_snapshot_style_for(width);
    return 2 * STRIP_PAD + (unsigned)line_count * s.line_height;
}

static int check_spec(const struct img_snapshot_spec *spec, struct lk_error *err)
{
    if (spec->max_width < IMG_SNAPSHOT_MIN_WIDTH || spec->max_width > IMG_RGB_MAX_SIDE)
        return err_set(err, LK_INVALID_ARG, "snapshot: width %u is not %u..%u", spec->max_width,
                       IMG_SNAPSHOT_MIN_WIDTH, IMG_RGB_MAX_SIDE);
    if (spec->quality < 1 || spec->quality > 100)
        return err_set(err, LK_INVALID_ARG, "snapshot: quality %d is not 1..100", spec->quality);
    return LK_OK;
}

static int to_px(double f, unsigned side)
{
    if (!(f > 0)) /* NaN too */
        return 0;
    if (f >= 1)
        return (int)side;
    return (int)(f * side + 0.5);
}

/* Black or white, whichever reads better on c (Rec. 601 luma). */
static struct img_color ink_for(struct img_color c)
{
    unsigned luma = (299u * c.r + 587u * c.g + 114u * c.b) / 1000u;
    return luma > 140 ? TEXT_DARK : TEXT_LIGHT;
}

/* The tag sits on a band of the box's colour above the box, or inside its top when the box
 * touches the top of the frame; it is kept inside the frame sideways. */
static void draw_tag(struct img_rgb *img, unsigned frame_h, int x, int y, const char *tag,
                     struct img_color c, const struct img_snapshot_style *st)
{
    unsigned tw = img_text_width(tag, st->font_scale) + 2 * TAG_PAD;
    unsigned th = img_text_height(st->font_scale) + 2 * TAG_PAD;
    int ty = y - (int)th >= 0 ? y - (int)th : y;
    if (ty + (int)th > (int)frame_h)
        ty = (int)frame_h - (int)th;
    if (x + (int)tw > (int)img->w)
        x = (int)img->w - (int)tw;
    if (x < 0)
        x = 0;
    img_fill_rect(img, x, ty, tw, th, c);
    img_draw_text(img, x + (int)TAG_PAD, ty + (int)TAG_PAD, tag, st->font_scale, ink_for(c));
}

static void draw_box(struct img_rgb *img, unsigned frame_h, const struct img_snapshot_box *b,
                     const struct img_snapshot_style *st)
{
    int x0 = to_px(b->left, img->w), y0 = to_px(b->top, frame_h);
    int x1 = to_px(b->left + b->width, img->w), y1 = to_px(b->top + b->height, frame_h);
    if (x1 <= x0 || y1 <= y0)
        return;
    img_draw_rect(img, x0, y0, (unsigned)(x1 - x0), (unsigned)(y1 - y0), st->thickness,
                  b->color);
    if (b->tag && b->tag[0])
        draw_tag(img, frame_h, x0, y0, b->tag, b->color, st);
}

static void draw_zone(struct img_rgb *img, unsigned frame_h, const struct img_snapshot_zone *z,
                      const struct img_snapshot_style *st)
{
    if (!z->points || z->point_count < 2)
        return;
    for (size_t i = 0; i < z->point_count; i++) {
        const double *a = z->points[i], *b = z->points[(i + 1) % z->point_count];
        img_draw_line(img, to_px(a[0], img->w - 1), to_px(a[1], frame_h - 1),
                      to_px(b[0], img->w - 1), to_px(b[1], frame_h - 1), st->zone_width,
                      IMG_SNAPSHOT_ZONE_COLOR);
    }
    if (z->name && z->name[0]) {
        int x = to_px(z->points[0][0], img->w - 1) + (int)st->zone_width + 2;
        int y = to_px(z->points[0][1], frame_h - 1) + (int)st->zone_width + 2;
        draw_tag(img, frame_h, x, y + (int)img_text_height(st->font_scale) + 2 * (int)TAG_PAD,
                 z->name, IMG_SNAPSHOT_ZONE_COLOR, st);
    }
}

static void draw_strip(struct img_rgb *img, unsigned frame_h, const struct img_snapshot_spec *spec,
                       const struct img_snapshot_style *st)
{
    size_t n = spec->line_count < IMG_SNAPSHOT_MAX_LINES ? spec->line_count
                                                          : IMG_SNAPSHOT_MAX_LINES;
    for (size_t i = 0; i < n; i++)
        if (spec->lines[i])
            img_draw_text(img, (int)STRIP_PAD, (int)(frame_h + STRIP_PAD + i * st->line_height),
                          spec->lines[i], st->font_scale, TEXT_LIGHT);
}

/* The decoded frame, fitted to max_width, on a canvas tall enough for the strip. */
static int decode_onto_canvas(const void *data, size_t len, const struct img_snapshot_spec *spec,
                              struct img_rgb *canvas, unsigned *frame_h, struct lk_error *err)
{
    struct img_info info;
    struct img_resampler rs;
    unsigned w, h;
    int rc = img_probe(data, len, &info, err);
    if (rc != LK_OK)
        return rc;
    img_snapshot_frame_size(info.width, info.height, spec->max_width, &w, &h);
    unsigned longest = w > h ? w : h;
    rc = img_decode_fitted(data, len, 3, longest, longest, spec->budget_bytes, &rs, err);
    if (rc != LK_OK)
        return rc;
    w = rs.dst_w;
    h = rs.dst_h;
    unsigned char *pixels = img_resampler_finish(&rs);
    rc = pixels ? LK_OK : err_set(err, LK_NOMEM, "snapshot: out of memory");
    if (rc == LK_OK)
        rc = img_rgb_init(canvas, w, h + img_snapshot_strip_height(w, spec->line_count),
                          STRIP_COLOR, err);
    if (rc == LK_OK)
        memcpy(canvas->pixels, pixels, (size_t)w * h * 3);
    *frame_h = h;
    free(pixels);
    return rc;
}

int img_snapshot_make(const void *data, size_t len, const struct img_snapshot_spec *spec,
                      struct lk_buf *out, unsigned *w, unsigned *h, struct lk_error *err)
{
    struct img_rgb canvas = {0};
    unsigned frame_h = 0;
    int rc = check_spec(spec, err);
    if (rc == LK_OK)
        rc = decode_onto_canvas(data, len, spec, &canvas, &frame_h, err);
    if (rc != LK_OK)
        goto cleanup;
    struct img_snapshot_style st = img_snapshot_style_for(canvas.w);
    struct img_rgb frame = canvas; /* drawing on the frame never spills into the strip */
    frame.h = frame_h;
    for (size_t i = 0; i < spec->zone_count; i++)
        draw_zone(&frame, frame_h, &spec->zones[i], &st);
    for (size_t i = 0; i < spec->box_count; i++)
        draw_box(&frame, frame_h, &spec->boxes[i], &st);
    draw_strip(&canvas, frame_h, spec, &st);
    rc = img_rgb_to_jpeg(&canvas, spec->quality, out, err);
    if (rc == LK_OK) {
        *w = canvas.w;
        *h = canvas.h;
    }
cleanup:
    img_rgb_cleanup(&canvas);
    return rc;
}
