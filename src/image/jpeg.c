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

/* Whether the frame is progressive (SOF2, SOF6, SOF10, SOF14): libjpeg then keeps every
 * DCT coefficient of the whole image, whatever the output scale. Walks the marker segments
 * up to the first SOF; a stream that ends early reads as baseline and fails in the decoder. */
static int is_progressive(const unsigned char *d, size_t len)
{
    size_t i = 2;
    while (i + 4 <= len && d[i] == 0xFF) {
        unsigned m = d[i + 1];
        if (m == 0xFF) {
            i++;
            continue;
        }
        if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC)
            return m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE;
        i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]);
    }
    return 0;
}

/* Coefficient memory of a progressive decode: 2 bytes per sample of every component. */
static unsigned long long coefficient_bytes(const struct jpeg_head *jh)
{
    unsigned long long luma = (unsigned long long)jh->w * (unsigned)jh->h;
    switch (jh->subsamp) {
    case TJSAMP_GRAY:
        return luma * 2;
    case TJSAMP_420:
    case TJSAMP_411:
        return luma * 3;
    case TJSAMP_422:
    case TJSAMP_440:
        return luma * 4;
    default:
        return luma * 6;
    }
}

int img_jpeg_scaled_size(const unsigned char *d, size_t len, unsigned min_side, unsigned channels,
                         unsigned *w, unsigned *h, unsigned long long *decoder_bytes,
                         struct lk_error *err)
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
        *decoder_bytes = (unsigned long long)*w * *h * channels;
        if (is_progressive(d, len))
            *decoder_bytes += coefficient_bytes(&jh);
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
    /* Gray at 1/8 is motion gating's decode of every frame: the DC reader gives the same
     * pixels at a fraction of the cost, for the JPEGs it takes. */
    if (channels == 1 && sf.denom == 8 &&
        img_jpeg_dc_decode(d, len, (unsigned)sw, (unsigned)sh, pix))
        rc = LK_OK;
    else
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

/* The chroma sample's size for the subsamplings the planar path takes; 0 for the others. */
static void chroma_grid(int subsamp, unsigned *sub_x, unsigned *sub_y)
{
    *sub_x = *sub_y = 0;
    if (subsamp == TJSAMP_444)
        *sub_x = *sub_y = 1;
    else if (subsamp == TJSAMP_422)
        *sub_x = 2, *sub_y = 1;
    else if (subsamp == TJSAMP_420)
        *sub_x = *sub_y = 2;
}

int img_jpeg_planar_size(const unsigned char *d, size_t len, unsigned min_side, unsigned *w,
                         unsigned *h, unsigned *sub_x, unsigned *sub_y,
                         unsigned long long *decoder_bytes, struct lk_error *err)
{
    *sub_x = *sub_y = 0;
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    struct jpeg_head jh;
    int rc = read_head(tj, d, len, &jh, err);
    tjDestroy(tj);
    if (rc != LK_OK)
        return rc;
    tjscalingfactor sf = pick_scale(jh.w, jh.h, min_side);
    *w = (unsigned)TJSCALED(jh.w, sf);
    *h = (unsigned)TJSCALED(jh.h, sf);
    unsigned sx, sy;
    chroma_grid(jh.colorspace == TJCS_YCbCr ? jh.subsamp : -1, &sx, &sy);
    if (sx == 0 || *w % sx != 0 || *h % sy != 0)
        return LK_OK;
    *sub_x = sx;
    *sub_y = sy;
    *decoder_bytes = (unsigned long long)*w * *h + 2ull * (*w / sx) * (*h / sy);
    if (is_progressive(d, len))
        *decoder_bytes += coefficient_bytes(&jh);
    return LK_OK;
}

int img_jpeg_decode_planes(const unsigned char *d, size_t len, unsigned min_side,
                           struct img_planes *p, struct lk_error *err)
{
    unsigned w, h, sx, sy;
    unsigned long long bytes = 0;
    memset(p, 0, sizeof(*p));
    int rc = img_jpeg_planar_size(d, len, min_side, &w, &h, &sx, &sy, &bytes, err);
    if (rc != LK_OK)
        return rc;
    if (sx == 0)
        return err_set(err, LK_INVALID_ARG, "JPEG: not a YCbCr frame that can be read as planes");
    rc = img_planes_init(p, w, h, sx, sy, err);
    tjhandle tj = rc == LK_OK ? tjInitDecompress() : NULL;
    if (rc == LK_OK && !tj)
        rc = err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    if (rc == LK_OK &&
        tjDecompressToYUVPlanes(tj, d, (unsigned long)len, p->plane, (int)w, NULL, (int)h,
                                TJFLAG_LIMITSCANS) != 0 &&
        tjGetErrorCode(tj) != TJERR_WARNING) /* a damaged scan still fills every plane */
        rc = err_set(err, LK_BAD_IMAGE, "JPEG: %s", tjGetErrorStr2(tj));
    if (tj)
        tjDestroy(tj);
    if (rc != LK_OK)
        img_planes_cleanup(p);
    return rc;
}
