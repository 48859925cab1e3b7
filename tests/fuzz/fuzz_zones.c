/* libFuzzer target: ZONES, the rule configuration a user writes (rules_zones_parse), and the
 * geometry that then runs on every zone parsed from it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rules_zones zones;
    struct lk_error err;
    if (rules_zones_parse((const char *)data, size, &zones, &err) != LK_OK) {
        if (zones.count != 0 || strncmp(err.message, "ZONES", 5) != 0)
            __builtin_trap();
        return 0;
    }
    if (zones.count < 1 || zones.count > RULES_MAX_ZONES)
        __builtin_trap();
    for (size_t i = 0; i < zones.count; i++) {
        const struct rules_zone *z = &zones.zones[i];
        if (z->point_count < 3 || z->point_count > RULES_MAX_POINTS ||
            z->label_count > RULES_MAX_ZONE_LABELS || !z->name[0])
            __builtin_trap();
        /* Every vertex's bottom-centre box: inside or not, never a crash. */
        for (size_t k = 0; k < z->point_count; k++) {
            struct rek_box b = {z->points[k].x - 0.05, z->points[k].y - 0.1, 0.1, 0.1};
            (void)rules_zones_of(&zones, &b, z->label_count ? z->labels[0] : "Person");
        }
    }
    return 0;
}
