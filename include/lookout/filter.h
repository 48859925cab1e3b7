/*
 * filter.h: which wanted names of a matched frame alert, rule by rule (prefix pl_filter_):
 *   MIN_BOX_AREA  boxes smaller than this fraction of the frame are ignored
 *   ZONES         only boxes whose foot stands in a zone taking the name count; a label
 *                 Rekognition gives no box cannot be placed and does not alert
 *   STATIONARY_S  a box overlapping (IoU >= RULES_STATIONARY_IOU) one of the same name that
 *                 alerted on the stream, and seen within STATIONARY_S since, does not alert
 *                 again until it moves
 *   COOLDOWN_S    a name that alerted on the stream within COOLDOWN_S waits; the matches it
 *                 holds back are carried by the next alert
 * A frame alerts when at least one name passes every rule. Each name held back is counted
 * in job->stats->suppressed and logged at INFO with the stream. The last two rules need
 * STATE_TABLE and are off without it.
 */
#ifndef LOOKOUT_FILTER_H
#define LOOKOUT_FILTER_H

#include "lookout/decide.h"
#include "lookout/frame.h"
#include "lookout/rules.h"
#include "lookout/state.h"

struct pl_verdict {
    int alert;                                 /* 1 when the frame alerts */
    long long suppressed;                      /* carried by the alert (cooldown) */
    size_t zone_count;                         /* zones the alerting boxes stand in */
    const char *zones[RULES_MAX_ZONES];        /* borrowed from the settings */
    size_t name_count;                         /* = match->name_count */
    struct pl_seen seen[DEC_MAX_WANTED];       /* per name: boxes to remember on alert */
    int remember[DEC_MAX_WANTED];              /* 1 when seen[i] is saved after the alert */
};

/* Judges match (from labels) for frame. Never fails: state failures fail open. */
void pl_filter_apply(struct pl_job *job, const struct pl_frame *frame,
                     const struct dec_result *match, const struct pl_claim *claim,
                     struct pl_verdict *v);

/* After the alert is published: remembers the boxes that alerted. */
void pl_filter_alerted(struct pl_job *job, const struct pl_frame *frame,
                       const struct dec_result *match, const struct pl_verdict *v);

#endif
