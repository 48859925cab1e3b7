#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "img_internal.h"

/* A decoded (scaled) JPEG is held whole; cap it so a hostile header cannot ask for more. */
#define MAX_DECODED_BYTES ((unsigned long long)400 * 1024 * 1024)

struct jpeg_head {
    int w, h, subsamp, colorspace;
};

static int read_head(tjhandle tj, const unsigned char *d, size_t len, struct jpeg_head *jh,
                     struct lk_error *err)
{
    /* TurboJPEG leaves these unset for some truncated streams and still returns 0. */
    memset(jh, 0, sizeof(*jh));
    if (len > (size_t)(unsigned long)-1 ||
        tjDecompressHeader3(tj, d, (unsigned long)len, &jh->w, &jh->h, &jh->subsamp,
                            &jh->colorspace) != 0)
        return err_set(err, LK_BAD_IMAGE, "JPEG: %s", tjGetErrorStr2(tj));
    if (jh->w <= 0 || jh->h <= 0 || (unsigned)jh->w > IMG_MAX_SIDE ||
        (unsigned)jh->h > IMG_MAX_SIDE ||
        (unsigned long long)jh->w * (unsigned)jh->h > IMG_MAX_PIXELS)
        return err_set(err, LK_BAD_IMAGE, "JPEG: dimensions %dx%d are zero or over the caps", jh->w,
                       jh->h);
    if (jh->colorspace == TJCS_CMYK || jh->colorspace == TJCS_YCCK)
        return err_set(err, LK_BAD_IMAGE, "JPEG: CMYK images are not supported");
    return LK_OK;
}

/* The smallest scale among 1/1, 1/2, 1/4 and 1/8 whose longest side still reaches
 * min_side. Those scales average whole 8x8 blocks into aligned squares; the others (3/8,
 * 5/8...) shift the picture by a fraction of a pixel against a box filter. */
static tjscalingfactor pick_scale(int w, int h, unsigned min_side)
{
    tjscalingfactor best = {1, 1};
    int n = 0;
    tjscalingfactor *sf = tjGetScalingFactors(&n);
    int longest = w > h ? w : h;
    int best_side = longest;
    for (int i = 0; sf && i < n; i++) {
        if (sf[i].num != 1)
            continue;
        int side = TJSCALED(longest, sf[i]);
        if (side >= (int)min_side && side < best_side) {
            best = sf[i];
            best_side = side;
        }
    }
    return best;
}

int img_jpeg_scaled_size(const unsigned char *d, size_t len, unsigned min_side, unsigned *w,
                         unsigned *h, struct lk_error *err)
{
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    struct jpeg_head jh;
    int rc = read_head(tj, d, len, &jh, err);
    if (rc == LK_OK) {
        tjscalingfactor sf = pick_scale(jh.w, jh.h, min_side);
        *w = (unsigned)TJSCALED(jh.w, sf);
        *h = (unsigned)TJSCALED(jh.h, sf);
    }
    tjDestroy(tj);
    return rc;
}

static int decode_into(tjhandle tj, const unsigned char *d, size_t len, unsigned channels,
                       unsigned char *pix, int sw, int sh, struct lk_error *err)
{
    int pf = channels == 1 ? TJPF_GRAY : TJPF_RGB;
    int flags = TJFLAG_LIMITSCANS | (channels == 1 ? TJFLAG_FASTDCT : 0);
    if (tjDecompress2(tj, d, (unsigned long)len, pix, sw, 0, sh, pf, flags) == 0)
        return LK_OK;
    /* A warning (say, a truncated scan) still leaves a complete, if damaged, picture. */
    if (tjGetErrorCode(tj) == TJERR_WARNING)
        return LK_OK;
    return err_set(err, LK_BAD_IMAGE, "JPEG: %s", tjGetErrorStr2(tj));
}

int img_jpeg_decode(const unsigned char *d, size_t len, unsigned channels, unsigned min_side,
                    img_row_fn fn, void *ctx, unsigned *w_out, unsigned *h_out,
                    struct lk_error *err)
{
    if (channels != 1 && channels != 3)
        return err_set(err, LK_INVALID_ARG, "JPEG: output must be gray or RGB");
    unsigned char *pix = NULL;
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    struct jpeg_head jh;
    int rc = read_head(tj, d, len, &jh, err);
    if (rc != LK_OK)
        goto cleanup;
    tjscalingfactor sf = pick_scale(jh.w, jh.h, min_side);
    int sw = TJSCALED(jh.w, sf), sh = TJSCALED(jh.h, sf);
    unsigned long long bytes = (unsigned long long)sw * (unsigned)sh * channels;
    if (bytes > MAX_DECODED_BYTES) {
        rc = err_set(err, LK_BAD_IMAGE, "JPEG: %dx%d is too large to decode", sw, sh);
        goto cleanup;
    }
    pix = malloc((size_t)bytes);
    if (!pix) {
        rc = err_set(err, LK_NOMEM, "out of memory decoding a JPEG");
        goto cleanup;
    }
    rc = decode_into(tj, d, len, channels, pix, sw, sh, err);
    *w_out = (unsigned)sw;
    *h_out = (unsigned)sh;
    for (int y = 0; rc == LK_OK && y < sh; y++)
        rc = fn(ctx, pix + (size_t)y * (size_t)sw * channels, (unsigned)y);
cleanup:
    free(pix);
    tjDestroy(tj);
    return rc;
}
