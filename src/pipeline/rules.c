#include "lookout/rules.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lookout/json.h"

static int fail(struct lk_error *err, size_t z, const char *where, const char *why)
{
    return err_set(err, LK_CONFIG, "ZONES[%zu]%s: %s", z, where, why);
}

static int unit_number(const cJSON *v)
{
    return cJSON_IsNumber(v) && isfinite(v->valuedouble) && v->valuedouble >= 0 &&
           v->valuedouble <= 1;
}

static int parse_polygon(const cJSON *poly, size_t z, struct rules_zone *out, struct lk_error *err)
{
    int n = cJSON_IsArray(poly) ? cJSON_GetArraySize(poly) : -1;
    if (n < 3 || n > RULES_MAX_POINTS)
        return fail(err, z, ".polygon", "must be an array of 3 to 32 [x, y] points");
    const cJSON *pt;
    cJSON_ArrayForEach(pt, poly)
    {
        const cJSON *x = cJSON_GetArrayItem(pt, 0), *y = cJSON_GetArrayItem(pt, 1);
        if (!cJSON_IsArray(pt) || cJSON_GetArraySize(pt) != 2 || !unit_number(x) ||
            !unit_number(y)) {
            char where[48];
            snprintf(where, sizeof(where), ".polygon[%zu]", out->point_count);
            return fail(err, z, where, "x and y must be numbers from 0 to 1");
        }
        out->points[out->point_count++] = (struct rules_point){x->valuedouble, y->valuedouble};
    }
    return LK_OK;
}

static int text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return 0;
    return n > 0 && n <= max;
}

static int parse_labels(const cJSON *labels, size_t z, struct rules_zone *out,
                        struct lk_error *err)
{
    if (!labels)
        return LK_OK;
    int n = cJSON_IsArray(labels) ? cJSON_GetArraySize(labels) : -1;
    if (n < 1 || n > RULES_MAX_ZONE_LABELS)
        return fail(err, z, ".labels", "must be an array of 1 to 16 names");
    const cJSON *l;
    cJSON_ArrayForEach(l, labels)
    {
        if (!cJSON_IsString(l) || !text_ok(l->valuestring, DEC_MAX_NAME_BYTES))
            return fail(err, z, ".labels", "each must be a name of 1 to 100 printable bytes");
        snprintf(out->labels[out->label_count++], DEC_MAX_NAME_BYTES + 1, "%s", l->valuestring);
    }
    return LK_OK;
}

static int parse_zone(const cJSON *zone, size_t z, struct rules_zones *all, struct lk_error *err)
{
    struct rules_zone *out = &all->zones[z];
    const char *name = json_get_string(zone, "name");
    if (!cJSON_IsObject(zone) || !name || !text_ok(name, RULES_MAX_ZONE_NAME))
        return fail(err, z, ".name", "must be a name of 1 to 64 printable bytes");
    for (size_t i = 0; i < z; i++)
        if (strcmp(all->zones[i].name, name) == 0)
            return fail(err, z, ".name", "repeats the name of an earlier zone");
    snprintf(out->name, sizeof(out->name), "%s", name);
    int rc = parse_polygon(cJSON_GetObjectItemCaseSensitive(zone, "polygon"), z, out, err);
    if (rc == LK_OK)
        rc = parse_labels(cJSON_GetObjectItemCaseSensitive(zone, "labels"), z, out, err);
    return rc;
}

int rules_zones_parse(const char *text, size_t len, struct rules_zones *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    cJSON *doc = json_parse(text, len);
    int n = cJSON_IsArray(doc) ? cJSON_GetArraySize(doc) : -1;
    int rc = LK_OK;
    if (n < 1 || n > RULES_MAX_ZONES)
        rc = err_set(err, LK_CONFIG, "ZONES must be a JSON array of 1 to %d zones",
                     RULES_MAX_ZONES);
    for (int i = 0; rc == LK_OK && i < n; i++)
        rc = parse_zone(cJSON_GetArrayItem(doc, i), (size_t)i, out, err);
    if (rc == LK_OK)
        out->count = (size_t)n;
    else
        memset(out, 0, sizeof(*out));
    cJSON_Delete(doc);
    return rc;
}

struct rules_point rules_foot(const struct rek_box *box)
{
    return (struct rules_point){box->left + box->width / 2, box->top + box->height};
}

int rules_inside(const struct rules_zone *zone, struct rules_point p)
{
    int in = 0;
    for (size_t i = 0, j = zone->point_count - 1; i < zone->point_count; j = i++) {
        struct rules_point a = zone->points[i], b = zone->points[j];
        if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x)
            in = !in;
    }
    return in;
}

static int takes(const struct rules_zone *zone, const char *wanted)
{
    if (zone->label_count == 0)
        return 1;
    for (size_t i = 0; i < zone->label_count; i++)
        if (dec_name_eq(zone->labels[i], wanted))
            return 1;
    return 0;
}

unsigned rules_zones_of(const struct rules_zones *zones, const struct rek_box *box,
                        const char *wanted)
{
    unsigned bits = 0;
    struct rules_point foot = rules_foot(box);
    for (size_t i = 0; i < zones->count; i++)
        if (takes(&zones->zones[i], wanted) && rules_inside(&zones->zones[i], foot))
            bits |= 1u << i;
    return bits;
}

static double clamp01(double v)
{
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

static double overlap(double a0, double a1, double b0, double b1)
{
    double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

double rules_area(const struct rek_box *box)
{
    return (clamp01(box->left + box->width) - clamp01(box->left)) *
           (clamp01(box->top + box->height) - clamp01(box->top));
}

double rules_iou(const struct rek_box *a, const struct rek_box *b)
{
    double inter = overlap(a->left, a->left + a->width, b->left, b->left + b->width) *
                   overlap(a->top, a->top + a->height, b->top, b->top + b->height);
    double uni = a->width * a->height + b->width * b->height - inter;
    return uni > 0 ? inter / uni : 0;
}
