/* Rectangles, lines and text (draw.h), drawn once over a canvas (img_internal.h) that is an
 * RGB picture or YCbCr planes. Everything clips to the canvas. */
#include <stdlib.h>
#include <string.h>

#include "img_internal.h"
#include "lookout/draw.h"

#define GLYPH_W 5u
#define GLYPH_H 7u

/* The part of x, y, w, h inside a pic_w x pic_h picture: [r[0], r[2]) x [r[1], r[3]). */
static void clip(int x, int y, unsigned w, unsigned h, unsigned pic_w, unsigned pic_h, long r[4])
{
    r[0] = x < 0 ? 0 : x;
    r[1] = y < 0 ? 0 : y;
    r[2] = (long)x + (long)w < (long)pic_w ? (long)x + (long)w : (long)pic_w;
    r[3] = (long)y + (long)h < (long)pic_h ? (long)y + (long)h : (long)pic_h;
}

void img_fill_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, struct img_color c)
{
    long r[4];
    clip(x, y, w, h, img->w, img->h, r);
    long x0 = r[0], y0 = r[1], x1 = r[2], y1 = r[3];
    for (long j = y0; j < y1; j++) {
        unsigned char *p = img->pixels + (size_t)j * img->stride + 3 * (size_t)x0;
        for (long i = x0; i < x1; i++, p += 3) {
            p[0] = c.r;
            p[1] = c.g;
            p[2] = c.b;
        }
    }
}

struct img_canvas img_canvas_rgb(const struct img_rgb *img)
{
    struct img_canvas c = {.w = img->w, .h = img->h, .grid_x = 1, .grid_y = 1, .rgb = *img};
    return c;
}

struct img_canvas img_canvas_planes(struct img_planes *p)
{
    struct img_canvas c = {
        .w = p->w, .h = p->h, .grid_x = p->sub_x, .grid_y = p->sub_y, .planes = p};
    return c;
}

struct img_canvas img_canvas_top(const struct img_canvas *c, unsigned h)
{
    struct img_canvas top = *c;
    top.h = h < c->h ? h : c->h;
    top.rgb.h = top.h;
    return top;
}

static void fill_plane(unsigned char *plane, size_t stride, long x0, long y0, long x1, long y1,
                       unsigned char v)
{
    for (long j = y0; j < y1; j++)
        memset(plane + (size_t)j * stride + x0, v, (size_t)(x1 - x0));
}

/* A chroma sample takes the colour when its top-left pixel is inside: the first sample
 * whose top-left pixel is at or after v. */
static long chroma_from(long v, unsigned grid)
{
    return (v + (long)grid - 1) / (long)grid;
}

static void fill_planes(struct img_canvas *c, long x0, long y0, long x1, long y1,
                        struct img_color col)
{
    struct img_planes *p = c->planes;
    if (!c->has_last || memcmp(&c->last, &col, sizeof(col)) != 0) {
        img_ycc_from_rgb(col, c->last_ycc);
        c->last = col;
        c->has_last = 1;
    }
    fill_plane(p->plane[0], p->pw[0], x0, y0, x1, y1, c->last_ycc[0]);
    long cx0 = chroma_from(x0, c->grid_x), cx1 = chroma_from(x1, c->grid_x);
    long cy0 = chroma_from(y0, c->grid_y), cy1 = chroma_from(y1, c->grid_y);
    for (int k = 1; k < 3 && cx1 > cx0 && cy1 > cy0; k++)
        fill_plane(p->plane[k], p->pw[k], cx0, cy0, cx1, cy1, c->last_ycc[k]);
}

void img_canvas_fill_rect(struct img_canvas *c, int x, int y, unsigned w, unsigned h,
                          struct img_color col)
{
    if (!c->planes) {
        img_fill_rect(&c->rgb, x, y, w, h, col);
        return;
    }
    long r[4];
    clip(x, y, w, h, c->w, c->h, r);
    if (r[2] > r[0] && r[3] > r[1])
        fill_planes(c, r[0], r[1], r[2], r[3], col);
}

void img_canvas_draw_rect(struct img_canvas *c, int x, int y, unsigned w, unsigned h,
                          unsigned thickness, struct img_color col)
{
    unsigned t = thickness;
    if (t == 0 || w == 0 || h == 0)
        return;
    if (2 * t >= w || 2 * t >= h) {
        img_canvas_fill_rect(c, x, y, w, h, col);
        return;
    }
    img_canvas_fill_rect(c, x, y, w, t, col);
    img_canvas_fill_rect(c, x, y + (int)(h - t), w, t, col);
    img_canvas_fill_rect(c, x, y + (int)t, t, h - 2 * t, col);
    img_canvas_fill_rect(c, x + (int)(w - t), y + (int)t, t, h - 2 * t, col);
}

void img_draw_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, unsigned thickness,
                   struct img_color c)
{
    struct img_canvas canvas = img_canvas_rgb(img);
    img_canvas_draw_rect(&canvas, x, y, w, h, thickness, c);
}

/* Bresenham, stamping a square brush at each step: exact ends, no floating point. */
void img_canvas_draw_line(struct img_canvas *c, int x0, int y0, int x1, int y1, unsigned thickness,
                          struct img_color col)
{
    unsigned t = thickness ? thickness : 1;
    int half = (int)(t / 2);
    long dx = labs((long)x1 - x0), dy = -labs((long)y1 - y0);
    int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    long e = dx + dy;
    for (;;) {
        img_canvas_fill_rect(c, x0 - half, y0 - half, t, t, col);
        if (x0 == x1 && y0 == y1)
            return;
        long e2 = 2 * e;
        if (e2 >= dy) {
            e += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            e += dx;
            y0 += sy;
        }
    }
}

unsigned img_text_width(const char *text, unsigned scale)
{
    size_t n = strlen(text);
    if (scale == 0)
        scale = 1;
    /* The last glyph needs no spacing column after it. */
    return n ? (unsigned)(n * IMG_FONT_CELL_W - 1) * scale : 0;
}

unsigned img_text_height(unsigned scale)
{
    return GLYPH_H * (scale ? scale : 1);
}

static void draw_glyph(struct img_canvas *c, int x, int y, const uint8_t *rows, unsigned scale,
                       struct img_color col)
{
    for (unsigned r = 0; r < GLYPH_H; r++)
        for (unsigned k = 0; k < GLYPH_W; k++)
            if (rows[r] & (1u << (GLYPH_W - 1 - k)))
                img_canvas_fill_rect(c, x + (int)(k * scale), y + (int)(r * scale), scale, scale,
                                     col);
}

void img_canvas_draw_text(struct img_canvas *c, int x, int y, const char *text, unsigned scale,
                          struct img_color col)
{
    if (scale == 0)
        scale = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        draw_glyph(c, x, y, img_font_glyph(*p), scale, col);
        x += (int)(IMG_FONT_CELL_W * scale);
    }
}

void img_draw_text(struct img_rgb *img, int x, int y, const char *text, unsigned scale,
                   struct img_color c)
{
    struct img_canvas canvas = img_canvas_rgb(img);
    img_canvas_draw_text(&canvas, x, y, text, scale, c);
}
