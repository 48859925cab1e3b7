/*
 * The time-lapse core (timelapse.h): windows of GetImages, each point a frame or a gap,
 * each frame brought to the file's size and handed to the writer of the format.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/clock.h"
#include "lookout/image.h"
#include "lookout/kvs.h"
#include "lookout/log.h"
#include "lookout/sheet.h"
#include "lookout/timelapse.h"
#include "lookout/video.h"

#define FRAME_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define SHEET_MAX_BYTES ((size_t)32 * 1024 * 1024)
#define SHEET_QUALITY 85
#define STOP_SENTINEL LK_TIMEOUT /* returned by the frame callback to end the walk */

struct run {
    const struct pl_timelapse_request *req;
    struct pl_timelapse_stats *st;
    struct img_sink sink;
    FILE *out;
    struct img_avi *avi;
    struct img_apng *apng;
    struct img_sheet *sheet;
    struct img_sheet_layout layout;
    unsigned next_cell, cells;
    struct lk_buf last;     /* the last frame written, for repeats */
    struct lk_buf scaled;   /* a frame re-encoded to the file's size */
    int stopped;
    int64_t started_ms;
    pl_tl_progress_fn progress;
    void *user;
};

const char *pl_timelapse_stop_name(enum pl_tl_stop stop)
{
    static const char *const NAMES[] = {"complete", "maxFrames", "deadline", "sizeLimit"};
    return (unsigned)stop < 4 ? NAMES[stop] : "unknown";
}

const char *pl_timelapse_content_type(enum ev_timelapse_format f)
{
    return f == EV_TIMELAPSE_SHEET ? "image/jpeg" : f == EV_TIMELAPSE_APNG ? "image/apng"
                                                                           : "video/x-msvideo";
}

int pl_timelapse_check(const struct pl_timelapse_request *req, struct lk_error *err)
{
    if (!req->stream || !*req->stream)
        return err_set(err, LK_INVALID_ARG, "no stream");
    if (req->end_ms <= req->start_ms)
        return err_set(err, LK_INVALID_ARG, "the end (%lld) is not after the start (%lld)",
                       (long long)req->end_ms, (long long)req->start_ms);
    if (req->every_ms < EV_TIMELAPSE_MIN_EVERY_MS)
        return err_set(err, LK_INVALID_ARG, "the step must be at least %d ms",
                       EV_TIMELAPSE_MIN_EVERY_MS);
    if ((req->width == 0) != (req->height == 0) || req->width > EV_TIMELAPSE_MAX_WIDTH ||
        req->height > EV_TIMELAPSE_MAX_HEIGHT)
        return err_set(err, LK_INVALID_ARG, "give both width (1..%d) and height (1..%d), or "
                       "neither", EV_TIMELAPSE_MAX_WIDTH, EV_TIMELAPSE_MAX_HEIGHT);
    if (req->fps == 0 || req->fps > EV_TIMELAPSE_MAX_FPS)
        return err_set(err, LK_INVALID_ARG, "fps must be 1..%d", EV_TIMELAPSE_MAX_FPS);
    return LK_OK;
}

static int stop(struct run *r, enum pl_tl_stop why)
{
    r->stopped = 1;
    r->st->stop = why;
    return STOP_SENTINEL;
}

/* ---- the writers ---------------------------------------------------------------------- */

static int open_writer(struct run *r, unsigned w, unsigned h, struct lk_error *err)
{
    const struct pl_timelapse_request *q = r->req;
    r->st->width = w;
    r->st->height = h;
    if (q->format == EV_TIMELAPSE_AVI) {
        struct img_avi_options o = {w, h, q->fps, q->max_bytes};
        return img_avi_new(&o, r->sink, &r->avi, err);
    }
    if (q->format == EV_TIMELAPSE_APNG) {
        struct img_apng_options o = {w, h, q->fps, q->max_bytes};
        return img_apng_new(&o, r->sink, &r->apng, err);
    }
    size_t total = r->st->expected ? r->st->expected : 1;
    r->cells = total < IMG_SHEET_DEFAULT_CELLS ? (unsigned)total : IMG_SHEET_DEFAULT_CELLS;
    int rc = img_sheet_layout(r->cells, w, h, IMG_SHEET_DEFAULT_WIDTH, &r->layout, err);
    return rc == LK_OK ? img_sheet_new(&r->layout, &r->sheet, err) : rc;
}

/* "2026-11-24 08:00:03Z" */
static void time_label(int64_t ms, char *out, size_t cap)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, cap, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
        snprintf(out, cap, "%lld", (long long)ms);
}

/* The sheet takes the frame of a point when the point reaches the next cell's pick. */
static int sheet_put(struct run *r, const unsigned char *d, size_t len, int64_t ts,
                     struct lk_error *err)
{
    if (r->next_cell >= r->cells)
        return LK_OK;
    size_t point = r->st->points ? r->st->points - 1 : 0;
    if (point < img_sheet_pick(r->next_cell, r->cells, r->st->expected))
        return LK_OK;
    char label[40];
    time_label(ts, label, sizeof(label));
    int rc = img_sheet_put(r->sheet, r->next_cell++, d, len, label, err);
    if (rc == LK_OK)
        r->st->frames++;
    return rc;
}

/* A JPEG decoded and stretched to the file's size, into *fit (initialised here). */
static int decode_fitted(const struct run *r, const unsigned char *d, size_t len,
                         struct img_rgb *fit, struct lk_error *err)
{
    unsigned w = r->st->width, h = r->st->height;
    struct img_rgb src;
    int rc = img_rgb_from_jpeg(d, len, w > h ? w : h, &src, err);
    if (rc == LK_OK)
        rc = img_rgb_init(fit, w, h, (struct img_color){0, 0, 0}, err);
    if (rc == LK_OK)
        img_rgb_blit_scaled(fit, 0, 0, w, h, &src);
    img_rgb_cleanup(&src);
    return rc;
}

static int apng_put(struct run *r, const unsigned char *d, size_t len, struct lk_error *err)
{
    struct img_rgb fit;
    int rc = decode_fitted(r, d, len, &fit, err);
    if (rc == LK_OK)
        rc = img_apng_add(r->apng, &fit, err);
    img_rgb_cleanup(&fit);
    return rc;
}

/* One frame of the file's size into the writer. */
static int emit(struct run *r, const unsigned char *d, size_t len, struct lk_error *err)
{
    int rc = r->avi ? img_avi_add(r->avi, d, len, err) : apng_put(r, d, len, err);
    if (rc == LK_TOO_LARGE) {
        LOG_WARN("time-lapse: %s; the file ends here", err->message);
        return stop(r, PL_TL_SIZE_LIMIT);
    }
    if (rc == LK_OK)
        r->st->frames++;
    return rc;
}

/* ---- frames and gaps ------------------------------------------------------------------ */

/* The size of the file: the size asked, else the first frame's (APNG: fitted to its cap). */
static void target_size(const struct run *r, const struct img_info *in, unsigned *w,
                        unsigned *h)
{
    const struct pl_timelapse_request *q = r->req;
    *w = q->width ? q->width : in->width;
    *h = q->height ? q->height : in->height;
    if (q->format == EV_TIMELAPSE_APNG && !q->width) {
        unsigned longest = *w > *h ? *w : *h;
        if (longest > IMG_APNG_DEFAULT_SIDE) {
            *w = (unsigned)((unsigned long long)*w * IMG_APNG_DEFAULT_SIDE / longest);
            *h = (unsigned)((unsigned long long)*h * IMG_APNG_DEFAULT_SIDE / longest);
        }
    }
}

/* A JPEG of another size, decoded, stretched to w x h and encoded again into r->scaled. */
static int rescale(struct run *r, const unsigned char *d, size_t len, struct lk_error *err)
{
    struct img_rgb fit;
    int rc = decode_fitted(r, d, len, &fit, err);
    if (rc == LK_OK) {
        buf_reset(&r->scaled);
        rc = img_rgb_to_jpeg(&fit, PL_TL_REENCODE_QUALITY, &r->scaled, err);
    }
    img_rgb_cleanup(&fit);
    if (rc == LK_OK)
        r->st->scaled++;
    return rc;
}

static int on_content(struct run *r, const struct kvs_frame *f, struct lk_error *err)
{
    struct img_info in;
    int rc = img_probe(f->data, f->len, &in, err);
    if (rc == LK_OK && in.format != IMG_FORMAT_JPEG)
        rc = err_set(err, LK_BAD_IMAGE, "not a JPEG");
    if (rc == LK_OK && !r->st->width) {
        unsigned w, h;
        target_size(r, &in, &w, &h);
        rc = open_writer(r, w, h, err);
        if (rc != LK_OK)
            return rc; /* not a frame's fault */
    }
    const unsigned char *d = f->data;
    size_t len = f->len;
    /* The sheet and APNG decode every frame anyway; only the AVI needs the size exact. */
    if (rc == LK_OK && r->avi && (in.width != r->st->width || in.height != r->st->height)) {
        rc = rescale(r, d, len, err);
        d = (const unsigned char *)r->scaled.data;
        len = r->scaled.len;
    }
    if (rc == LK_OK)
        rc = r->sheet ? sheet_put(r, d, len, f->timestamp_ms, err) : emit(r, d, len, err);
    if (rc == LK_BAD_IMAGE) {
        LOG_WARN("time-lapse: the frame at %lld is not usable (%s): counted as a gap",
                 (long long)f->timestamp_ms, err->message);
        r->st->gaps++;
        return LK_OK;
    }
    if (rc == LK_OK && !r->sheet && r->req->gaps == PL_TL_GAPS_REPEAT) {
        buf_reset(&r->last);
        rc = buf_append(&r->last, d, len) == LK_OK ? LK_OK
                                                   : err_set(err, LK_NOMEM, "frame too large");
    }
    return rc;
}

static int on_gap(struct run *r, struct lk_error *err)
{
    r->st->gaps++;
    if (r->sheet || r->req->gaps != PL_TL_GAPS_REPEAT || r->last.len == 0)
        return LK_OK;
    int rc = emit(r, (const unsigned char *)r->last.data, r->last.len, err);
    if (rc == LK_OK)
        r->st->repeated++;
    return rc;
}

static int on_point(const struct kvs_frame *f, void *user, struct lk_error *err)
{
    struct run *r = user;
    const struct pl_timelapse_request *q = r->req;
    if (q->stop_at_ms > 0 && clock_now_ms() >= q->stop_at_ms)
        return stop(r, PL_TL_DEADLINE);
    if (q->max_frames && r->st->frames >= q->max_frames)
        return stop(r, PL_TL_MAX_FRAMES);
    r->st->points++;
    int rc = f->error ? on_gap(r, err) : on_content(r, f, err);
    r->st->elapsed_ms = clock_now_ms() - r->started_ms;
    if (r->progress)
        r->progress(r->st, r->user);
    return rc;
}

/* ---- windows -------------------------------------------------------------------------- */

/* Windows are a whole number of steps long, so each starts on a sampling point; a step
 * longer than a window gets one window (one image) per step. */
static int64_t window_len(int64_t every)
{
    return every <= PL_TL_WINDOW_MS ? (PL_TL_WINDOW_MS / every) * every : PL_TL_WINDOW_MS;
}

static int walk(struct kvs_service *kvs, struct run *r,
                int64_t deadline_ms, struct lk_error *err)
{
    const struct pl_timelapse_request *q = r->req;
    int64_t len = window_len(q->every_ms);
    int64_t step = q->every_ms <= PL_TL_WINDOW_MS ? len : q->every_ms;
    int rc = LK_OK;
    for (int64_t ws = q->start_ms; rc == LK_OK && !r->stopped && ws < q->end_ms; ws += step) {
        if (q->stop_at_ms > 0 && clock_now_ms() >= q->stop_at_ms) {
            stop(r, PL_TL_DEADLINE);
            break;
        }
        struct kvs_images_query kq = {
            .stream = q->stream,
            .start_ms = ws,
            .end_ms = ws + len < q->end_ms ? ws + len : q->end_ms,
            .sampling_ms = (int)(q->every_ms < PL_TL_WINDOW_MS ? q->every_ms : PL_TL_WINDOW_MS),
            .page_size = PL_TL_PAGE_SIZE,
            .width = (int)q->width,
            .height = (int)q->height,
            .want_gaps = 1,
            .calls = &r->st->calls,
        };
        rc = kvs_get_images(kvs, &kq, deadline_ms, on_point, r, NULL, err);
        if (r->stopped)
            rc = LK_OK;
        else if (rc == LK_TIMEOUT && r->st->frames > 0) {
            LOG_WARN("time-lapse: %s; keeping the %zu frames written", err->message,
                     r->st->frames);
            stop(r, PL_TL_DEADLINE);
            rc = LK_OK;
        }
    }
    return rc;
}

static int finish(struct run *r, struct lk_error *err)
{
    int rc = LK_OK;
    if (r->avi) {
        rc = img_avi_finish(r->avi, err);
        r->st->bytes = img_avi_bytes(r->avi);
    } else if (r->apng) {
        rc = img_apng_finish(r->apng, err);
        r->st->bytes = img_apng_bytes(r->apng);
    } else if (r->sheet) {
        struct lk_buf jpeg;
        buf_init(&jpeg, SHEET_MAX_BYTES);
        rc = img_sheet_encode(r->sheet, SHEET_QUALITY, &jpeg, err);
        if (rc == LK_OK && r->sink.write(r->sink.user, jpeg.data, jpeg.len) != LK_OK)
            rc = err_set(err, LK_IO, "cannot write the contact sheet");
        r->st->bytes = jpeg.len;
        buf_cleanup(&jpeg);
    }
    if (rc == LK_OK && fflush(r->out) != 0)
        rc = err_set(err, LK_IO, "cannot write the file");
    return rc;
}

int pl_timelapse_run(struct kvs_service *kvs,
                     const struct pl_timelapse_request *req, int64_t deadline_ms, FILE *out,
                     pl_tl_progress_fn progress, void *user, struct pl_timelapse_stats *st,
                     struct lk_error *err)
{
    memset(st, 0, sizeof(*st));
    int rc = pl_timelapse_check(req, err);
    if (rc != LK_OK)
        return rc;
    struct run r = {.req = req, .st = st, .sink = img_sink_file(out), .out = out,
                    .started_ms = clock_now_ms(), .progress = progress, .user = user};
    buf_init(&r.last, FRAME_MAX_BYTES);
    buf_init(&r.scaled, FRAME_MAX_BYTES);
    int64_t points = (req->end_ms - req->start_ms + req->every_ms - 1) / req->every_ms;
    st->expected = req->max_frames && (size_t)points > req->max_frames ? req->max_frames
                                                                       : (size_t)points;
    rc = walk(kvs, &r, deadline_ms, err);
    /* A file stopped by an error is still closed properly: the frames so far stay readable. */
    struct lk_error finish_err = {0};
    int frc = finish(&r, rc == LK_OK ? err : &finish_err);
    if (rc == LK_OK)
        rc = frc;
    st->elapsed_ms = clock_now_ms() - r.started_ms;
    img_avi_free(r.avi);
    img_apng_free(r.apng);
    img_sheet_free(r.sheet);
    buf_cleanup(&r.last);
    buf_cleanup(&r.scaled);
    return rc;
}
