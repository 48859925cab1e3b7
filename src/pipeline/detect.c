/*
 * Where frames come from, top to bottom:
 *
 *   S3 object     is it an image (key, content type)? -> what KVS says it is (metadata, else
 *                 the key) -> the frame, labelled in place
 *   KVS fragment  GetImages over the window (kvs.h finds the data endpoint) -> each frame's
 *                 bytes
 *
 * What happens to each frame is src/pipeline/frame.c.
 */
#include <stdlib.h>
#include <string.h>

#include "lookout/detect.h"
#include "lookout/frame.h"
#include "lookout/kvs.h"
#include "lookout/log.h"
#include "lookout/s3.h"

/* KVS writes image/jpeg or image/png; other uploaders often leave S3's generic types. */
static const char *content_skip_reason(const char *type)
{
    static const char *const ok[] = {"image/jpeg", "image/png", "binary/octet-stream",
                                     "application/octet-stream"};
    if (!type)
        return NULL;
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (strncmp(type, ok[i], strlen(ok[i])) == 0)
            return NULL;
    return "its content type is not JPEG or PNG";
}

/* The identity of a KVS image: the metadata KVS wrote, else what the key says. */
struct s3_identity {
    struct ev_kvs_image meta;
    struct ev_kvs_key key;
    int key_ok;
};

static int identify(const struct ev_s3_object *obj, const struct s3_object_info *info,
                    struct s3_identity *id, struct pl_frame *frame, struct lk_error *err)
{
    struct ev_tag *pairs = calloc(info->meta_count + 1, sizeof(*pairs));
    if (!pairs)
        return err_set(err, LK_NOMEM, "out of memory");
    for (size_t i = 0; i < info->meta_count; i++)
        pairs[i] = (struct ev_tag){info->meta[i].name, info->meta[i].value};
    int rc = ev_kvs_image_from_metadata(pairs, info->meta_count, &id->meta, err);
    free(pairs);
    if (rc != LK_OK)
        return err_wrap(err, "s3://%s/%s: object metadata", obj->bucket, obj->key);
    id->key_ok = ev_kvs_key_parse(obj->key, obj->key_len, &id->key, NULL) == LK_OK;
    frame->stream_name = id->key_ok && id->key.stream_name ? id->key.stream_name
                         : id->key_ok                      ? id->key.head
                                                           : obj->bucket;
    frame->fragment_number = id->meta.fragment_number;
    frame->producer_ms = id->meta.producer_ms;
    frame->server_ms = id->meta.server_ms;
    frame->time_ms = id->meta.producer_ms >= 0 ? id->meta.producer_ms
                     : id->key_ok              ? id->key.timecode_ms
                                               : -1;
    frame->tags = &id->meta.tags;
    return LK_OK;
}

/* Snapshots this function stores for KVS frames raise S3 events of their own when they land
 * in a bucket that notifies it; they were alerted on already. */
static int is_own_snapshot(const struct pl_settings *s, const struct ev_s3_object *obj)
{
    return s->snapshot_bucket && strcmp(obj->bucket, s->snapshot_bucket) == 0 &&
           strncmp(obj->key, s->snapshot_prefix, strlen(s->snapshot_prefix)) == 0;
}

/* HeadObject, or GetObject when the plan reads the pixels first. */
static int read_object(struct pl_job *job, const struct ev_s3_object *obj,
                       const struct pl_plan *plan, struct s3_object_info *info,
                       struct lk_buf *pixels, struct lk_error *err)
{
    struct aws_client *s3 = job->services->s3;
    if (plan->pixels == PL_PIXELS_READ_FIRST)
        return s3_get_object(s3, obj->bucket, obj->key, obj->version_id, PL_FRAME_MAX_BYTES,
                             job->deadline_ms, info, pixels, err);
    return s3_head_object(s3, obj->bucket, obj->key, obj->version_id, job->deadline_ms, info, err);
}

int pl_detect_s3_object(struct pl_job *job, const struct ev_s3_object *obj, enum ev_trigger trigger,
                        struct lk_error *err)
{
    const char *skip = ev_s3_object_skip_reason(obj);
    if (!skip && trigger != EV_TRIGGER_MANUAL && is_own_snapshot(job->settings, obj))
        skip = "it is a snapshot this function stored with an alert already sent";
    if (skip) {
        LOG_INFO("skipped s3://%s/%s: %s", obj->bucket, obj->key, skip);
        job->stats->skipped++;
        return LK_OK;
    }
    struct s3_object_info info = {0};
    struct s3_identity id = {0};
    struct lk_buf pixels;
    buf_init(&pixels, PL_FRAME_MAX_BYTES);
    struct pl_frame frame = {
        .trigger = trigger,
        .plan = pl_frame_plan(PL_ORIGIN_S3, job->settings->motion_min_change > 0,
                              job->settings->snapshot_bucket != NULL),
        .bucket = obj->bucket,
        .key = obj->key,
    };
    int rc = read_object(job, obj, &frame.plan, &info, &pixels, err);
    if (rc == LK_OK && (skip = content_skip_reason(info.content_type))) {
        LOG_INFO("skipped s3://%s/%s: %s (%s)", obj->bucket, obj->key, skip, info.content_type);
        job->stats->skipped++;
        goto cleanup;
    }
    frame.bytes = (const unsigned char *)pixels.data;
    frame.len = pixels.len;
    if (rc == LK_OK)
        rc = identify(obj, &info, &id, &frame, err);
    frame.version_id = info.version_id ? info.version_id : obj->version_id;
    frame.etag = obj->etag ? obj->etag : info.etag;
    if (rc == LK_OK)
        rc = pl_frame_detect(job, &frame, err);
cleanup:
    buf_cleanup(&pixels);
    ev_kvs_image_cleanup(&id.meta);
    if (id.key_ok)
        ev_kvs_key_cleanup(&id.key);
    s3_object_info_cleanup(&info);
    return rc;
}

/* ---- KVS ------------------------------------------------------------------------------ */

struct range_walk {
    struct pl_job *job;
    struct pl_frame base; /* identity shared by the frames of the range */
    int frames_left;      /* KVS_MAX_FRAMES bounds the Rekognition calls of one range */
};

static int on_kvs_frame(const struct kvs_frame *kf, void *user, struct lk_error *err)
{
    struct range_walk *walk = user;
    if (walk->frames_left <= 0) {
        walk->job->stats->skipped++;
        return LK_OK;
    }
    walk->frames_left--;
    struct pl_frame frame = walk->base;
    frame.time_ms = kf->timestamp_ms;
    frame.bytes = kf->data;
    frame.len = kf->len;
    return pl_frame_detect(walk->job, &frame, err);
}

static int walk_range(struct pl_job *job, const char *stream, long long start_ms, long long end_ms,
                      struct range_walk *walk, struct lk_error *err)
{
    struct kvs_images_query q = {
        .stream = stream,
        .start_ms = start_ms,
        .end_ms = end_ms,
        .sampling_ms = job->settings->kvs_sampling_ms,
        .page_size = job->settings->kvs_max_frames,
    };
    size_t gaps = 0;
    int rc =
        kvs_get_images(&job->services->kvs, &q, job->deadline_ms, on_kvs_frame, walk, &gaps, err);
    job->stats->skipped += gaps;
    return rc;
}

/* The frames of one range share their identity and their plan. */
static struct pl_frame kvs_base(const struct pl_job *job, enum ev_trigger trigger)
{
    const struct pl_settings *s = job->settings;
    return (struct pl_frame){
        .trigger = trigger,
        .plan = pl_frame_plan(PL_ORIGIN_KVS, s->motion_min_change > 0, s->snapshot_bucket != NULL),
        .producer_ms = -1,
        .server_ms = -1,
    };
}

int pl_detect_fragment(struct pl_job *job, const struct ev_kvs_fragment *frag, struct lk_error *err)
{
    long long start = frag->producer_ms >= 0 ? frag->producer_ms : frag->server_ms;
    struct range_walk walk = {.job = job,
                              .base = kvs_base(job, EV_TRIGGER_KVS_NOTIFICATION),
                              .frames_left = job->settings->kvs_max_frames};
    walk.base.stream_name = frag->stream.name;
    walk.base.stream_arn = frag->stream.arn;
    walk.base.fragment_number = frag->fragment_number;
    walk.base.producer_ms = frag->producer_ms;
    walk.base.server_ms = frag->server_ms;
    walk.base.tags = &frag->tags;
    int rc =
        walk_range(job, frag->stream.arn, start, start + job->settings->kvs_window_ms, &walk, err);
    if (rc != LK_OK)
        err_wrap(err, "fragment %s of %s", frag->fragment_number, frag->stream.name);
    return rc;
}

int pl_detect_range(struct pl_job *job, const struct ev_stream_range *range, struct lk_error *err)
{
    const char *stream = range->arn.arn ? range->arn.arn : range->stream_name;
    struct range_walk walk = {.job = job,
                              .base = kvs_base(job, EV_TRIGGER_MANUAL),
                              .frames_left = job->settings->kvs_max_frames};
    walk.base.stream_name = range->stream_name;
    walk.base.stream_arn = range->arn.arn;
    int rc = walk_range(job, stream, range->start_ms, range->end_ms, &walk, err);
    if (rc != LK_OK)
        err_wrap(err, "stream %s", range->stream_name);
    return rc;
}
