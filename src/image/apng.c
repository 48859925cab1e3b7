/* Animated PNG (video.h): 8-bit RGB frames, Paeth-filtered and deflated with zlib. */
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "lookout/video.h"

#define SIGNATURE_BYTES 8
#define OFF_ACTL 33           /* signature + IHDR chunk (8 + 13 + 4) */
#define ACTL_BYTES 20         /* length, type, 8 data bytes, CRC */
#define CHUNK_OVERHEAD 12     /* length, type, CRC */

struct img_apng {
    struct img_apng_options opt;
    struct img_sink sink;
    uint64_t pos;
    uint32_t seq;             /* sequence number of the next fcTL or fdAT */
    size_t frames;
    unsigned char *filtered;  /* (1 + 3w) * h: filter byte + row */
    unsigned char *packed;    /* deflate output, up to compressBound */
    size_t packed_cap;
    int finished;
};

static void be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

/* One chunk: length, type, data (prefix then body, either may be empty), CRC of type+data. */
static int chunk(struct img_apng *png, const char *type, const unsigned char *prefix,
                 size_t prefix_len, const unsigned char *body, size_t body_len)
{
    unsigned char head[8], crc_bytes[4];
    be32(head, (uint32_t)(prefix_len + body_len));
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, head + 4, 4);
    if (prefix_len)
        crc = crc32(crc, prefix, (uInt)prefix_len);
    if (body_len)
        crc = crc32(crc, body, (uInt)body_len);
    be32(crc_bytes, (uint32_t)crc);
    struct img_sink *s = &png->sink;
    if (s->write(s->user, head, 8) != LK_OK ||
        (prefix_len && s->write(s->user, prefix, prefix_len) != LK_OK) ||
        (body_len && s->write(s->user, body, body_len) != LK_OK) ||
        s->write(s->user, crc_bytes, 4) != LK_OK)
        return LK_IO;
    png->pos += CHUNK_OVERHEAD + prefix_len + body_len;
    return LK_OK;
}

static void actl_data(unsigned char *d, uint32_t frames)
{
    be32(d, frames);
    be32(d + 4, 0); /* loop forever */
}

static int write_head(struct img_apng *png)
{
    static const unsigned char sig[SIGNATURE_BYTES] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    unsigned char ihdr[13] = {0}, actl[8];
    be32(ihdr, png->opt.width);
    be32(ihdr + 4, png->opt.height);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = 2; /* RGB */
    actl_data(actl, 0);
    if (png->sink.write(png->sink.user, sig, sizeof(sig)) != LK_OK)
        return LK_IO;
    png->pos = SIGNATURE_BYTES;
    int rc = chunk(png, "IHDR", NULL, 0, ihdr, sizeof(ihdr));
    return rc == LK_OK ? chunk(png, "acTL", NULL, 0, actl, sizeof(actl)) : rc;
}

int img_apng_new(const struct img_apng_options *opt, struct img_sink sink, struct img_apng **out,
                 struct lk_error *err)
{
    *out = NULL;
    if (opt->width == 0 || opt->height == 0 || opt->width > IMG_RGB_MAX_SIDE ||
        opt->height > IMG_RGB_MAX_SIDE || opt->fps == 0 || opt->fps > 120)
        return err_set(err, LK_INVALID_ARG, "APNG: bad size %ux%u or rate %u", opt->width,
                       opt->height, opt->fps);
    struct img_apng *png = calloc(1, sizeof(*png));
    if (!png)
        return err_set(err, LK_NOMEM, "APNG: out of memory");
    png->opt = *opt;
    if (png->opt.max_bytes == 0)
        png->opt.max_bytes = IMG_APNG_MAX_BYTES;
    png->sink = sink;
    size_t raw = ((size_t)opt->width * 3 + 1) * opt->height;
    png->packed_cap = compressBound((uLong)raw);
    png->filtered = malloc(raw);
    png->packed = malloc(png->packed_cap);
    if (!png->filtered || !png->packed) {
        img_apng_free(png);
        return err_set(err, LK_NOMEM, "APNG: out of memory");
    }
    if (write_head(png) != LK_OK) {
        img_apng_free(png);
        return err_set(err, LK_IO, "APNG: cannot write the header");
    }
    *out = png;
    return LK_OK;
}

static unsigned char paeth(unsigned char a, unsigned char b, unsigned char c)
{
    int p = (int)a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void filter_rows(struct img_apng *png, const struct img_rgb *f)
{
    size_t row_bytes = (size_t)f->w * 3;
    for (unsigned y = 0; y < f->h; y++) {
        const unsigned char *cur = f->pixels + (size_t)y * f->stride;
        const unsigned char *up = y ? cur - f->stride : NULL;
        unsigned char *o = png->filtered + (size_t)y * (row_bytes + 1);
        o[0] = 4; /* Paeth */
        for (size_t i = 0; i < row_bytes; i++) {
            unsigned char a = i >= 3 ? cur[i - 3] : 0, b = up ? up[i] : 0;
            unsigned char c = up && i >= 3 ? up[i - 3] : 0;
            o[1 + i] = (unsigned char)(cur[i] - paeth(a, b, c));
        }
    }
}

static void fctl_data(const struct img_apng *png, unsigned char *d)
{
    memset(d, 0, 26);
    be32(d, png->seq);
    be32(d + 4, png->opt.width);
    be32(d + 8, png->opt.height);
    d[20] = 0; /* delay: 1 / fps seconds */
    d[21] = 1;
    d[22] = (unsigned char)(png->opt.fps >> 8);
    d[23] = (unsigned char)png->opt.fps;
}

int img_apng_add(struct img_apng *png, const struct img_rgb *frame, struct lk_error *err)
{
    if (png->finished || frame->w != png->opt.width || frame->h != png->opt.height)
        return err_set(err, LK_INVALID_ARG, "APNG: a %ux%u frame in a %ux%u animation", frame->w,
                       frame->h, png->opt.width, png->opt.height);
    filter_rows(png, frame);
    uLongf packed = (uLongf)png->packed_cap;
    size_t raw = ((size_t)png->opt.width * 3 + 1) * png->opt.height;
    if (compress2(png->packed, &packed, png->filtered, (uLong)raw, 6) != Z_OK)
        return err_set(err, LK_NOMEM, "APNG: deflate failed");
    uint64_t after = png->pos + CHUNK_OVERHEAD + 26 + CHUNK_OVERHEAD + 4 + packed + CHUNK_OVERHEAD;
    if (after > png->opt.max_bytes)
        return err_set(err, LK_TOO_LARGE, "APNG: the next frame would pass the %llu-byte limit",
                       (unsigned long long)png->opt.max_bytes);
    unsigned char fctl[26], seq[4];
    fctl_data(png, fctl);
    png->seq++;
    int rc = chunk(png, "fcTL", NULL, 0, fctl, sizeof(fctl));
    if (rc == LK_OK && png->frames == 0) {
        rc = chunk(png, "IDAT", NULL, 0, png->packed, packed);
    } else if (rc == LK_OK) {
        be32(seq, png->seq++);
        rc = chunk(png, "fdAT", seq, sizeof(seq), png->packed, packed);
    }
    if (rc != LK_OK)
        return err_set(err, LK_IO, "APNG: cannot write frame %zu", png->frames);
    png->frames++;
    return LK_OK;
}

int img_apng_finish(struct img_apng *png, struct lk_error *err)
{
    if (png->finished)
        return LK_OK;
    unsigned char actl[ACTL_BYTES];
    be32(actl, 8);
    memcpy(actl + 4, "acTL", 4);
    actl_data(actl + 8, (uint32_t)png->frames);
    be32(actl + 16, (uint32_t)crc32(0L, actl + 4, 12));
    if (chunk(png, "IEND", NULL, 0, NULL, 0) != LK_OK ||
        png->sink.pwrite(png->sink.user, OFF_ACTL, actl, sizeof(actl)) != LK_OK)
        return err_set(err, LK_IO, "APNG: cannot finish the file");
    png->finished = 1;
    return LK_OK;
}

void img_apng_free(struct img_apng *png)
{
    if (!png)
        return;
    free(png->filtered);
    free(png->packed);
    free(png);
}

size_t img_apng_frames(const struct img_apng *png)
{
    return png->frames;
}

uint64_t img_apng_bytes(const struct img_apng *png)
{
    return png->pos;
}
