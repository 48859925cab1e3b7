/*
 * form.h: application/x-www-form-urlencoded bodies, as the AWS Query protocol sends them.
 * Names and values are percent-encoded per byte (unreserved A-Z a-z 0-9 - _ . ~ kept,
 * everything else %XX with upper-case hex), which is also what SigV4 expects.
 */
#ifndef LOOKOUT_FORM_H
#define LOOKOUT_FORM_H

#include <stddef.h>

#include "lookout/buf.h"

/* Appends "&name=value" (no '&' when b is empty), both encoded. */
int form_add(struct lk_buf *b, const char *name, const char *value, size_t value_len);
/* Appends s[0..len) percent-encoded. */
int form_encode(struct lk_buf *b, const char *s, size_t len);

#endif
