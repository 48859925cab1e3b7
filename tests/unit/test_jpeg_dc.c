/* Unit tests for the JPEG DC reader (src/image/jpeg_dc.c), judged by TurboJPEG: wherever the
 * reader takes a JPEG, its 1/8 gray picture must equal TurboJPEG's own 1/8 grayscale decode
 * pixel for pixel. Inputs: encodings by Debian's cjpeg (restart intervals, optimized tables,
 * gray, 4:4:4 at quality 100) and the IJG images in tests/data/images, TurboJPEG's encoder
 * at every subsampling and several qualities and odd sizes, and damaged streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <turbojpeg.h>

#include "../../src/image/img_internal.h"

struct file {
    unsigned char *data;
    size_t len;
    struct lk_buf buf;
};

static struct file load(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/images/%s", LOOKOUT_TEST_DATA_DIR, name);
    struct file out;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buf_init(&out.buf, 1 << 20);
    assert_int_equal(buf_append_file(&out.buf, f), LK_OK);
    fclose(f);
    out.data = (unsigned char *)out.buf.data;
    out.len = out.buf.len;
    return out;
}

/* TurboJPEG's 1/8 grayscale decode, as img_jpeg_decode asks for it, and its size; NULL
 * when it fails (a warning still counts as a picture, as there). *w stays 0 when even the
 * header fails. */
static unsigned char *tj_eighth(const unsigned char *d, size_t len, unsigned *w, unsigned *h)
{
    tjhandle tj = tjInitDecompress();
    int iw, ih, sub, cs;
    unsigned char *pix = NULL;
    assert_non_null(tj);
    *w = *h = 0;
    if (tjDecompressHeader3(tj, d, (unsigned long)len, &iw, &ih, &sub, &cs) == 0) {
        *w = (unsigned)(iw + 7) / 8;
        *h = (unsigned)(ih + 7) / 8;
        pix = malloc((size_t)*w * *h);
        assert_non_null(pix);
        if (tjDecompress2(tj, d, (unsigned long)len, pix, (int)*w, 0, (int)*h, TJPF_GRAY,
                          TJFLAG_LIMITSCANS | TJFLAG_FASTDCT) != 0 &&
            tjGetErrorCode(tj) != TJERR_WARNING) {
            free(pix);
            pix = NULL;
        }
    }
    tjDestroy(tj);
    return pix;
}

/* 1 when the reader took the JPEG, after checking its picture against TurboJPEG's. Where
 * TurboJPEG's header reader fails the reader is never asked (img_jpeg_decode reads the
 * header first): 0. Where only TurboJPEG's decode fails there is nothing to compare. */
static int dc_matches_turbojpeg(const unsigned char *d, size_t len, const char *what)
{
    unsigned w, h;
    unsigned char *want = tj_eighth(d, len, &w, &h);
    if (w == 0)
        return 0;
    unsigned char *got = malloc((size_t)w * h);
    assert_non_null(got);
    int taken = img_jpeg_dc_decode(d, len, w, h, got);
    for (size_t i = 0; taken && want && i < (size_t)w * h; i++)
        if (got[i] != want[i])
            fail_msg("%s: pixel %zu of %ux%u is %u, TurboJPEG says %u", what, i, w, h, got[i],
                     want[i]);
    free(got);
    free(want);
    return taken;
}

static void test_encodings_of_others_are_taken_and_exact(void **state)
{
    (void)state;
    static const char *const names[] = {
        "rocket-dc-restart-rows.jpg", "rocket-dc-restart-blocks-422.jpg",
        "rocket-dc-gray-restart.jpg", "rocket-dc-q100-444.jpg",
        "ljt-testorig.jpg",           "ljt-testimgint.jpg",
        "skimage-astronaut-q85.jpg",  "skimage-chelsea-q85.jpg",
        "skimage-rocket.jpg",
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct file f = load(names[i]);
        if (!dc_matches_turbojpeg(f.data, f.len, names[i]))
            fail_msg("%s: the DC reader declined a sequential Huffman JPEG", names[i]);
        buf_cleanup(&f.buf);
    }
}

static void test_progressive_and_arithmetic_are_declined(void **state)
{
    (void)state;
    static const char *const names[] = {"rocket-dc-progressive.jpg", "ljt-testimgari.jpg"};
    for (size_t i = 0; i < 2; i++) {
        struct file f = load(names[i]);
        assert_false(dc_matches_turbojpeg(f.data, f.len, names[i]));
        buf_cleanup(&f.buf);
    }
}

/* The astronaut as RGB, to re-encode. */
static unsigned char *astronaut_rgb(int *w, int *h)
{
    struct file f = load("skimage-astronaut-q85.jpg");
    tjhandle tj = tjInitDecompress();
    int sub, cs;
    assert_int_equal(tjDecompressHeader3(tj, f.data, f.len, w, h, &sub, &cs), 0);
    unsigned char *rgb = malloc((size_t)*w * *h * 3);
    assert_non_null(rgb);
    assert_int_equal(tjDecompress2(tj, f.data, f.len, rgb, *w, 0, *h, TJPF_RGB, 0), 0);
    tjDestroy(tj);
    buf_cleanup(&f.buf);
    return rgb;
}

static struct file encode(const unsigned char *rgb, int stride_w, int w, int h, int sub,
                          int quality, int flags)
{
    tjhandle tj = tjInitCompress();
    unsigned char *jpeg = NULL;
    unsigned long size = 0;
    assert_int_equal(
        tjCompress2(tj, rgb, w, stride_w * 3, h, TJPF_RGB, &jpeg, &size, sub, quality, flags), 0);
    tjDestroy(tj);
    struct file out;
    buf_init(&out.buf, 1 << 20);
    assert_int_equal(buf_append(&out.buf, jpeg, size), LK_OK);
    tjFree(jpeg);
    out.data = (unsigned char *)out.buf.data;
    out.len = out.buf.len;
    return out;
}

static void test_every_subsampling_quality_and_odd_size(void **state)
{
    (void)state;
    int w, h;
    unsigned char *rgb = astronaut_rgb(&w, &h);
    static const int subs[] = {TJSAMP_444,  TJSAMP_422, TJSAMP_420,
                               TJSAMP_GRAY, TJSAMP_440, TJSAMP_411};
    static const int qualities[] = {100, 75, 5};
    static const int sizes[][2] = {{512, 512}, {501, 333}, {24, 17}, {1, 1}, {130, 8}};
    for (size_t s = 0; s < 6; s++)
        for (size_t q = 0; q < 3; q++)
            for (size_t z = 0; z < 5; z++) {
                struct file f = encode(rgb, w, sizes[z][0], sizes[z][1], subs[s], qualities[q], 0);
                char what[64];
                snprintf(what, sizeof(what), "subsampling %d quality %d %dx%d", subs[s],
                         qualities[q], sizes[z][0], sizes[z][1]);
                if (!dc_matches_turbojpeg(f.data, f.len, what))
                    fail_msg("%s: declined", what);
                buf_cleanup(&f.buf);
            }
    struct file p = encode(rgb, w, w, h, TJSAMP_420, 80, TJFLAG_PROGRESSIVE);
    assert_false(dc_matches_turbojpeg(p.data, p.len, "progressive"));
    buf_cleanup(&p.buf);
    free(rgb);
}

static void test_size_other_than_the_eighth_is_declined(void **state)
{
    (void)state;
    struct file f = load("skimage-astronaut-q85.jpg");
    unsigned char out[65 * 64];
    assert_true(img_jpeg_dc_decode(f.data, f.len, 64, 64, out));
    assert_false(img_jpeg_dc_decode(f.data, f.len, 65, 64, out));
    assert_false(img_jpeg_dc_decode(f.data, f.len, 64, 63, out));
    buf_cleanup(&f.buf);
}

/* A stream cut short: TurboJPEG pads it with gray and warns; the reader leaves it to it. */
static void test_truncated_stream_is_declined(void **state)
{
    (void)state;
    static const char *const names[] = {"skimage-astronaut-q85.jpg", "rocket-dc-restart-rows.jpg"};
    for (size_t i = 0; i < 2; i++) {
        struct file f = load(names[i]);
        for (size_t cut = f.len / 3; cut < f.len - 2; cut += f.len / 7)
            assert_false(dc_matches_turbojpeg(f.data, cut, names[i]));
        buf_cleanup(&f.buf);
    }
}

static size_t find_marker(const struct file *f, unsigned char m, size_t from)
{
    for (size_t i = from; i + 1 < f->len; i++)
        if (f->data[i] == 0xFF && f->data[i + 1] == m)
            return i;
    return 0;
}

/* RST0..RST7 must come in turn; one out of turn ends the reader's part. */
static void test_restart_marker_out_of_turn_is_declined(void **state)
{
    (void)state;
    struct file f = load("rocket-dc-restart-rows.jpg");
    size_t at = find_marker(&f, 0xD2, find_marker(&f, 0xDA, 0));
    assert_true(at > 0);
    f.data[at + 1] = 0xD5;
    assert_false(img_jpeg_dc_decode(f.data, f.len, 43, 28, (unsigned char[43 * 28]){0}));
    buf_cleanup(&f.buf);
}

/* Damaged entropy bytes: the reader either declines or reads the same symbols as libjpeg. */
static void test_damaged_bytes_decline_or_match(void **state)
{
    (void)state;
    struct file f = load("skimage-astronaut-q85.jpg");
    size_t scan = find_marker(&f, 0xDA, 0);
    assert_true(scan > 0);
    for (size_t at = scan + 20; at < f.len - 2; at += 997) {
        unsigned char was = f.data[at];
        f.data[at] = (unsigned char)(was ^ 0x5A);
        char what[64];
        snprintf(what, sizeof(what), "byte %zu damaged", at);
        dc_matches_turbojpeg(f.data, f.len, what);
        f.data[at] = was;
    }
    buf_cleanup(&f.buf);
}

static void test_not_a_jpeg_is_declined(void **state)
{
    (void)state;
    static const unsigned char junk[] = {0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0x00, 0x00};
    unsigned char out[1];
    assert_false(img_jpeg_dc_decode(junk, sizeof(junk), 1, 1, out));
    assert_false(img_jpeg_dc_decode(junk, 2, 1, 1, out));
    struct file png = load("skimage-astronaut.png");
    assert_false(img_jpeg_dc_decode(png.data, png.len, 64, 64, (unsigned char[64 * 64]){0}));
    buf_cleanup(&png.buf);
}

/* Bits written MSB first into a scan, with 0xFF stuffed and the last byte padded with 1s. */
struct scan_bits {
    unsigned char bytes[64];
    size_t n;
    unsigned acc, len;
};

static void put_bits(struct scan_bits *b, unsigned v, unsigned n)
{
    while (n-- > 0) {
        b->acc = b->acc << 1 | ((v >> n) & 1);
        if (++b->len < 8)
            continue;
        assert_true(b->n + 2 <= sizeof(b->bytes));
        b->bytes[b->n++] = (unsigned char)b->acc;
        if ((b->acc & 0xFF) == 0xFF)
            b->bytes[b->n++] = 0;
        b->acc = b->len = 0;
    }
}

/* A gray 24x8 JPEG (three blocks) made by hand, with Huffman tables of long codes and long
 * magnitudes: DC codes of 12 bits (with 11 magnitude bits) and 14 bits, AC magnitudes of
 * 11 and 15 bits (more than an 8-bit encoder ever writes, but libjpeg reads them) and AC
 * codes of 13 bits. Each is a symbol the reader's tables leave to its slow paths, between
 * symbols they take, so a slip in the bits it counts there shows in the pixels. */
static void test_long_codes_and_magnitudes_are_exact(void **state)
{
    (void)state;
    /* DQT with every step 1, so the differences reach the pixels whole; then the frame. */
    static const unsigned char dqt[] = {0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x43, 0x00};
    static const unsigned char head[] = {
        0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x18, 0x01, 0x01, 0x11, 0x00,
        /* DC: 1 code of 1 bit (size 0), 1 of 12 (size 11), 1 of 14 (size 3). */
        0xFF, 0xC4, 0x00, 0x16, 0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x00, 0x0B,
        0x03,
        /* AC: end of block in 1 bit, run 0 size 11 in 2, run 0 sizes 1 and 15 in 13. */
        0xFF, 0xC4, 0x00, 0x17, 0x10, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0x00, 0x0B,
        0x01, 0x0F, 0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00};
    struct scan_bits b = {{0}, 0, 0, 0};
    put_bits(&b, 0x800, 12); /* block 1: DC +1024 */
    put_bits(&b, 0x400, 11);
    put_bits(&b, 0x2, 2); /* AC of 11 magnitude bits */
    put_bits(&b, 0x5A5, 11);
    put_bits(&b, 0x1800, 13); /* a 13-bit code, 1 magnitude bit */
    put_bits(&b, 1, 1);
    put_bits(&b, 0x1801, 13); /* a 13-bit code, 15 magnitude bits */
    put_bits(&b, 0x1234, 15);
    put_bits(&b, 0, 1);       /* end of block */
    put_bits(&b, 0x2004, 14); /* block 2: DC -4 */
    put_bits(&b, 0x3, 3);
    put_bits(&b, 0, 1);
    put_bits(&b, 0, 1); /* block 3: DC 0, AC of 11 magnitude bits, end of block */
    put_bits(&b, 0x2, 2);
    put_bits(&b, 0x7FF, 11);
    put_bits(&b, 0, 1);
    put_bits(&b, 0x7F, (8 - b.len) % 8);
    unsigned char jpeg[256];
    size_t len = sizeof(dqt) + 64 + sizeof(head);
    memcpy(jpeg, dqt, sizeof(dqt));
    memset(jpeg + sizeof(dqt), 1, 64);
    memcpy(jpeg + sizeof(dqt) + 64, head, sizeof(head));
    memcpy(jpeg + len, b.bytes, b.n);
    len += b.n;
    jpeg[len++] = 0xFF;
    jpeg[len++] = 0xD9;
    /* TurboJPEG must read it too, or there would be nothing to compare with. */
    unsigned w, h;
    unsigned char *want = tj_eighth(jpeg, len, &w, &h);
    assert_non_null(want);
    assert_int_equal(w * h, 3);
    free(want);
    assert_true(dc_matches_turbojpeg(jpeg, len, "long codes and magnitudes"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encodings_of_others_are_taken_and_exact),
        cmocka_unit_test(test_progressive_and_arithmetic_are_declined),
        cmocka_unit_test(test_every_subsampling_quality_and_odd_size),
        cmocka_unit_test(test_size_other_than_the_eighth_is_declined),
        cmocka_unit_test(test_truncated_stream_is_declined),
        cmocka_unit_test(test_restart_marker_out_of_turn_is_declined),
        cmocka_unit_test(test_damaged_bytes_decline_or_match),
        cmocka_unit_test(test_not_a_jpeg_is_declined),
        cmocka_unit_test(test_long_codes_and_magnitudes_are_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
