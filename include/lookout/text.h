/*
 * text.h: short strings put together in caller storage. The per-invoke paths (URLs, request
 * paths, names of calls, where a field sits in an event) join a few strings, and printf's
 * format parsing costs more there than the copying.
 */
#ifndef LOOKOUT_TEXT_H
#define LOOKOUT_TEXT_H

#include <stddef.h>

/* The count parts one after another at dst, NUL-terminated and cut to fit cap bytes, as
 * snprintf cuts. Returns the whole length (the parts' lengths summed), so that a result of
 * cap or more says the text was cut. cap may be 0 (dst untouched). */
size_t text_join(char *dst, size_t cap, const char *const *parts, size_t count);

/* text_join of src alone: a string copied into a fixed field, cut to fit. */
size_t text_copy(char *dst, size_t cap, const char *src);

#endif
