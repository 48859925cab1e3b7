/* Unit tests for src/image, on the test images in tests/data/images and on PNGs written here (every
 * colour type, bit depth and filter), so the decoder is checked pixel by pixel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <turbojpeg.h>
#include <zlib.h>

#include "lookout/buf.h"
#include "lookout/image.h"

/* Pixel budget of the tests that are not about it: a 1024 MB function's. */
#define BUDGET ((size_t)128 << 20)

struct file {
    unsigned char *data;
    size_t len;
};

static struct file load(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/images/%s", LOOKOUT_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct file out = {malloc(2 * 1024 * 1024), 0};
    assert_non_null(out.data);
    out.len = fread(out.data, 1, 2 * 1024 * 1024, f);
    fclose(f);
    assert_true(out.len > 0);
    return out;
}

static struct img_thumb thumb_of(const char *name, unsigned side)
{
    struct file f = load(name);
    struct img_thumb t;
    struct lk_error err;
    int rc = img_thumbnail(f.data, f.len, side, BUDGET, &t, &err);
    if (rc != LK_OK)
        fail_msg("%s: %s", name, err.message);
    free(f.data);
    return t;
}

static const struct {
    const char *name;
    enum img_format format;
    unsigned w, h;
} IMAGES[] = {
    {"skimage-astronaut.png", IMG_FORMAT_PNG, 512, 512},
    {"skimage-astronaut-q85.jpg", IMG_FORMAT_JPEG, 512, 512},
    {"skimage-chelsea.png", IMG_FORMAT_PNG, 451, 300},
    {"skimage-chelsea-q85.jpg", IMG_FORMAT_JPEG, 451, 300},
    {"skimage-coffee.png", IMG_FORMAT_PNG, 600, 400},
    {"skimage-rocket.jpg", IMG_FORMAT_JPEG, 640, 427},
    {"ljt-testorig.jpg", IMG_FORMAT_JPEG, 227, 149},
    {"ljt-testimgint.jpg", IMG_FORMAT_JPEG, 227, 149},
    {"ljt-testimgari.jpg", IMG_FORMAT_JPEG, 227, 149},
    {"ljt-vgl_5674_0098.png", IMG_FORMAT_PNG, 120, 96},
};

static void every_valid_image_decodes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(IMAGES) / sizeof(IMAGES[0]); i++) {
        struct file f = load(IMAGES[i].name);
        struct img_info info;
        struct lk_error err;
        assert_int_equal(img_detect(f.data, f.len), IMAGES[i].format);
        assert_null(img_skip_reason(f.data, f.len));
        assert_int_equal(img_probe(f.data, f.len, &info, &err), LK_OK);
        assert_int_equal(info.width, IMAGES[i].w);
        assert_int_equal(info.height, IMAGES[i].h);
        assert_int_equal(info.channels, 3);
        struct img_thumb t;
        assert_int_equal(img_thumbnail(f.data, f.len, 64, BUDGET, &t, &err), LK_OK);
        unsigned longest = IMAGES[i].w > IMAGES[i].h ? IMAGES[i].w : IMAGES[i].h;
        assert_int_equal(t.width > t.height ? t.width : t.height, 64);
        assert_int_equal(t.width, IMAGES[i].w * 64 / longest);
        img_thumb_cleanup(&t);
        free(f.data);
    }
}

static void truncated_jpeg_is_bad_image(void **state)
{
    (void)state;
    struct file f = load("skimage-truncated.jpg");
    struct lk_error err;
    struct img_thumb t;
    struct img_info info;
    assert_int_equal(img_detect(f.data, f.len), IMG_FORMAT_JPEG);
    assert_int_equal(img_thumbnail(f.data, f.len, 64, BUDGET, &t, &err), LK_BAD_IMAGE);
    assert_non_null(strstr(err.message, "JPEG: "));
    assert_null(t.pixels);
    assert_int_equal(img_probe(f.data, f.len, &info, &err), LK_BAD_IMAGE);
    struct lk_buf out;
    struct lk_view v;
    buf_init(&out, 8 << 20);
    assert_int_equal(img_fit_for_rekognition(f.data, f.len, 85, BUDGET, &out, &v, &err), LK_BAD_IMAGE);
    buf_cleanup(&out);
    /* Every prefix of a good file fails cleanly or decodes; none crashes. */
    struct file good = load("ljt-testorig.jpg");
    for (size_t n = 0; n < good.len; n += 97)
        if (img_thumbnail(good.data, n, 32, BUDGET, &t, &err) == LK_OK)
            img_thumb_cleanup(&t);
    free(good.data);
    free(f.data);
}

static void same_picture_scores_near_zero(void **state)
{
    (void)state;
    static const char *pairs[][2] = {
        {"skimage-astronaut.png", "skimage-astronaut-q85.jpg"},
        {"skimage-chelsea.png", "skimage-chelsea-q85.jpg"},
        {"ljt-testorig.jpg", "ljt-testimgari.jpg"},
        {"ljt-testorig.jpg", "ljt-testimgint.jpg"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        struct img_thumb a = thumb_of(pairs[i][0], 64), b = thumb_of(pairs[i][1], 64);
        double s = img_motion_score(&a, &b, IMG_MOTION_NOISE);
        if (s > 0.01)
            fail_msg("%s vs %s: %f", pairs[i][0], pairs[i][1], s);
        img_thumb_cleanup(&a);
        img_thumb_cleanup(&b);
    }
}

static void different_pictures_score_high(void **state)
{
    (void)state;
    struct img_thumb a = thumb_of("skimage-astronaut.png", 64);
    struct img_thumb c = thumb_of("skimage-coffee.png", 64);
    struct img_thumb r = thumb_of("skimage-rocket.jpg", 64);
    struct img_thumb k = thumb_of("skimage-chelsea-q85.jpg", 64);
    assert_true(img_motion_score(&a, &c, IMG_MOTION_NOISE) > 0.4);
    assert_true(img_motion_score(&a, &r, IMG_MOTION_NOISE) > 0.4);
    assert_true(img_motion_score(&c, &k, IMG_MOTION_NOISE) > 0.4);
    assert_true(img_motion_score(&a, &a, 0) == 0.0);
    struct img_thumb empty = {0};
    assert_true(img_motion_score(&empty, &a, IMG_MOTION_NOISE) == 1.0);
    img_thumb_cleanup(&a);
    img_thumb_cleanup(&c);
    img_thumb_cleanup(&r);
    img_thumb_cleanup(&k);
}

static void thumbnail_bytes_round_trip(void **state)
{
    (void)state;
    struct img_thumb a = thumb_of("skimage-chelsea.png", 64);
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(img_thumb_serialize(&a, &b), LK_OK);
    assert_int_equal(b.len, 8 + 64 * 42);
    struct img_thumb back;
    struct lk_error err;
    assert_int_equal(img_thumb_deserialize(b.data, b.len, &back, &err), LK_OK);
    assert_int_equal(back.width, a.width);
    assert_int_equal(back.height, a.height);
    assert_memory_equal(back.pixels, a.pixels, (size_t)a.width * a.height);
    img_thumb_cleanup(&back);
    assert_int_equal(img_thumb_deserialize(b.data, b.len - 1, &back, &err), LK_BAD_IMAGE);
    b.data[0] = 'X';
    assert_int_equal(img_thumb_deserialize(b.data, b.len, &back, &err), LK_BAD_IMAGE);
    assert_int_equal(img_thumb_deserialize(NULL, 0, &back, &err), LK_BAD_IMAGE);
    buf_cleanup(&b);
    img_thumb_cleanup(&a);
}

/* ---- A small PNG writer: every filter type, for the decoder's sake. */

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static void chunk(struct lk_buf *b, const char *type, const unsigned char *d, size_t n)
{
    unsigned char head[8];
    put32(head, (uint32_t)n);
    memcpy(head + 4, type, 4);
    assert_int_equal(buf_append(b, head, 8), LK_OK);
    assert_int_equal(buf_append(b, d, n), LK_OK);
    uLong crc = crc32(crc32(0L, (const Bytef *)type, 4), d, (uInt)n);
    unsigned char c[4];
    put32(c, (uint32_t)crc);
    assert_int_equal(buf_append(b, c, 4), LK_OK);
}

static unsigned char pred(int filter, unsigned char a, unsigned char b, unsigned char c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    switch (filter) {
    case 1:
        return a;
    case 2:
        return b;
    case 3:
        return (unsigned char)((a + b) / 2);
    case 4:
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    return 0;
}

/* raw: height rows of row_bytes; row y uses filter y % 5. */
static void write_png(struct lk_buf *b, unsigned w, unsigned h, unsigned depth, unsigned ctype,
                      unsigned interlace, const unsigned char *raw, size_t row_bytes, size_t bpp,
                      const unsigned char *plte, size_t plte_len)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    assert_int_equal(buf_append(b, sig, 8), LK_OK);
    unsigned char ihdr[13];
    put32(ihdr, w);
    put32(ihdr + 4, h);
    ihdr[8] = (unsigned char)depth, ihdr[9] = (unsigned char)ctype;
    ihdr[10] = ihdr[11] = 0, ihdr[12] = (unsigned char)interlace;
    chunk(b, "IHDR", ihdr, 13);
    if (plte)
        chunk(b, "PLTE", plte, plte_len);
    size_t flen = (row_bytes + 1) * h;
    unsigned char *f = malloc(flen);
    assert_non_null(f);
    for (unsigned y = 0; y < h; y++) {
        const unsigned char *row = raw + y * row_bytes, *up = y ? row - row_bytes : NULL;
        unsigned char *o = f + y * (row_bytes + 1);
        o[0] = (unsigned char)(y % 5);
        for (size_t i = 0; i < row_bytes; i++) {
            unsigned char a = i >= bpp ? row[i - bpp] : 0, bb = up ? up[i] : 0;
            unsigned char c = up && i >= bpp ? up[i - bpp] : 0;
            o[1 + i] = (unsigned char)(row[i] - pred(o[0], a, bb, c));
        }
    }
    uLongf zlen = compressBound(flen);
    unsigned char *z = malloc(zlen);
    assert_non_null(z);
    assert_int_equal(compress(z, &zlen, f, flen), Z_OK);
    /* Two IDAT chunks, to cross a chunk boundary inside the stream. */
    chunk(b, "IDAT", z, zlen / 2);
    chunk(b, "IDAT", z + zlen / 2, zlen - zlen / 2);
    chunk(b, "IEND", NULL, 0);
    free(z);
    free(f);
}

/* Decodes at full size and returns the gray pixel at (x, y). */
static unsigned gray_at(const struct img_thumb *t, unsigned x, unsigned y)
{
    return t->pixels[y * t->width + x];
}

static void png_colour_types_and_filters(void **state)
{
    (void)state;
    enum { W = 13, H = 11 };
    unsigned char rgb[W * H * 3];
    for (unsigned i = 0; i < sizeof(rgb); i++)
        rgb[i] = (unsigned char)((i * 37 + (i / 7) * 11) & 0xFF);
    unsigned char raw[W * H * 8];
    struct lk_error err;
    for (unsigned ctype = 0; ctype <= 6; ctype++) {
        if (ctype == 1 || ctype == 5 || ctype == 3)
            continue;
        for (unsigned depth = 8; depth <= 16; depth += 8) {
            unsigned ch = ctype == 0 ? 1 : ctype == 2 ? 3 : ctype == 4 ? 2 : 4;
            size_t bpp = ch * depth / 8, n = 0;
            for (unsigned p = 0; p < W * H; p++) {
                const unsigned char *c = rgb + 3 * p;
                unsigned char s[4] = {c[0], c[1], c[2], 0x55};
                if (ch <= 2)
                    s[1] = 0x55; /* gray + alpha */
                for (unsigned k = 0; k < ch; k++) {
                    raw[n++] = s[k];
                    if (depth == 16)
                        raw[n++] = 0x7F; /* low byte: ignored */
                }
            }
            struct lk_buf png;
            buf_init(&png, 1 << 20);
            write_png(&png, W, H, depth, ctype, 0, raw, W * bpp, bpp, NULL, 0);
            struct img_thumb t;
            int rc = img_thumbnail(png.data, png.len, 64, BUDGET, &t, &err);
            if (rc != LK_OK)
                fail_msg("ctype %u depth %u: %s", ctype, depth, err.message);
            assert_int_equal(t.width, W);
            for (unsigned y = 0; y < H; y++)
                for (unsigned x = 0; x < W; x++) {
                    const unsigned char *c = rgb + 3 * (y * W + x);
                    unsigned want =
                        ch >= 3 ? (77u * c[0] + 150u * c[1] + 29u * c[2] + 128) >> 8 : c[0];
                    assert_int_equal(gray_at(&t, x, y), want);
                }
            img_thumb_cleanup(&t);
            buf_cleanup(&png);
        }
    }
}

static void png_low_bit_depths_and_palette(void **state)
{
    (void)state;
    enum { W = 9, H = 5 };
    struct lk_error err;
    unsigned char plte[16 * 3];
    for (unsigned i = 0; i < 16; i++)
        plte[3 * i] = plte[3 * i + 1] = plte[3 * i + 2] = (unsigned char)(i * 17);
    for (unsigned depth = 1; depth <= 4; depth *= 2) {
        for (unsigned ctype = 0; ctype <= 3; ctype += 3) {
            size_t row_bytes = (W * depth + 7) / 8;
            unsigned char raw[H * 8] = {0};
            unsigned maxv = (1u << depth) - 1;
            for (unsigned y = 0; y < H; y++)
                for (unsigned x = 0; x < W; x++) {
                    unsigned v = (x + y) & maxv, bit = x * depth;
                    raw[y * row_bytes + bit / 8] |= (unsigned char)(v << (8 - depth - bit % 8));
                }
            struct lk_buf png;
            buf_init(&png, 1 << 20);
            write_png(&png, W, H, depth, ctype, 0, raw, row_bytes, 1, ctype == 3 ? plte : NULL,
                      ctype == 3 ? 3u << depth : 0);
            struct img_thumb t;
            assert_int_equal(img_thumbnail(png.data, png.len, 64, BUDGET, &t, &err), LK_OK);
            for (unsigned y = 0; y < H; y++)
                for (unsigned x = 0; x < W; x++) {
                    unsigned v = (x + y) & maxv;
                    unsigned want = ctype == 3 ? v * 17 : v * 255 / maxv;
                    assert_int_equal(gray_at(&t, x, y), want);
                }
            img_thumb_cleanup(&t);
            buf_cleanup(&png);
        }
    }
}

static void png_rejections(void **state)
{
    (void)state;
    unsigned char raw[16 * 16] = {0};
    struct lk_error err;
    struct img_thumb t;
    struct lk_buf png;
    buf_init(&png, 1 << 20);
    write_png(&png, 16, 16, 8, 0, 1, raw, 16, 1, NULL, 0);
    assert_int_equal(img_thumbnail(png.data, png.len, 64, BUDGET, &t, &err), LK_BAD_IMAGE);
    assert_string_equal(err.message, "PNG: interlaced images are not supported");
    buf_reset(&png);
    write_png(&png, 16, 16, 8, 0, 0, raw, 16, 1, NULL, 0);
    png.data[45] ^= 1; /* inside the IDAT data: the CRC no longer matches */
    assert_int_equal(img_thumbnail(png.data, png.len, 64, BUDGET, &t, &err), LK_BAD_IMAGE);
    assert_string_equal(err.message, "PNG: CRC mismatch in a IDAT chunk");
    buf_cleanup(&png);

    struct file f = load("skimage-astronaut.png");
    assert_int_equal(img_thumbnail(f.data, f.len / 2, 64, BUDGET, &t, &err), LK_BAD_IMAGE);
    assert_non_null(strstr(err.message, "PNG: truncated"));
    f.data[16] = 0xFF; /* width 4 billion */
    struct img_info info;
    assert_int_equal(img_probe(f.data, f.len, &info, &err), LK_BAD_IMAGE);
    free(f.data);
    assert_int_equal(img_thumbnail("GIF89a", 6, 64, BUDGET, &t, &err), LK_BAD_IMAGE);
    assert_string_equal(img_skip_reason("GIF89a", 6), "content is not a JPEG or PNG image");
    assert_string_equal(img_skip_reason("", 0), "empty content");
    assert_int_equal(img_thumbnail("x", 1, 0, BUDGET, &t, &err), LK_INVALID_ARG);
}

/* ---- Rekognition fitting */

static struct lk_buf make_jpeg_with(unsigned w, unsigned h, int noisy, int tj_flags)
{
    unsigned char *rgb = malloc((size_t)w * h * 3);
    assert_non_null(rgb);
    uint32_t seed = 12345;
    for (size_t i = 0; i < (size_t)w * h * 3; i++) {
        seed = seed * 1103515245u + 12345u;
        rgb[i] = noisy ? (unsigned char)(seed >> 24) : (unsigned char)(i % 251);
    }
    tjhandle tj = tjInitCompress();
    unsigned char *jpeg = NULL;
    unsigned long size = 0;
    assert_int_equal(
        tjCompress2(tj, rgb, (int)w, 0, (int)h, TJPF_RGB, &jpeg, &size, TJSAMP_444, 100, tj_flags),
        0);
    struct lk_buf b;
    buf_init(&b, 64 << 20);
    assert_int_equal(buf_append(&b, jpeg, size), LK_OK);
    tjFree(jpeg);
    tjDestroy(tj);
    free(rgb);
    return b;
}

static struct lk_buf make_jpeg(unsigned w, unsigned h, int noisy)
{
    return make_jpeg_with(w, h, noisy, 0);
}

static void fit_passes_small_images_through(void **state)
{
    (void)state;
    struct lk_buf out;
    buf_init(&out, 8 << 20);
    struct lk_view v;
    struct lk_error err;
    for (size_t i = 0; i < sizeof(IMAGES) / sizeof(IMAGES[0]); i++) {
        struct file f = load(IMAGES[i].name);
        assert_int_equal(img_fit_for_rekognition(f.data, f.len, 85, BUDGET, &out, &v, &err), LK_OK);
        assert_ptr_equal(v.ptr, (const char *)f.data);
        assert_int_equal(v.len, f.len);
        assert_int_equal(out.len, 0);
        free(f.data);
    }
    struct lk_buf tiny = make_jpeg(79, 200, 0);
    assert_int_equal(img_fit_for_rekognition(tiny.data, tiny.len, 85, BUDGET, &out, &v, &err),
                     LK_BAD_IMAGE);
    assert_string_equal(err.message, "79x200 is smaller than 80 px on a side");
    assert_int_equal(img_fit_for_rekognition(tiny.data, tiny.len, 0, BUDGET, &out, &v, &err),
                     LK_INVALID_ARG);
    buf_cleanup(&tiny);
    buf_cleanup(&out);
}

static void fit_shrinks_oversized_images(void **state)
{
    (void)state;
    struct lk_buf out;
    buf_init(&out, 8 << 20);
    struct lk_view v;
    struct lk_error err;
    struct img_info info;

    /* Wider than 10000 px: scaled to 4096 on the long side, short side kept >= 80. */
    struct lk_buf wide = make_jpeg(10050, 200, 0);
    assert_int_equal(img_fit_for_rekognition(wide.data, wide.len, 85, BUDGET, &out, &v, &err), LK_OK);
    assert_ptr_equal(v.ptr, out.data);
    assert_int_equal(img_probe(v.ptr, v.len, &info, &err), LK_OK);
    assert_int_equal(info.format, IMG_FORMAT_JPEG);
    assert_int_equal(info.width, 4096);
    assert_int_equal(info.height, 81);
    buf_cleanup(&wide);

    /* Over 5 MB of noise: re-encoded, then shrunk until it fits. */
    struct lk_buf noisy = make_jpeg(1800, 1600, 1);
    assert_true(noisy.len > IMG_REK_MAX_BYTES);
    assert_int_equal(img_fit_for_rekognition(noisy.data, noisy.len, 95, BUDGET, &out, &v, &err), LK_OK);
    assert_true(v.len <= IMG_REK_MAX_BYTES);
    assert_int_equal(img_probe(v.ptr, v.len, &info, &err), LK_OK);
    assert_true(info.width <= 1800 && info.width >= IMG_REK_MIN_SIDE);
    buf_cleanup(&noisy);

    /* Too thin to keep 80 px when the long side comes under 10000. */
    struct lk_buf thin = make_jpeg(20000, 80, 0);
    assert_int_equal(img_fit_for_rekognition(thin.data, thin.len, 85, BUDGET, &out, &v, &err),
                     LK_BAD_IMAGE);
    buf_cleanup(&thin);
    buf_cleanup(&out);
}

static void fit_reencodes_big_png(void **state)
{
    (void)state;
    enum { W = 1400, H = 1300 };
    unsigned char *raw = malloc((size_t)W * H * 3);
    assert_non_null(raw);
    uint32_t seed = 7;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        seed = seed * 1103515245u + 12345u;
        raw[i] = (unsigned char)(seed >> 24);
    }
    struct lk_buf png;
    buf_init(&png, 64 << 20);
    write_png(&png, W, H, 8, 2, 0, raw, W * 3, 3, NULL, 0);
    free(raw);
    assert_true(png.len > IMG_REK_MAX_BYTES);
    struct lk_buf out;
    buf_init(&out, 8 << 20);
    struct lk_view v;
    struct lk_error err;
    struct img_info info;
    assert_int_equal(img_fit_for_rekognition(png.data, png.len, 80, BUDGET, &out, &v, &err), LK_OK);
    assert_true(v.len <= IMG_REK_MAX_BYTES);
    assert_int_equal(img_probe(v.ptr, v.len, &info, &err), LK_OK);
    assert_int_equal(info.format, IMG_FORMAT_JPEG);
    assert_true(info.width <= W && info.height <= H);
    buf_cleanup(&out);
    buf_cleanup(&png);
}

/* The budget picks the decode scale; what cannot be read within it is a typed error. */
static void fit_stays_within_pixel_budget(void **state)
{
    (void)state;
    struct lk_buf out;
    buf_init(&out, IMG_REK_MAX_BYTES);
    struct lk_view v;
    struct lk_error err;
    struct img_info info;
    struct lk_buf noisy = make_jpeg(1800, 1600, 1);
    assert_true(noisy.len > IMG_REK_MAX_BYTES);
    /* 1800x1600 RGB alone is 8.6 MB: only a 1/2-scale decode fits 4 MB. */
    assert_int_equal(
        img_fit_for_rekognition(noisy.data, noisy.len, 95, (size_t)4 << 20, &out, &v, &err), LK_OK);
    assert_int_equal(img_probe(v.ptr, v.len, &info, &err), LK_OK);
    assert_true(info.width <= 900 && info.width >= IMG_REK_MIN_SIDE);
    assert_int_equal(
        img_fit_for_rekognition(noisy.data, noisy.len, 95, (size_t)64 << 10, &out, &v, &err),
        LK_IMAGE_TOO_LARGE);
    assert_string_equal(err_lambda_type(err.code), "Function.ImageTooLarge");
    struct img_thumb t;
    assert_int_equal(img_thumbnail(noisy.data, noisy.len, 64, 1024, &t, &err), LK_IMAGE_TOO_LARGE);
    assert_int_equal(img_thumbnail(noisy.data, noisy.len, 64, (size_t)1 << 20, &t, &err), LK_OK);
    img_thumb_cleanup(&t);
    buf_cleanup(&noisy);

    /* A progressive JPEG keeps every coefficient (2 bytes a sample, 17 MB here) at any scale. */
    struct lk_buf prog = make_jpeg_with(1800, 1600, 1, TJFLAG_PROGRESSIVE);
    assert_int_equal(
        img_fit_for_rekognition(prog.data, prog.len, 95, (size_t)16 << 20, &out, &v, &err),
        LK_IMAGE_TOO_LARGE);
    assert_int_equal(img_thumbnail(prog.data, prog.len, 64, (size_t)16 << 20, &t, &err),
                     LK_IMAGE_TOO_LARGE);
    assert_int_equal(img_fit_for_rekognition(prog.data, prog.len, 95, BUDGET, &out, &v, &err),
                     LK_OK);
    buf_cleanup(&prog);
    buf_cleanup(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_valid_image_decodes),
        cmocka_unit_test(truncated_jpeg_is_bad_image),
        cmocka_unit_test(same_picture_scores_near_zero),
        cmocka_unit_test(different_pictures_score_high),
        cmocka_unit_test(thumbnail_bytes_round_trip),
        cmocka_unit_test(png_colour_types_and_filters),
        cmocka_unit_test(png_low_bit_depths_and_palette),
        cmocka_unit_test(png_rejections),
        cmocka_unit_test(fit_passes_small_images_through),
        cmocka_unit_test(fit_shrinks_oversized_images),
        cmocka_unit_test(fit_reencodes_big_png),
        cmocka_unit_test(fit_stays_within_pixel_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
