/* Unit tests for the box-filter resampler (src/image/resample.c) against the definition:
 * destination pixel (x, y) is the rounded mean, (sum + n/2) / n, of the n source samples
 * whose column maps to x (x' * dst_w / src_w) and whose row maps to y. Noise pictures of
 * many sizes and channel counts, boxes of one sample to tens of thousands. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../src/image/img_internal.h"

static unsigned char *noise(unsigned w, unsigned h, unsigned ch, uint32_t seed)
{
    unsigned char *p = malloc((size_t)w * h * ch);
    assert_non_null(p);
    for (size_t i = 0; i < (size_t)w * h * ch; i++) {
        seed = seed * 1664525u + 1013904223u;
        p[i] = (unsigned char)(seed >> 24);
    }
    return p;
}

/* The definition, summed source sample by source sample into each one's box. */
static unsigned char *expected(const unsigned char *src, unsigned sw, unsigned sh, unsigned ch,
                               unsigned dw, unsigned dh)
{
    uint64_t *sum = calloc((size_t)dw * dh * ch, sizeof(*sum));
    uint64_t *n = calloc((size_t)dw * dh, sizeof(*n));
    unsigned char *out = malloc((size_t)dw * dh * ch);
    assert_true(sum && n && out);
    for (unsigned sy = 0; sy < sh; sy++)
        for (unsigned sx = 0; sx < sw; sx++) {
            size_t box = (size_t)((unsigned long long)sy * dh / sh) * dw +
                         (size_t)((unsigned long long)sx * dw / sw);
            n[box]++;
            for (unsigned c = 0; c < ch; c++)
                sum[box * ch + c] += src[((size_t)sy * sw + sx) * ch + c];
        }
    for (size_t box = 0; box < (size_t)dw * dh; box++)
        for (unsigned c = 0; c < ch; c++)
            out[box * ch + c] = (unsigned char)((sum[box * ch + c] + n[box] / 2) / n[box]);
    free(sum);
    free(n);
    return out;
}

static void check(unsigned sw, unsigned sh, unsigned dw, unsigned dh, unsigned ch)
{
    unsigned char *src = noise(sw, sh, ch, sw * 31u + sh * 7u + ch);
    struct img_resampler r;
    struct lk_error err;
    assert_int_equal(img_resampler_init(&r, sw, sh, dw, dh, ch, &err), LK_OK);
    for (unsigned y = 0; y < sh; y++)
        assert_int_equal(img_resampler_row(&r, src + (size_t)y * sw * ch, y), LK_OK);
    unsigned char *out = img_resampler_finish(&r);
    unsigned char *want = expected(src, sw, sh, ch, dw, dh);
    assert_non_null(out);
    for (size_t i = 0; i < (size_t)dw * dh * ch; i++)
        if (out[i] != want[i])
            fail_msg("%ux%u -> %ux%u x%u: sample %zu is %u, the mean is %u", sw, sh, dw, dh, ch, i,
                     out[i], want[i]);
    free(want);
    free(out);
    free(src);
}

static void test_means_of_every_box(void **state)
{
    (void)state;
    static const unsigned sizes[][4] = {
        {1920, 12, 1280, 8}, /* 3:2, the snapshot's */
        {240, 135, 64, 36},  /* a motion thumbnail's */
        {97, 61, 97, 61},    /* 1:1 */
        {97, 61, 13, 60},    {100, 100, 99, 1}, {7, 300, 3, 17},
        {1, 1, 1, 1},        {255, 200, 1, 1}, /* one box of 51,000 samples: past the multipliers */
        {5000, 3, 1, 2},                       /* 5000 columns in one box */
        {64, 4096, 64, 1},                     /* 4096 rows in one box */
    };
    static const unsigned channels[] = {1, 3, 4};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (size_t c = 0; c < 3; c++)
            check(sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], channels[c]);
}

/* Three columns to two has its own path, with 16-bit divisors for bands of up to 8 rows. */
static void test_three_columns_to_two(void **state)
{
    (void)state;
    static const unsigned sizes[][4] = {
        {960, 541, 640, 360}, /* the 1080p snapshot's chroma: bands of one and two rows */
        {3, 2, 2, 1},         /* one period */
        {1920, 9, 1280, 3},   /* bands of 3 rows: boxes of 6 and 3 samples */
        {300, 35, 200, 5},    /* bands of 7 rows: boxes of 14 and 7 */
        {30, 17, 20, 2},      /* bands of 8 and 9 rows: the last 16-bit divisor, and past it */
        {30, 170, 20, 2},     /* bands of 85 rows: far past it */
    };
    static const unsigned channels[] = {1, 3};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        for (size_t c = 0; c < 2; c++)
            check(sizes[i][0], sizes[i][1], sizes[i][2], sizes[i][3], channels[c]);
}

static void test_bad_sizes_are_refused(void **state)
{
    (void)state;
    struct img_resampler r;
    struct lk_error err;
    assert_int_equal(img_resampler_init(&r, 10, 10, 11, 10, 3, &err), LK_INVALID_ARG);
    assert_int_equal(img_resampler_init(&r, 10, 10, 0, 10, 3, &err), LK_INVALID_ARG);
    assert_int_equal(img_resampler_init(&r, 10, 10, 5, 5, 5, &err), LK_INVALID_ARG);
    assert_int_equal(img_resampler_init(&r, 10, 10, 5, 5, 1, &err), LK_OK);
    assert_int_equal(img_resampler_row(&r, (unsigned char[10]){0}, 10), LK_INVALID_ARG);
    img_resampler_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_means_of_every_box),
        cmocka_unit_test(test_three_columns_to_two),
        cmocka_unit_test(test_bad_sizes_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
