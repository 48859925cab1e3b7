#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "img_internal.h"

#define MIN_QUALITY 40

static int encode(const unsigned char *rgb, unsigned w, unsigned h, int quality, struct lk_buf *out,
                  struct lk_error *err)
{
    buf_reset(out);
    return img_jpeg_encode(rgb, w, (size_t)w * 3, h, quality, out, err);
}

/* The first target side: the image's own, or IMG_REK_TARGET_SIDE for an oversized one
 * (more when its short side would fall under the minimum). 0 when it cannot fit. */
static unsigned first_side(const struct img_info *in)
{
    unsigned longest = in->width > in->height ? in->width : in->height;
    unsigned shortest = in->width > in->height ? in->height : in->width;
    if (longest <= IMG_REK_MAX_SIDE)
        return longest;
    unsigned long long need =
        ((unsigned long long)IMG_REK_MIN_SIDE * longest + shortest - 1) / shortest;
    unsigned long long side = need > IMG_REK_TARGET_SIDE ? need : IMG_REK_TARGET_SIDE;
    return side <= IMG_REK_MAX_SIDE ? (unsigned)side : 0;
}

/* Lowers *side by 3/4 until the decode, the picture and its encoded copy (at most the
 * picture's size) fit the budget. A smaller side never costs more: the TurboJPEG scale
 * picked for it is the same or smaller. */
static int side_within_budget(const unsigned char *d, size_t len, const struct img_info *in,
                              size_t budget_bytes, unsigned *side, struct lk_error *err)
{
    unsigned longest = in->width > in->height ? in->width : in->height;
    unsigned shortest = in->width > in->height ? in->height : in->width;
    for (;;) {
        struct img_fit_cost c;
        int rc = img_decode_fitted_cost(d, len, 3, *side, *side, &c, err);
        if (rc != LK_OK)
            return rc;
        if (c.bytes + (unsigned long long)c.dst_w * c.dst_h * 3 <= budget_bytes)
            return LK_OK;
        unsigned next = *side / 4 * 3;
        if ((unsigned long long)shortest * next / longest < IMG_REK_MIN_SIDE)
            return err_set(err, LK_IMAGE_TOO_LARGE,
                           "%ux%u cannot be decoded within the %zu MB pixel budget", in->width,
                           in->height, budget_bytes >> 20);
        *side = next;
    }
}

static int reencode(const unsigned char *d, size_t len, const struct img_info *in, int quality,
                    size_t budget_bytes, struct lk_buf *out, struct lk_error *err)
{
    unsigned side = first_side(in);
    if (side == 0)
        return err_set(err, LK_BAD_IMAGE, "%ux%u cannot be scaled within %u..%u px per side",
                       in->width, in->height, IMG_REK_MIN_SIDE, IMG_REK_MAX_SIDE);
    int rc = side_within_budget(d, len, in, budget_bytes, &side, err);
    if (rc != LK_OK)
        return rc;
    for (;;) {
        struct img_resampler rs;
        rc = img_decode_fitted(d, len, 3, side, side, budget_bytes, &rs, err);
        if (rc != LK_OK)
            return rc;
        unsigned w = rs.dst_w, h = rs.dst_h;
        unsigned char *rgb = img_resampler_finish(&rs);
        rc = encode(rgb, w, h, quality, out, err);
        free(rgb);
        /* LK_TOO_LARGE: the encoded frame overflowed out's cap, so it is too big as well. */
        if (rc != LK_OK && rc != LK_TOO_LARGE)
            return rc;
        if (rc == LK_OK && out->len <= IMG_REK_MAX_BYTES)
            return LK_OK;
        unsigned next = side / 4 * 3;
        unsigned short_next = (unsigned)((unsigned long long)(w < h ? w : h) * 3 / 4);
        if (short_next < IMG_REK_MIN_SIDE)
            return err_set(err, LK_BAD_IMAGE, "cannot re-encode %ux%u under %u bytes", in->width,
                           in->height, IMG_REK_MAX_BYTES);
        side = next;
        quality = quality - 10 > MIN_QUALITY ? quality - 10 : MIN_QUALITY;
    }
}

int img_fit_for_rekognition(const void *data, size_t len, int quality, size_t budget_bytes,
                            struct lk_buf *out, struct lk_view *result, struct lk_error *err)
{
    result->ptr = NULL;
    result->len = 0;
    if (quality < 1 || quality > 100)
        return err_set(err, LK_INVALID_ARG, "JPEG quality must be 1..100");
    struct img_info in;
    int rc = img_probe(data, len, &in, err);
    if (rc != LK_OK)
        return rc;
    if (in.width < IMG_REK_MIN_SIDE || in.height < IMG_REK_MIN_SIDE)
        return err_set(err, LK_BAD_IMAGE, "%ux%u is smaller than %u px on a side", in.width,
                       in.height, IMG_REK_MIN_SIDE);
    if (len <= IMG_REK_MAX_BYTES && in.width <= IMG_REK_MAX_SIDE && in.height <= IMG_REK_MAX_SIDE) {
        result->ptr = data;
        result->len = len;
        return LK_OK;
    }
    rc = reencode(data, len, &in, quality, budget_bytes, out, err);
    if (rc == LK_OK)
        *result = buf_view(out);
    return rc;
}
