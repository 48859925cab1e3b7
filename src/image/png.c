#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "img_internal.h"

static const unsigned char PNG_SIG[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned channels_of(unsigned color_type)
{
    switch (color_type) {
    case 0:
    case 3:
        return 1;
    case 2:
        return 3;
    case 4:
        return 2;
    case 6:
        return 4;
    }
    return 0;
}

static int depth_allowed(unsigned color_type, unsigned depth)
{
    switch (color_type) {
    case 0:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
    case 3:
        return depth == 1 || depth == 2 || depth == 4 || depth == 8;
    case 2:
    case 4:
    case 6:
        return depth == 8 || depth == 16;
    }
    return 0;
}

int img_png_header(const unsigned char *d, size_t len, struct img_png_header *h,
                   struct lk_error *err)
{
    memset(h, 0, sizeof(*h));
    if (len < 33 || memcmp(d, PNG_SIG, 8) != 0)
        return err_set(err, LK_BAD_IMAGE, "PNG: no signature and IHDR");
    if (be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
        return err_set(err, LK_BAD_IMAGE, "PNG: the first chunk is not a 13-byte IHDR");
    const unsigned char *p = d + 16;
    uint32_t w = be32(p), hh = be32(p + 4);
    if (w == 0 || hh == 0 || w > IMG_MAX_SIDE || hh > IMG_MAX_SIDE ||
        (unsigned long long)w * hh > IMG_MAX_PIXELS)
        return err_set(err, LK_BAD_IMAGE, "PNG: dimensions %ux%u are zero or over the caps",
                       (unsigned)w, (unsigned)hh);
    h->width = w;
    h->height = hh;
    h->bit_depth = p[8];
    h->color_type = p[9];
    h->interlace = p[12];
    if (!depth_allowed(h->color_type, h->bit_depth))
        return err_set(err, LK_BAD_IMAGE, "PNG: bit depth %u with colour type %u is not valid",
                       h->bit_depth, h->color_type);
    if (p[10] != 0 || p[11] != 0 || h->interlace > 1)
        return err_set(err, LK_BAD_IMAGE, "PNG: unknown compression, filter or interlace method");
    return LK_OK;
}

/* Decoder state: one row being inflated, the previous one for the filters. */
struct png_dec {
    struct img_png_header h;
    unsigned ch;         /* samples per pixel in the file */
    size_t row_bytes;    /* without the filter byte */
    size_t bpp;          /* bytes per complete pixel, at least 1 */
    unsigned char *cur;  /* filter byte + row_bytes */
    unsigned char *prev; /* row_bytes, zero before the first row */
    unsigned char *out;  /* width * out_ch */
    unsigned out_ch;
    size_t filled;
    unsigned y;
    unsigned char palette[256 * 3];
    unsigned palette_len;
    z_stream z;
    int z_ready;
    int z_done;
    img_row_fn fn;
    void *ctx;
};

static unsigned char paeth(unsigned char a, unsigned char b, unsigned char c)
{
    int p = (int)a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    if (pa <= pb && pa <= pc)
        return a;
    return pb <= pc ? b : c;
}

static int unfilter(struct png_dec *s, struct lk_error *err)
{
    unsigned char *row = s->cur + 1;
    const unsigned char *up = s->prev;
    size_t n = s->row_bytes, bpp = s->bpp;
    switch (s->cur[0]) {
    case 0:
        break;
    case 1:
        for (size_t i = bpp; i < n; i++)
            row[i] = (unsigned char)(row[i] + row[i - bpp]);
        break;
    case 2:
        for (size_t i = 0; i < n; i++)
            row[i] = (unsigned char)(row[i] + up[i]);
        break;
    case 3:
        for (size_t i = 0; i < n; i++)
            row[i] = (unsigned char)(row[i] + (((i >= bpp ? row[i - bpp] : 0) + up[i]) >> 1));
        break;
    case 4:
        for (size_t i = 0; i < n; i++)
            row[i] = (unsigned char)(row[i] + paeth(i >= bpp ? row[i - bpp] : 0, up[i],
                                                    i >= bpp ? up[i - bpp] : 0));
        break;
    default:
        return err_set(err, LK_BAD_IMAGE, "PNG: unknown filter type %u in row %u", s->cur[0], s->y);
    }
    return LK_OK;
}

/* Sample k of the row, scaled to 8 bits (palette indices are not scaled). */
static unsigned sample(const struct png_dec *s, const unsigned char *row, size_t k)
{
    unsigned depth = s->h.bit_depth;
    if (depth == 8)
        return row[k];
    if (depth == 16)
        return row[2 * k];
    size_t bit = k * depth;
    unsigned v = (row[bit / 8] >> (8 - depth - bit % 8)) & ((1u << depth) - 1);
    return s->h.color_type == 3 ? v : v * 255 / ((1u << depth) - 1);
}

static void to_output(struct png_dec *s, const unsigned char *row)
{
    for (unsigned x = 0; x < s->h.width; x++) {
        unsigned r, g, b;
        size_t k = (size_t)x * s->ch;
        if (s->h.color_type == 3) {
            unsigned i = sample(s, row, k);
            static const unsigned char black[3] = {0, 0, 0};
            const unsigned char *c = i < s->palette_len ? s->palette + 3 * i : black;
            r = c[0], g = c[1], b = c[2];
        } else if (s->ch >= 3) {
            r = sample(s, row, k), g = sample(s, row, k + 1), b = sample(s, row, k + 2);
        } else {
            r = g = b = sample(s, row, k);
        }
        unsigned char *o = s->out + (size_t)x * s->out_ch;
        if (s->out_ch == 1) {
            o[0] = (unsigned char)((77 * r + 150 * g + 29 * b + 128) >> 8);
        } else {
            o[0] = (unsigned char)r, o[1] = (unsigned char)g, o[2] = (unsigned char)b;
        }
    }
}

static int finish_row(struct png_dec *s, struct lk_error *err)
{
    int rc = unfilter(s, err);
    if (rc != LK_OK)
        return rc;
    to_output(s, s->cur + 1);
    rc = s->fn(s->ctx, s->out, s->y);
    if (rc != LK_OK)
        return err_set(err, rc, "PNG: the row consumer failed");
    memcpy(s->prev, s->cur + 1, s->row_bytes);
    s->filled = 0;
    s->y++;
    return LK_OK;
}

/* Inflates one IDAT chunk's bytes into rows. */
static int feed(struct png_dec *s, const unsigned char *p, size_t n, struct lk_error *err)
{
    s->z.next_in = (Bytef *)(uintptr_t)p;
    s->z.avail_in = (uInt)n;
    while (s->z.avail_in > 0 && !s->z_done && s->y < s->h.height) {
        s->z.next_out = s->cur + s->filled;
        s->z.avail_out = (uInt)(s->row_bytes + 1 - s->filled);
        int zr = inflate(&s->z, Z_NO_FLUSH);
        if (zr == Z_STREAM_END)
            s->z_done = 1;
        else if (zr != Z_OK)
            return err_set(err, LK_BAD_IMAGE, "PNG: corrupt image data (zlib: %s)",
                           s->z.msg ? s->z.msg : "buffer error");
        s->filled = s->row_bytes + 1 - s->z.avail_out;
        if (s->filled == s->row_bytes + 1) {
            int rc = finish_row(s, err);
            if (rc != LK_OK)
                return rc;
        }
    }
    return LK_OK;
}

static int dec_init(struct png_dec *s, const unsigned char *d, size_t len, unsigned out_ch,
                    struct lk_error *err)
{
    int rc = img_png_header(d, len, &s->h, err);
    if (rc != LK_OK)
        return rc;
    if (s->h.interlace)
        return err_set(err, LK_BAD_IMAGE, "PNG: interlaced images are not supported");
    s->ch = channels_of(s->h.color_type);
    unsigned long long bits = (unsigned long long)s->h.width * s->ch * s->h.bit_depth;
    s->row_bytes = (size_t)((bits + 7) / 8);
    s->bpp = (s->ch * s->h.bit_depth + 7) / 8;
    s->out_ch = out_ch;
    s->cur = malloc(s->row_bytes + 1);
    s->prev = calloc(1, s->row_bytes);
    s->out = malloc((size_t)s->h.width * out_ch);
    if (!s->cur || !s->prev || !s->out)
        return err_set(err, LK_NOMEM, "out of memory decoding a PNG");
    if (inflateInit(&s->z) != Z_OK)
        return err_set(err, LK_NOMEM, "PNG: zlib could not start");
    s->z_ready = 1;
    return LK_OK;
}

static int crc_ok(const unsigned char *chunk, uint32_t n)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    (void)chunk;
    (void)n;
    return 1; /* let the fuzzer reach the decoder */
#else
    uLong c = crc32(0L, chunk + 4, (uInt)(n + 4));
    return c == be32(chunk + 8 + n);
#endif
}

/* Walks the chunks after IHDR, inflating IDAT, until IEND or every row is done. */
static int walk_chunks(struct png_dec *s, const unsigned char *d, size_t len, struct lk_error *err)
{
    size_t pos = 33;
    while (s->y < s->h.height) {
        if (len - pos < 12)
            return err_set(err, LK_BAD_IMAGE, "PNG: truncated after row %u of %u", s->y,
                           s->h.height);
        uint32_t n = be32(d + pos);
        const unsigned char *type = d + pos + 4;
        if (n > len - pos - 12)
            return err_set(err, LK_BAD_IMAGE, "PNG: truncated inside a chunk after row %u of %u",
                           s->y, s->h.height);
        int critical = !(type[0] & 0x20);
        if (critical && !crc_ok(d + pos, n))
            return err_set(err, LK_BAD_IMAGE, "PNG: CRC mismatch in a %.4s chunk", type);
        const unsigned char *body = d + pos + 8;
        int rc = LK_OK;
        if (memcmp(type, "PLTE", 4) == 0) {
            if (n % 3 != 0 || n > sizeof(s->palette))
                return err_set(err, LK_BAD_IMAGE, "PNG: bad palette length %u", (unsigned)n);
            memcpy(s->palette, body, n);
            s->palette_len = n / 3;
        } else if (memcmp(type, "IDAT", 4) == 0) {
            if (s->h.color_type == 3 && s->palette_len == 0)
                return err_set(err, LK_BAD_IMAGE, "PNG: palette image without PLTE");
            rc = feed(s, body, n, err);
        } else if (memcmp(type, "IEND", 4) == 0 || s->z_done) {
            return err_set(err, LK_BAD_IMAGE, "PNG: image data ends after row %u of %u", s->y,
                           s->h.height);
        }
        if (rc != LK_OK)
            return rc;
        pos += 12 + (size_t)n;
    }
    return LK_OK;
}

int img_png_decode(const unsigned char *d, size_t len, unsigned out_channels, img_row_fn fn,
                   void *ctx, struct lk_error *err)
{
    if (out_channels != 1 && out_channels != 3)
        return err_set(err, LK_INVALID_ARG, "PNG: output must be gray or RGB");
    struct png_dec s;
    memset(&s, 0, sizeof(s));
    s.fn = fn;
    s.ctx = ctx;
    int rc = dec_init(&s, d, len, out_channels, err);
    if (rc == LK_OK)
        rc = walk_chunks(&s, d, len, err);
    if (s.z_ready)
        inflateEnd(&s.z);
    free(s.cur);
    free(s.prev);
    free(s.out);
    return rc;
}
