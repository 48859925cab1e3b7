#include "lookout/form.h"

#include <stdint.h>
#include <string.h>

#include "lookout/error.h"

/* RFC 3986's unreserved characters (A-Z a-z 0-9 - . _ ~) as a bitmap, one bit per byte:
 * one load per byte instead of a chain of comparisons. */
static const uint32_t UNRESERVED[8] = {0, 0x03FF6000u, 0x87FFFFFEu, 0x47FFFFFEu, 0, 0, 0, 0};

static int is_unreserved(unsigned char c)
{
    return (UNRESERVED[c >> 5] >> (c & 31)) & 1u;
}

int form_encode(struct lk_buf *b, const char *s, size_t len, int keep_slash)
{
    static const char HEX[] = "0123456789ABCDEF";
    /* Worst case triples; reserving once keeps the loop free of checks. */
    if (len > (SIZE_MAX - 1) / 3)
        return LK_TOO_LARGE;
    int rc = buf_reserve(b, len * 3);
    if (rc != LK_OK)
        return rc;
    char *p = b->data + b->len;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c) || (keep_slash && c == '/')) {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = HEX[c >> 4];
            *p++ = HEX[c & 15];
        }
    }
    b->len = (size_t)(p - b->data);
    b->data[b->len] = '\0';
    return LK_OK;
}

int form_add(struct lk_buf *b, const char *name, const char *value, size_t value_len)
{
    int rc = b->len ? buf_append_byte(b, '&') : LK_OK;
    if (rc == LK_OK)
        rc = form_encode(b, name, strlen(name), 0);
    if (rc == LK_OK)
        rc = buf_append_byte(b, '=');
    if (rc == LK_OK)
        rc = form_encode(b, value, value_len, 0);
    return rc;
}
