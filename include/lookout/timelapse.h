/*
 * timelapse.h: hours of a camera reviewed in a minute. GetImages over a time range at a fixed
 * step, written as it arrives into a Motion-JPEG AVI, a contact-sheet JPEG or an animated PNG
 * (video.h, sheet.h). The same core serves the `bootstrap timelapse` command
 * (timelapse_cmd.c) and the {"lookout":{"timelapse":{...}}} invocation (timelapse_invoke.c).
 *
 * How GetImages is used:
 *   - SamplingInterval = the step; pages of 100 images with NextToken (one call per page);
 *   - the range is cut into windows of at most 300 s (GetImages' limit), each a whole number
 *     of steps, so the sampling points run on evenly across windows;
 *   - throttling (ClientLimitExceededException) is retried by the AWS client within the time
 *     budget;
 *   - WidthPixels/HeightPixels are sent when a size is asked (KVS stretches to it). Every
 *     frame of one file has one size: the size asked, else the first frame's (for APNG at
 *     most IMG_APNG_DEFAULT_SIDE). A frame of another size is decoded, scaled and re-encoded;
 *     any other frame goes into an AVI as the bytes KVS sent;
 *   - NO_MEDIA and MEDIA_ERROR points are gaps: with PL_TL_GAPS_REPEAT (the default) the
 *     previous frame is written again, so the video's clock stays true to the camera's
 *     (gaps before the first frame have nothing to repeat and are dropped); with
 *     PL_TL_GAPS_SKIP they are dropped. A contact sheet never shows a gap.
 */
#ifndef LOOKOUT_TIMELAPSE_H
#define LOOKOUT_TIMELAPSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lookout/buf.h"
#include "lookout/error.h"
#include "lookout/events.h"
#include "lookout/kvs.h"
#include "lookout/services.h"
#include "lookout/settings.h"

#define PL_TL_WINDOW_MS 300000  /* GetImages' longest range */
#define PL_TL_PAGE_SIZE 100     /* GetImages' largest MaxResults */
#define PL_TL_REENCODE_QUALITY 85

enum pl_tl_gaps { PL_TL_GAPS_REPEAT, PL_TL_GAPS_SKIP };

/* Why a run ended. */
enum pl_tl_stop {
    PL_TL_COMPLETE,     /* the whole range */
    PL_TL_MAX_FRAMES,   /* max_frames written */
    PL_TL_DEADLINE,     /* stop_at_ms reached: what was written is kept */
    PL_TL_SIZE_LIMIT    /* the file's size limit (AVI 1.0's 1 GiB, the APNG cap) */
};

struct pl_timelapse_request {
    const char *stream;             /* name or ARN */
    int64_t start_ms, end_ms;       /* start < end */
    int64_t every_ms;               /* >= 200 */
    unsigned width, height;         /* both or neither (0) */
    unsigned fps;                   /* 1..120; ignored by the sheet */
    enum ev_timelapse_format format;
    enum pl_tl_gaps gaps;
    size_t max_frames;              /* 0 = no limit */
    uint64_t max_bytes;             /* 0 = the format's own limit */
    int64_t stop_at_ms;             /* epoch ms after which no more is fetched; 0 = none */
};

struct pl_timelapse_stats {
    size_t expected;        /* sampling points in the range (at most max_frames) */
    size_t points;          /* points answered so far, frames and gaps */
    size_t frames;          /* frames written (repeats included; sheet: cells filled) */
    size_t gaps;            /* NO_MEDIA / MEDIA_ERROR points (and frames that did not decode) */
    size_t repeated;        /* gaps filled with the previous frame */
    size_t scaled;          /* frames decoded and re-encoded to the file's size */
    size_t calls;           /* GetImages requests */
    uint64_t bytes;         /* file size */
    unsigned width, height; /* frame size of the file (0 before the first frame) */
    int64_t elapsed_ms;
    enum pl_tl_stop stop;
};

/* Called after each point; st is borrowed for the call. */
typedef void (*pl_tl_progress_fn)(const struct pl_timelapse_stats *st, void *user);

/* LK_INVALID_ARG with a message for a request that cannot be run. */
int pl_timelapse_check(const struct pl_timelapse_request *req, struct lk_error *err);

/* Runs req against GetImages (kvs finds the stream's data endpoint), writing the file to out
 * (seekable, borrowed). AWS calls
 * are bounded by deadline_ms (0 = none). A run that ends early (max_frames, stop_at_ms, a
 * call cut by deadline_ms after frames were written, the size limit) is LK_OK with st->stop
 * saying why, and the file is complete and playable. A range without media is LK_OK with
 * st->frames 0 and nothing useful in out. Errors: the AWS status of a failed call, LK_IO. */
int pl_timelapse_run(struct kvs_service *kvs, const struct pl_timelapse_request *req,
                     int64_t deadline_ms, FILE *out,
                     pl_tl_progress_fn progress, void *user, struct pl_timelapse_stats *st,
                     struct lk_error *err);

/* "complete", "maxFrames", "deadline", "sizeLimit". */
const char *pl_timelapse_stop_name(enum pl_tl_stop stop);
/* Content-Type of a format (its key in the bucket: store_key.h). */
const char *pl_timelapse_content_type(enum ev_timelapse_format f);

/* `bootstrap timelapse ...`: argv[0] is "timelapse". Returns the process exit status: 0 done
 * (also when a limit ended it early: it says so), 1 failed or no media, 2 bad arguments. */
int pl_timelapse_main(int argc, char **argv);

/* The invocation {"lookout":{"timelapse":{...}}} (events.h): the file is written to a
 * temporary file, bounded by TIMELAPSE_MAX_FRAMES, by PL_TL_INVOKE_MAX_BYTES and by the
 * invocation's deadline (fetching stops early enough to upload what it has), then put to
 * SNAPSHOT_BUCKET under <SNAPSHOT_PREFIX>timelapse/<stream>/<start>-<end>.<ext>. The answer:
 * {"route":"manual","timelapse":{"s3Uri","url" (presigned for PRESIGN_TTL_S),"format",
 * "frames","gaps","repeated","calls","bytes","width","height","stopped"}}; a range without
 * media answers frames 0 and no s3Uri. Errors: LK_INVALID_EVENT, LK_CONFIG without
 * SNAPSHOT_BUCKET, the AWS status of a failed call. */
#define PL_TL_INVOKE_MAX_BYTES ((uint64_t)256 * 1024 * 1024)
int pl_timelapse_handle(const struct pl_settings *s, struct svc_clients *svc, int64_t deadline_ms,
                        const cJSON *event, struct lk_buf *response, struct lk_error *err);

#endif
