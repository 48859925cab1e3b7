#include "lookout/form.h"

#include <string.h>

#include "lookout/error.h"

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

int form_encode(struct lk_buf *b, const char *s, size_t len)
{
    static const char HEX[] = "0123456789ABCDEF";
    int rc = buf_reserve(b, len);
    for (size_t i = 0; rc == LK_OK && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (is_unreserved(c)) {
            rc = buf_append_byte(b, (char)c);
        } else {
            char esc[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            rc = buf_append(b, esc, 3);
        }
    }
    return rc;
}

int form_add(struct lk_buf *b, const char *name, const char *value, size_t value_len)
{
    int rc = b->len ? buf_append_byte(b, '&') : LK_OK;
    if (rc == LK_OK)
        rc = form_encode(b, name, strlen(name));
    if (rc == LK_OK)
        rc = buf_append_byte(b, '=');
    if (rc == LK_OK)
        rc = form_encode(b, value, value_len);
    return rc;
}
