/* Motion gating: a thumbnail per stream, compared with the next frame of that stream. */
#include "lookout/motion.h"

#include <stdlib.h>

#include "lookout/image.h"

static void free_thumb(void *value)
{
    img_thumb_cleanup(value);
    free(value);
}

void pl_motion_init(struct pl_motion *m)
{
    slots_init(&m->last, free_thumb);
}

void pl_motion_cleanup(struct pl_motion *m)
{
    slots_cleanup(&m->last);
}

int pl_motion_check(struct pl_motion *m, const char *stream, const unsigned char *bytes, size_t len,
                    size_t budget_bytes, double *change, struct lk_error *err)
{
    *change = 1.0;
    struct img_thumb *cur = calloc(1, sizeof(*cur));
    if (!cur)
        return err_set(err, LK_NOMEM, "out of memory");
    int rc = img_thumbnail(bytes, len, IMG_THUMB_DEFAULT_SIDE, budget_bytes, cur, err);
    if (rc != LK_OK) {
        free_thumb(cur);
        return rc;
    }
    const struct img_thumb *prev = slots_get(&m->last, stream);
    if (prev)
        *change = img_motion_score(prev, cur, IMG_MOTION_NOISE);
    if (slots_put(&m->last, stream, cur) != LK_OK)
        return err_set(err, LK_NOMEM, "out of memory");
    return LK_OK;
}
