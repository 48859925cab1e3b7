/* The annotated snapshot: outside image bytes (JPEG or PNG) decoded at reduced scale, with
 * boxes, a zone and strip text drawn, then encoded. The first byte picks the width so that
 * every scaling path is reached. */
#include <stddef.h>
#include <stdint.h>

#include "lookout/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double zone[][2] = {{-0.5, 0.2}, {1.5, 0.3}, {0.5, 2.0}};
    if (size < 1 || size > (1u << 20))
        return 0;
    const struct img_snapshot_box boxes[] = {
        {0.1, 0.1, 0.5, 0.5, "Person 97%", img_snapshot_color("Person")},
        {-0.2, 0.9, 1.4, 0.3, "Car 80%", img_snapshot_color("Car")},
    };
    const struct img_snapshot_zone z = {zone, 3, "porch"};
    const char *lines[] = {"front-door  2026-11-24 08:00:00 UTC", "ALSO SEEN: Animal 90%"};
    /* The pixel budget of a 128 MB function: outside bytes may ask for more. */
    struct img_snapshot_spec spec = {IMG_SNAPSHOT_MIN_WIDTH + data[0] * 8u, 80, boxes, 2,
                                     &z, 1, lines, 2, (size_t)16 << 20};
    struct lk_buf out;
    struct lk_error err;
    unsigned w, h;
    buf_init(&out, (size_t)16 << 20);
    img_snapshot_make(data + 1, size - 1, &spec, &out, &w, &h, &err);
    buf_cleanup(&out);
    return 0;
}
