/*
 * `bootstrap timelapse`: the time-lapse as a command (timelapse.h). Credentials, region and
 * endpoints come from the environment as everywhere else. Progress goes to stderr: a bar
 * redrawn in place on a terminal, else a line every few seconds; a summary at the end.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lookout/clock.h"
#include "lookout/kvs.h"
#include "lookout/services.h"
#include "lookout/timelapse.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define BAR_WIDTH 30
#define TTY_REDRAW_MS 100
#define LINE_EVERY_MS 5000

struct cli {
    struct pl_timelapse_request req;
    const char *output;
    int format_given;
};

struct progress {
    int tty;
    int64_t last_ms;
};

static void usage(FILE *out)
{
    fputs("usage: bootstrap timelapse --stream NAME|ARN --start T --end T [--every 3s]\n"
          "                           [--width W --height H] [--fps 10]\n"
          "                           [--format avi|sheet|apng] [--gaps repeat|skip]\n"
          "                           [--max-frames N] -o FILE\n\n"
          "Fetches the frames of a Kinesis video stream from T to T (RFC 3339, like\n"
          "2026-11-24T08:00:00Z, or epoch milliseconds) one every --every (ms, s, m or h;\n"
          "at least 200ms) with GetImages, and writes them as they arrive:\n"
          "  avi    Motion-JPEG AVI (default; .avi), plays in VLC, mpv, ffplay, Windows\n"
          "  sheet  a contact-sheet JPEG of 16 evenly spaced frames with their times\n"
          "  apng   an animated PNG (plays in browsers), frames at most 320 px unless\n"
          "         --width/--height say otherwise, the file at most 16 MiB\n"
          "Without --format, the extension of FILE chooses (.jpg sheet, .png apng).\n"
          "--width/--height ask KVS for frames of that size (both or neither).\n"
          "--gaps: points without media repeat the previous frame (default) or are skipped.\n",
          out);
}

static int fail_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail_usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bootstrap timelapse: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (see bootstrap timelapse --help)\n", stderr);
    return EXIT_USAGE;
}

/* "3s", "500ms", "2m", "1h" or bare milliseconds. */
static int parse_duration(const char *s, int64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0))
        return -1;
    double unit = strcmp(end, "ms") == 0 || *end == '\0' ? 1
                  : strcmp(end, "s") == 0                ? 1000
                  : strcmp(end, "m") == 0                ? 60000
                  : strcmp(end, "h") == 0                ? 3600000
                                                         : 0;
    if (unit == 0 || v * unit > (double)EV_MAX_TIMELAPSE_MS)
        return -1;
    *ms = (int64_t)(v * unit + 0.5);
    return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v == 0 || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_time(const char *s, int64_t *ms)
{
    long long v;
    struct lk_error err;
    if (ev_parse_time_text(s, strlen(s), &v, &err) != LK_OK)
        return -1;
    *ms = v;
    return 0;
}

static int format_from_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot && (strcmp(dot, ".jpg") == 0 || strcmp(dot, ".jpeg") == 0))
        return EV_TIMELAPSE_SHEET;
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".apng") == 0))
        return EV_TIMELAPSE_APNG;
    return EV_TIMELAPSE_AVI;
}

/* One option and its value; returns 0, or an exit status. */
static int take_option(struct cli *c, const char *name, const char *v)
{
    struct pl_timelapse_request *q = &c->req;
    unsigned long n = 0;
    if (strcmp(name, "--stream") == 0)
        q->stream = v;
    else if (strcmp(name, "--start") == 0 || strcmp(name, "--end") == 0) {
        if (parse_time(v, name[2] == 's' ? &q->start_ms : &q->end_ms) != 0)
            return fail_usage("%s is not an RFC 3339 date-time nor epoch milliseconds", v);
    } else if (strcmp(name, "--every") == 0) {
        if (parse_duration(v, &q->every_ms) != 0)
            return fail_usage("--every %s is not a duration like 3s, 500ms, 1m", v);
    } else if (strcmp(name, "--width") == 0 || strcmp(name, "--height") == 0) {
        if (parse_uint(v, name[2] == 'w' ? EV_TIMELAPSE_MAX_WIDTH : EV_TIMELAPSE_MAX_HEIGHT,
                       &n) != 0)
            return fail_usage("%s is not a size GetImages accepts (1..3840 x 1..2160)", v);
        *(name[2] == 'w' ? &q->width : &q->height) = (unsigned)n;
    } else if (strcmp(name, "--fps") == 0) {
        if (parse_uint(v, EV_TIMELAPSE_MAX_FPS, &n) != 0)
            return fail_usage("--fps %s is not 1..120", v);
        q->fps = (unsigned)n;
    } else if (strcmp(name, "--max-frames") == 0) {
        if (parse_uint(v, 100000000ul, &n) != 0)
            return fail_usage("--max-frames %s is not a positive number", v);
        q->max_frames = n;
    } else if (strcmp(name, "--format") == 0) {
        int f = ev_timelapse_format_parse(v);
        if (f < 0)
            return fail_usage("--format %s is not avi, sheet or apng", v);
        q->format = (enum ev_timelapse_format)f;
        c->format_given = 1;
    } else if (strcmp(name, "--gaps") == 0) {
        if (strcmp(v, "repeat") != 0 && strcmp(v, "skip") != 0)
            return fail_usage("--gaps %s is not repeat or skip", v);
        q->gaps = v[0] == 'r' ? PL_TL_GAPS_REPEAT : PL_TL_GAPS_SKIP;
    } else if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0)
        c->output = v;
    else
        return fail_usage("unknown option %s", name);
    return 0;
}

static int parse_args(int argc, char **argv, struct cli *c)
{
    memset(c, 0, sizeof(*c));
    c->req.every_ms = EV_TIMELAPSE_DEFAULT_EVERY_MS;
    c->req.fps = EV_TIMELAPSE_DEFAULT_FPS;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return -1;
        }
        char name[32];
        const char *eq = strchr(argv[i], '=');
        const char *value = eq ? eq + 1 : i + 1 < argc ? argv[i + 1] : NULL;
        size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        if (n >= sizeof(name) || !value)
            return fail_usage("%s needs a value", argv[i]);
        memcpy(name, argv[i], n);
        name[n] = '\0';
        int rc = take_option(c, name, value);
        if (rc != 0)
            return rc;
        i += eq ? 0 : 1;
    }
    if (!c->req.stream || !c->output || !c->req.start_ms || !c->req.end_ms)
        return fail_usage("%s", "--stream, --start, --end and -o are required");
    if (!c->format_given)
        c->req.format = (enum ev_timelapse_format)format_from_name(c->output);
    struct lk_error err;
    if (pl_timelapse_check(&c->req, &err) != LK_OK)
        return fail_usage("%s", err.message);
    return 0;
}

/* ---- progress --------------------------------------------------------------------------- */

static void eta_text(const struct pl_timelapse_stats *st, char *out, size_t cap)
{
    double rate = st->elapsed_ms > 0 ? (double)st->points * 1000.0 / (double)st->elapsed_ms : 0;
    size_t left = st->expected > st->points ? st->expected - st->points : 0;
    long s = rate > 0 ? (long)((double)left / rate) : -1;
    if (s < 0)
        snprintf(out, cap, "--:--");
    else
        snprintf(out, cap, "%ld:%02ld", s / 60, s % 60);
}

static void on_progress(const struct pl_timelapse_stats *st, void *user)
{
    struct progress *p = user;
    int64_t now = clock_now_ms();
    int done = st->expected && st->points >= st->expected;
    if (!done && now - p->last_ms < (p->tty ? TTY_REDRAW_MS : LINE_EVERY_MS))
        return;
    p->last_ms = now;
    double rate = st->elapsed_ms > 0 ? (double)st->points * 1000.0 / (double)st->elapsed_ms : 0;
    char eta[32];
    eta_text(st, eta, sizeof(eta));
    if (!p->tty) {
        fprintf(stderr, "timelapse: %zu/%zu points, %zu frames, %zu gaps, %.1f/s, %s left\n",
                st->points, st->expected, st->frames, st->gaps, rate, eta);
        return;
    }
    size_t fill = st->expected ? st->points * BAR_WIDTH / st->expected : 0;
    char bar[BAR_WIDTH + 1];
    for (size_t i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\r[%s] %zu/%zu frames  %.1f/s  %s left ", bar, st->points, st->expected,
            rate, eta);
    fflush(stderr);
}

static void summary(const struct cli *c, const struct pl_timelapse_stats *st, int tty)
{
    if (tty)
        fputc('\n', stderr);
    fprintf(stderr,
            "timelapse: wrote %s (%s %ux%u): %zu frames (%zu repeated for gaps, %zu scaled), "
            "%zu gaps, %zu GetImages calls, %llu bytes, %.1f s\n",
            c->output, ev_timelapse_format_name(c->req.format), st->width, st->height,
            st->frames, st->repeated, st->scaled, st->gaps, st->calls,
            (unsigned long long)st->bytes, (double)st->elapsed_ms / 1000.0);
    if (st->stop == PL_TL_SIZE_LIMIT)
        fprintf(stderr, "timelapse: stopped early: the next frame would have passed the %s "
                "size limit; the file holds the range up to there\n",
                c->req.format == EV_TIMELAPSE_AVI ? "AVI 1.0 (1 GiB)" : "APNG (16 MiB)");
    else if (st->stop == PL_TL_MAX_FRAMES)
        fprintf(stderr, "timelapse: stopped at --max-frames %zu\n", c->req.max_frames);
}

/* ---- the run ---------------------------------------------------------------------------- */

static int run(struct cli *c)
{
    struct svc_clients svc;
    struct lk_error err = {0};
    struct pl_timelapse_stats st = {0};
    struct progress p = {.tty = isatty(fileno(stderr))};
    char part[4096];
    snprintf(part, sizeof(part), "%s.part", c->output);
    FILE *out = NULL;
    int rc = svc_clients_init(&svc, &err);
    if (rc == LK_OK && !(out = fopen(part, "wb+")))
        rc = err_set(&err, LK_IO, "cannot create %s: %s", part, strerror(errno));
    if (rc == LK_OK)
        rc = pl_timelapse_run(&svc.kvs, &c->req, 0, out, on_progress, &p, &st, &err);
    if (out && fclose(out) != 0 && rc == LK_OK)
        rc = err_set(&err, LK_IO, "cannot write %s", part);
    if (rc == LK_OK && st.frames == 0)
        rc = err_set(&err, LK_AWS_NOT_FOUND, "no media in the range: GetImages answered %zu "
                     "points, all without an image", st.points);
    if (rc == LK_OK && rename(part, c->output) != 0)
        rc = err_set(&err, LK_IO, "cannot rename %s: %s", part, strerror(errno));
    if (rc != LK_OK && out)
        remove(part);
    svc_clients_cleanup(&svc);
    if (rc != LK_OK) {
        if (p.tty && st.points)
            fputc('\n', stderr);
        fprintf(stderr, "bootstrap timelapse: %s: %s\n", err_lambda_type(rc), err.message);
        return EXIT_FAILED;
    }
    summary(c, &st, p.tty);
    return 0;
}

int pl_timelapse_main(int argc, char **argv)
{
    struct cli c;
    int rc = parse_args(argc, argv, &c);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    return run(&c);
}
