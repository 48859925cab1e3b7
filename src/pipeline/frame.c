/*
 * One frame: labels -> decision -> (snapshot) -> alert. Nothing is published unless a label
 * the user cares about is in the frame, and a failure anywhere before the publish fails the
 * unit of work, so Lambda retries it: an alert is either sent or the invocation fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/alert.h"
#include "lookout/filter.h"
#include "lookout/frame.h"
#include "lookout/image.h"
#include "lookout/log.h"
#include "lookout/picture.h"
#include "lookout/rekognition.h"
#include "lookout/s3.h"
#include "lookout/sns.h"
#include "lookout/store_key.h"
#include "lookout/text.h"
#include "lookout/words.h"

#define SNAPSHOT_JPEG_QUALITY 85
#define S3_URI_MAX 1400

static int detect_labels(struct pl_job *job, const struct rek_image *img, struct rek_result *labels,
                         struct lk_error *err)
{
    struct rek_options opt = {
        .min_confidence = dec_config_min_threshold(&job->settings->labels),
        .max_labels = job->settings->max_labels,
    };
    return rek_detect_labels(job->services->rekognition, img, &opt, job->deadline_ms, labels, err);
}

/* The S3 object of the frame: its own, or the snapshot written for it. */
struct stored_image {
    const char *bucket;
    const char *key;
    char snapshot_key[1100];
    char uri[S3_URI_MAX];
};

/* The snapshot of a KVS frame carries the metadata KVS Images would have written, so that
 * it reads like any KVS image. Its key is a function of the frame: a retry overwrites it. */
static int store_snapshot(struct pl_job *job, const struct pl_frame *frame,
                          struct stored_image *img, struct lk_error *err)
{
    const struct pl_settings *s = job->settings;
    int rc = pl_store_key(img->snapshot_key, sizeof(img->snapshot_key), s->snapshot_prefix,
                          PL_STORE_JPEG, err, "%s/%lld", frame->stream_name, frame->time_ms);
    if (rc != LK_OK)
        return rc;
    char frame_ms[24];
    snprintf(frame_ms, sizeof(frame_ms), "%lld", frame->time_ms);
    struct aws_header meta[2] = {{"aws_kinesisvideo_producer_timestamp", frame_ms}};
    size_t n = 1;
    if (frame->fragment_number)
        meta[n++] = (struct aws_header){"aws_kinesisvideo_fragment_number", frame->fragment_number};
    img->bucket = s->snapshot_bucket;
    img->key = img->snapshot_key;
    return s3_put_object(job->services->s3, img->bucket, img->key, frame->bytes, frame->len,
                         "image/jpeg", meta, n, job->deadline_ms, err);
}

/* The same alert in words for people, on NOTIFY_TOPIC_ARN: SNS delivers no attributes with a
 * per-protocol message, so machines keep theirs on the alert topic. */
static int notify_people(struct pl_job *job, const struct alert_input *in, const struct alert *a,
                         struct lk_error *err)
{
    char *text = NULL, message_id[128];
    size_t len = 0;
    if (!job->settings->notify_topic_arn)
        return LK_OK;
    int rc = words_notification(in, a, &text, &len, err);
    if (rc == LK_OK) {
        struct sns_message msg = {.topic_arn = job->settings->notify_topic_arn,
                                  .subject = a->subject,
                                  .body = text,
                                  .body_len = len,
                                  .per_protocol = 1};
        rc = sns_publish(job->services->sns, &msg, job->deadline_ms, message_id,
                         sizeof(message_id), err);
    }
    free(text);
    return rc;
}

/* The frame's time, or now when it is unknown (an S3 upload without KVS metadata). */
static long long alert_frame_ms(const struct pl_frame *frame)
{
    return frame->time_ms >= 0 ? frame->time_ms : (long long)time(NULL) * 1000;
}

static int publish(struct pl_job *job, const struct pl_frame *frame, const struct dec_result *match,
                   const struct stored_image *img, const struct pl_picture *pic,
                   const struct pl_verdict *v, struct lk_error *err)
{
    char *url = NULL;
    time_t now = time(NULL);
    int rc = LK_OK;
    if (img->bucket)
        rc = s3_presign_get(job->services->s3, img->bucket, img->key, job->settings->presign_ttl_s,
                            now, &url, err);
    struct alert_input in = {
        .stream_name = frame->stream_name,
        .stream_arn = frame->stream_arn,
        .trigger = frame->trigger,
        .frame_ms = alert_frame_ms(frame),
        .fragment_number = frame->fragment_number,
        .producer_ms = frame->producer_ms,
        .server_ms = frame->server_ms,
        .image_s3_uri = img->bucket ? img->uri : NULL,
        .image_url = url,
        .image_url_expires_ms = ((long long)now + job->settings->presign_ttl_s) * 1000,
        .snapshot = pic->stored ? &pic->snapshot : NULL,
        .match = match,
        .tags = frame->tags ? frame->tags->items : NULL,
        .tag_count = frame->tags ? frame->tags->count : 0,
        .suppressed = v->suppressed,
        .zones = v->zones,
        .zone_count = v->zone_count,
    };
    struct alert alert = {0};
    if (rc == LK_OK)
        rc = alert_build(&in, &alert, err);
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    char message_id[128] = "";
    if (rc == LK_OK) {
        alert_attributes(&alert, attrs);
        struct sns_message msg = {
            job->settings->alert_topic_arn, alert.subject, alert.message, alert.message_len, attrs,
            ALERT_ATTRIBUTE_COUNT, 0};
        rc = sns_publish(job->services->sns, &msg, job->deadline_ms, message_id, sizeof(message_id),
                         err);
    }
    if (rc == LK_OK)
        rc = notify_people(job, &in, &alert, err);
    if (rc == LK_OK) {
        job->stats->alerts++;
        LOG_INFO("alert %s published (SNS message %s): %s", alert.id, message_id, alert.subject);
    }
    alert_cleanup(&alert);
    free(url);
    return rc;
}

static int locate_image(struct pl_job *job, const struct pl_frame *frame, struct stored_image *img,
                        struct lk_error *err)
{
    int rc = LK_OK;
    if (frame->bucket) {
        img->bucket = frame->bucket;
        img->key = frame->key;
    } else if (job->settings->snapshot_bucket) {
        rc = store_snapshot(job, frame, img, err);
    }
    if (rc == LK_OK && img->bucket) {
        const char *const parts[] = {"s3://", img->bucket, "/", img->key};
        text_join(img->uri, sizeof(img->uri), parts, 4);
    }
    return rc;
}

struct pl_plan pl_frame_plan(enum pl_origin origin, int motion_gating, int picture_needed)
{
    if (origin == PL_ORIGIN_KVS)
        return (struct pl_plan){PL_PIXELS_IN_HAND, PL_LABELS_FROM_BYTES, motion_gating};
    if (motion_gating)
        return (struct pl_plan){PL_PIXELS_READ_FIRST, PL_LABELS_FROM_BYTES, 1};
    if (picture_needed)
        return (struct pl_plan){PL_PIXELS_READ_ON_ALERT, PL_LABELS_FROM_S3_OBJECT, 0};
    return (struct pl_plan){PL_PIXELS_NONE, PL_LABELS_FROM_S3_OBJECT, 0};
}

/* Labelled in place, nothing travels through the function; or from the bytes at hand,
 * fitted to Rekognition's limits. */
static int label_frame(struct pl_job *job, const struct pl_frame *frame, struct rek_result *labels,
                       struct lk_error *err)
{
    struct rek_image img = {
        .bucket = frame->bucket, .key = frame->key, .version = frame->version_id};
    if (frame->plan.labels_from == PL_LABELS_FROM_S3_OBJECT)
        return detect_labels(job, &img, labels, err);
    img.bucket = img.key = img.version = NULL;
    struct lk_buf fitted;
    struct lk_view view;
    buf_init(&fitted, IMG_REK_MAX_BYTES);
    int rc = img_fit_for_rekognition(frame->bytes, frame->len, SNAPSHOT_JPEG_QUALITY,
                                     job->settings->pixel_budget_bytes, &fitted, &view, err);
    if (rc == LK_OK) {
        img.bytes = view.ptr;
        img.bytes_len = view.len;
        rc = detect_labels(job, &img, labels, err);
    }
    buf_cleanup(&fitted);
    return rc;
}

/* Motion gating: *still is 1 when less than MOTION_MIN_CHANGE of the scene changed since the
 * stream's last frame. */
static int check_motion(struct pl_job *job, const struct pl_frame *frame, const char *what,
                        int *still, struct lk_error *err)
{
    double change = 1.0;
    int rc = pl_motion_check(job->motion, frame->stream_name, frame->bytes, frame->len,
                             job->settings->pixel_budget_bytes, &change, err);
    *still = rc == LK_OK && change < job->settings->motion_min_change;
    if (*still)
        LOG_INFO("%s: %.1f%% of the scene changed, below MOTION_MIN_CHANGE; no Rekognition call",
                 what, change * 100);
    return rc;
}

static void describe_frame(const struct pl_frame *frame, char *out, size_t cap)
{
    if (frame->bucket) {
        const char *const parts[] = {"s3://", frame->bucket, "/", frame->key};
        text_join(out, cap, parts, 4);
    } else {
        snprintf(out, cap, "frame %lld of %s", frame->time_ms, frame->stream_name);
    }
}

/* Labels -> decision -> rules -> (snapshot) -> alert. */
static int detect_frame(struct pl_job *job, const struct pl_frame *frame, const char *what,
                        const struct pl_claim *claim, struct lk_error *err)
{
    struct rek_result labels = {0};
    struct dec_result match = {0};
    struct stored_image img = {0};
    struct pl_picture pic = {0};
    struct pl_verdict verdict;
    int still = 0, rc = LK_OK;
    if (frame->plan.motion_gated)
        rc = check_motion(job, frame, what, &still, err);
    if (rc == LK_OK && still) {
        job->stats->still++;
        job->stats->suppressed[PL_WHY_STILL]++;
        goto cleanup;
    }
    if (rc == LK_OK)
        rc = label_frame(job, frame, &labels, err);
    if (rc == LK_OK) {
        job->stats->frames++;
        job->stats->labels += labels.label_count;
        rc = dec_match(&job->settings->labels, &labels, &match, err);
    }
    if (rc == LK_OK && match.label_count == 0) {
        LOG_INFO("%s: %zu labels, none wanted", what, labels.label_count);
        goto cleanup;
    }
    if (rc == LK_OK) {
        job->stats->matched++;
        pl_filter_apply(job, frame, &match, claim, &verdict);
        if (!verdict.alert) {
            LOG_INFO("%s: a match on %s, held back by the rules", what, frame->stream_name);
            goto cleanup;
        }
        rc = locate_image(job, frame, &img, err);
    }
    if (rc == LK_OK)
        rc = pl_picture_store(job, frame, alert_frame_ms(frame), &match, &pic, err);
    if (rc == LK_OK)
        rc = publish(job, frame, &match, &img, &pic, &verdict, err);
    if (rc == LK_OK)
        pl_filter_alerted(job, frame, &match, &verdict);
cleanup:
    pl_picture_cleanup(&pic);
    dec_result_cleanup(&match);
    rek_result_cleanup(&labels);
    return rc;
}

/* The stream the invocation's metrics are about: its one stream, or several. */
static void note_stream(struct pl_stats *st, const char *stream)
{
    if (st->streams == 0) {
        text_copy(st->stream, sizeof(st->stream), stream);
        st->streams = 1;
    } else if (strcmp(st->stream, stream) != 0) {
        st->streams = 2;
    }
}

/* The frame's record is taken first: a redelivered frame costs no Rekognition call. */
int pl_frame_detect(struct pl_job *job, const struct pl_frame *frame, struct lk_error *err)
{
    struct pl_claim claim;
    char what[S3_URI_MAX];
    describe_frame(frame, what, sizeof(what));
    note_stream(job->stats, frame->stream_name);
    int rc = pl_state_claim(job, frame, &claim, err);
    if (rc == LK_OK && claim.kind == PL_CLAIM_DONE) {
        job->stats->suppressed[PL_WHY_DUPLICATE]++;
        LOG_INFO("%s on %s: done by an earlier delivery (duplicate)", what, frame->stream_name);
        return LK_OK;
    }
    if (rc == LK_OK && pl_state_snoozed(job, frame->stream_name)) {
        job->stats->suppressed[PL_WHY_SNOOZED]++;
        LOG_INFO("%s: stream %s is snoozed", what, frame->stream_name);
    } else if (rc == LK_OK) {
        rc = detect_frame(job, frame, what, &claim, err);
    }
    pl_state_finish(job, &claim, rc);
    if (rc != LK_OK)
        err_wrap(err, "%s", what);
    return rc;
}
