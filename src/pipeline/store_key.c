/* Keys of the objects the function stores (see store_key.h for why these suffixes). */
#include <stdarg.h>
#include <stdio.h>

#include "lookout/store_key.h"

const char *pl_store_suffix(enum pl_store_format f)
{
    return f == PL_STORE_APNG ? ".apng" : f == PL_STORE_AVI ? ".avi" : ".jpeg";
}

int pl_store_key(char *out, size_t cap, const char *prefix, enum pl_store_format f,
                 struct lk_error *err, const char *name_fmt, ...)
{
    int n = snprintf(out, cap, "%s", prefix);
    size_t used = n < 0 ? cap : (size_t)n;
    if (used < cap) {
        va_list ap;
        va_start(ap, name_fmt);
        n = vsnprintf(out + used, cap - used, name_fmt, ap);
        va_end(ap);
        used = n < 0 ? cap : used + (size_t)n;
    }
    if (used < cap) {
        n = snprintf(out + used, cap - used, "%s", pl_store_suffix(f));
        used = n < 0 ? cap : used + (size_t)n;
    }
    if (used >= cap)
        return err_set(err, LK_INVALID_ARG, "a stored object's key is longer than %zu bytes",
                       cap ? cap - 1 : 0);
    return LK_OK;
}
