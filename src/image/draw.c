/* Rectangles and text on RGB pictures (draw.h). Everything clips to the picture. */
#include <stdlib.h>
#include <string.h>

#include "lookout/draw.h"

#define GLYPH_W 5u
#define GLYPH_H 7u

void img_fill_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, struct img_color c)
{
    long x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
    long x1 = (long)x + (long)w, y1 = (long)y + (long)h;
    if (x1 > (long)img->w)
        x1 = img->w;
    if (y1 > (long)img->h)
        y1 = img->h;
    for (long j = y0; j < y1; j++) {
        unsigned char *p = img->pixels + (size_t)j * img->stride + 3 * (size_t)x0;
        for (long i = x0; i < x1; i++, p += 3) {
            p[0] = c.r;
            p[1] = c.g;
            p[2] = c.b;
        }
    }
}

void img_draw_rect(struct img_rgb *img, int x, int y, unsigned w, unsigned h, unsigned thickness,
                   struct img_color c)
{
    unsigned t = thickness;
    if (t == 0 || w == 0 || h == 0)
        return;
    if (2 * t >= w || 2 * t >= h) {
        img_fill_rect(img, x, y, w, h, c);
        return;
    }
    img_fill_rect(img, x, y, w, t, c);
    img_fill_rect(img, x, y + (int)(h - t), w, t, c);
    img_fill_rect(img, x, y + (int)t, t, h - 2 * t, c);
    img_fill_rect(img, x + (int)(w - t), y + (int)t, t, h - 2 * t, c);
}

/* Bresenham, stamping a square brush at each step: exact ends, no floating point. */
void img_draw_line(struct img_rgb *img, int x0, int y0, int x1, int y1, unsigned thickness,
                   struct img_color c)
{
    unsigned t = thickness ? thickness : 1;
    int half = (int)(t / 2);
    long dx = labs((long)x1 - x0), dy = -labs((long)y1 - y0);
    int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    long e = dx + dy;
    for (;;) {
        img_fill_rect(img, x0 - half, y0 - half, t, t, c);
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

static void draw_glyph(struct img_rgb *img, int x, int y, const uint8_t *rows, unsigned scale,
                       struct img_color c)
{
    for (unsigned r = 0; r < GLYPH_H; r++)
        for (unsigned col = 0; col < GLYPH_W; col++)
            if (rows[r] & (1u << (GLYPH_W - 1 - col)))
                img_fill_rect(img, x + (int)(col * scale), y + (int)(r * scale), scale, scale, c);
}

void img_draw_text(struct img_rgb *img, int x, int y, const char *text, unsigned scale,
                   struct img_color c)
{
    if (scale == 0)
        scale = 1;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        draw_glyph(img, x, y, img_font_glyph(*p), scale, c);
        x += (int)(IMG_FONT_CELL_W * scale);
    }
}
