/* YCbCr planes (img_internal.h): a colour JPEG's pixels as it holds them, scaled and encoded
 * again without colour conversion or chroma resampling. Scaling each plane on its own
 * touches half the samples RGB does at 4:2:0, and the decoder and encoder skip their colour
 * and chroma steps. */
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "img_internal.h"

void img_planes_cleanup(struct img_planes *p)
{
    free(p->plane[0]);
    memset(p, 0, sizeof(*p));
}

/* Sets the sides of every plane; 0 when they are not whole chroma samples. */
static int set_sides(struct img_planes *p, unsigned w, unsigned h, unsigned sub_x, unsigned sub_y)
{
    if (w == 0 || h == 0 || w > IMG_RGB_MAX_SIDE || h > IMG_RGB_MAX_SIDE || sub_x == 0 ||
        sub_x > 2 || sub_y == 0 || sub_y > 2 || w % sub_x != 0 || h % sub_y != 0)
        return 0;
    p->w = w;
    p->h = h;
    p->sub_x = sub_x;
    p->sub_y = sub_y;
    p->pw[0] = w;
    p->ph[0] = h;
    p->pw[1] = p->pw[2] = w / sub_x;
    p->ph[1] = p->ph[2] = h / sub_y;
    return 1;
}

int img_planes_init(struct img_planes *p, unsigned w, unsigned h, unsigned sub_x, unsigned sub_y,
                    struct lk_error *err)
{
    memset(p, 0, sizeof(*p));
    if (!set_sides(p, w, h, sub_x, sub_y))
        return err_set(err, LK_INVALID_ARG, "planes %ux%u at %ux%u chroma are not whole samples", w,
                       h, sub_x, sub_y);
    size_t luma = (size_t)p->pw[0] * p->ph[0], chroma = (size_t)p->pw[1] * p->ph[1];
    p->plane[0] = malloc(luma + 2 * chroma);
    if (!p->plane[0]) {
        memset(p, 0, sizeof(*p));
        return err_set(err, LK_NOMEM, "out of memory for %ux%u planes", w, h);
    }
    p->plane[1] = p->plane[0] + luma;
    p->plane[2] = p->plane[1] + chroma;
    return LK_OK;
}

static int tj_subsamp(const struct img_planes *p)
{
    if (p->sub_x == 1)
        return TJSAMP_444;
    return p->sub_y == 1 ? TJSAMP_422 : TJSAMP_420;
}

int img_planes_to_jpeg(const struct img_planes *p, int quality, struct lk_buf *out,
                       struct lk_error *err)
{
    if (!p->plane[0] || quality < 1 || quality > 100)
        return err_set(err, LK_INVALID_ARG, "JPEG encode: empty planes or bad quality");
    tjhandle tj = tjInitCompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    unsigned char *jpeg = NULL;
    unsigned long size = 0;
    const unsigned char *planes[3] = {p->plane[0], p->plane[1], p->plane[2]};
    int failed = tjCompressFromYUVPlanes(tj, planes, (int)p->w, NULL, (int)p->h, tj_subsamp(p),
                                         &jpeg, &size, quality, 0) != 0;
    return img_jpeg_encoded(tj, failed, jpeg, size, out, err);
}

/* JFIF's full-range equations in 16.16 fixed point, rounded; the chroma of a pure red or blue
 * (255.5) is held at 255. */
static unsigned char clamp_sample(long v)
{
    return (unsigned char)(v > 255 ? 255 : v < 0 ? 0 : v);
}

void img_ycc_from_rgb(struct img_color c, unsigned char ycc[3])
{
    const long half = 32768, mid = 128L << 16;
    ycc[0] = clamp_sample((19595L * c.r + 38470L * c.g + 7471L * c.b + half) >> 16);
    ycc[1] = clamp_sample((-11059L * c.r - 21709L * c.g + 32768L * c.b + mid + half) >> 16);
    ycc[2] = clamp_sample((32768L * c.r - 27439L * c.g - 5329L * c.b + mid + half) >> 16);
}

int img_planes_fitted_cost(const unsigned char *d, size_t len, unsigned max_side,
                           unsigned jpeg_min_side, struct img_fit_cost *cost, unsigned *sub_x,
                           unsigned *sub_y, struct lk_error *err)
{
    unsigned long long decoder = 0;
    memset(cost, 0, sizeof(*cost));
    *sub_x = *sub_y = 0;
    if (img_detect(d, len) != IMG_FORMAT_JPEG)
        return LK_OK;
    unsigned sx, sy;
    int rc = img_jpeg_planar_size(d, len, jpeg_min_side, &cost->src_w, &cost->src_h, &sx, &sy,
                                  &decoder, err);
    if (rc != LK_OK || sx == 0)
        return rc;
    img_fit_size(cost->src_w, cost->src_h, max_side, &cost->dst_w, &cost->dst_h);
    if (cost->dst_w % sx != 0 || cost->dst_h % sy != 0)
        return LK_OK;
    /* Every plane and its resampler counted as alive at once: an upper bound. */
    cost->bytes = decoder + img_resampler_bytes(cost->src_w, cost->dst_w, cost->dst_h, 1) +
                  2 * img_resampler_bytes(cost->src_w / sx, cost->dst_w / sx, cost->dst_h / sy, 1);
    *sub_x = sx;
    *sub_y = sy;
    return LK_OK;
}

/* Box-scales one plane into the top dw x dh samples of out. */
static int scale_plane(const unsigned char *src, unsigned sw, unsigned sh, unsigned dw, unsigned dh,
                       unsigned char *out, struct lk_error *err)
{
    struct img_resampler rs;
    int rc = img_resampler_init_into(&rs, sw, sh, dw, dh, 1, out, err);
    for (unsigned y = 0; rc == LK_OK && y < sh; y++)
        rc = img_resampler_row(&rs, src + (size_t)y * sw, y);
    if (rc == LK_OK)
        img_resampler_finish(&rs);
    else
        img_resampler_cleanup(&rs);
    return rc;
}

int img_planes_decode_fitted(const unsigned char *d, size_t len, unsigned max_side,
                             unsigned jpeg_min_side, unsigned extra_h, size_t budget_bytes,
                             struct img_planes *p, struct lk_error *err)
{
    struct img_fit_cost cost;
    struct img_planes src;
    unsigned sx, sy;
    memset(p, 0, sizeof(*p));
    int rc = img_planes_fitted_cost(d, len, max_side, jpeg_min_side, &cost, &sx, &sy, err);
    if (rc != LK_OK)
        return rc;
    if (sx == 0)
        return err_set(err, LK_INVALID_ARG, "the frame cannot be scaled as YCbCr planes");
    cost.bytes += (unsigned long long)cost.dst_w * extra_h * 3;
    if (cost.bytes > budget_bytes)
        return err_set(err, LK_IMAGE_TOO_LARGE,
                       "decoding it takes %llu MB of pixels, over the %zu MB budget",
                       (cost.bytes + (1 << 20) - 1) >> 20, budget_bytes >> 20);
    rc = img_planes_init(p, cost.dst_w, cost.dst_h + extra_h, sx, sy, err);
    if (rc == LK_OK)
        rc = img_jpeg_decode_planes(d, len, jpeg_min_side, &src, err);
    if (rc != LK_OK) {
        img_planes_cleanup(p);
        return rc;
    }
    /* The resamplers write straight into the taller planes: no copy of the frame. */
    for (int k = 0; rc == LK_OK && k < 3; k++)
        rc = scale_plane(src.plane[k], src.pw[k], src.ph[k], p->pw[k],
                         k ? cost.dst_h / sy : cost.dst_h, p->plane[k], err);
    img_planes_cleanup(&src);
    if (rc != LK_OK)
        img_planes_cleanup(p);
    return rc;
}
