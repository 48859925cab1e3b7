/* libFuzzer target: the check of a GetImages page, the answer kvs_get_images walks. */
#include <stddef.h>
#include <stdint.h>

#include "lookout/kvs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kvs_page_tally tally = {0};
    struct lk_error err;
    int rc = kvs_check_images_page((const char *)data, size, &tally, &err);
    if (rc != LK_OK && (rc != LK_AWS_BAD_RESPONSE || err.code != rc || !err.message[0]))
        __builtin_trap();
    /* Every image is counted once: no page of size bytes holds more than size / 2 of them. */
    if (rc == LK_OK && tally.frames + tally.no_media + tally.media_error > size / 2)
        __builtin_trap();
    return 0;
}
