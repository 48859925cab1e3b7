/*
 * metrics.h: what one invocation did, for people: the response's "suppressed" counts and one
 * CloudWatch Embedded Metric Format line (namespace KvsLookout, dimension Stream), so that
 * CloudWatch shows what the rules save without a PutMetricData call (prefix pl_metrics_).
 *
 * Metrics (Unit Count): Frames (frames seen: labelled, still, duplicate or snoozed),
 * RekognitionCalls, Alerts, and Suppressed<Reason> for duplicate, cooldown, stationary,
 * outsideZones, tooSmall, snoozed, still ("SuppressedOutsideZones"). Stream is the
 * invocation's stream, or "several" when its units span more than one.
 */
#ifndef LOOKOUT_METRICS_H
#define LOOKOUT_METRICS_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "lookout/buf.h"
#include "lookout/job.h"

#define PL_METRICS_NAMESPACE "KvsLookout"

/* Adds "suppressed": {"duplicate": n, ...} (every reason, zeros included) to o. 0 when out
 * of memory. */
int pl_metrics_add_suppressed(cJSON *o, const struct pl_stats *st);

/* Appends the EMF document of st at now_ms (one line, no newline) to out. LK_OK, or LK_NOMEM.
 * Nothing is appended when no frame was seen. */
int pl_metrics_emf(const struct pl_stats *st, int64_t now_ms, struct lk_buf *out);

#endif
