/* Contact sheets (sheet.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/sheet.h"

#define LABEL_PAD 3u

static const struct img_color BACKGROUND = {24, 24, 24};
static const struct img_color BAND = {0, 0, 0};
static const struct img_color TEXT = {255, 255, 255};

struct img_sheet {
    struct img_sheet_layout layout;
    struct img_rgb canvas;
};

int img_sheet_layout(unsigned cells, unsigned frame_w, unsigned frame_h, unsigned max_width,
                     struct img_sheet_layout *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (cells == 0 || cells > IMG_SHEET_MAX_CELLS || frame_w == 0 || frame_h == 0)
        return err_set(err, LK_INVALID_ARG, "sheet: %u cells of %ux%u", cells, frame_w, frame_h);
    unsigned cols = (unsigned)ceil(sqrt((double)cells));
    unsigned rows = (cells + cols - 1) / cols;
    unsigned room = max_width > IMG_SHEET_GAP * (cols + 1) ? max_width - IMG_SHEET_GAP * (cols + 1)
                                                           : 0;
    unsigned cell_w = room / cols < frame_w ? room / cols : frame_w;
    unsigned cell_h = (unsigned)((unsigned long long)cell_w * frame_h / frame_w);
    if (cell_w < 8 || cell_h < 8)
        return err_set(err, LK_INVALID_ARG, "sheet: %u px is too narrow for %u columns",
                       max_width, cols);
    out->cols = cols;
    out->rows = rows;
    out->cell_w = cell_w;
    out->cell_h = cell_h;
    out->width = cols * cell_w + IMG_SHEET_GAP * (cols + 1);
    out->height = rows * cell_h + IMG_SHEET_GAP * (rows + 1);
    out->label_scale = cell_w >= 640 ? 3 : cell_w >= 320 ? 2 : 1;
    return LK_OK;
}

size_t img_sheet_pick(size_t i, size_t cells, size_t total)
{
    if (cells <= 1 || total <= 1)
        return 0;
    /* Rounded i * (total - 1) / (cells - 1), in integers. */
    return (i * (total - 1) * 2 + (cells - 1)) / (2 * (cells - 1));
}

int img_sheet_new(const struct img_sheet_layout *layout, struct img_sheet **out,
                  struct lk_error *err)
{
    *out = NULL;
    struct img_sheet *s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, LK_NOMEM, "sheet: out of memory");
    s->layout = *layout;
    int rc = img_rgb_init(&s->canvas, layout->width, layout->height, BACKGROUND, err);
    if (rc != LK_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return LK_OK;
}

static void draw_label(struct img_sheet *s, int x, int y, const char *label)
{
    const struct img_sheet_layout *l = &s->layout;
    unsigned scale = l->label_scale;
    /* A label wider than the cell drops its leading characters (the date), keeping the time. */
    size_t n = strlen(label);
    while (n > 1 && img_text_width(label, scale) + 2 * LABEL_PAD > l->cell_w) {
        label++;
        n--;
    }
    unsigned band = img_text_height(scale) + 2 * LABEL_PAD;
    int by = y + (int)l->cell_h - (int)band;
    img_fill_rect(&s->canvas, x, by, l->cell_w, band, BAND);
    img_draw_text(&s->canvas, x + (int)LABEL_PAD, by + (int)LABEL_PAD, label, scale, TEXT);
}

int img_sheet_put(struct img_sheet *s, unsigned cell, const void *jpeg, size_t len,
                  const char *label, struct lk_error *err)
{
    const struct img_sheet_layout *l = &s->layout;
    if (cell >= l->cols * l->rows)
        return err_set(err, LK_INVALID_ARG, "sheet: no cell %u", cell);
    struct img_rgb frame;
    unsigned side = l->cell_w > l->cell_h ? l->cell_w : l->cell_h;
    int rc = img_rgb_from_jpeg(jpeg, len, side, &frame, err);
    if (rc != LK_OK)
        return rc;
    int x = (int)(IMG_SHEET_GAP + (cell % l->cols) * (l->cell_w + IMG_SHEET_GAP));
    int y = (int)(IMG_SHEET_GAP + (cell / l->cols) * (l->cell_h + IMG_SHEET_GAP));
    img_rgb_blit_scaled(&s->canvas, x, y, l->cell_w, l->cell_h, &frame);
    if (label && *label)
        draw_label(s, x, y, label);
    img_rgb_cleanup(&frame);
    return LK_OK;
}

int img_sheet_encode(const struct img_sheet *s, int quality, struct lk_buf *out,
                     struct lk_error *err)
{
    return img_rgb_to_jpeg(&s->canvas, quality, out, err);
}

void img_sheet_free(struct img_sheet *s)
{
    if (!s)
        return;
    img_rgb_cleanup(&s->canvas);
    free(s);
}
