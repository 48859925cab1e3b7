/* S3 notification key decoding, then what the pipeline does with a decoded key. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *key = NULL;
    size_t len = 0;
    struct lk_error err;
    if (ev_s3_key_decode((const char *)data, size, &key, &len, &err) != LK_OK)
        return 0;
    if (strlen(key) != len)
        abort(); /* the decoder promises no NUL inside */
    ev_key_image_ext(key, len);
    struct ev_kvs_key k;
    ev_kvs_key_parse(key, len, &k, &err);
    ev_kvs_key_cleanup(&k);
    free(key);
    return 0;
}
