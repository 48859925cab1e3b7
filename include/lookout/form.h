/*
 * form.h: percent-encoding as AWS wants it everywhere (SigV4 canonical requests, URL paths
 * and queries, and the application/x-www-form-urlencoded bodies of the Query protocol):
 * per byte, unreserved A-Z a-z 0-9 - _ . ~ kept, everything else %XX with upper-case hex.
 */
#ifndef LOOKOUT_FORM_H
#define LOOKOUT_FORM_H

#include <stddef.h>

#include "lookout/buf.h"

/* Appends "&name=value" (no '&' when b is empty), both encoded. */
int form_add(struct lk_buf *b, const char *name, const char *value, size_t value_len);
/* Appends s[0..len) percent-encoded; '/' is kept as well when keep_slash (URL paths). */
int form_encode(struct lk_buf *b, const char *s, size_t len, int keep_slash);

#endif
