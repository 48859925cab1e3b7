/* Unit tests for RGB pictures, drawing and the embedded font (draw.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/draw.h"

static const struct img_color BLACK = {0, 0, 0}, WHITE = {255, 255, 255}, RED = {255, 0, 0};

static int is(const struct img_rgb *img, unsigned x, unsigned y, struct img_color c)
{
    const unsigned char *p = img->pixels + y * img->stride + 3 * x;
    return p[0] == c.r && p[1] == c.g && p[2] == c.b;
}

static size_t count(const struct img_rgb *img, struct img_color c)
{
    size_t n = 0;
    for (unsigned y = 0; y < img->h; y++)
        for (unsigned x = 0; x < img->w; x++)
            n += is(img, x, y, c);
    return n;
}

static void rectangles_clip_to_the_picture(void **state)
{
    (void)state;
    struct img_rgb img;
    struct lk_error err;
    assert_int_equal(img_rgb_init(&img, 20, 10, BLACK, &err), LK_OK);
    img_fill_rect(&img, -5, -5, 10, 10, RED);          /* 5x5 visible */
    assert_int_equal(count(&img, RED), 25);
    img_fill_rect(&img, 18, 8, 100, 100, WHITE);       /* 2x2 visible */
    assert_int_equal(count(&img, WHITE), 4);
    img_fill_rect(&img, 30, 30, 5, 5, WHITE);          /* wholly outside */
    assert_int_equal(count(&img, WHITE), 4);
    img_rgb_cleanup(&img);

    assert_int_equal(img_rgb_init(&img, 20, 10, BLACK, &err), LK_OK);
    img_draw_rect(&img, 2, 2, 10, 6, 1, RED);          /* outline: 2*10 + 2*4 */
    assert_int_equal(count(&img, RED), 28);
    assert_true(is(&img, 2, 2, RED) && is(&img, 11, 7, RED) && is(&img, 5, 4, BLACK));
    img_draw_rect(&img, 0, 0, 4, 4, 2, WHITE);         /* thick enough to fill */
    assert_true(is(&img, 1, 1, WHITE));
    img_rgb_cleanup(&img);
    assert_int_equal(img_rgb_init(&img, 0, 10, BLACK, &err), LK_INVALID_ARG);
    assert_int_equal(img_rgb_init(&img, IMG_RGB_MAX_SIDE + 1, 1, BLACK, &err), LK_INVALID_ARG);
}

/* Each glyph as drawn must match its rows bit for bit, at scale 1 and 2. */
static void text_draws_the_glyph_bits(void **state)
{
    (void)state;
    struct lk_error err;
    const char *text = "09:AZ-";
    for (unsigned scale = 1; scale <= 2; scale++) {
        struct img_rgb img;
        assert_int_equal(img_rgb_init(&img, 100, 30, BLACK, &err), LK_OK);
        img_draw_text(&img, 1, 2, text, scale, WHITE);
        for (size_t k = 0; text[k]; k++) {
            const uint8_t *rows = img_font_glyph((unsigned char)text[k]);
            for (unsigned r = 0; r < 7; r++)
                for (unsigned c = 0; c < 5; c++) {
                    int on = (rows[r] >> (4 - c)) & 1;
                    unsigned x = 1 + (unsigned)k * IMG_FONT_CELL_W * scale + c * scale;
                    unsigned y = 2 + r * scale;
                    assert_int_equal(is(&img, x + scale - 1, y + scale - 1, WHITE), on);
                }
        }
        assert_int_equal(img_text_width(text, scale), (6 * 6 - 1) * scale);
        assert_int_equal(img_text_height(scale), 7 * scale);
        img_rgb_cleanup(&img);
    }
}

static void glyphs_are_distinct_and_case_folds(void **state)
{
    (void)state;
    const char *set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ:-./";
    for (size_t i = 0; set[i]; i++) {
        const uint8_t *a = img_font_glyph((unsigned char)set[i]);
        int lit = 0;
        for (int r = 0; r < 7; r++)
            lit |= a[r];
        assert_true(lit != 0);
        for (size_t j = i + 1; set[j]; j++)
            assert_memory_not_equal(a, img_font_glyph((unsigned char)set[j]), 7);
    }
    assert_ptr_equal(img_font_glyph('q'), img_font_glyph('Q'));
    assert_ptr_equal(img_font_glyph(0x80), img_font_glyph('~')); /* both the hollow box */
    assert_memory_not_equal(img_font_glyph(0x80), img_font_glyph(' '), 7);
}

static void scaling_keeps_flat_colours_and_round_trips_jpeg(void **state)
{
    (void)state;
    struct lk_error err;
    struct img_rgb src, dst, back;
    assert_int_equal(img_rgb_init(&src, 16, 8, BLACK, &err), LK_OK);
    img_fill_rect(&src, 0, 0, 8, 8, RED);
    assert_int_equal(img_rgb_init(&dst, 40, 10, WHITE, &err), LK_OK);
    img_rgb_blit_scaled(&dst, 4, 0, 32, 16, &src);     /* clipped below */
    assert_true(is(&dst, 0, 0, WHITE) && is(&dst, 39, 5, WHITE));
    assert_true(is(&dst, 5, 5, RED) && is(&dst, 34, 5, BLACK));
    struct lk_buf jpeg;
    buf_init(&jpeg, 1 << 20);
    assert_int_equal(img_rgb_to_jpeg(&dst, 90, &jpeg, &err), LK_OK);
    assert_int_equal(img_rgb_from_jpeg(jpeg.data, jpeg.len, 0, &back, &err), LK_OK);
    assert_int_equal(back.w, 40);
    assert_int_equal(back.h, 10);
    const unsigned char *p = back.pixels + 5 * back.stride + 3 * 8;
    assert_true(p[0] > 200 && p[1] < 60 && p[2] < 60);
    img_rgb_cleanup(&back);
    assert_int_equal(img_rgb_from_jpeg("nope", 4, 0, &back, &err), LK_BAD_IMAGE);
    assert_null(back.pixels);
    buf_cleanup(&jpeg);
    img_rgb_cleanup(&src);
    img_rgb_cleanup(&dst);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rectangles_clip_to_the_picture),
        cmocka_unit_test(text_draws_the_glyph_bits),
        cmocka_unit_test(glyphs_are_distinct_and_case_folds),
        cmocka_unit_test(scaling_keeps_flat_colours_and_round_trips_jpeg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
