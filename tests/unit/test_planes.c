/* Unit tests for YCbCr planes and the canvas drawn on them (src/image/planar.c, draw.c):
 * colours against JFIF's equations, which luma pixels and chroma samples a rectangle sets,
 * clipping to the top of the canvas, and planes through TurboJPEG and back. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/image/img_internal.h"

static const struct img_color COLORS[] = {
    {0, 0, 0},     {255, 255, 255}, {255, 0, 0},   {0, 255, 0},  {0, 0, 255},
    {230, 25, 75}, {60, 180, 75},   {255, 214, 0}, {24, 24, 24}, {70, 240, 240},
};

/* JFIF (ITU-T T.871) full-range YCbCr, rounded. */
static void jfif(struct img_color c, double out[3])
{
    out[0] = 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
    out[1] = 128 - 0.168736 * c.r - 0.331264 * c.g + 0.5 * c.b;
    out[2] = 128 + 0.5 * c.r - 0.418688 * c.g - 0.081312 * c.b;
}

static void colours_follow_jfif(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(COLORS) / sizeof(COLORS[0]); i++) {
        unsigned char ycc[3];
        double want[3];
        img_ycc_from_rgb(COLORS[i], ycc);
        jfif(COLORS[i], want);
        for (int k = 0; k < 3; k++) {
            double v = want[k] > 255 ? 255 : want[k];
            assert_true(fabs(ycc[k] - v) <= 0.5 + 1e-6);
        }
    }
}

static void set_all(struct img_planes *p, unsigned char v)
{
    for (int k = 0; k < 3; k++)
        memset(p->plane[k], v, (size_t)p->pw[k] * p->ph[k]);
}

/* Samples of plane k equal to v, and whether they are exactly those of the rectangle. */
static size_t count(const struct img_planes *p, int k, unsigned char v)
{
    size_t n = 0;
    for (size_t i = 0; i < (size_t)p->pw[k] * p->ph[k]; i++)
        n += p->plane[k][i] == v;
    return n;
}

static void rectangles_set_luma_and_the_chroma_they_start(void **state)
{
    (void)state;
    struct img_planes p;
    struct lk_error err;
    const struct img_color red = {255, 0, 0};
    unsigned char ycc[3];
    img_ycc_from_rgb(red, ycc);
    assert_int_equal(img_planes_init(&p, 8, 6, 2, 2, &err), LK_OK);
    assert_int_equal(p.pw[1], 4);
    assert_int_equal(p.ph[1], 3);
    set_all(&p, 7);
    struct img_canvas c = img_canvas_planes(&p);
    /* Pixels 1..3 x 1..3: chroma sample (1, 1) alone has its top-left pixel (2, 2) inside. */
    img_canvas_fill_rect(&c, 1, 1, 3, 3, red);
    assert_int_equal(count(&p, 0, ycc[0]), 9);
    for (unsigned y = 1; y < 4; y++)
        for (unsigned x = 1; x < 4; x++)
            assert_int_equal(p.plane[0][y * 8 + x], ycc[0]);
    assert_int_equal(count(&p, 1, ycc[1]), 1);
    assert_int_equal(p.plane[1][1 * 4 + 1], ycc[1]);
    assert_int_equal(p.plane[2][1 * 4 + 1], ycc[2]);
    /* On the chroma grid, luma and chroma cover the same area exactly. */
    set_all(&p, 7);
    img_canvas_fill_rect(&c, 2, 2, 4, 2, red);
    assert_int_equal(count(&p, 0, ycc[0]), 8);
    assert_int_equal(count(&p, 1, ycc[1]), 2);
    assert_int_equal(count(&p, 2, ycc[2]), 2);
    assert_int_equal(count(&p, 1, 7), 10);
    img_planes_cleanup(&p);
}

static void the_top_of_a_canvas_clips_what_is_below(void **state)
{
    (void)state;
    struct img_planes p;
    struct lk_error err;
    assert_int_equal(img_planes_init(&p, 16, 8, 2, 1, &err), LK_OK);
    set_all(&p, 7);
    struct img_canvas whole = img_canvas_planes(&p);
    struct img_canvas top = img_canvas_top(&whole, 4);
    img_canvas_draw_rect(&top, 1, 1, 14, 10, 2, (struct img_color){255, 255, 255});
    img_canvas_draw_text(&top, 4, 3, "HI", 1, (struct img_color){255, 255, 255});
    for (int k = 0; k < 3; k++)
        for (unsigned y = 4; y < 8; y++)
            for (unsigned x = 0; x < p.pw[k]; x++)
                assert_int_equal(p.plane[k][y * p.pw[k] + x], 7);
    /* The outline's top rows, its sides down to the clip, and the text's first row. */
    assert_true(count(&p, 0, 255) > 2 * 14 + 4);
    assert_int_equal(count(&p, 0, 255) + count(&p, 0, 7), 16 * 8);
    img_planes_cleanup(&p);
}

static void sides_must_be_whole_chroma_samples(void **state)
{
    (void)state;
    struct img_planes p;
    struct lk_error err;
    assert_int_equal(img_planes_init(&p, 7, 6, 2, 2, &err), LK_INVALID_ARG);
    assert_null(p.plane[0]);
    assert_int_equal(img_planes_init(&p, 8, 5, 2, 2, &err), LK_INVALID_ARG);
    assert_int_equal(img_planes_init(&p, 8, 6, 3, 1, &err), LK_INVALID_ARG);
    assert_int_equal(img_planes_init(&p, 7, 5, 1, 1, &err), LK_OK);
    img_planes_cleanup(&p);
}

/* A flat colour through TurboJPEG and back keeps its samples (within JPEG's losses) and
 * its subsampling. */
static void planes_round_trip_through_jpeg(void **state)
{
    (void)state;
    static const unsigned SUBS[][2] = {{2, 2}, {2, 1}, {1, 1}};
    for (size_t i = 0; i < 3; i++) {
        struct img_planes p, back;
        struct lk_error err;
        struct lk_buf jpeg;
        unsigned char ycc[3];
        buf_init(&jpeg, 1 << 20);
        img_ycc_from_rgb((struct img_color){230, 25, 75}, ycc);
        assert_int_equal(img_planes_init(&p, 64, 48, SUBS[i][0], SUBS[i][1], &err), LK_OK);
        struct img_canvas c = img_canvas_planes(&p);
        img_canvas_fill_rect(&c, 0, 0, 64, 48, (struct img_color){230, 25, 75});
        assert_int_equal(img_planes_to_jpeg(&p, 80, &jpeg, &err), LK_OK);
        unsigned w, h, sx, sy;
        unsigned long long bytes = 0;
        assert_int_equal(img_jpeg_planar_size((const unsigned char *)jpeg.data, jpeg.len, 64, &w,
                                              &h, &sx, &sy, &bytes, &err),
                         LK_OK);
        assert_int_equal(w, 64);
        assert_int_equal(h, 48);
        assert_int_equal(sx, SUBS[i][0]);
        assert_int_equal(sy, SUBS[i][1]);
        assert_int_equal(bytes, 64 * 48 + 2 * (64 / sx) * (48 / sy));
        assert_int_equal(
            img_jpeg_decode_planes((const unsigned char *)jpeg.data, jpeg.len, 64, &back, &err),
            LK_OK);
        for (int k = 0; k < 3; k++)
            for (size_t j = 0; j < (size_t)back.pw[k] * back.ph[k]; j++)
                assert_true(abs(back.plane[k][j] - ycc[k]) <= 2);
        img_planes_cleanup(&back);
        img_planes_cleanup(&p);
        buf_cleanup(&jpeg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(colours_follow_jfif),
        cmocka_unit_test(rectangles_set_luma_and_the_chroma_they_start),
        cmocka_unit_test(the_top_of_a_canvas_clips_what_is_below),
        cmocka_unit_test(sides_must_be_whole_chroma_samples),
        cmocka_unit_test(planes_round_trip_through_jpeg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
