#include "lookout/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/error.h"

void buf_init(struct lk_buf *b, size_t max_bytes)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max_bytes;
}

void buf_cleanup(struct lk_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void buf_reset(struct lk_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

int buf_reserve(struct lk_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - 1 - b->len || b->len + extra > b->max)
        return LK_TOO_LARGE;
    size_t need = b->len + extra;
    if (need <= b->cap && b->data)
        return LK_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > b->max)
        cap = b->max;
    char *p = realloc(b->data, cap + 1);
    if (!p)
        return LK_NOMEM;
    b->data = p;
    b->cap = cap;
    return LK_OK;
}

int buf_append(struct lk_buf *b, const void *p, size_t n)
{
    int rc = buf_reserve(b, n);
    if (rc != LK_OK)
        return rc;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return LK_OK;
}

int buf_append_str(struct lk_buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_append_byte(struct lk_buf *b, char c)
{
    return buf_append(b, &c, 1);
}

/* One formatting pass when the text fits the room already allocated, two otherwise. */
int buf_vappendf(struct lk_buf *b, const char *fmt, va_list ap)
{
    int rc = buf_reserve(b, 0); /* a first allocation, for the text to go straight in */
    if (rc != LK_OK)
        return rc;
    size_t room = b->cap - b->len + 1;
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(b->data + b->len, room, fmt, copy);
    va_end(copy);
    if (n >= 0 && (size_t)n >= room && (rc = buf_reserve(b, (size_t)n)) == LK_OK)
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    if (n < 0 || rc != LK_OK) {
        b->data[b->len] = '\0';
        return n < 0 ? LK_INVALID_ARG : rc;
    }
    b->len += (size_t)n;
    return LK_OK;
}

int buf_appendf(struct lk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_cstr(const struct lk_buf *b)
{
    return b->data ? b->data : "";
}

struct lk_view buf_view(const struct lk_buf *b)
{
    struct lk_view v = {buf_cstr(b), b->len};
    return v;
}

char *buf_detach(struct lk_buf *b, size_t *len_out)
{
    char *p = b->data;
    if (len_out)
        *len_out = b->len;
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

struct lk_view view_from_cstr(const char *s)
{
    struct lk_view v = {s ? s : "", s ? strlen(s) : 0};
    return v;
}

int view_eq_cstr(struct lk_view v, const char *s)
{
    size_t n = strlen(s);
    return v.len == n && (n == 0 || memcmp(v.ptr, s, n) == 0);
}

char *view_dup(struct lk_view v)
{
    char *p = malloc(v.len + 1);
    if (!p)
        return NULL;
    if (v.len)
        memcpy(p, v.ptr, v.len);
    p[v.len] = '\0';
    return p;
}

int buf_append_file(struct lk_buf *b, FILE *f)
{
    char chunk[64 * 1024];
    size_t n;
    int rc = LK_OK;
    while (rc == LK_OK && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rc = buf_append(b, chunk, n);
    return rc == LK_OK && ferror(f) ? LK_IO : rc;
}
