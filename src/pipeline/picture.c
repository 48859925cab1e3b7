/* The annotated snapshot of an alerting frame: what to draw, where to keep it (picture.h). */
#include "lookout/picture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/hash.h"
#include "lookout/log.h"
#include "lookout/rules.h"
#include "lookout/s3.h"
#include "lookout/snapshot.h"
#include "lookout/store_key.h"

#define TAG_MAX 48
#define MAX_BOXES 256 /* instances drawn at most: REK_MAX_INSTANCES per label is already many */
#define STRIP_TEXT 160

/* What the picture shows, in the font's ASCII. */
struct drawing {
    struct img_snapshot_box boxes[MAX_BOXES];
    struct rek_box seen[MAX_BOXES]; /* each outline's box, as Rekognition gave it */
    char tags[MAX_BOXES][TAG_MAX];
    size_t box_count;
    struct img_snapshot_zone zones[RULES_MAX_ZONES];
    double points[RULES_MAX_ZONES][RULES_MAX_POINTS][2];
    char lines[2][STRIP_TEXT];
    const char *line_ptrs[2];
};

/* Rekognition often locates one thing under several names (Person, Woman) with nearly the
 * same box; those share one outline whose tag names each, most confident first. */
#define SAME_BOX_IOU 0.9

static struct img_snapshot_box *same_box(struct drawing *d, const struct rek_box *box,
                                         const struct rek_box *seen)
{
    for (size_t i = 0; i < d->box_count; i++)
        if (rules_iou(&seen[i], box) >= SAME_BOX_IOU)
            return &d->boxes[i];
    return NULL;
}

static void add_label_boxes(struct drawing *d, const struct rek_label *l, struct rek_box *seen)
{
    char name[TAG_MAX - 8];
    if (!alert_ascii(l->name, name, sizeof(name)))
        memcpy(name, "Object", 7);
    for (size_t i = 0; i < l->instance_count && d->box_count < MAX_BOXES; i++) {
        const struct rek_instance *x = &l->instances[i];
        struct img_snapshot_box *b = same_box(d, &x->box, seen);
        if (b) {
            char *tag = d->tags[b - d->boxes];
            size_t used = strlen(tag);
            snprintf(tag + used, TAG_MAX - used, ", %s %.0f%%", name, x->confidence);
            continue;
        }
        b = &d->boxes[d->box_count];
        seen[d->box_count] = x->box;
        snprintf(d->tags[d->box_count], TAG_MAX, "%s %.0f%%", name, x->confidence);
        *b = (struct img_snapshot_box){x->box.left, x->box.top, x->box.width, x->box.height,
                                       d->tags[d->box_count], img_snapshot_color(l->name)};
        d->box_count++;
    }
}

static void add_zones(struct drawing *d, const struct rules_zones *zones)
{
    for (size_t i = 0; zones && i < zones->count; i++) {
        const struct rules_zone *z = &zones->zones[i];
        for (size_t k = 0; k < z->point_count; k++) {
            d->points[i][k][0] = z->points[k].x;
            d->points[i][k][1] = z->points[k].y;
        }
        d->zones[i] = (struct img_snapshot_zone){d->points[i], z->point_count, z->name};
    }
}

/* Line 1: stream and time; line 2: matched labels Rekognition did not locate. */
static void add_strip(struct drawing *d, const char *stream, long long frame_ms,
                      const struct dec_result *m)
{
    char name[64], t[25] = "";
    size_t n = alert_ascii(stream, name, sizeof(name));
    alert_format_time(frame_ms, t);
    snprintf(d->lines[0], STRIP_TEXT, "%s  %.10s %.8s UTC", n ? name : "?", t, t + 11);
    size_t len = 0;
    for (size_t i = 0; i < m->label_count; i++) {
        const struct rek_label *l = m->labels[i];
        if (l->instance_count > 0 || len + 2 >= STRIP_TEXT)
            continue;
        if (!alert_ascii(l->name, name, sizeof(name)))
            continue;
        int k = snprintf(d->lines[1] + len, STRIP_TEXT - len, "%s%s %.0f%%",
                         len ? ", " : "ALSO SEEN: ", name, l->confidence);
        len = k > 0 && (size_t)k < STRIP_TEXT - len ? len + (size_t)k : STRIP_TEXT - 1;
    }
    d->line_ptrs[0] = d->lines[0];
    d->line_ptrs[1] = d->lines[1];
}

/* Unknown frame times give 0 rather than the clock's: a retry must find the same key. */
static int snapshot_key(const struct pl_settings *s, const struct pl_frame *frame, char *out,
                        size_t cap, struct lk_error *err)
{
    char id[1400], hex[17];
    unsigned char md[HASH_SHA256_BYTES];
    if (frame->bucket)
        snprintf(id, sizeof(id), "s3:%s/%s:%s", frame->bucket, frame->key,
                 frame->version_id ? frame->version_id : "");
    else
        snprintf(id, sizeof(id), "kvs:%s:%lld", frame->stream_name, frame->time_ms);
    hash_sha256(id, strlen(id), md);
    hash_hex(md, 8, hex);
    return pl_store_key(out, cap, s->snapshot_prefix, PL_STORE_JPEG, err, "%s/%lld-%s.annotated",
                        frame->stream_name, frame->time_ms >= 0 ? frame->time_ms : 0, hex);
}

/* The frame's bytes: at hand, or read from S3 now that the frame alerts. */
static int frame_pixels(struct pl_job *job, const struct pl_frame *frame, struct lk_buf *read,
                        struct lk_view *out, struct lk_error *err)
{
    out->ptr = (const char *)frame->bytes;
    out->len = frame->len;
    if (frame->plan.pixels != PL_PIXELS_READ_ON_ALERT || frame->bytes)
        return LK_OK;
    struct s3_object_info info = {0};
    int rc = s3_get_object(job->services->s3, frame->bucket, frame->key, frame->version_id,
                           PL_FRAME_MAX_BYTES, job->deadline_ms, &info, read, err);
    s3_object_info_cleanup(&info);
    out->ptr = read->data;
    out->len = read->len;
    return rc;
}

static int draw(const struct pl_job *job, const struct pl_frame *frame, long long frame_ms,
                const struct dec_result *match, struct lk_view pixels, struct lk_buf *jpeg,
                struct pl_picture *p, struct lk_error *err)
{
    struct drawing *d = calloc(1, sizeof(*d));
    if (!d)
        return err_set(err, LK_NOMEM, "snapshot: out of memory");
    for (size_t i = 0; i < match->label_count; i++)
        add_label_boxes(d, match->labels[i], d->seen);
    add_zones(d, job->settings->zones);
    add_strip(d, frame->stream_name, frame_ms, match);
    struct img_snapshot_spec spec = {
        .max_width = job->settings->snapshot_max_width,
        .budget_bytes = job->settings->pixel_budget_bytes,
        .quality = IMG_SNAPSHOT_QUALITY,
        .boxes = d->boxes,
        .box_count = d->box_count,
        .zones = d->zones,
        .zone_count = job->settings->zones ? job->settings->zones->count : 0,
        .lines = d->line_ptrs,
        .line_count = d->lines[1][0] ? 2 : 1,
    };
    int rc = img_snapshot_make(pixels.ptr, pixels.len, &spec, jpeg, &p->snapshot.width,
                               &p->snapshot.height, err);
    free(d);
    return rc;
}

static int store(struct pl_job *job, const struct lk_buf *jpeg, struct pl_picture *p,
                 struct lk_error *err)
{
    const struct pl_settings *s = job->settings;
    time_t now = time(NULL);
    int rc = s3_put_object(job->services->s3, s->snapshot_bucket, p->key, jpeg->data, jpeg->len,
                           "image/jpeg", NULL, 0, job->deadline_ms, err);
    if (rc == LK_OK)
        rc = s3_presign_get(job->services->s3, s->snapshot_bucket, p->key, s->presign_ttl_s, now,
                            &p->url, err);
    if (rc != LK_OK)
        return rc;
    snprintf(p->uri, sizeof(p->uri), "s3://%s/%s", s->snapshot_bucket, p->key);
    p->snapshot.s3_uri = p->uri;
    p->snapshot.url = p->url;
    p->snapshot.url_expires_ms = ((long long)now + s->presign_ttl_s) * 1000;
    p->stored = 1;
    return LK_OK;
}

int pl_picture_store(struct pl_job *job, const struct pl_frame *frame, long long frame_ms,
                     const struct dec_result *match, struct pl_picture *out,
                     struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!job->settings->snapshot_bucket)
        return LK_OK;
    struct lk_buf read, jpeg;
    struct lk_view pixels;
    buf_init(&read, PL_FRAME_MAX_BYTES);
    buf_init(&jpeg, PL_FRAME_MAX_BYTES);
    int rc = snapshot_key(job->settings, frame, out->key, sizeof(out->key), err);
    if (rc == LK_OK)
        rc = frame_pixels(job, frame, &read, &pixels, err);
    if (rc == LK_OK)
        rc = draw(job, frame, frame_ms, match, pixels, &jpeg, out, err);
    if (rc == LK_BAD_IMAGE) {
        LOG_WARN("no snapshot for %s: %s; the alert links the frame alone", frame->stream_name,
                 err->message);
        rc = LK_OK;
    } else if (rc == LK_OK) {
        rc = store(job, &jpeg, out, err);
    }
    if (rc != LK_OK)
        err_wrap(err, "snapshot");
    buf_cleanup(&read);
    buf_cleanup(&jpeg);
    return rc;
}

void pl_picture_cleanup(struct pl_picture *p)
{
    free(p->url);
    memset(p, 0, sizeof(*p));
}
