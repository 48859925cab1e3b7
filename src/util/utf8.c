#include "lookout/utf8.h"

#include <string.h>

#include "lookout/error.h"

size_t utf8_next(const char *s, size_t avail, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;
    uint32_t v;
    if (avail == 0)
        return 0;
    if (p[0] < 0x80) {
        n = 1;
        v = p[0];
    } else if ((p[0] & 0xE0) == 0xC0) {
        n = 2;
        v = p[0] & 0x1F;
    } else if ((p[0] & 0xF0) == 0xE0) {
        n = 3;
        v = p[0] & 0x0F;
    } else if ((p[0] & 0xF8) == 0xF0) {
        n = 4;
        v = p[0] & 0x07;
    } else {
        return 0;
    }
    if (n > avail)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
        (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    if (cp)
        *cp = v;
    return n;
}

int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        /* ASCII other than NUL, nearly all of what is checked, without the decoder: eight
         * bytes at a time while a word has no high bit and no zero byte. */
        uint64_t w;
        if (i + 8 <= len && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ull) == 0) &&
            ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) == 0) {
            i += 8;
            continue;
        }
        if ((unsigned char)s[i] - 1u < 0x7Fu) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        if (n == 0 || cp == 0)
            return 0;
        i += n;
    }
    return 1;
}

/* Valid bytes are copied a run at a time: one append per run, not per code point. */
int utf8_sanitize(struct lk_buf *out, const char *s, size_t len)
{
    int rc = LK_OK;
    size_t i = 0, run = 0;
    while (rc == LK_OK && i < len) {
        uint32_t cp;
        size_t n = utf8_next(s + i, len - i, &cp);
        if (n > 0 && cp != 0) {
            i += n;
            continue;
        }
        rc = buf_append(out, s + run, i - run);
        if (rc == LK_OK && n == 0)
            rc = buf_append(out, "\xEF\xBF\xBD", 3);
        run = ++i;
    }
    if (rc == LK_OK && run < len)
        rc = buf_append(out, s + run, len - run);
    return rc;
}
