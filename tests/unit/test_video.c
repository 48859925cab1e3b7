/* Unit tests for the video writers (video.h): the AVI's RIFF structure read back field by
 * field, its size limit, and the APNG's chunks. ffprobe judges whole files in
 * tests/integration/test_timelapse.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zlib.h>

#include "lookout/video.h"

static uint32_t rd32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
}

static uint32_t rd32be(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | (uint32_t)u[3];
}

/* A w x h JPEG of a gradient; odd adds a trailing byte so its length is odd. */
static void jpeg_of(unsigned w, unsigned h, unsigned shade, int odd, struct lk_buf *out)
{
    struct img_rgb img;
    struct lk_error err;
    assert_int_equal(img_rgb_init(&img, w, h, (struct img_color){(unsigned char)shade, 0, 0}, &err),
                     LK_OK);
    img_fill_rect(&img, 0, 0, w / 2, h / 2, (struct img_color){0, 200, 0});
    buf_init(out, 1 << 20);
    assert_int_equal(img_rgb_to_jpeg(&img, 80, out, &err), LK_OK);
    if ((out->len % 2 == 1) != odd)
        buf_append_byte(out, 0);
    img_rgb_cleanup(&img);
}

static void avi_structure_reads_back(void **state)
{
    (void)state;
    struct lk_buf file, f[3];
    buf_init(&file, 4 << 20);
    jpeg_of(64, 48, 10, 1, &f[0]);
    jpeg_of(64, 48, 120, 0, &f[1]);
    jpeg_of(64, 48, 250, 1, &f[2]);
    struct img_avi *avi;
    struct lk_error err;
    struct img_avi_options o = {64, 48, 5, 0};
    assert_int_equal(img_avi_new(&o, img_sink_buf(&file), &avi, &err), LK_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(img_avi_add(avi, f[i].data, f[i].len, &err), LK_OK);
    assert_int_equal(img_avi_finish(avi, &err), LK_OK);
    assert_int_equal(img_avi_bytes(avi), file.len);
    img_avi_free(avi);

    const char *d = file.data, *end = d + file.len;
    assert_memory_equal(d, "RIFF", 4);
    assert_int_equal(rd32(d + 4), file.len - 8);
    assert_memory_equal(d + 8, "AVI LIST", 8);
    assert_memory_equal(d + 20, "hdrlavih", 8);
    assert_int_equal(rd32(d + 32), 200000);     /* us per frame at 5 fps */
    assert_int_equal(rd32(d + 44) & 0x10, 0x10); /* AVIF_HASINDEX */
    assert_int_equal(rd32(d + 48), 3);           /* total frames */
    assert_int_equal(rd32(d + 64), 64);
    assert_int_equal(rd32(d + 68), 48);
    assert_memory_equal(d + 108, "vidsMJPG", 8);
    assert_int_equal(rd32(d + 132), 5);          /* rate */
    assert_int_equal(rd32(d + 140), 3);          /* length */
    assert_memory_equal(d + 188, "MJPG", 4);
    assert_memory_equal(d + 212, "LIST", 4);
    assert_memory_equal(d + 220, "movi", 4);
    const char *movi = d + 220;
    const char *idx = movi + rd32(d + 216);
    assert_memory_equal(idx, "idx1", 4);
    assert_int_equal(rd32(idx + 4), 3 * 16);
    assert_ptr_equal(idx + 8 + 3 * 16, end);
    for (int i = 0; i < 3; i++) {
        const char *e = idx + 8 + 16 * i;
        assert_memory_equal(e, "00dc", 4);
        assert_int_equal(rd32(e + 4), 0x10);
        const char *chunk = movi + rd32(e + 8);
        assert_memory_equal(chunk, "00dc", 4);
        assert_int_equal(rd32(chunk + 4), f[i].len);
        assert_int_equal(rd32(e + 12), f[i].len);
        assert_memory_equal(chunk + 8, f[i].data, f[i].len); /* the bytes as given */
    }
    for (int i = 0; i < 3; i++)
        buf_cleanup(&f[i]);
    buf_cleanup(&file);
}

static void avi_stops_before_its_limit(void **state)
{
    (void)state;
    struct lk_buf file, jpeg;
    buf_init(&file, 4 << 20);
    jpeg_of(32, 32, 50, 0, &jpeg);
    /* Room for the headers, three frames and their index, not four. */
    uint64_t limit = 224 + 3 * (8 + jpeg.len) + 8 + 3 * 16 + 4;
    struct img_avi_options o = {32, 32, 10, limit};
    struct img_avi *avi;
    struct lk_error err;
    assert_int_equal(img_avi_new(&o, img_sink_buf(&file), &avi, &err), LK_OK);
    int rc = LK_OK;
    size_t added = 0;
    while ((rc = img_avi_add(avi, jpeg.data, jpeg.len, &err)) == LK_OK)
        added++;
    assert_int_equal(rc, LK_TOO_LARGE);
    assert_int_equal(added, 3);
    assert_int_equal(img_avi_finish(avi, &err), LK_OK);
    assert_true(file.len <= limit);
    assert_int_equal(rd32(file.data + 48), 3);
    img_avi_free(avi);
    buf_cleanup(&jpeg);
    buf_cleanup(&file);
}

static void avi_rejects_a_frame_of_another_size(void **state)
{
    (void)state;
    struct lk_buf file, other;
    buf_init(&file, 1 << 20);
    jpeg_of(40, 30, 50, 0, &other);
    struct img_avi_options o = {64, 48, 10, 0};
    struct img_avi *avi;
    struct lk_error err;
    assert_int_equal(img_avi_new(&o, img_sink_buf(&file), &avi, &err), LK_OK);
    assert_int_equal(img_avi_add(avi, other.data, other.len, &err), LK_INVALID_ARG);
    assert_int_equal(img_avi_add(avi, "not a jpeg", 10, &err), LK_BAD_IMAGE);
    assert_int_equal(img_avi_frames(avi), 0);
    img_avi_free(avi);
    struct img_avi_options bad = {64, 48, 0, 0};
    assert_int_equal(img_avi_new(&bad, img_sink_buf(&file), &avi, &err), LK_INVALID_ARG);
    buf_cleanup(&other);
    buf_cleanup(&file);
}

/* Walks the PNG chunks, checking every CRC; counts fcTL and the frame count in acTL. */
static void apng_chunks_are_well_formed(void **state)
{
    (void)state;
    struct lk_buf file;
    buf_init(&file, 4 << 20);
    struct img_apng_options o = {48, 32, 4, 0};
    struct img_apng *png;
    struct lk_error err;
    struct img_rgb frame;
    assert_int_equal(img_apng_new(&o, img_sink_buf(&file), &png, &err), LK_OK);
    assert_int_equal(img_rgb_init(&frame, 48, 32, (struct img_color){10, 20, 30}, &err), LK_OK);
    for (int i = 0; i < 4; i++) {
        img_fill_rect(&frame, i * 8, 0, 8, 8, (struct img_color){255, 255, 0});
        assert_int_equal(img_apng_add(png, &frame, &err), LK_OK);
    }
    assert_int_equal(img_apng_finish(png, &err), LK_OK);
    img_apng_free(png);
    const char *p = file.data + 8, *end = file.data + file.len;
    assert_memory_equal(file.data, "\x89PNG\r\n\x1a\n", 8);
    int fctl = 0, fdat = 0, idat = 0;
    uint32_t frames = 0, next_seq = 0;
    while (p < end) {
        uint32_t n = rd32be(p);
        assert_true(p + 12 + n <= end);
        uLong crc = crc32(0L, (const Bytef *)p + 4, n + 4);
        assert_int_equal(rd32be(p + 8 + n), (uint32_t)crc);
        if (memcmp(p + 4, "acTL", 4) == 0)
            frames = rd32be(p + 8);
        if (memcmp(p + 4, "fcTL", 4) == 0 || memcmp(p + 4, "fdAT", 4) == 0)
            assert_int_equal(rd32be(p + 8), next_seq++);
        fctl += memcmp(p + 4, "fcTL", 4) == 0;
        fdat += memcmp(p + 4, "fdAT", 4) == 0;
        idat += memcmp(p + 4, "IDAT", 4) == 0;
        p += 12 + n;
    }
    assert_int_equal(frames, 4);
    assert_int_equal(fctl, 4);
    assert_int_equal(idat, 1);
    assert_int_equal(fdat, 3);
    assert_memory_equal(end - 8, "IEND", 4);
    img_rgb_cleanup(&frame);
    buf_cleanup(&file);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(avi_structure_reads_back),
        cmocka_unit_test(avi_stops_before_its_limit),
        cmocka_unit_test(avi_rejects_a_frame_of_another_size),
        cmocka_unit_test(apng_chunks_are_well_formed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
