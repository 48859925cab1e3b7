#include "lookout/base64.h"

#include <stdint.h>

#include "lookout/error.h"

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t b64_encoded_len(size_t len)
{
    size_t groups = len / 3 + (len % 3 != 0);
    return groups > SIZE_MAX / 4 ? 0 : groups * 4;
}

int b64_encode(struct lk_buf *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t need = b64_encoded_len(len);
    if (len && need == 0)
        return LK_TOO_LARGE;
    int rc = buf_reserve(out, need);
    if (rc != LK_OK)
        return rc;
    char *w = out->data + out->len;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *w++ = ALPHABET[v >> 18];
        *w++ = ALPHABET[(v >> 12) & 63];
        *w++ = ALPHABET[(v >> 6) & 63];
        *w++ = ALPHABET[v & 63];
    }
    if (i < len) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < len ? (uint32_t)p[i + 1] << 8 : 0);
        *w++ = ALPHABET[v >> 18];
        *w++ = ALPHABET[(v >> 12) & 63];
        *w++ = i + 1 < len ? ALPHABET[(v >> 6) & 63] : '=';
        *w++ = '=';
    }
    out->len += need;
    out->data[out->len] = '\0';
    return LK_OK;
}

static int decode_char(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int b64_decode(struct lk_buf *out, const char *text, size_t len)
{
    while (len && text[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return LK_INVALID_ARG;
    int rc = buf_reserve(out, len / 4 * 3 + 2);
    if (rc != LK_OK)
        return rc;
    size_t start = out->len;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = decode_char((unsigned char)text[i]);
        if (v < 0) {
            out->len = start;
            out->data[start] = '\0';
            return LK_INVALID_ARG;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out->data[out->len++] = (char)((acc >> bits) & 0xFF);
        }
    }
    out->data[out->len] = '\0';
    return LK_OK;
}
