/* Helpers shared by the event parsers; not part of the public contract. */
#ifndef LOOKOUT_EV_INTERNAL_H
#define LOOKOUT_EV_INTERNAL_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "lookout/error.h"
#include "lookout/events.h"

/* err_set(LK_INVALID_EVENT, "<where>: <fmt>"). Returns LK_INVALID_EVENT. */
int ev_fail(struct lk_error *err, const char *where, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* err_set(LK_NOMEM, ...). Returns LK_NOMEM. */
int ev_nomem(struct lk_error *err);

/* Heap copy of s[0..len) (NUL added); NULL on allocation failure. */
char *ev_memdup(const char *s, size_t len);

/* Copies the string member name of obj into *out. A missing or null member leaves *out
 * NULL and is an error only when required; a member of another type is always an error.
 * Strings over max_len bytes are rejected. */
int ev_get_string(const cJSON *obj, const char *name, const char *where, int required,
                  size_t max_len, char **out, struct lk_error *err);

/* 1 when s[0..len) is 1..max_digits decimal digits. */
int ev_all_digits(const char *s, size_t len, size_t max_digits);
/* Decimal digits to a value no larger than max; -1 on anything else. */
long long ev_parse_uint(const char *s, size_t len, long long max);

/* Appends ".name" or "[index]" to a location, truncating safely. */
void ev_where_join(char *dst, size_t cap, const char *base, const char *name);
void ev_where_index(char *dst, size_t cap, const char *base, const char *name, size_t index);

/* Adds a copy of name/value to tags, checking the caps. where prefixes messages. */
int ev_tags_add(struct ev_tags *tags, const char *name, size_t name_len, const char *value,
                size_t value_len, const char *where, struct lk_error *err);

/* The member name of parent as an epoch-ms number or an RFC 3339 string; base names parent
 * in messages ("lookout" gives "lookout.start: ..."). */
int ev_time_member(const cJSON *parent, const char *base, const char *name, long long *ms,
                   struct lk_error *err);
/* The member "stream" of obj, a stream name or ARN, into r->stream_name and r->arn. */
int ev_stream_member(const cJSON *obj, const char *base, struct ev_stream_range *r,
                     struct lk_error *err);

#endif
