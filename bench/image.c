/*
 * bench_image: the costs of an alert's picture, for bench/image.
 *
 *   bench_image make W H SRC.jpg OUT.jpg   a W x H test frame: SRC scaled (bilinear), JPEG
 *                                          quality 90
 *   bench_image MODE FRAME.jpg N     runs MODE N times on the frame, prints the median in ms:
 *     snapshot  decode (reduced scale) + draw three boxes, a zone and the strip + encode,
 *               1280 wide, quality 80 (img_snapshot_make)
 *     motion    grayscale thumbnail at 1/8 + motion score against the previous frame
 *     eighth    TurboJPEG's own grayscale decode at 1/8 alone (what the motion check ran
 *               before it read the DC terms itself)
 *     floor     plain TurboJPEG: decode at full size to RGB, encode at quality 80
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <turbojpeg.h>

#include "lookout/image.h"
#include "lookout/snapshot.h"

/* The pixel budget of a 1024 MB function (settings.h): 4K frames decode at full scale. */
#define BENCH_PIXEL_BUDGET ((size_t)128 * 1024 * 1024)

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int read_all(const char *path, struct lk_buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int rc = buf_append_file(out, f);
    fclose(f);
    return rc == LK_OK ? 0 : -1;
}

static int make_frame(unsigned w, unsigned h, const char *src_path, const char *out_path)
{
    struct lk_buf src, jpeg;
    struct img_rgb small, big;
    struct lk_error err;
    buf_init(&src, (size_t)64 << 20);
    buf_init(&jpeg, (size_t)64 << 20);
    int rc = read_all(src_path, &src);
    if (rc == 0)
        rc = img_rgb_from_jpeg(src.data, src.len, 0, &small, &err);
    if (rc == 0)
        rc = img_rgb_init(&big, w, h, (struct img_color){0, 0, 0}, &err);
    if (rc == 0) {
        img_rgb_blit_scaled(&big, 0, 0, w, h, &small);
        rc = img_rgb_to_jpeg(&big, 90, &jpeg, &err);
    }
    FILE *f = rc == 0 ? fopen(out_path, "wb") : NULL;
    if (f) {
        fwrite(jpeg.data, 1, jpeg.len, f);
        fclose(f);
    }
    img_rgb_cleanup(&small);
    img_rgb_cleanup(&big);
    buf_cleanup(&src);
    buf_cleanup(&jpeg);
    return f ? 0 : 1;
}

static const double ZONE[][2] = {{0.05, 0.7}, {0.95, 0.7}, {0.95, 0.98}, {0.05, 0.98}};

static int run_snapshot(const struct lk_buf *frame, struct lk_error *err)
{
    const struct img_snapshot_box boxes[] = {
        {0.21, 0.03, 0.62, 0.97, "Person 99%", img_snapshot_color("Person")},
        {0.60, 0.55, 0.25, 0.30, "Dog 91%", img_snapshot_color("Dog")},
        {0.05, 0.10, 0.15, 0.20, "Car 85%", img_snapshot_color("Car")},
    };
    const struct img_snapshot_zone zone = {ZONE, 4, "porch"};
    const char *lines[] = {"front-door  2026-11-24 08:00:00 UTC", "ALSO SEEN: Animal 91%"};
    struct img_snapshot_spec spec = {1280, IMG_SNAPSHOT_QUALITY, boxes, 3, &zone, 1, lines, 2,
                                     BENCH_PIXEL_BUDGET};
    struct lk_buf out;
    unsigned w, h;
    buf_init(&out, (size_t)64 << 20);
    int rc = img_snapshot_make(frame->data, frame->len, &spec, &out, &w, &h, err);
    buf_cleanup(&out);
    return rc;
}

static int run_motion(const struct lk_buf *frame, struct img_thumb *prev, struct lk_error *err)
{
    struct img_thumb cur;
    int rc = img_thumbnail(frame->data, frame->len, IMG_THUMB_DEFAULT_SIDE, BENCH_PIXEL_BUDGET,
                           &cur, err);
    if (rc == LK_OK) {
        volatile double score = img_motion_score(prev, &cur, IMG_MOTION_NOISE);
        (void)score;
        img_thumb_cleanup(prev);
        *prev = cur;
    }
    return rc;
}

static int run_eighth(const struct lk_buf *frame)
{
    tjhandle d = tjInitDecompress();
    int w, h, sub, cs, rc = -1;
    unsigned char *gray = NULL;
    const unsigned char *data = (const unsigned char *)frame->data;
    tjscalingfactor eighth = {1, 8};
    if (tjDecompressHeader3(d, data, frame->len, &w, &h, &sub, &cs) == 0 &&
        (gray = malloc((size_t)TJSCALED(w, eighth) * TJSCALED(h, eighth))) &&
        tjDecompress2(d, data, frame->len, gray, TJSCALED(w, eighth), 0, TJSCALED(h, eighth),
                      TJPF_GRAY, TJFLAG_FASTDCT) == 0)
        rc = 0;
    free(gray);
    tjDestroy(d);
    return rc;
}

static int run_floor(const struct lk_buf *frame)
{
    tjhandle d = tjInitDecompress(), c = tjInitCompress();
    int w, h, sub, cs, rc = -1;
    unsigned char *rgb = NULL, *jpeg = NULL;
    unsigned long size = 0;
    const unsigned char *data = (const unsigned char *)frame->data;
    if (tjDecompressHeader3(d, data, frame->len, &w, &h, &sub, &cs) == 0 &&
        (rgb = malloc((size_t)w * h * 3)) &&
        tjDecompress2(d, data, frame->len, rgb, w, 0, h, TJPF_RGB, 0) == 0 &&
        tjCompress2(c, rgb, w, 0, h, TJPF_RGB, &jpeg, &size, TJSAMP_420, 80, 0) == 0)
        rc = 0;
    tjFree(jpeg);
    free(rgb);
    tjDestroy(d);
    tjDestroy(c);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "make") == 0)
        return make_frame((unsigned)strtoul(argv[2], NULL, 10),
                          (unsigned)strtoul(argv[3], NULL, 10), argv[4], argv[5]);
    if (argc != 4) {
        fputs("usage: bench_image make W H SRC OUT | bench_image snapshot|motion|eighth|floor "
              "FRAME N\n",
              stderr);
        return 2;
    }
    struct lk_buf frame;
    struct lk_error err;
    struct img_thumb prev = {0};
    long rounds = strtol(argv[3], NULL, 10);
    int n = rounds > 0 && rounds < 100000 ? (int)rounds : 1;
    double *t = calloc((size_t)n, sizeof(*t));
    buf_init(&frame, (size_t)64 << 20);
    if (!t || read_all(argv[2], &frame) != 0)
        return 2;
    for (int i = 0; i < n; i++) {
        double start = now_ms();
        int rc = strcmp(argv[1], "snapshot") == 0 ? run_snapshot(&frame, &err)
                 : strcmp(argv[1], "motion") == 0 ? run_motion(&frame, &prev, &err)
                 : strcmp(argv[1], "eighth") == 0 ? run_eighth(&frame)
                                                  : run_floor(&frame);
        t[i] = now_ms() - start;
        if (rc != 0) {
            fprintf(stderr, "bench_image %s: failed\n", argv[1]);
            return 1;
        }
    }
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    printf("%.3f\n", t[n / 2]);
    img_thumb_cleanup(&prev);
    buf_cleanup(&frame);
    free(t);
    return 0;
}
