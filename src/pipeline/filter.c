/*
 * Which wanted names of a matched frame alert (filter.h): the cheap rules first (size,
 * zones: pure geometry), then the remembered ones (stationary boxes, cooldown), so that the
 * table is read only for what could still alert.
 */
#include <string.h>

#include "lookout/clock.h"
#include "lookout/filter.h"
#include "lookout/log.h"

#define NAME_MAX_BOXES 64

struct boxes {
    size_t count;
    struct rek_box items[NAME_MAX_BOXES];
};

static void collect(const struct dec_result *match, const char *name, struct boxes *out)
{
    out->count = 0;
    for (size_t i = 0; i < match->label_count; i++) {
        const struct rek_label *l = match->labels[i];
        if (!dec_label_covers(l, name))
            continue;
        for (size_t k = 0; k < l->instance_count && out->count < NAME_MAX_BOXES; k++)
            out->items[out->count++] = l->instances[k].box;
    }
}

static void keep_large(struct boxes *b, double min_area)
{
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++)
        if (rules_area(&b->items[i]) >= min_area)
            b->items[n++] = b->items[i];
    b->count = n;
}

static unsigned keep_in_zones(struct boxes *b, const struct rules_zones *zones, const char *name)
{
    unsigned all = 0;
    size_t n = 0;
    for (size_t i = 0; i < b->count; i++) {
        unsigned bits = rules_zones_of(zones, &b->items[i], name);
        if (bits)
            b->items[n++] = b->items[i];
        all |= bits;
    }
    b->count = n;
    return all;
}

/* Marks remembered boxes seen again; returns how many boxes are new (moved or never seen),
 * added to seen with now so that they are remembered if the frame alerts. */
static size_t moving(struct boxes *b, struct pl_seen *seen, long long now_ms, long window_ms)
{
    struct pl_seen fresh = {.version = seen->version};
    for (size_t k = 0; k < seen->count; k++)
        if (seen->seen_ms[k] >= now_ms - window_ms) {
            fresh.boxes[fresh.count] = seen->boxes[k];
            fresh.seen_ms[fresh.count++] = seen->seen_ms[k];
        }
    size_t known = fresh.count, new_boxes = 0;
    for (size_t i = 0; i < b->count; i++) {
        int still = 0;
        for (size_t k = 0; k < known; k++)
            if (rules_iou(&b->items[i], &fresh.boxes[k]) >= RULES_STATIONARY_IOU) {
                fresh.seen_ms[k] = now_ms;
                still = 1;
            }
        if (still)
            continue;
        new_boxes++;
        if (fresh.count < PL_SEEN_MAX) {
            fresh.boxes[fresh.count] = b->items[i];
            fresh.seen_ms[fresh.count++] = now_ms;
        }
    }
    *seen = fresh;
    return new_boxes;
}

static void held_back(struct pl_job *job, const struct pl_frame *frame, const char *name,
                      enum pl_why why)
{
    job->stats->suppressed[why]++;
    LOG_INFO("stream %s: %s held back: %s", frame->stream_name, name, pl_why_name(why));
}

static void add_zones(struct pl_verdict *v, const struct rules_zones *zones, unsigned bits)
{
    for (size_t i = 0; i < zones->count; i++) {
        int known = 0;
        for (size_t k = 0; k < v->zone_count; k++)
            known |= v->zones[k] == zones->zones[i].name;
        if ((bits & (1u << i)) && !known)
            v->zones[v->zone_count++] = zones->zones[i].name;
    }
}

/* The rules for one wanted name; 1 when it alerts. */
static int judge(struct pl_job *job, const struct pl_frame *frame, const struct dec_result *match,
                 const struct pl_claim *claim, size_t i, struct pl_verdict *v)
{
    const struct pl_settings *s = job->settings;
    const char *name = match->names[i];
    struct boxes b;
    collect(match, name, &b);
    int boxless = b.count == 0;
    unsigned zone_bits = 0;
    if (s->min_box_area > 0 && !boxless && (keep_large(&b, s->min_box_area), b.count == 0))
        return held_back(job, frame, name, PL_WHY_TOO_SMALL), 0;
    if (s->zones && (zone_bits = keep_in_zones(&b, s->zones, name)) == 0)
        return held_back(job, frame, name, PL_WHY_OUTSIDE_ZONES), 0;
    if (pl_state_on(job) && s->stationary_s > 0 && !boxless) {
        pl_state_seen_load(job, frame->stream_name, name, &v->seen[i]);
        if (moving(&b, &v->seen[i], clock_now_ms(), s->stationary_s * 1000) == 0) {
            pl_state_seen_save(job, frame->stream_name, name, &v->seen[i]);
            return held_back(job, frame, name, PL_WHY_STATIONARY), 0;
        }
        v->remember[i] = 1;
    }
    int taken;
    long long carried;
    pl_state_cooldown(job, frame->stream_name, name, claim, &taken, &carried);
    if (!taken)
        return held_back(job, frame, name, PL_WHY_COOLDOWN), 0;
    v->suppressed += carried;
    add_zones(v, s->zones ? s->zones : &(struct rules_zones){0}, zone_bits);
    return 1;
}

void pl_filter_apply(struct pl_job *job, const struct pl_frame *frame,
                     const struct dec_result *match, const struct pl_claim *claim,
                     struct pl_verdict *v)
{
    /* Only the fields and the names' own slots are set: zeroing the whole verdict (64
     * seen-lists) cost more than the rules themselves. seen[i] is read only where
     * remember[i] is set, after judge loaded it. */
    v->alert = 0;
    v->suppressed = 0;
    v->zone_count = 0;
    v->name_count = match->name_count;
    for (size_t i = 0; i < match->name_count; i++) {
        v->remember[i] = 0;
        if (judge(job, frame, match, claim, i, v))
            v->alert = 1;
        else
            v->remember[i] = 0; /* judge may have set it before holding the name back */
    }
}

void pl_filter_alerted(struct pl_job *job, const struct pl_frame *frame,
                       const struct dec_result *match, const struct pl_verdict *v)
{
    for (size_t i = 0; i < v->name_count; i++)
        if (v->remember[i])
            pl_state_seen_save(job, frame->stream_name, match->names[i], &v->seen[i]);
}
