/*
 * utf8.h: UTF-8 checks for text that crosses into JSON or AWS parameters, which must be
 * valid UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
 */
#ifndef LOOKOUT_UTF8_H
#define LOOKOUT_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/buf.h"

/* Length (1..4) of the valid sequence at s[0..avail), 0 when it is not valid (or avail is
 * 0). When cp is not NULL it receives the code point. */
size_t utf8_next(const char *s, size_t avail, uint32_t *cp);

/* 1 when s[0..len) is valid UTF-8 without a NUL byte, else 0. */
int utf8_valid(const char *s, size_t len);

/* Appends s[0..len) to out with every invalid byte replaced by U+FFFD and NUL bytes
 * dropped, so the result is valid UTF-8 that C strings can carry. LK_OK or a buf_* error. */
int utf8_sanitize(struct lk_buf *out, const char *s, size_t len);

#endif
