/*
 * base64.h: standard base64 (RFC 4648, '+' '/', '=' padding), as AWS uses it for
 * Rekognition Image.Bytes and KVS GetImages ImageContent.
 */
#ifndef LOOKOUT_BASE64_H
#define LOOKOUT_BASE64_H

#include <stddef.h>

#include "lookout/buf.h"

/* Bytes needed to encode len bytes (excluding a NUL); 0 when that would overflow. */
size_t b64_encoded_len(size_t len);

/* Appends the encoding of data[0..len) to out. LK_OK or a buf_* error. */
int b64_encode(struct lk_buf *out, const void *data, size_t len);

/* Appends the decoding of text[0..len) to out. Padding is optional; anything else that is
 * not in the alphabet (whitespace included) is LK_INVALID_ARG. */
int b64_decode(struct lk_buf *out, const char *text, size_t len);

#endif
