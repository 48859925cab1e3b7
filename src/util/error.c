#include "lookout/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct status_info {
    const char *name;
    const char *type;
    const char *message;
};

static const struct status_info STATUS_TABLE[] = {
#define LK_STATUS_ROW(n, t, m) {"LK_" #n, t, m},
    LK_STATUS_MAP(LK_STATUS_ROW)
#undef LK_STATUS_ROW
};

static const struct status_info UNKNOWN = {"LK_UNKNOWN", "Runtime.Unknown", "unknown error"};

static const struct status_info *info(int code)
{
    if (code < 0 || code >= LK_STATUS_COUNT)
        return &UNKNOWN;
    return &STATUS_TABLE[code];
}

/* Every field is read as a string up to its NUL, so emptying their first bytes is enough:
 * an invoke clears errors often, and the struct is most of a kilobyte. */
void err_clear(struct lk_error *e)
{
    if (!e)
        return;
    e->code = LK_OK;
    e->message[0] = e->aws_code[0] = e->request_id[0] = '\0';
    e->http_status = 0;
}

int err_set(struct lk_error *e, int code, const char *fmt, ...)
{
    if (!e)
        return code;
    err_clear(e);
    e->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    return code;
}

int err_wrap(struct lk_error *e, const char *fmt, ...)
{
    if (!e)
        return LK_INVALID_ARG;
    char out[sizeof(e->message)];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out, sizeof(out), fmt, ap);
    va_end(ap);
    size_t used = n < 0 ? 0 : (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1;
    /* The message is cut to fit: the context and the start of the cause matter most. */
    if (e->message[0] && used + 2 < sizeof(out)) {
        memcpy(out + used, ": ", 2);
        used += 2;
        size_t room = sizeof(out) - 1 - used;
        size_t len = strnlen(e->message, room);
        memcpy(out + used, e->message, len);
        used += len;
    }
    out[used] = '\0';
    memcpy(e->message, out, used + 1);
    return e->code;
}

const char *err_name(int code)
{
    return info(code)->name;
}

const char *err_lambda_type(int code)
{
    return info(code)->type;
}

const char *err_default_message(int code)
{
    return info(code)->message;
}
