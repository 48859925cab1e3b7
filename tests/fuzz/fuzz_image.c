/* Image bytes: detection, header probe, thumbnail (JPEG and PNG), the thumbnail format,
 * and fitting for Rekognition on small pictures. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "lookout/image.h"

/* A 128 MB function's: small enough that the budget's refusals are reached too. */
#define FUZZ_PIXEL_BUDGET ((size_t)16 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lk_error err;
    img_skip_reason(data, size);
    struct img_info info;
    int probed = img_probe(data, size, &info, &err) == LK_OK;
    struct img_thumb t;
    if (img_thumbnail(data, size, IMG_THUMB_DEFAULT_SIDE, FUZZ_PIXEL_BUDGET, &t, &err) == LK_OK) {
        if (!probed || t.width == 0 || t.width > IMG_THUMB_DEFAULT_SIDE)
            abort();
        struct lk_buf b;
        buf_init(&b, 1 << 20);
        struct img_thumb back;
        if (img_thumb_serialize(&t, &b) != LK_OK ||
            img_thumb_deserialize(b.data, b.len, &back, &err) != LK_OK ||
            img_motion_score(&t, &back, 0) != 0.0)
            abort();
        img_thumb_cleanup(&back);
        buf_cleanup(&b);
    }
    img_thumb_cleanup(&t);
    struct img_thumb d;
    img_thumb_deserialize(data, size, &d, &err);
    img_thumb_cleanup(&d);
    /* Re-encoding is bounded by the picture's size; keep the fuzzer fast. */
    if (probed && (unsigned long long)info.width * info.height <= 1000000ull) {
        struct lk_buf out;
        buf_init(&out, 8 << 20);
        struct lk_view v;
        img_fit_for_rekognition(data, size, 80, FUZZ_PIXEL_BUDGET, &out, &v, &err);
        buf_cleanup(&out);
    }
    return 0;
}
