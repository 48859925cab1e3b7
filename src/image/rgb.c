/* RGB pictures: allocation, JPEG in and out, bilinear scaling (draw.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "img_internal.h"
#include "lookout/draw.h"

int img_rgb_init(struct img_rgb *img, unsigned w, unsigned h, struct img_color fill,
                 struct lk_error *err)
{
    memset(img, 0, sizeof(*img));
    if (w == 0 || h == 0 || w > IMG_RGB_MAX_SIDE || h > IMG_RGB_MAX_SIDE)
        return err_set(err, LK_INVALID_ARG, "picture size %ux%u is zero or over %u", w, h,
                       IMG_RGB_MAX_SIDE);
    img->pixels = malloc((size_t)w * h * 3);
    if (!img->pixels)
        return err_set(err, LK_NOMEM, "out of memory for a %ux%u picture", w, h);
    img->w = w;
    img->h = h;
    img->stride = (size_t)w * 3;
    for (size_t i = 0; i < w; i++) {
        img->pixels[3 * i] = fill.r;
        img->pixels[3 * i + 1] = fill.g;
        img->pixels[3 * i + 2] = fill.b;
    }
    for (size_t y = 1; y < h; y++) /* copying whole rows beats storing byte by byte */
        memcpy(img->pixels + y * img->stride, img->pixels, img->stride);
    return LK_OK;
}

void img_rgb_cleanup(struct img_rgb *img)
{
    free(img->pixels);
    memset(img, 0, sizeof(*img));
}

static int copy_row(void *ctx, const unsigned char *row, unsigned y)
{
    struct img_rgb *img = ctx;
    memcpy(img->pixels + (size_t)y * img->stride, row, (size_t)img->w * 3);
    return LK_OK;
}

int img_rgb_from_jpeg(const void *data, size_t len, unsigned min_side, struct img_rgb *img,
                      struct lk_error *err)
{
    unsigned w = 0, h = 0;
    unsigned long long decoder_bytes;
    memset(img, 0, sizeof(*img));
    if (min_side == 0)
        min_side = INT_MAX; /* no reduced scale reaches it: full size */
    int rc = img_jpeg_scaled_size(data, len, min_side, 3, &w, &h, &decoder_bytes, err);
    if (rc == LK_OK)
        rc = img_rgb_init(img, w, h, (struct img_color){0, 0, 0}, err);
    if (rc == LK_OK)
        rc = img_jpeg_decode(data, len, 3, min_side, copy_row, img, &w, &h, err);
    if (rc != LK_OK)
        img_rgb_cleanup(img);
    return rc;
}

int img_jpeg_encode(const unsigned char *rgb, unsigned w, size_t stride, unsigned h, int quality,
                    struct lk_buf *out, struct lk_error *err)
{
    tjhandle tj = tjInitCompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    unsigned char *jpeg = NULL;
    unsigned long size = 0;
    int failed = tjCompress2(tj, rgb, (int)w, (int)stride, (int)h, TJPF_RGB, &jpeg, &size,
                             TJSAMP_420, quality, 0) != 0;
    return img_jpeg_encoded(tj, failed, jpeg, size, out, err);
}

int img_jpeg_encoded(void *tj, int failed, unsigned char *jpeg, unsigned long size,
                     struct lk_buf *out, struct lk_error *err)
{
    int rc = LK_OK;
    if (failed)
        rc = err_set(err, LK_BAD_IMAGE, "JPEG encode: %s", tjGetErrorStr2(tj));
    else if (buf_append(out, jpeg, size) != LK_OK)
        rc = err_set(err, LK_TOO_LARGE, "the encoded JPEG (%lu bytes) does not fit the buffer",
                     size);
    tjFree(jpeg);
    tjDestroy(tj);
    return rc;
}

int img_rgb_to_jpeg(const struct img_rgb *img, int quality, struct lk_buf *out,
                    struct lk_error *err)
{
    if (!img->pixels || quality < 1 || quality > 100)
        return err_set(err, LK_INVALID_ARG, "JPEG encode: empty picture or bad quality");
    return img_jpeg_encode(img->pixels, img->w, img->stride, img->h, quality, out, err);
}

/* Source coordinate (16.16 fixed point) of destination pixel i of n over a source of m. */
static int64_t src_pos(unsigned i, unsigned n, unsigned m)
{
    int64_t p = (((int64_t)2 * i + 1) * m * 65536) / ((int64_t)2 * n) - 32768;
    int64_t max = ((int64_t)m - 1) * 65536;
    return p < 0 ? 0 : p > max ? max : p;
}

static unsigned char lerp(unsigned a, unsigned b, unsigned c, unsigned d, unsigned fx, unsigned fy)
{
    uint64_t top = (uint64_t)a * (65536 - fx) + (uint64_t)b * fx;
    uint64_t bot = (uint64_t)c * (65536 - fx) + (uint64_t)d * fx;
    uint64_t v = (top * (65536 - fy) + bot * fy) >> 32;
    return (unsigned char)(v > 255 ? 255 : v);
}

static void blit_row(struct img_rgb *dst, int x, unsigned w, int dy, const struct img_rgb *src,
                     int64_t sy)
{
    unsigned y0 = (unsigned)(sy >> 16), fy = (unsigned)(sy & 0xffff);
    unsigned y1 = y0 + 1 < src->h ? y0 + 1 : y0;
    const unsigned char *r0 = src->pixels + (size_t)y0 * src->stride;
    const unsigned char *r1 = src->pixels + (size_t)y1 * src->stride;
    unsigned char *out = dst->pixels + (size_t)dy * dst->stride;
    for (unsigned i = 0; i < w; i++) {
        int dx = x + (int)i;
        if (dx < 0 || (unsigned)dx >= dst->w)
            continue;
        int64_t sx = src_pos(i, w, src->w);
        unsigned x0 = (unsigned)(sx >> 16), fx = (unsigned)(sx & 0xffff);
        unsigned x1 = x0 + 1 < src->w ? x0 + 1 : x0;
        for (unsigned k = 0; k < 3; k++)
            out[3 * (size_t)dx + k] = lerp(r0[3 * x0 + k], r0[3 * x1 + k], r1[3 * x0 + k],
                                           r1[3 * x1 + k], fx, fy);
    }
}

void img_rgb_blit_scaled(struct img_rgb *dst, int x, int y, unsigned w, unsigned h,
                         const struct img_rgb *src)
{
    if (!src->pixels || !dst->pixels || w == 0 || h == 0)
        return;
    for (unsigned j = 0; j < h; j++) {
        int dy = y + (int)j;
        if (dy >= 0 && (unsigned)dy < dst->h)
            blit_row(dst, x, w, dy, src, src_pos(j, h, src->h));
    }
}
