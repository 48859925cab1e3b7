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
#include "lookout/frame.h"
#include "lookout/image.h"
#include "lookout/log.h"
#include "lookout/rekognition.h"
#include "lookout/s3.h"
#include "lookout/sns.h"

#define SNAPSHOT_JPEG_QUALITY 85
#define S3_URI_MAX 1400

static int detect_labels(struct pl_job *job, const struct rek_image *img,
                         struct rek_result *labels, struct lk_error *err)
{
    struct rek_options opt = {
        .min_confidence = dec_config_min_threshold(&job->settings->labels),
        .max_labels = job->settings->max_labels,
    };
    return rek_detect_labels(job->services->rekognition, img, &opt, job->deadline_ms, labels,
                             err);
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
    snprintf(img->snapshot_key, sizeof(img->snapshot_key), "%s%s/%lld.jpg", s->snapshot_prefix,
             frame->stream_name, frame->time_ms);
    char frame_ms[24];
    snprintf(frame_ms, sizeof(frame_ms), "%lld", frame->time_ms);
    struct aws_header meta[2] = {{"aws_kinesisvideo_producer_timestamp", frame_ms}};
    size_t n = 1;
    if (frame->fragment_number)
        meta[n++] = (struct aws_header){"aws_kinesisvideo_fragment_number",
                                        frame->fragment_number};
    img->bucket = s->snapshot_bucket;
    img->key = img->snapshot_key;
    return s3_put_object(job->services->s3, img->bucket, img->key, frame->bytes, frame->len,
                         "image/jpeg", meta, n, job->deadline_ms, err);
}

static int publish(struct pl_job *job, const struct pl_frame *frame, const struct dec_result *match,
                   const struct stored_image *img, struct lk_error *err)
{
    char *url = NULL;
    time_t now = time(NULL);
    int rc = LK_OK;
    if (img->bucket)
        rc = s3_presign_get(job->services->s3, img->bucket, img->key,
                            job->settings->presign_ttl_s, now, &url, err);
    struct alert_input in = {
        .stream_name = frame->stream_name,
        .stream_arn = frame->stream_arn,
        .trigger = frame->trigger,
        .frame_ms = frame->time_ms >= 0 ? frame->time_ms : (long long)now * 1000,
        .fragment_number = frame->fragment_number,
        .producer_ms = frame->producer_ms,
        .server_ms = frame->server_ms,
        .image_s3_uri = img->bucket ? img->uri : NULL,
        .image_url = url,
        .image_url_expires_ms = ((long long)now + job->settings->presign_ttl_s) * 1000,
        .match = match,
        .tags = frame->tags ? frame->tags->items : NULL,
        .tag_count = frame->tags ? frame->tags->count : 0,
    };
    struct alert alert = {0};
    if (rc == LK_OK)
        rc = alert_build(&in, &alert, err);
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    char message_id[128] = "";
    if (rc == LK_OK) {
        alert_attributes(&alert, attrs);
        struct sns_message msg = {job->settings->alert_topic_arn, alert.subject, alert.message,
                                  alert.message_len, attrs, ALERT_ATTRIBUTE_COUNT};
        rc = sns_publish(job->services->sns, &msg, job->deadline_ms, message_id,
                         sizeof(message_id), err);
    }
    if (rc == LK_OK) {
        job->stats->alerts++;
        LOG_INFO("alert %s published (SNS message %s): %s", alert.id, message_id, alert.subject);
    }
    alert_cleanup(&alert);
    free(url);
    return rc;
}

static int locate_image(struct pl_job *job, const struct pl_frame *frame,
                        struct stored_image *img, struct lk_error *err)
{
    int rc = LK_OK;
    if (frame->bucket) {
        img->bucket = frame->bucket;
        img->key = frame->key;
    } else if (job->settings->snapshot_bucket) {
        rc = store_snapshot(job, frame, img, err);
    }
    if (rc == LK_OK && img->bucket)
        snprintf(img->uri, sizeof(img->uri), "s3://%s/%s", img->bucket, img->key);
    return rc;
}

/* Frames whose bytes are at hand (GetImages, or an object read for motion gating) are
 * labelled from them, fitted to Rekognition's limits; other S3 objects are labelled in place,
 * so nothing travels through the function. */
static int label_frame(struct pl_job *job, const struct pl_frame *frame, struct rek_result *labels,
                       struct lk_error *err)
{
    struct rek_image img = {.bucket = frame->bucket, .key = frame->key,
                            .version = frame->version_id};
    if (!frame->bytes)
        return detect_labels(job, &img, labels, err);
    img.bucket = img.key = img.version = NULL;
    struct lk_buf fitted;
    struct lk_view view;
    buf_init(&fitted, IMG_REK_MAX_BYTES);
    int rc = img_fit_for_rekognition(frame->bytes, frame->len, SNAPSHOT_JPEG_QUALITY, &fitted,
                                     &view, err);
    if (rc == LK_OK) {
        img.bytes = view.ptr;
        img.bytes_len = view.len;
        rc = detect_labels(job, &img, labels, err);
    }
    buf_cleanup(&fitted);
    return rc;
}

/* The memory slot of a stream: its own, else a free one, else the oldest taken. */
static size_t motion_slot(struct pl_motion *m, const char *stream)
{
    for (size_t i = 0; i < PL_MOTION_SLOTS; i++)
        if (m->slot[i].stream && strcmp(m->slot[i].stream, stream) == 0)
            return i;
    for (size_t i = 0; i < PL_MOTION_SLOTS; i++)
        if (!m->slot[i].stream)
            return i;
    size_t i = m->next;
    m->next = (m->next + 1) % PL_MOTION_SLOTS;
    return i;
}

/* Motion gating: compares the frame with the stream's last one and keeps it as the new last
 * one. *still is 1 when less than MOTION_MIN_CHANGE of the scene changed. The first frame a
 * warm environment sees of a stream always counts as changed. */
static int check_motion(struct pl_job *job, const struct pl_frame *frame, int *still,
                        struct lk_error *err)
{
    struct img_thumb cur = {0};
    int rc = img_thumbnail(frame->bytes, frame->len, IMG_THUMB_DEFAULT_SIDE, &cur, err);
    if (rc != LK_OK)
        return rc;
    struct pl_motion *m = job->motion;
    size_t i = motion_slot(m, frame->stream_name);
    int known = m->slot[i].stream && strcmp(m->slot[i].stream, frame->stream_name) == 0;
    double change = known ? img_motion_score(&m->slot[i].thumb, &cur, IMG_MOTION_NOISE) : 1.0;
    *still = change < job->settings->motion_min_change;
    if (!known) {
        free(m->slot[i].stream);
        m->slot[i].stream = strdup(frame->stream_name);
    }
    img_thumb_cleanup(&m->slot[i].thumb);
    m->slot[i].thumb = cur;
    if (*still)
        LOG_INFO("frame %lld of %s: %.1f%% of the scene changed, below MOTION_MIN_CHANGE; "
                 "no Rekognition call", frame->time_ms, frame->stream_name, change * 100);
    return LK_OK;
}

static void describe_frame(const struct pl_frame *frame, char *out, size_t cap)
{
    if (frame->bucket)
        snprintf(out, cap, "s3://%s/%s", frame->bucket, frame->key);
    else
        snprintf(out, cap, "frame %lld of %s", frame->time_ms, frame->stream_name);
}

int pl_frame_detect(struct pl_job *job, const struct pl_frame *frame, struct lk_error *err)
{
    struct rek_result labels = {0};
    struct dec_result match = {0};
    struct stored_image img = {0};
    char what[S3_URI_MAX];
    describe_frame(frame, what, sizeof(what));
    int still = 0, rc = LK_OK;
    if (job->settings->motion_min_change > 0 && frame->bytes && job->motion)
        rc = check_motion(job, frame, &still, err);
    if (rc == LK_OK && still) {
        job->stats->still++;
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
        rc = locate_image(job, frame, &img, err);
    }
    if (rc == LK_OK)
        rc = publish(job, frame, &match, &img, err);
cleanup:
    if (rc != LK_OK)
        err_wrap(err, "%s", what);
    dec_result_cleanup(&match);
    rek_result_cleanup(&labels);
    return rc;
}
