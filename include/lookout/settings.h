/*
 * settings.h: what the user configured, read from the environment once at start-up and
 * checked there, so that a bad value stops the function at init (Runtime.ConfigInvalid,
 * naming the variable) instead of failing every invocation. Every variable the pipeline
 * reads is read here; README.md's configuration table lists them.
 */
#ifndef LOOKOUT_SETTINGS_H
#define LOOKOUT_SETTINGS_H

#include <stddef.h>

#include "lookout/decide.h"
#include "lookout/error.h"
#include "lookout/rules.h"

struct pl_settings {
    char *alert_topic_arn;    /* ALERT_TOPIC_ARN (required) */
    char *notify_topic_arn;   /* NOTIFY_TOPIC_ARN: where the words for people go (e-mail,
                                 SMS); NULL = none */
    struct dec_config labels; /* ALERT_LABELS, MIN_CONFIDENCE */
    int max_labels;           /* MAX_LABELS: what Rekognition returns at most */
    long presign_ttl_s;       /* PRESIGN_TTL_S: life of the image link in an alert */
    char *snapshot_bucket;    /* SNAPSHOT_BUCKET: where KVS frames that alert are kept */
    char *snapshot_prefix;    /* SNAPSHOT_PREFIX */
    unsigned snapshot_max_width; /* SNAPSHOT_MAX_WIDTH: of the annotated snapshot, pixels */
    int kvs_window_ms;        /* KVS_WINDOW_MS: frames of [start, start + window] */
    int kvs_sampling_ms;      /* KVS_SAMPLING_MS: GetImages SamplingInterval */
    int kvs_max_frames;       /* KVS_MAX_FRAMES: Rekognition calls per fragment at most */
    double motion_min_change; /* MOTION_MIN_CHANGE: 0 = off; else the fraction (0..1] of a
                                 frame that must differ from the stream's last frame for it
                                 to be worth a Rekognition call */
    int timelapse_max_frames; /* TIMELAPSE_MAX_FRAMES: frames of one time-lapse invocation */
    char *state_table;        /* STATE_TABLE: NULL = stateless (no idempotency, cooldown,
                                 stationary memory or snooze) */
    char *function_name;      /* AWS_LAMBDA_FUNCTION_NAME: prefix of every state item id */
    long idempotency_ttl_s;   /* IDEMPOTENCY_TTL_S: how long a done frame is remembered */
    long cooldown_s;          /* COOLDOWN_S: 0 = off */
    long stationary_s;        /* STATIONARY_S: 0 = off */
    double min_box_area;      /* MIN_BOX_AREA: fraction 0..1 of the frame, 0 = off */
    struct rules_zones *zones; /* ZONES: owned, NULL when unset */
    size_t pixel_budget_bytes; /* AWS_LAMBDA_FUNCTION_MEMORY_SIZE / PL_PIXEL_BUDGET_SHARE: what
                                  one frame's pixel buffers may hold at once, so that a huge
                                  frame is Function.ImageTooLarge, not an out-of-memory kill */
};

#define PL_DEFAULT_MAX_LABELS 50
#define PL_DEFAULT_PRESIGN_TTL_S 3600
/* A link presigned with role credentials dies with the role's session, whatever it names, and
 * Lambda does not document how long its sessions last: links promise no more than 6 hours. */
#define PL_MAX_PRESIGN_TTL_S 21600
#define PL_DEFAULT_SNAPSHOT_PREFIX "alerts/"
#define PL_DEFAULT_SNAPSHOT_MAX_WIDTH 1280
/* KVS's own examples look 3 s past a tagged fragment's start: a fragment is typically 2 s. */
#define PL_DEFAULT_KVS_WINDOW_MS 3000
#define PL_DEFAULT_KVS_SAMPLING_MS 1000
#define PL_DEFAULT_KVS_MAX_FRAMES 3
#define PL_DEFAULT_TIMELAPSE_MAX_FRAMES 600
#define PL_MAX_TIMELAPSE_MAX_FRAMES 100000
#define PL_DEFAULT_FUNCTION_NAME "kvs-lookout"
#define PL_DEFAULT_IDEMPOTENCY_TTL_S 86400
#define PL_DEFAULT_COOLDOWN_S 60
#define PL_DEFAULT_STATIONARY_S 3600
#define PL_DEFAULT_MEMORY_MB 1024
/* The rest of the memory holds the process, the frame's bytes (up to 15 MB), the fitted
 * copy sent to Rekognition and the answer: at 128 MB a frame's pixels get 16 MB. */
#define PL_PIXEL_BUDGET_SHARE 8

/* Reads and checks every setting; LK_CONFIG names the variable at fault. On failure s holds
 * nothing to free. */
int pl_settings_from_env(struct pl_settings *s, struct lk_error *err);
void pl_settings_cleanup(struct pl_settings *s);

#endif
