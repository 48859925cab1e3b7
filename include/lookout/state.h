/*
 * state.h: what the function remembers across invocations, in the DynamoDB table named by
 * STATE_TABLE (prefix pl_state_). Without STATE_TABLE every call here is a no-op that
 * answers "nothing remembered": the function is stateless, as before the table existed.
 *
 * Items (partition key "id", S; TTL attribute "expiration", epoch seconds; every id starts
 * with AWS_LAMBDA_FUNCTION_NAME so one table can serve several functions):
 *   <fn>#frame#<sha256 of the frame identity>   the idempotency record, Powertools' layout:
 *       status INPROGRESS|COMPLETED, expiration, in_progress_expiration (epoch ms)
 *   <fn>#cooldown#<stream>#<name>   last_alert_ms, frame (the record id that alerted),
 *       suppressed (matches held back since), carried (what the last alert carried)
 *   <fn>#seen#<stream>#<name>       boxes that alerted: "left,top,width,height,seen_ms;...",
 *       version (each write n -> n + 1, conditional on n)
 *   <fn>#snooze#<stream>            until_ms
 *
 * Every write that decides something is conditional. DynamoDB failing after the client's
 * retries never loses an alert: the call logs a warning and answers as if nothing were
 * remembered (fail open), so at worst an alert repeats.
 */
#ifndef LOOKOUT_STATE_H
#define LOOKOUT_STATE_H

#include <cjson/cJSON.h>

#include "lookout/buf.h"
#include "lookout/frame.h"
#include "lookout/job.h"
#include "lookout/rekognition.h"

#define PL_STATE_KEY_MAX 512
#define PL_SEEN_MAX 8 /* boxes remembered per stream and name */

/* "duplicate", "cooldown", "stationary", "outsideZones", "tooSmall", "snoozed", "still". */
const char *pl_why_name(enum pl_why why);

/* 1 when STATE_TABLE is set. */
int pl_state_on(const struct pl_job *job);

enum pl_claim_kind {
    PL_CLAIM_NONE, /* stateless, or DynamoDB failed: go on without a record */
    PL_CLAIM_HELD, /* this invocation holds the frame (INPROGRESS until job->deadline_ms) */
    PL_CLAIM_DONE, /* an earlier delivery completed the frame: do nothing */
};

struct pl_claim {
    enum pl_claim_kind kind;
    char key[PL_STATE_KEY_MAX]; /* the record id ("" when stateless) */
};

/* Takes the frame's idempotency record (a conditional PutItem: new, expired, or an
 * INPROGRESS whose lock has passed). LK_IN_PROGRESS when another invocation holds it, so the
 * unit fails and Lambda retries it later. */
int pl_state_claim(struct pl_job *job, const struct pl_frame *frame, struct pl_claim *claim,
                   struct lk_error *err);
/* Ends a held claim: COMPLETED (expiring after IDEMPOTENCY_TTL_S) when rc is LK_OK, else the
 * record is deleted so a retry can take it. Failures are logged. */
void pl_state_finish(struct pl_job *job, const struct pl_claim *claim, int rc);

/* 1 when the stream is snoozed now (a failure reads as not snoozed). */
int pl_state_snoozed(struct pl_job *job, const char *stream);
/* Snoozes the stream for minutes (0 ends a snooze); *until_ms is when it ends. */
int pl_state_snooze(struct pl_job *job, const char *stream, long minutes, long long *until_ms,
                    struct lk_error *err);

/* Answers {"lookout":{"snooze":{"stream":..,"minutes":..}}} (events.h) with
 * {"route":"snooze","stream":..,"snoozedUntil":RFC 3339,"snoozedUntilMs":..}. Without
 * STATE_TABLE: LK_INVALID_EVENT. */
int pl_state_snooze_request(struct pl_job *job, const cJSON *event, struct lk_buf *response,
                            struct lk_error *err);

/* The cooldown of stream and name: *taken is 1 when it had passed (or this frame took it
 * before: a retry) and is now restarted by this frame, with *carried the matches held back
 * since the last alert; 0 when it runs, and the match is counted in the item. */
void pl_state_cooldown(struct pl_job *job, const char *stream, const char *name,
                       const struct pl_claim *claim, int *taken, long long *carried);

/* Boxes of one stream and name that alerted, with when each was last seen, and the version
 * of the item they were read from (0: no item). */
struct pl_seen {
    size_t count;
    struct rek_box boxes[PL_SEEN_MAX];
    long long seen_ms[PL_SEEN_MAX];
    long long version;
};
/* Reads "l,t,w,h,ms;..." (outside bytes: at most PL_SEEN_MAX boxes are kept, a malformed
 * entry ends the list). */
void pl_state_parse_seen(const char *text, struct pl_seen *out);
void pl_state_seen_load(struct pl_job *job, const char *stream, const char *name,
                        struct pl_seen *out);
/* Saves seen (its boxes as the next version) with a conditional PutItem: it succeeds only
 * if the item is still the version seen was loaded from. When another invocation wrote in
 * between, its boxes are merged with seen's (pl_state_seen_merge) and the write retried, a
 * few times: concurrent invocations never drop each other's boxes, so a parked object is not
 * forgotten and alerted again. What stays a race is the decision: two invocations that read
 * the list before either saved may both take the same new box for moving and both alert;
 * with COOLDOWN_S on, the cooldown (a conditional write of its own) lets only one of them
 * publish, so the race costs at most one extra alert per name only when COOLDOWN_S is 0. */
void pl_state_seen_save(struct pl_job *job, const char *stream, const char *name,
                        const struct pl_seen *seen);
/* Adds mine's boxes to into: a box overlapping one of into (IoU >= RULES_STATIONARY_IOU)
 * refreshes its time; a new one is added, or when into is full replaces the box seen
 * longest ago if it is older. into->version is kept. */
void pl_state_seen_merge(struct pl_seen *into, const struct pl_seen *mine);

#endif
