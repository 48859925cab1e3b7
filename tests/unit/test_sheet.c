/* Unit tests for contact sheets (sheet.h): layout arithmetic, picks, a sheet read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lookout/sheet.h"

static void layout_is_near_square_and_never_enlarges(void **state)
{
    (void)state;
    struct img_sheet_layout l;
    struct lk_error err;
    assert_int_equal(img_sheet_layout(16, 1280, 720, 1600, &l, &err), LK_OK);
    assert_int_equal(l.cols, 4);
    assert_int_equal(l.rows, 4);
    assert_int_equal(l.cell_w, (1600 - 5 * IMG_SHEET_GAP) / 4);
    assert_int_equal(l.cell_h, l.cell_w * 720 / 1280);
    assert_int_equal(l.width, 4 * l.cell_w + 5 * IMG_SHEET_GAP);
    assert_true(l.width <= 1600);
    assert_int_equal(l.height, 4 * l.cell_h + 5 * IMG_SHEET_GAP);
    assert_int_equal(l.label_scale, 2);
    assert_int_equal(img_sheet_layout(5, 160, 120, 1600, &l, &err), LK_OK);
    assert_int_equal(l.cols, 3);
    assert_int_equal(l.rows, 2);
    assert_int_equal(l.cell_w, 160); /* small frames stay their size */
    assert_int_equal(l.label_scale, 1);
    assert_int_equal(img_sheet_layout(1, 160, 120, 1600, &l, &err), LK_OK);
    assert_int_equal(l.cols * l.rows, 1);
    assert_int_equal(img_sheet_layout(0, 160, 120, 1600, &l, &err), LK_INVALID_ARG);
    assert_int_equal(img_sheet_layout(IMG_SHEET_MAX_CELLS + 1, 160, 120, 1600, &l, &err),
                     LK_INVALID_ARG);
    assert_int_equal(img_sheet_layout(16, 160, 120, 30, &l, &err), LK_INVALID_ARG);
}

static void picks_are_evenly_spaced_with_both_ends(void **state)
{
    (void)state;
    assert_int_equal(img_sheet_pick(0, 16, 1200), 0);
    assert_int_equal(img_sheet_pick(15, 16, 1200), 1199);
    assert_int_equal(img_sheet_pick(1, 16, 1200), 80); /* 1199 / 15 = 79.9 */
    for (size_t i = 1; i < 16; i++)
        assert_true(img_sheet_pick(i, 16, 1200) > img_sheet_pick(i - 1, 16, 1200));
    assert_int_equal(img_sheet_pick(3, 4, 4), 3);
    assert_int_equal(img_sheet_pick(0, 1, 50), 0);
    assert_int_equal(img_sheet_pick(2, 3, 1), 0);
}

static void sheet_places_frames_and_labels(void **state)
{
    (void)state;
    struct lk_error err;
    struct img_rgb frame, back;
    struct lk_buf jpeg, out;
    buf_init(&jpeg, 1 << 20);
    buf_init(&out, 1 << 20);
    assert_int_equal(img_rgb_init(&frame, 200, 100, (struct img_color){0, 0, 255}, &err), LK_OK);
    assert_int_equal(img_rgb_to_jpeg(&frame, 90, &jpeg, &err), LK_OK);
    struct img_sheet_layout l;
    assert_int_equal(img_sheet_layout(4, 200, 100, 1000, &l, &err), LK_OK);
    struct img_sheet *s;
    assert_int_equal(img_sheet_new(&l, &s, &err), LK_OK);
    assert_int_equal(img_sheet_put(s, 0, jpeg.data, jpeg.len, "2026-11-24 08:00:00Z", &err),
                     LK_OK);
    assert_int_equal(img_sheet_put(s, 4, jpeg.data, jpeg.len, NULL, &err), LK_INVALID_ARG);
    assert_int_equal(img_sheet_put(s, 1, "bad", 3, NULL, &err), LK_BAD_IMAGE);
    assert_int_equal(img_sheet_encode(s, 90, &out, &err), LK_OK);
    img_sheet_free(s);
    assert_int_equal(img_rgb_from_jpeg(out.data, out.len, 0, &back, &err), LK_OK);
    assert_int_equal(back.w, l.width);
    assert_int_equal(back.h, l.height);
    /* Cell 0 is blue above its label band, cell 1 (left empty) the dark background. */
    const unsigned char *p = back.pixels + (IMG_SHEET_GAP + 10) * back.stride +
                             3 * (IMG_SHEET_GAP + 10);
    assert_true(p[2] > 200 && p[0] < 60);
    const unsigned char *q = back.pixels + (IMG_SHEET_GAP + 10) * back.stride +
                             3 * (2 * IMG_SHEET_GAP + l.cell_w + 10);
    assert_true(q[0] < 60 && q[2] < 60);
    img_rgb_cleanup(&back);
    img_rgb_cleanup(&frame);
    buf_cleanup(&jpeg);
    buf_cleanup(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layout_is_near_square_and_never_enlarges),
        cmocka_unit_test(picks_are_evenly_spaced_with_both_ends),
        cmocka_unit_test(sheet_places_frames_and_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
