/*
 * rules.h: the geometry that decides which instances of a matched label may alert (prefix
 * rules_): zones, box area and the overlap of two boxes. Pure: no environment, no network,
 * no clock; what is remembered between frames is state.h's.
 *
 * ZONES (read by settings.h, parsed here) is a JSON array of at most RULES_MAX_ZONES zones:
 *   [{"name":"porch","polygon":[[x,y],...],"labels":["Person"]}]
 * name: 1..RULES_MAX_ZONE_NAME bytes, no control characters, unique; polygon: 3..
 * RULES_MAX_POINTS points, each two numbers in 0..1 (fractions of width and height, y down);
 * labels: optional, each a name as ALERT_LABELS spells it (compared case-insensitively);
 * absent means every wanted name.
 */
#ifndef LOOKOUT_RULES_H
#define LOOKOUT_RULES_H

#include <stddef.h>

#include "lookout/decide.h"
#include "lookout/error.h"
#include "lookout/rekognition.h"

#define RULES_MAX_ZONES 16
#define RULES_MAX_POINTS 32
#define RULES_MAX_ZONE_LABELS 16
#define RULES_MAX_ZONE_NAME 64
/* Two boxes of one label are the same object when they overlap this much: Blue Iris's
 * occupied-state test allows 5% of movement, which for a car-sized box is about 0.7. */
#define RULES_STATIONARY_IOU 0.7

struct rules_point {
    double x, y;
};

struct rules_zone {
    char name[RULES_MAX_ZONE_NAME + 1];
    size_t point_count;
    struct rules_point points[RULES_MAX_POINTS];
    size_t label_count; /* 0 = every wanted name */
    char labels[RULES_MAX_ZONE_LABELS][DEC_MAX_NAME_BYTES + 1];
};

struct rules_zones {
    size_t count;
    struct rules_zone zones[RULES_MAX_ZONES];
};

/* Parses ZONES (len bytes) into out (caller storage, nothing to free). LK_CONFIG with a
 * message naming the place: "ZONES[1].polygon[3]: x and y must be numbers from 0 to 1". */
int rules_zones_parse(const char *text, size_t len, struct rules_zones *out,
                      struct lk_error *err);

/* Where an object stands: the bottom centre of its box. */
struct rules_point rules_foot(const struct rek_box *box);

/* 1 when p is inside polygon (even-odd rule; a point on an edge may fall either way). */
int rules_inside(const struct rules_zone *zone, struct rules_point p);

/* Bit i set when zone i holds the foot of box and takes wanted. */
unsigned rules_zones_of(const struct rules_zones *zones, const struct rek_box *box,
                        const char *wanted);

/* Area of box inside the frame, as a fraction 0..1 of it. */
double rules_area(const struct rek_box *box);

/* Intersection over union of two boxes, 0..1 (0 when both are empty). */
double rules_iou(const struct rek_box *a, const struct rek_box *b);

#endif
