/*
 * What is remembered across invocations (state.h). Every id is the function's name, a kind
 * and what the item is about; every decision is a conditional write, so two invocations on
 * the same frame or stream never both win. A DynamoDB failure is logged and read as "nothing
 * remembered": a repeated alert is better than a lost one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/clock.h"
#include "lookout/dynamodb.h"
#include "lookout/hash.h"
#include "lookout/log.h"
#include "lookout/rules.h"
#include "lookout/state.h"

/* Items outlive what they hold by this much, so the TTL sweep never races a read. */
#define STATE_TTL_MARGIN_S 3600
/* Writers of one stream's seen list that keep losing to others give up after this many
 * merges: the boxes they would add then alert once more at worst. */
#define SEEN_ATTEMPTS 4

static const char *const WHY_NAMES[PL_WHY_COUNT] = {
    "duplicate", "cooldown", "stationary", "outsideZones", "tooSmall", "snoozed", "still"};

const char *pl_why_name(enum pl_why why)
{
    return why < PL_WHY_COUNT ? WHY_NAMES[why] : "unknown";
}

int pl_state_on(const struct pl_job *job)
{
    return job->settings->state_table != NULL;
}

static void item_id(const struct pl_job *job, const char *kind, const char *a, const char *b,
                    char out[PL_STATE_KEY_MAX])
{
    snprintf(out, PL_STATE_KEY_MAX, "%s#%s#%s%s%s", job->settings->function_name, kind, a,
             b ? "#" : "", b ? b : "");
}

/* A request on the table with the item's key; the caller adds the rest. */
static cJSON *request(const struct pl_job *job, const char *key_member, const char *id)
{
    cJSON *r = cJSON_CreateObject();
    cJSON *key = cJSON_AddObjectToObject(r, key_member);
    cJSON_AddStringToObject(r, "TableName", job->settings->state_table);
    cJSON_AddItemToObject(key, "id", ddb_attr_s(id));
    return r;
}

static void add_names(cJSON *r, const char *const *pairs)
{
    cJSON *names = cJSON_AddObjectToObject(r, "ExpressionAttributeNames");
    for (; pairs[0]; pairs += 2)
        cJSON_AddStringToObject(names, pairs[0], pairs[1]);
}

static int state_send(struct pl_job *job, const char *op, cJSON *r, const char *member,
                struct ddb_item *out, struct lk_error *err)
{
    int rc = ddb_call(job->services->dynamodb, op, r, member, job->deadline_ms, out, err);
    cJSON_Delete(r);
    return rc;
}

static void warn(const char *what, const char *id, const struct lk_error *err)
{
    LOG_WARN("STATE_TABLE %s of %s failed, going on without it (%s): %s", what, id,
             err_lambda_type(err->code), err->message);
}

/* ---- Idempotency: Powertools' record and conditions ---------------------------------- */

static void frame_identity(const struct pl_frame *f, char *out, size_t cap)
{
    if (f->bucket)
        snprintf(out, cap, "s3:%s/%s#%s", f->bucket, f->key,
                 f->version_id ? f->version_id : f->etag ? f->etag : "");
    else
        snprintf(out, cap, "kvs:%s#%s#%lld", f->stream_arn ? f->stream_arn : f->stream_name,
                 f->fragment_number ? f->fragment_number : "", f->time_ms);
}

static int lock(struct pl_job *job, const char *id, struct ddb_item *old, struct lk_error *err)
{
    int64_t now_ms = clock_now_ms();
    cJSON *r = request(job, "Item", id);
    cJSON *item = cJSON_GetObjectItemCaseSensitive(r, "Item");
    cJSON_AddItemToObject(item, "expiration",
                          ddb_attr_n(now_ms / 1000 + job->settings->idempotency_ttl_s));
    cJSON_AddItemToObject(item, "status", ddb_attr_s("INPROGRESS"));
    cJSON_AddItemToObject(item, "in_progress_expiration", ddb_attr_n(job->deadline_ms));
    cJSON_AddStringToObject(r, "ConditionExpression",
                            "attribute_not_exists(#id) OR #expiry < :now OR (#status = "
                            ":inprogress AND attribute_exists(#in_progress_expiry) AND "
                            "#in_progress_expiry < :now_in_millis)");
    static const char *const names[] = {"#id", "id", "#expiry", "expiration", "#status", "status",
                                        "#in_progress_expiry", "in_progress_expiration", NULL};
    add_names(r, names);
    cJSON *values = cJSON_AddObjectToObject(r, "ExpressionAttributeValues");
    cJSON_AddItemToObject(values, ":now", ddb_attr_n(now_ms / 1000));
    cJSON_AddItemToObject(values, ":now_in_millis", ddb_attr_n(now_ms));
    cJSON_AddItemToObject(values, ":inprogress", ddb_attr_s("INPROGRESS"));
    cJSON_AddStringToObject(r, "ReturnValuesOnConditionCheckFailure", "ALL_OLD");
    return state_send(job, "PutItem", r, NULL, old, err);
}

/* What a failed lock saw: done, held elsewhere, or gone stale since (-1: try again). */
static int judge_old(const struct ddb_item *old, struct pl_claim *claim, struct lk_error *err)
{
    long long exp = 0, lock_ms = 0;
    int64_t now_ms = clock_now_ms();
    const char *status = ddb_item_s(old, "status");
    int live = ddb_item_n(old, "expiration", &exp) == 0 && exp >= now_ms / 1000;
    if (status && strcmp(status, "COMPLETED") == 0 && live) {
        claim->kind = PL_CLAIM_DONE;
        return LK_OK;
    }
    if (status && strcmp(status, "INPROGRESS") == 0 && live &&
        ddb_item_n(old, "in_progress_expiration", &lock_ms) == 0 && lock_ms >= now_ms)
        return err_set(err, LK_IN_PROGRESS,
                       "another invocation is working on this frame (lock until %lld ms)",
                       lock_ms);
    return -1;
}

int pl_state_claim(struct pl_job *job, const struct pl_frame *frame, struct pl_claim *claim,
                   struct lk_error *err)
{
    memset(claim, 0, sizeof(*claim));
    if (!pl_state_on(job))
        return LK_OK;
    char identity[2400], hex[2 * HASH_SHA256_BYTES + 1];
    unsigned char digest[HASH_SHA256_BYTES];
    frame_identity(frame, identity, sizeof(identity));
    hash_sha256(identity, strlen(identity), digest);
    hash_hex(digest, sizeof(digest), hex);
    item_id(job, "frame", hex, NULL, claim->key);
    for (int attempt = 0; attempt < 2; attempt++) {
        struct ddb_item old;
        struct lk_error e = {0};
        int rc = lock(job, claim->key, &old, &e);
        if (rc == LK_AWS_CONDITION_FAILED)
            rc = judge_old(&old, claim, err);
        ddb_item_cleanup(&old);
        if (rc == LK_OK && claim->kind == PL_CLAIM_NONE)
            claim->kind = PL_CLAIM_HELD;
        if (rc == LK_OK || rc == LK_IN_PROGRESS)
            return rc;
        if (rc != -1) {
            warn("PutItem", claim->key, &e);
            claim->kind = PL_CLAIM_NONE;
            return LK_OK;
        }
    }
    return err_set(err, LK_IN_PROGRESS, "the record of this frame keeps changing hands");
}

void pl_state_finish(struct pl_job *job, const struct pl_claim *claim, int rc)
{
    if (claim->kind != PL_CLAIM_HELD)
        return;
    struct lk_error e = {0};
    if (rc != LK_OK) {
        if (state_send(job, "DeleteItem", request(job, "Key", claim->key), NULL, NULL, &e) != LK_OK)
            warn("DeleteItem", claim->key, &e);
        return;
    }
    cJSON *r = request(job, "Key", claim->key);
    cJSON_AddStringToObject(r, "UpdateExpression", "SET #expiry = :expiry, #status = :status");
    static const char *const names[] = {"#expiry", "expiration", "#status", "status", NULL};
    add_names(r, names);
    cJSON *values = cJSON_AddObjectToObject(r, "ExpressionAttributeValues");
    cJSON_AddItemToObject(values, ":expiry",
                          ddb_attr_n(clock_now_ms() / 1000 + job->settings->idempotency_ttl_s));
    cJSON_AddItemToObject(values, ":status", ddb_attr_s("COMPLETED"));
    if (state_send(job, "UpdateItem", r, NULL, NULL, &e) != LK_OK)
        warn("UpdateItem", claim->key, &e);
}

/* ---- Snooze ------------------------------------------------------------------------ */

int pl_state_snoozed(struct pl_job *job, const char *stream)
{
    if (!pl_state_on(job))
        return 0;
    char id[PL_STATE_KEY_MAX];
    item_id(job, "snooze", stream, NULL, id);
    struct ddb_item item;
    struct lk_error e = {0};
    long long until = 0;
    int rc = state_send(job, "GetItem", request(job, "Key", id), "Item", &item, &e);
    if (rc != LK_OK)
        warn("GetItem", id, &e);
    int snoozed = rc == LK_OK && ddb_item_n(&item, "until_ms", &until) == 0 &&
                  until > clock_now_ms();
    ddb_item_cleanup(&item);
    return snoozed;
}

int pl_state_snooze(struct pl_job *job, const char *stream, long minutes, long long *until_ms,
                    struct lk_error *err)
{
    char id[PL_STATE_KEY_MAX];
    item_id(job, "snooze", stream, NULL, id);
    *until_ms = clock_now_ms() + (long long)minutes * 60000;
    if (minutes == 0)
        return state_send(job, "DeleteItem", request(job, "Key", id), NULL, NULL, err);
    cJSON *r = request(job, "Item", id);
    cJSON *item = cJSON_GetObjectItemCaseSensitive(r, "Item");
    cJSON_AddItemToObject(item, "until_ms", ddb_attr_n(*until_ms));
    cJSON_AddItemToObject(item, "expiration", ddb_attr_n(*until_ms / 1000 + STATE_TTL_MARGIN_S));
    return state_send(job, "PutItem", r, NULL, NULL, err);
}

/* ---- Cooldown ---------------------------------------------------------------------- */

/* Restarts the cooldown when it has passed or this frame started it (a retry). */
static int take_cooldown(struct pl_job *job, const char *id, const struct pl_claim *claim,
                         struct ddb_item *old, struct lk_error *err)
{
    int64_t now_ms = clock_now_ms();
    long cooldown_s = job->settings->cooldown_s;
    cJSON *r = request(job, "Key", id);
    cJSON_AddStringToObject(r, "UpdateExpression",
                            "SET #last = :now, #frame = :frame, #exp = :exp, "
                            "#carried = if_not_exists(#suppressed, :zero), #suppressed = :zero");
    cJSON_AddStringToObject(r, "ConditionExpression",
                            "attribute_not_exists(#id) OR #last < :cutoff OR #frame = :frame");
    static const char *const names[] = {"#id",      "id",        "#last",     "last_alert_ms",
                                        "#frame",   "frame",     "#exp",      "expiration",
                                        "#carried", "carried",   "#suppressed", "suppressed",
                                        NULL};
    add_names(r, names);
    cJSON *values = cJSON_AddObjectToObject(r, "ExpressionAttributeValues");
    cJSON_AddItemToObject(values, ":now", ddb_attr_n(now_ms));
    cJSON_AddItemToObject(values, ":cutoff", ddb_attr_n(now_ms - cooldown_s * 1000));
    cJSON_AddItemToObject(values, ":frame", ddb_attr_s(claim->key[0] ? claim->key : "-"));
    cJSON_AddItemToObject(values, ":exp",
                          ddb_attr_n(now_ms / 1000 + cooldown_s + STATE_TTL_MARGIN_S));
    cJSON_AddItemToObject(values, ":zero", ddb_attr_n(0));
    cJSON_AddStringToObject(r, "ReturnValues", "ALL_OLD");
    return state_send(job, "UpdateItem", r, "Attributes", old, err);
}

static void count_suppressed(struct pl_job *job, const char *id)
{
    cJSON *r = request(job, "Key", id);
    cJSON_AddStringToObject(r, "UpdateExpression", "ADD #suppressed :one");
    static const char *const names[] = {"#suppressed", "suppressed", NULL};
    add_names(r, names);
    cJSON *values = cJSON_AddObjectToObject(r, "ExpressionAttributeValues");
    cJSON_AddItemToObject(values, ":one", ddb_attr_n(1));
    struct lk_error e = {0};
    if (state_send(job, "UpdateItem", r, NULL, NULL, &e) != LK_OK)
        warn("UpdateItem", id, &e);
}

void pl_state_cooldown(struct pl_job *job, const char *stream, const char *name,
                       const struct pl_claim *claim, int *taken, long long *carried)
{
    *taken = 1;
    *carried = 0;
    if (!pl_state_on(job) || job->settings->cooldown_s == 0)
        return;
    char id[PL_STATE_KEY_MAX];
    item_id(job, "cooldown", stream, name, id);
    struct ddb_item old;
    struct lk_error e = {0};
    int rc = take_cooldown(job, id, claim, &old, &e);
    const char *frame = ddb_item_s(&old, "frame");
    int retry = frame && claim->key[0] && strcmp(frame, claim->key) == 0;
    if (rc == LK_OK && ddb_item_n(&old, retry ? "carried" : "suppressed", carried) != 0)
        *carried = 0;
    ddb_item_cleanup(&old);
    if (rc == LK_AWS_CONDITION_FAILED) {
        *taken = 0;
        count_suppressed(job, id);
    } else if (rc != LK_OK) {
        warn("UpdateItem", id, &e);
    }
}

/* ---- Boxes that alerted ------------------------------------------------------------ */

void pl_state_parse_seen(const char *text, struct pl_seen *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = text;
    while (p && *p && out->count < PL_SEEN_MAX) {
        struct rek_box b;
        long long ms;
        int used = 0;
        if (sscanf(p, "%lf,%lf,%lf,%lf,%lld%n", &b.left, &b.top, &b.width, &b.height, &ms,
                   &used) != 5 ||
            !(b.width >= 0 && b.width <= 2 && b.height >= 0 && b.height <= 2))
            return;
        out->boxes[out->count] = b;
        out->seen_ms[out->count++] = ms;
        p += used;
        p = *p == ';' ? p + 1 : NULL;
    }
}

/* The boxes and version of a seen item (an absent item is version 0). */
static void read_seen(const struct ddb_item *item, struct pl_seen *out)
{
    pl_state_parse_seen(ddb_item_s(item, "boxes"), out);
    if (ddb_item_n(item, "version", &out->version) != 0)
        out->version = 0;
}

void pl_state_seen_load(struct pl_job *job, const char *stream, const char *name,
                        struct pl_seen *out)
{
    memset(out, 0, sizeof(*out));
    if (!pl_state_on(job) || job->settings->stationary_s == 0)
        return;
    char id[PL_STATE_KEY_MAX];
    item_id(job, "seen", stream, name, id);
    struct ddb_item item;
    struct lk_error e = {0};
    if (state_send(job, "GetItem", request(job, "Key", id), "Item", &item, &e) != LK_OK)
        warn("GetItem", id, &e);
    else
        read_seen(&item, out);
    ddb_item_cleanup(&item);
}

void pl_state_seen_merge(struct pl_seen *into, const struct pl_seen *mine)
{
    for (size_t i = 0; i < mine->count; i++) {
        size_t k = 0, oldest = 0;
        while (k < into->count &&
               rules_iou(&into->boxes[k], &mine->boxes[i]) < RULES_STATIONARY_IOU)
            k++;
        if (k == into->count && into->count < PL_SEEN_MAX) {
            into->boxes[into->count] = mine->boxes[i];
            into->seen_ms[into->count++] = mine->seen_ms[i];
            continue;
        }
        if (k == into->count) { /* full: the box seen longest ago makes room */
            for (k = 1; k < into->count; k++)
                oldest = into->seen_ms[k] < into->seen_ms[oldest] ? k : oldest;
            k = oldest;
            if (into->seen_ms[k] >= mine->seen_ms[i])
                continue;
            into->boxes[k] = mine->boxes[i];
        }
        if (mine->seen_ms[i] > into->seen_ms[k])
            into->seen_ms[k] = mine->seen_ms[i];
    }
}

static void format_seen(const struct pl_seen *seen, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t i = 0; i < seen->count && n < cap; i++) {
        const struct rek_box *b = &seen->boxes[i];
        n += (size_t)snprintf(out + n, cap - n, "%s%.5f,%.5f,%.5f,%.5f,%lld", i ? ";" : "",
                              b->left, b->top, b->width, b->height, seen->seen_ms[i]);
    }
}

/* Writes seen as version seen->version + 1 if the item is still at seen->version; on
 * LK_AWS_CONDITION_FAILED, *now is the item another invocation wrote in between. */
static int put_seen(struct pl_job *job, const char *id, const struct pl_seen *seen,
                    struct pl_seen *now, struct lk_error *err)
{
    static const char *const new_names[] = {"#id", "id", NULL};
    static const char *const next_names[] = {"#version", "version", NULL};
    char boxes[PL_SEEN_MAX * 128];
    format_seen(seen, boxes, sizeof(boxes));
    cJSON *r = request(job, "Item", id);
    cJSON *item = cJSON_GetObjectItemCaseSensitive(r, "Item");
    cJSON_AddItemToObject(item, "boxes", ddb_attr_s(boxes));
    cJSON_AddItemToObject(item, "version", ddb_attr_n(seen->version + 1));
    cJSON_AddItemToObject(item, "expiration",
                          ddb_attr_n(clock_now_ms() / 1000 + job->settings->stationary_s +
                                     STATE_TTL_MARGIN_S));
    cJSON_AddStringToObject(r, "ConditionExpression",
                            seen->version ? "#version = :version" : "attribute_not_exists(#id)");
    add_names(r, seen->version ? next_names : new_names);
    if (seen->version)
        cJSON_AddItemToObject(cJSON_AddObjectToObject(r, "ExpressionAttributeValues"), ":version",
                              ddb_attr_n(seen->version));
    cJSON_AddStringToObject(r, "ReturnValuesOnConditionCheckFailure", "ALL_OLD");
    struct ddb_item old;
    int rc = state_send(job, "PutItem", r, NULL, &old, err);
    if (rc == LK_AWS_CONDITION_FAILED)
        read_seen(&old, now);
    ddb_item_cleanup(&old);
    return rc;
}

void pl_state_seen_save(struct pl_job *job, const char *stream, const char *name,
                        const struct pl_seen *seen)
{
    if (!pl_state_on(job) || job->settings->stationary_s == 0)
        return;
    char id[PL_STATE_KEY_MAX];
    item_id(job, "seen", stream, name, id);
    struct pl_seen mine = *seen, theirs;
    struct lk_error e = {0};
    int rc = LK_AWS_CONDITION_FAILED;
    for (int attempt = 0; rc == LK_AWS_CONDITION_FAILED && attempt < SEEN_ATTEMPTS; attempt++) {
        memset(&theirs, 0, sizeof(theirs));
        rc = put_seen(job, id, &mine, &theirs, &e);
        if (rc == LK_AWS_CONDITION_FAILED) {
            pl_state_seen_merge(&theirs, &mine);
            mine = theirs;
        }
    }
    if (rc != LK_OK)
        warn("PutItem", id, &e);
}
