/*
 * sheet.h: a contact sheet: a grid of frames, each labelled with its time, encoded as one
 * JPEG. The layout is pure arithmetic (testable without pictures); the sheet itself is an
 * RGB canvas that frames are decoded into as they arrive, so only the canvas is held.
 */
#ifndef LOOKOUT_SHEET_H
#define LOOKOUT_SHEET_H

#include <stddef.h>

#include "lookout/buf.h"
#include "lookout/draw.h"
#include "lookout/error.h"

#define IMG_SHEET_MAX_CELLS 64u
#define IMG_SHEET_DEFAULT_CELLS 16u
#define IMG_SHEET_DEFAULT_WIDTH 1600u
#define IMG_SHEET_GAP 4u

struct img_sheet_layout {
    unsigned cols, rows;
    unsigned cell_w, cell_h;    /* a frame's place, aspect ratio kept */
    unsigned width, height;     /* the whole sheet, gaps included */
    unsigned label_scale;       /* font scale of the time labels */
};

/* The grid for cells frames (1..IMG_SHEET_MAX_CELLS) of frame_w x frame_h, as near square
 * as can be (cols = ceil(sqrt(cells))), at most max_width wide and never enlarging a frame.
 * LK_INVALID_ARG for zero sizes or a width too small for the grid. */
int img_sheet_layout(unsigned cells, unsigned frame_w, unsigned frame_h, unsigned max_width,
                     struct img_sheet_layout *out, struct lk_error *err);

/* Which of total frames (0-based) goes in cell i of cells: evenly spaced, first and last
 * included (cells 1: the first). */
size_t img_sheet_pick(size_t i, size_t cells, size_t total);

struct img_sheet;

int img_sheet_new(const struct img_sheet_layout *layout, struct img_sheet **out,
                  struct lk_error *err);
/* Decodes a JPEG into cell (row-major), scaled to the cell, with label (may be NULL) drawn
 * over a dark band at its foot. */
int img_sheet_put(struct img_sheet *sheet, unsigned cell, const void *jpeg, size_t len,
                  const char *label, struct lk_error *err);
/* The sheet as a JPEG at quality, appended to out. */
int img_sheet_encode(const struct img_sheet *sheet, int quality, struct lk_buf *out,
                     struct lk_error *err);
void img_sheet_free(struct img_sheet *sheet);

#endif
