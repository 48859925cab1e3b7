#include <stdlib.h>
#include <string.h>

#include "img_internal.h"

void img_fit_size(unsigned src_w, unsigned src_h, unsigned max_side, unsigned *w, unsigned *h)
{
    unsigned longest = src_w > src_h ? src_w : src_h;
    if (longest <= max_side || longest == 0) {
        *w = src_w;
        *h = src_h;
        return;
    }
    unsigned long long sw = (unsigned long long)src_w * max_side / longest;
    unsigned long long sh = (unsigned long long)src_h * max_side / longest;
    *w = sw ? (unsigned)sw : 1;
    *h = sh ? (unsigned)sh : 1;
}

/* Bands are src_h / dst_h rows high, rounded down or up: rows_lo or rows_lo + 1. For each
 * column and both heights, the multiplier that divides its box sum by its sample count n:
 * with m = ceil(2^32 / n), (N * m) >> 32 is N / n rounded down for every N < 2^32 / n,
 * which holds for a box sum (N <= 256 n) while n < 4096. Larger boxes keep the double path
 * (magic_ok 0). */
#define MAGIC_MAX_BOX 4095u

static void set_magic(struct img_resampler *r)
{
    r->rows_lo = r->src_h / r->dst_h;
    r->magic_ok = 1;
    for (unsigned x = 0; x < r->dst_w; x++)
        for (unsigned k = 0; k < 2; k++) {
            unsigned long long n = (unsigned long long)r->colcount[x] * (r->rows_lo + k);
            if (n == 0 || n > MAGIC_MAX_BOX) {
                r->magic_ok = 0;
                return;
            }
            r->magic[2 * x + k] = ((1ull << 32) + n - 1) / n;
        }
}

void img_resampler_cleanup(struct img_resampler *r)
{
    free(r->colcount);
    free(r->sums);
    free(r->inv);
    free(r->magic);
    if (!r->out_borrowed)
        free(r->out);
    memset(r, 0, sizeof(*r));
}

int img_resampler_init(struct img_resampler *r, unsigned src_w, unsigned src_h, unsigned dst_w,
                       unsigned dst_h, unsigned channels, struct lk_error *err)
{
    return img_resampler_init_into(r, src_w, src_h, dst_w, dst_h, channels, NULL, err);
}

int img_resampler_init_into(struct img_resampler *r, unsigned src_w, unsigned src_h, unsigned dst_w,
                            unsigned dst_h, unsigned channels, unsigned char *out,
                            struct lk_error *err)
{
    memset(r, 0, sizeof(*r));
    if (dst_w == 0 || dst_h == 0 || dst_w > src_w || dst_h > src_h || channels == 0 || channels > 4)
        return err_set(err, LK_INVALID_ARG, "resampler: bad sizes");
    unsigned long long out_bytes = (unsigned long long)dst_w * dst_h * channels;
    if (out_bytes > IMG_MAX_PIXELS * 3)
        return err_set(err, LK_BAD_IMAGE, "image too large to scale");
    r->src_w = src_w;
    r->src_h = src_h;
    r->dst_w = dst_w;
    r->dst_h = dst_h;
    r->channels = channels;
    r->colcount = calloc(dst_w, sizeof(*r->colcount));
    r->sums = calloc(((size_t)src_w + 1) * channels, sizeof(*r->sums)); /* a spare 0 sample */
    r->inv = malloc((size_t)dst_w * sizeof(*r->inv));
    r->magic = malloc((size_t)dst_w * 2 * sizeof(*r->magic));
    r->out = out ? out : calloc(1, (size_t)out_bytes);
    r->out_borrowed = out != NULL;
    if (!r->colcount || !r->sums || !r->inv || !r->magic || !r->out) {
        img_resampler_cleanup(r);
        return err_set(err, LK_NOMEM, "out of memory scaling an image");
    }
    /* Source column x goes to destination column x * dst_w / src_w. */
    for (unsigned x = 0; x < src_w; x++)
        r->colcount[(unsigned long long)x * dst_w / src_w]++;
    for (unsigned x = 0; x < dst_w; x++)
        r->inv[x] = 1.0 / r->colcount[x];
    set_magic(r);
    return LK_OK;
}

/* Each output is (sum + n/2) / n for the n = columns x rows source samples of its box. A
 * double holds the sum exactly and 1/columns * 1/rows to within 2^-51, so the quotient
 * (under 256) is off by under 2^-43; a quotient that is not whole sits at least
 * 1/n >= 2^-27 below the next integer, so adding 2^-40 and truncating gives the integer
 * division's answer without a division per sample. */
#define QUOTIENT_NUDGE (1.0 / (1ull << 40))

/* The channel count is a constant in each caller, so the compiler unrolls the inner loops.
 * A box's source columns are consecutive in sums. magic is NULL for the double path. */
static inline void flush_samples(const struct img_resampler *r, unsigned char *restrict dst,
                                 unsigned rows, const uint64_t *restrict magic, unsigned ch)
{
    const uint32_t *restrict s = r->sums;
    double inv_rows = 1.0 / rows;
    for (unsigned x = 0; x < r->dst_w; x++, dst += ch) {
        unsigned cols = r->colcount[x];
        uint64_t half = (uint64_t)cols * rows / 2, sum[4] = {half, half, half, half};
        for (unsigned i = 0; i < cols; i++, s += ch)
            for (unsigned c = 0; c < ch; c++)
                sum[c] += s[c];
        for (unsigned c = 0; c < ch; c++)
            dst[c] = magic ? (unsigned char)((sum[c] * magic[2 * x]) >> 32)
                           : (unsigned char)((double)(int64_t)sum[c] * r->inv[x] * inv_rows +
                                             QUOTIENT_NUDGE);
    }
}

/* With the multipliers, a box's sum is the difference of two running sums along the row:
 * the same few steps per output whatever the box's width, and no branch on it. The running
 * sums wrap in 32 bits, but a box's sum (under 2^20 while boxes hold under 4096 samples)
 * comes back whole from their difference. */
static inline void flush_running(const struct img_resampler *r, unsigned char *restrict dst,
                                 unsigned rows, const uint64_t *restrict magic, unsigned ch)
{
    uint32_t *restrict s = r->sums;
    uint32_t before[4] = {0, 0, 0, 0}; /* the running sums up to the box's first column */
    size_t n = (size_t)r->src_w * ch;
    for (size_t i = ch; i < n; i++)
        s[i] += s[i - ch];
    for (unsigned x = 0; x < r->dst_w; x++, dst += ch) {
        unsigned cols = r->colcount[x];
        s += (size_t)cols * ch;
        const uint32_t *last = s - ch; /* the box's last column */
        uint32_t half = cols * rows / 2;
        uint64_t m = magic[2 * x];
        for (unsigned c = 0; c < ch; c++) {
            uint32_t upto = last[c];
            dst[c] = (unsigned char)(((uint32_t)(upto - before[c] + half) * m) >> 32);
            before[c] = upto;
        }
    }
}

/* Boxes at most two columns wide (a source under twice as wide as the destination, as 1080p
 * to 720p): the second column is added under a mask, with no branch and no running sums.
 * It may be the spare sample past the row's end, which is always 0. */
static inline void flush_narrow(const struct img_resampler *r, unsigned char *restrict dst,
                                unsigned rows, const uint64_t *restrict magic, unsigned ch)
{
    const uint32_t *restrict s = r->sums;
    for (unsigned x = 0; x < r->dst_w; x++, dst += ch) {
        unsigned cols = r->colcount[x];
        uint32_t mask = 0u - (uint32_t)(cols - 1), half = cols * rows / 2;
        uint64_t m = magic[2 * x];
        for (unsigned c = 0; c < ch; c++)
            dst[c] = (unsigned char)(((uint32_t)(s[c] + (s[ch + c] & mask) + half) * m) >> 32);
        s += (size_t)cols * ch;
    }
}

/* Three source columns to two (1920 to 1280 wide: the default snapshot of a 1080p frame, or
 * of a 4K one decoded at half size, and its chroma from 960 to 640): boxes of two columns then
 * one all along the row, so both divisors are constants of the band. A box of n <= 16
 * samples sums to N < 256 n, and with m = ceil(2^16 / n), (N * m) >> 16 is N / n rounded
 * down when N (n m - 2^16) < 2^16, which n (n - 1) < 256 ensures, and the products stay in
 * 32 bits. One channel: the planes of a colour snapshot. */
#define THREE_TO_TWO_MAX_ROWS 8u

static int three_to_two(const struct img_resampler *r, unsigned rows)
{
    return r->channels == 1 && rows <= THREE_TO_TWO_MAX_ROWS && 2ull * r->src_w == 3ull * r->dst_w;
}

static void flush_three_to_two(const struct img_resampler *r, unsigned char *restrict dst,
                               unsigned rows)
{
    const uint32_t *restrict s = r->sums;
    uint32_t n2 = 2 * rows, n1 = rows;
    uint32_t m2 = (65536 + n2 - 1) / n2, m1 = (65536 + n1 - 1) / n1;
    uint32_t half2 = n2 / 2, half1 = n1 / 2;
    for (unsigned i = 0; i < r->dst_w / 2; i++) {
        const uint32_t *t = s + 3 * (size_t)i;
        dst[2 * i] = (unsigned char)(((t[0] + t[1] + half2) * m2) >> 16);
        dst[2 * i + 1] = (unsigned char)(((t[2] + half1) * m1) >> 16);
    }
}

static void flush_band(struct img_resampler *r)
{
    if (r->band_rows == 0 || r->band >= r->dst_h)
        return;
    unsigned char *dst = r->out + (size_t)r->band * r->dst_w * r->channels;
    unsigned k = r->band_rows - r->rows_lo;
    const uint64_t *magic = r->magic_ok && k < 2 ? r->magic + k : NULL;
    int narrow = r->src_w <= 2ull * r->dst_w;
    if (three_to_two(r, r->band_rows))
        flush_three_to_two(r, dst, r->band_rows);
    else if (magic && narrow && r->channels == 1)
        flush_narrow(r, dst, r->band_rows, magic, 1);
    else if (magic && narrow && r->channels == 3)
        flush_narrow(r, dst, r->band_rows, magic, 3);
    else if (magic && r->channels == 1)
        flush_running(r, dst, r->band_rows, magic, 1);
    else if (magic && r->channels == 3)
        flush_running(r, dst, r->band_rows, magic, 3);
    else
        flush_samples(r, dst, r->band_rows, magic, r->channels);
    r->band_rows = 0;
}

int img_resampler_row(void *ctx, const unsigned char *row, unsigned y)
{
    struct img_resampler *r = ctx;
    if (y >= r->src_h)
        return LK_INVALID_ARG;
    unsigned band = (unsigned)((unsigned long long)y * r->dst_h / r->src_h);
    if (band != r->band) {
        flush_band(r);
        r->band = band;
    }
    /* Rows are summed sample by sample (a loop the compiler vectorizes); boxes are summed
     * across when the band is flushed. */
    uint32_t *restrict s = r->sums;
    size_t n = (size_t)r->src_w * r->channels;
    if (r->band_rows == 0) /* a band's first row sets the sums: no clearing between bands */
        for (size_t i = 0; i < n; i++)
            s[i] = row[i];
    else
        for (size_t i = 0; i < n; i++)
            s[i] += row[i];
    r->band_rows++;
    return LK_OK;
}

unsigned char *img_resampler_finish(struct img_resampler *r)
{
    flush_band(r);
    unsigned char *out = r->out;
    r->out = NULL;
    img_resampler_cleanup(r);
    return out;
}

/* The source size is known before the first row arrives (the JPEG scale or the PNG header);
 * the resampler is set up on the first row, so a decoder that fails before any row leaves
 * nothing behind. */
struct fit_job {
    unsigned src_w, src_h, max_side, channels;
    struct img_resampler *rs;
    int ready;
    struct lk_error *err;
};

static int fit_row(void *ctx, const unsigned char *row, unsigned y)
{
    struct fit_job *j = ctx;
    if (!j->ready) {
        unsigned w, h;
        img_fit_size(j->src_w, j->src_h, j->max_side, &w, &h);
        int rc = img_resampler_init(j->rs, j->src_w, j->src_h, w, h, j->channels, j->err);
        if (rc != LK_OK)
            return rc;
        j->ready = 1;
    }
    return img_resampler_row(j->rs, row, y);
}

/* The resampler's own buffers for a src_w-wide source scaled to dst. */
unsigned long long img_resampler_bytes(unsigned src_w, unsigned dst_w, unsigned dst_h,
                                       unsigned channels)
{
    return (unsigned long long)dst_w * dst_h * channels + (unsigned long long)dst_w * 4 +
           ((unsigned long long)src_w + 1) * channels * 4 + (unsigned long long)dst_w * 8 +
           (unsigned long long)dst_w * 16;
}

/* A PNG row at 16 bits RGBA is 8 bytes a pixel; the decoder holds two, plus one output row. */
#define PNG_ROW_BYTES_PER_PIXEL (8 + 8 + 4)

int img_decode_fitted_cost(const unsigned char *d, size_t len, unsigned channels, unsigned max_side,
                           unsigned jpeg_min_side, struct img_fit_cost *cost, struct lk_error *err)
{
    unsigned src_w = 0, src_h = 0;
    unsigned long long decoder = 0;
    int rc;
    memset(cost, 0, sizeof(*cost));
    switch (img_detect(d, len)) {
    case IMG_FORMAT_JPEG:
        rc = img_jpeg_scaled_size(d, len, jpeg_min_side, channels, &src_w, &src_h, &decoder, err);
        break;
    case IMG_FORMAT_PNG: {
        struct img_png_header h;
        rc = img_png_header(d, len, &h, err);
        src_w = h.width;
        src_h = h.height;
        decoder = (unsigned long long)h.width * PNG_ROW_BYTES_PER_PIXEL;
        break;
    }
    default:
        return err_set(err, LK_BAD_IMAGE, "not a JPEG or PNG image");
    }
    if (rc != LK_OK)
        return rc;
    cost->src_w = src_w;
    cost->src_h = src_h;
    img_fit_size(src_w, src_h, max_side, &cost->dst_w, &cost->dst_h);
    cost->bytes = decoder + img_resampler_bytes(src_w, cost->dst_w, cost->dst_h, channels);
    return LK_OK;
}

int img_decode_fitted(const unsigned char *d, size_t len, unsigned channels, unsigned max_side,
                      unsigned jpeg_min_side, size_t budget_bytes, struct img_resampler *rs,
                      struct lk_error *err)
{
    struct fit_job j = {.max_side = max_side, .channels = channels, .rs = rs, .err = err};
    struct img_fit_cost cost;
    memset(rs, 0, sizeof(*rs));
    int rc = img_decode_fitted_cost(d, len, channels, max_side, jpeg_min_side, &cost, err);
    if (rc != LK_OK)
        return rc;
    if (cost.bytes > budget_bytes)
        return err_set(err, LK_IMAGE_TOO_LARGE,
                       "decoding it takes %llu MB of pixels, over the %zu MB budget",
                       (cost.bytes + (1 << 20) - 1) >> 20, budget_bytes >> 20);
    j.src_w = cost.src_w;
    j.src_h = cost.src_h;
    if (img_detect(d, len) == IMG_FORMAT_JPEG) {
        unsigned w, h;
        rc = img_jpeg_decode(d, len, channels, jpeg_min_side, fit_row, &j, &w, &h, err);
    } else {
        rc = img_png_decode(d, len, channels, fit_row, &j, err);
    }
    if (rc == LK_OK && !j.ready)
        rc = err_set(err, LK_BAD_IMAGE, "the image has no rows");
    if (rc != LK_OK)
        img_resampler_cleanup(rs);
    return rc;
}
