/*
 * job.h: what every step of the pipeline is handed for one invocation: the settings and
 * services made at start-up, the per-stream memory of the warm environment, the deadline and
 * the counters of what was done.
 */
#ifndef LOOKOUT_JOB_H
#define LOOKOUT_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/motion.h"
#include "lookout/services.h"
#include "lookout/settings.h"

/* Why a match did not alert (state.h, filter.h); counted per frame, or per frame and wanted
 * name for the rules that judge each name. */
enum pl_why {
    PL_WHY_DUPLICATE,     /* the frame was done by an earlier delivery */
    PL_WHY_COOLDOWN,      /* the stream and name alerted within COOLDOWN_S */
    PL_WHY_STATIONARY,    /* every box overlaps one that alerted and has not moved */
    PL_WHY_OUTSIDE_ZONES, /* no box stands in a zone that takes the name */
    PL_WHY_TOO_SMALL,     /* every box is under MIN_BOX_AREA */
    PL_WHY_SNOOZED,       /* the stream is snoozed */
    PL_WHY_STILL,         /* motion gating: the scene did not change */
    PL_WHY_COUNT
};

/* What the units of one invocation did, added up. */
struct pl_stats {
    size_t frames;  /* frames looked at by Rekognition */
    size_t skipped; /* objects or frames passed over (not images, NO_MEDIA, ...) */
    size_t still;   /* frames passed over by motion gating */
    size_t labels;  /* labels Rekognition found, matched or not */
    size_t matched; /* frames with a label the user cares about */
    size_t alerts;  /* alerts published */
    size_t suppressed[PL_WHY_COUNT];
    char stream[256]; /* the stream of the frames seen, "" before the first; EMF dimension */
    int streams;      /* 0, 1, or 2 for several */
};

/* Everything a unit of work needs, borrowed for the call. */
struct pl_job {
    const struct pl_settings *settings;
    struct svc_clients *services;
    struct pl_motion *motion; /* kept across warm invocations */
    int64_t deadline_ms;      /* epoch ms by which the invocation must have answered */
    const char *request_id;   /* of the invocation, for logs and records */
    struct pl_stats *stats;
};

#endif
