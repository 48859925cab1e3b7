#include <stdlib.h>
#include <string.h>

#include "img_internal.h"

#define THUMB_MAGIC "LKT1"
#define THUMB_HEADER 8

void img_thumb_cleanup(struct img_thumb *t)
{
    free(t->pixels);
    memset(t, 0, sizeof(*t));
}

int img_thumbnail(const void *data, size_t len, unsigned max_side, size_t budget_bytes,
                  struct img_thumb *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (max_side == 0 || max_side > IMG_THUMB_MAX_SIDE)
        return err_set(err, LK_INVALID_ARG, "thumbnail side must be 1..%u", IMG_THUMB_MAX_SIDE);
    /* Decoding a JPEG at twice the thumbnail size keeps the JPEG and PNG paths' box grids
     * close, so the same picture in either format gives nearly the same thumbnail. */
    struct img_resampler rs;
    int rc = img_decode_fitted(data, len, 1, max_side, 2 * max_side, budget_bytes, &rs, err);
    if (rc != LK_OK)
        return rc;
    out->width = rs.dst_w;
    out->height = rs.dst_h;
    out->pixels = img_resampler_finish(&rs);
    return LK_OK;
}

double img_motion_score(const struct img_thumb *prev, const struct img_thumb *cur, unsigned noise)
{
    if (!prev || !cur || !prev->pixels || !cur->pixels || prev->width == 0 || prev->height == 0 ||
        cur->width == 0 || cur->height == 0)
        return 1.0;
    unsigned long long changed = 0;
    for (unsigned y = 0; y < cur->height; y++) {
        unsigned py = (unsigned)((unsigned long long)y * prev->height / cur->height);
        for (unsigned x = 0; x < cur->width; x++) {
            unsigned px = (unsigned)((unsigned long long)x * prev->width / cur->width);
            int a = prev->pixels[(size_t)py * prev->width + px];
            int b = cur->pixels[(size_t)y * cur->width + x];
            changed += (unsigned)abs(a - b) > noise;
        }
    }
    return (double)changed / ((double)cur->width * cur->height);
}

int img_thumb_serialize(const struct img_thumb *t, struct lk_buf *out)
{
    if (!t->pixels || t->width == 0 || t->height == 0 || t->width > IMG_THUMB_MAX_SIDE ||
        t->height > IMG_THUMB_MAX_SIDE)
        return LK_INVALID_ARG;
    unsigned char head[THUMB_HEADER] = {'L',
                                        'K',
                                        'T',
                                        '1',
                                        (unsigned char)(t->width >> 8),
                                        (unsigned char)t->width,
                                        (unsigned char)(t->height >> 8),
                                        (unsigned char)t->height};
    int rc = buf_reserve(out, THUMB_HEADER + (size_t)t->width * t->height);
    if (rc == LK_OK)
        rc = buf_append(out, head, sizeof(head));
    if (rc == LK_OK)
        rc = buf_append(out, t->pixels, (size_t)t->width * t->height);
    return rc;
}

int img_thumb_deserialize(const void *data, size_t len, struct img_thumb *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    const unsigned char *p = data;
    if (!p || len < THUMB_HEADER || memcmp(p, THUMB_MAGIC, 4) != 0)
        return err_set(err, LK_BAD_IMAGE, "thumbnail: no LKT1 header");
    unsigned w = (unsigned)p[4] << 8 | p[5];
    unsigned h = (unsigned)p[6] << 8 | p[7];
    if (w == 0 || h == 0 || w > IMG_THUMB_MAX_SIDE || h > IMG_THUMB_MAX_SIDE ||
        len - THUMB_HEADER != (size_t)w * h)
        return err_set(err, LK_BAD_IMAGE, "thumbnail: size %ux%u does not match %zu bytes", w, h,
                       len);
    out->pixels = malloc((size_t)w * h);
    if (!out->pixels)
        return err_set(err, LK_NOMEM, "out of memory reading a thumbnail");
    memcpy(out->pixels, p + THUMB_HEADER, (size_t)w * h);
    out->width = w;
    out->height = h;
    return LK_OK;
}
