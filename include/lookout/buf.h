/*
 * buf.h: byte views and an owning, growable byte buffer with a hard cap.
 *
 * Bytes travel with their length. A struct lk_buf owns data (heap) and never grows past max:
 * an append that would pass it fails with LK_TOO_LARGE and leaves the buffer unchanged, so a
 * size that comes from outside cannot make us allocate without bound. data is kept NUL
 * terminated one byte past len (not counted) so text can be handed to C APIs, but payloads
 * must still be read with len, never strlen.
 */
#ifndef LOOKOUT_BUF_H
#define LOOKOUT_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* A borrowed run of bytes. Owns nothing. */
struct lk_view {
    const char *ptr;
    size_t len;
};

struct lk_buf {
    char *data;  /* owned; NULL until the first append */
    size_t len;  /* bytes in use */
    size_t cap;  /* bytes allocated (excluding the NUL slot) */
    size_t max;  /* hard cap on len */
};

/* Default cap for buffers that hold something bounded by Lambda (6 MiB payload + slack). */
#define BUF_DEFAULT_MAX ((size_t)8 * 1024 * 1024)

/* Initialises an empty buffer that may hold up to max_bytes. Allocates nothing. */
void buf_init(struct lk_buf *b, size_t max_bytes);
/* Frees data and returns b to the empty state (max is kept). Safe on an empty buffer. */
void buf_cleanup(struct lk_buf *b);
/* Sets len to 0, keeping the allocation. */
void buf_reset(struct lk_buf *b);

/* Makes room for extra more bytes. LK_TOO_LARGE past max (or on size overflow), LK_NOMEM. */
int buf_reserve(struct lk_buf *b, size_t extra);
int buf_append(struct lk_buf *b, const void *p, size_t n);
int buf_append_str(struct lk_buf *b, const char *s);
int buf_append_byte(struct lk_buf *b, char c);
int buf_appendf(struct lk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct lk_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Appends everything left to read from f (a file or stdin; not closed). LK_TOO_LARGE when it
 * passes max (what fitted stays), LK_IO on a read error, LK_NOMEM. */
int buf_append_file(struct lk_buf *b, FILE *f);

/* Text of the buffer: "" when empty, never NULL. Valid until the next change. */
const char *buf_cstr(const struct lk_buf *b);
struct lk_view buf_view(const struct lk_buf *b);

/* Hands the allocation to the caller (free() it) and leaves b empty. May return NULL when
 * nothing was ever appended; *len_out gets the length when len_out is not NULL. */
char *buf_detach(struct lk_buf *b, size_t *len_out);

/* View helpers. */
struct lk_view view_from_cstr(const char *s);
int view_eq_cstr(struct lk_view v, const char *s);
/* A NUL-terminated heap copy of v (free() it); NULL on allocation failure. */
char *view_dup(struct lk_view v);

#endif
