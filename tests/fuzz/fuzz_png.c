/* The PNG decoder alone: the input follows a PNG signature, so every mutation lands in the
 * chunks (CRCs are not checked in fuzzing builds). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (size > (1u << 20))
        return 0;
    unsigned char *png = malloc(size + 8);
    if (!png)
        return 0;
    memcpy(png, sig, 8);
    if (size)
        memcpy(png + 8, data, size);
    struct lk_error err;
    struct img_thumb t;
    if (img_thumbnail(png, size + 8, 16, (size_t)128 << 20, &t, &err) == LK_OK)
        img_thumb_cleanup(&t);
    free(png);
    return 0;
}
