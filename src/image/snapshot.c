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

/* On planes, edges and sides are kept on the chroma grid so that a colour's chroma is
 * exact and stays inside what was drawn; on RGB the grid is 1 and nothing moves. */
static int snap(int v, unsigned grid)
{
    return v < 0 ? v : (v + (int)(grid / 2)) / (int)grid * (int)grid;
}

static unsigned snap_up(unsigned v, unsigned grid)
{
    return (v + grid - 1) / grid * grid;
}

/* The tag sits on a band of the box's colour above the box, or inside its top when the box
 * touches the top of the frame; it is kept inside the frame sideways. */
static void draw_tag(struct img_canvas *c, int x, int y, const char *tag, struct img_color col,
                     const struct img_snapshot_style *st)
{
    unsigned pad_x = snap_up(TAG_PAD, c->grid_x), pad_y = snap_up(TAG_PAD, c->grid_y);
    unsigned tw = snap_up(img_text_width(tag, st->font_scale) + 2 * pad_x, c->grid_x);
    unsigned th = snap_up(img_text_height(st->font_scale) + 2 * pad_y, c->grid_y);
    x = snap(x, c->grid_x);
    y = snap(y, c->grid_y);
    int ty = y - (int)th >= 0 ? y - (int)th : y;
    if (ty + (int)th > (int)c->h)
        ty = (int)c->h - (int)th;
    if (x + (int)tw > (int)c->w)
        x = (int)c->w - (int)tw;
    if (x < 0)
        x = 0;
    img_canvas_fill_rect(c, x, ty, tw, th, col);
    img_canvas_draw_text(c, x + (int)pad_x, ty + (int)pad_y, tag, st->font_scale, ink_for(col));
}

static void draw_box(struct img_canvas *c, const struct img_snapshot_box *b,
                     const struct img_snapshot_style *st)
{
    unsigned gx = c->grid_x, gy = c->grid_y;
    int x0 = snap(to_px(b->left, c->w), gx), y0 = snap(to_px(b->top, c->h), gy);
    int x1 = snap(to_px(b->left + b->width, c->w), gx);
    int y1 = snap(to_px(b->top + b->height, c->h), gy);
    if (x1 <= x0 || y1 <= y0)
        return;
    img_canvas_draw_rect(c, x0, y0, (unsigned)(x1 - x0), (unsigned)(y1 - y0),
                         snap_up(st->thickness, gx > gy ? gx : gy), b->color);
    if (b->tag && b->tag[0])
        draw_tag(c, x0, y0, b->tag, b->color, st);
}

static void draw_zone(struct img_canvas *c, const struct img_snapshot_zone *z,
                      const struct img_snapshot_style *st)
{
    if (!z->points || z->point_count < 2)
        return;
    for (size_t i = 0; i < z->point_count; i++) {
        const double *a = z->points[i], *b = z->points[(i + 1) % z->point_count];
        img_canvas_draw_line(c, to_px(a[0], c->w - 1), to_px(a[1], c->h - 1), to_px(b[0], c->w - 1),
                             to_px(b[1], c->h - 1), st->zone_width, IMG_SNAPSHOT_ZONE_COLOR);
    }
    if (z->name && z->name[0]) {
        int x = to_px(z->points[0][0], c->w - 1) + (int)st->zone_width + 2;
        int y = to_px(z->points[0][1], c->h - 1) + (int)st->zone_width + 2;
        draw_tag(c, x, y + (int)img_text_height(st->font_scale) + 2 * (int)TAG_PAD, z->name,
                 IMG_SNAPSHOT_ZONE_COLOR, st);
    }
}

static void draw_strip(struct img_canvas *c, unsigned frame_h, const struct img_snapshot_spec *spec,
                       const struct img_snapshot_style *st)
{
    size_t n = spec->line_count < IMG_SNAPSHOT_MAX_LINES ? spec->line_count
                                                          : IMG_SNAPSHOT_MAX_LINES;
    for (size_t i = 0; i < n; i++)
        if (spec->lines[i])
            img_canvas_draw_text(c, (int)STRIP_PAD,
                                 (int)(frame_h + STRIP_PAD + i * st->line_height), spec->lines[i],
                                 st->font_scale, TEXT_LIGHT);
}

/* The pixels of a snapshot: RGB or planes, and the canvas drawing them. */
struct snap_pixels {
    struct img_rgb rgb;
    struct img_planes planes;
    struct img_canvas canvas;
};

/* The longest side of the frame fitted to max_width. */
static int fitted_side(const void *data, size_t len, unsigned max_width, unsigned *longest,
                       struct lk_error *err)
{
    struct img_info info;
    unsigned w, h;
    int rc = img_probe(data, len, &info, err);
    if (rc != LK_OK)
        return rc;
    img_snapshot_frame_size(info.width, info.height, max_width, &w, &h);
    *longest = w > h ? w : h;
    return LK_OK;
}

int img_snapshot_planar(const void *data, size_t len, unsigned max_width)
{
    struct lk_error err;
    struct img_fit_cost cost;
    unsigned longest, sx = 0, sy = 0;
    return fitted_side(data, len, max_width, &longest, &err) == LK_OK &&
           img_planes_fitted_cost(data, len, longest, longest, &cost, &sx, &sy, &err) == LK_OK &&
           sx != 0;
}

static int rgb_canvas(const void *data, size_t len, const struct img_snapshot_spec *spec,
                      unsigned longest, struct snap_pixels *px, unsigned *frame_h,
                      struct lk_error *err)
{
    struct img_resampler rs;
    int rc = img_decode_fitted(data, len, 3, longest, longest, spec->budget_bytes, &rs, err);
    if (rc != LK_OK)
        return rc;
    unsigned w = rs.dst_w, h = rs.dst_h;
    unsigned char *pixels = img_resampler_finish(&rs);
    rc = pixels ? LK_OK : err_set(err, LK_NOMEM, "snapshot: out of memory");
    if (rc == LK_OK)
        rc = img_rgb_init(&px->rgb, w, h + img_snapshot_strip_height(w, spec->line_count),
                          STRIP_COLOR, err);
    if (rc == LK_OK) {
        memcpy(px->rgb.pixels, pixels, (size_t)w * h * 3);
        px->canvas = img_canvas_rgb(&px->rgb);
    }
    *frame_h = h;
    free(pixels);
    return rc;
}

/* The frame's planes are made with the strip's rows under them, which take its colour. */
static int planar_canvas(const void *data, size_t len, const struct img_snapshot_spec *spec,
                         unsigned longest, struct snap_pixels *px, unsigned *frame_h,
                         struct lk_error *err)
{
    struct img_fit_cost cost;
    unsigned sx, sy;
    int rc = img_planes_fitted_cost(data, len, longest, longest, &cost, &sx, &sy, err);
    unsigned strip = img_snapshot_strip_height(cost.dst_w, spec->line_count);
    if (rc == LK_OK)
        rc = img_planes_decode_fitted(data, len, longest, longest, strip, spec->budget_bytes,
                                      &px->planes, err);
    if (rc != LK_OK)
        return rc;
    *frame_h = px->planes.h - strip;
    px->canvas = img_canvas_planes(&px->planes);
    img_canvas_fill_rect(&px->canvas, 0, (int)*frame_h, px->planes.w, strip, STRIP_COLOR);
    return LK_OK;
}

/* The decoded frame, fitted to max_width, on a canvas tall enough for the strip: planes for
 * the colour JPEGs that allow it (img_snapshot_planar), RGB for every other frame. */
static int decode_onto_canvas(const void *data, size_t len, const struct img_snapshot_spec *spec,
                              struct snap_pixels *px, unsigned *frame_h, struct lk_error *err)
{
    unsigned longest;
    int rc = fitted_side(data, len, spec->max_width, &longest, err);
    if (rc != LK_OK)
        return rc;
    if (img_snapshot_planar(data, len, spec->max_width))
        return planar_canvas(data, len, spec, longest, px, frame_h, err);
    return rgb_canvas(data, len, spec, longest, px, frame_h, err);
}

int img_snapshot_make(const void *data, size_t len, const struct img_snapshot_spec *spec,
                      struct lk_buf *out, unsigned *w, unsigned *h, struct lk_error *err)
{
    struct snap_pixels px = {0};
    unsigned frame_h = 0;
    int rc = check_spec(spec, err);
    if (rc == LK_OK)
        rc = decode_onto_canvas(data, len, spec, &px, &frame_h, err);
    if (rc != LK_OK)
        goto cleanup;
    struct img_snapshot_style st = img_snapshot_style_for(px.canvas.w);
    /* drawing on the frame never spills into the strip */
    struct img_canvas frame = img_canvas_top(&px.canvas, frame_h);
    for (size_t i = 0; i < spec->zone_count; i++)
        draw_zone(&frame, &spec->zones[i], &st);
    for (size_t i = 0; i < spec->box_count; i++)
        draw_box(&frame, &spec->boxes[i], &st);
    draw_strip(&px.canvas, frame_h, spec, &st);
    rc = px.canvas.planes ? img_planes_to_jpeg(&px.planes, spec->quality, out, err)
                          : img_rgb_to_jpeg(&px.rgb, spec->quality, out, err);
    if (rc == LK_OK) {
        *w = px.canvas.w;
        *h = px.canvas.h;
    }
cleanup:
    img_rgb_cleanup(&px.rgb);
    img_planes_cleanup(&px.planes);
    return rc;
}
