#include "lookout/text.h"

#include <string.h>

size_t text_join(char *dst, size_t cap, const char *const *parts, size_t count)
{
    size_t used = 0, whole = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(parts[i]);
        whole += n;
        if (used + 1 < cap) {
            size_t fit = n < cap - 1 - used ? n : cap - 1 - used;
            memcpy(dst + used, parts[i], fit);
            used += fit;
        }
    }
    if (cap)
        dst[used] = '\0';
    return whole;
}

size_t text_copy(char *dst, size_t cap, const char *src)
{
    return text_join(dst, cap, &src, 1);
}
