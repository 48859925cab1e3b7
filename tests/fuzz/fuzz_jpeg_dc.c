/* The JPEG DC reader (src/image/jpeg_dc.c) on any bytes, against TurboJPEG: where the reader
 * takes a JPEG that TurboJPEG also decodes, their 1/8 gray pictures must be the same. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <turbojpeg.h>

#include "../../src/image/img_internal.h"

/* Pictures past this are left to the reader alone: TurboJPEG's decode would slow the run. */
#define FUZZ_MAX_PIXELS (4u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tjhandle tj = tjInitDecompress();
    int w, h, sub, cs;
    if (!tj || tjDecompressHeader3(tj, data, (unsigned long)size, &w, &h, &sub, &cs) != 0 ||
        w <= 0 || h <= 0 || (unsigned long long)w * (unsigned)h > FUZZ_MAX_PIXELS) {
        tjDestroy(tj);
        return 0;
    }
    unsigned sw = (unsigned)(w + 7) / 8, sh = (unsigned)(h + 7) / 8;
    unsigned char *got = malloc((size_t)sw * sh), *want = malloc((size_t)sw * sh);
    if (got && want && img_jpeg_dc_decode(data, size, sw, sh, got) &&
        (tjDecompress2(tj, data, (unsigned long)size, want, (int)sw, 0, (int)sh, TJPF_GRAY,
                       TJFLAG_LIMITSCANS | TJFLAG_FASTDCT) == 0 ||
         tjGetErrorCode(tj) == TJERR_WARNING) &&
        memcmp(got, want, (size_t)sw * sh) != 0)
        abort();
    free(got);
    free(want);
    tjDestroy(tj);
    return 0;
}
