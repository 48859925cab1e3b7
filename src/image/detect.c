#include <string.h>

#include <turbojpeg.h>

#include "img_internal.h"

enum img_format img_detect(const void *data, size_t len)
{
    const unsigned char *p = data;
    static const unsigned char png[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (p && len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return IMG_FORMAT_JPEG;
    if (p && len >= 8 && memcmp(p, png, 8) == 0)
        return IMG_FORMAT_PNG;
    return IMG_FORMAT_OTHER;
}

const char *img_format_name(enum img_format f)
{
    switch (f) {
    case IMG_FORMAT_JPEG:
        return "jpeg";
    case IMG_FORMAT_PNG:
        return "png";
    case IMG_FORMAT_OTHER:
        break;
    }
    return "other";
}

const char *img_skip_reason(const void *data, size_t len)
{
    if (!data || len == 0)
        return "empty content";
    if (img_detect(data, len) == IMG_FORMAT_OTHER)
        return "content is not a JPEG or PNG image";
    return NULL;
}

static int probe_jpeg(const unsigned char *d, size_t len, struct img_info *out,
                      struct lk_error *err)
{
    tjhandle tj = tjInitDecompress();
    if (!tj)
        return err_set(err, LK_NOMEM, "JPEG: TurboJPEG could not start");
    int w = 0, h = 0, ss = 0, cs = 0;
    int rc = LK_OK;
    if (tjDecompressHeader3(tj, d, (unsigned long)len, &w, &h, &ss, &cs) != 0)
        rc = err_set(err, LK_BAD_IMAGE, "JPEG: %s", tjGetErrorStr2(tj));
    else if (w <= 0 || h <= 0 || (unsigned)w > IMG_MAX_SIDE || (unsigned)h > IMG_MAX_SIDE ||
             (unsigned long long)w * (unsigned)h > IMG_MAX_PIXELS)
        rc = err_set(err, LK_BAD_IMAGE, "JPEG: dimensions %dx%d are zero or over the caps", w, h);
    tjDestroy(tj);
    if (rc != LK_OK)
        return rc;
    out->width = (unsigned)w;
    out->height = (unsigned)h;
    out->channels = cs == TJCS_GRAY ? 1 : (cs == TJCS_CMYK || cs == TJCS_YCCK) ? 4 : 3;
    return LK_OK;
}

int img_probe(const void *data, size_t len, struct img_info *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->format = img_detect(data, len);
    if (out->format == IMG_FORMAT_JPEG)
        return probe_jpeg(data, len, out, err);
    if (out->format == IMG_FORMAT_OTHER)
        return err_set(err, LK_BAD_IMAGE, "not a JPEG or PNG image");
    struct img_png_header h;
    int rc = img_png_header(data, len, &h, err);
    if (rc != LK_OK)
        return rc;
    static const unsigned channels[7] = {1, 0, 3, 1, 2, 0, 4};
    out->width = h.width;
    out->height = h.height;
    out->channels = channels[h.color_type];
    return LK_OK;
}
