/* Redaction of what may reach a log: header lines, presigned URLs, and secrets echoed back
 * in messages from outside (aws_redact.h). */
#define _GNU_SOURCE /* memmem */
#include "lookout/aws_redact.h"

#include <string.h>
#include <strings.h>

#include "lookout/error.h"
#include "lookout/form.h"

#define REDACTED "<redacted>"

static int name_eq(const char *name, size_t len, const char *want)
{
    return strlen(want) == len && strncasecmp(name, want, len) == 0;
}

static const char *const SECRET_HEADERS[] = {
    "X-Amz-Security-Token", "Cookie", "Set-Cookie", "X-Amz-Server-Side-Encryption-Customer-Key",
    "X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key"};

/* "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=<redacted>" */
static int redact_authorization(const char *v, size_t len, struct lk_buf *out)
{
    const char *sig = memmem(v, len, "Signature=", strlen("Signature="));
    if (len < 5 || memcmp(v, "AWS4-", 5) != 0 || !sig)
        return buf_append_str(out, REDACTED);
    sig += strlen("Signature=");
    int rc = buf_append(out, v, (size_t)(sig - v));
    if (rc == LK_OK)
        rc = buf_append_str(out, REDACTED);
    const char *rest = memchr(sig, ',', (size_t)(v + len - sig));
    if (rc == LK_OK && rest)
        rc = buf_append(out, rest, (size_t)(v + len - rest));
    return rc;
}

int aws_redact_header(const char *line, size_t len, struct lk_buf *out)
{
    const char *colon = memchr(line, ':', len);
    if (!colon)
        return buf_append(out, line, len);
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1;
    while (v < line + len && (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n'))
        v++;
    size_t vlen = (size_t)(line + len - v);
    int rc = buf_append(out, line, (size_t)(v - line));
    if (rc != LK_OK)
        return rc;
    if (name_eq(line, name_len, "Authorization"))
        return redact_authorization(v, vlen, out);
    for (size_t i = 0; i < sizeof SECRET_HEADERS / sizeof SECRET_HEADERS[0]; i++)
        if (name_eq(line, name_len, SECRET_HEADERS[i]))
            return buf_append_str(out, REDACTED);
    return buf_append(out, v, vlen);
}

int aws_redact_url(const char *url, size_t len, struct lk_buf *out)
{
    const char *end = url + len;
    const char *q = memchr(url, '?', len);
    if (!q)
        return buf_append(out, url, len);
    int rc = buf_append(out, url, (size_t)(q + 1 - url));
    const char *p = q + 1;
    while (rc == LK_OK && p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(stop - p));
        size_t name_len = (size_t)((eq ? eq : stop) - p);
        if (eq && (name_eq(p, name_len, "X-Amz-Signature") ||
                   name_eq(p, name_len, "X-Amz-Security-Token"))) {
            rc = buf_append(out, p, name_len + 1);
            if (rc == LK_OK)
                rc = buf_append_str(out, REDACTED);
        } else {
            rc = buf_append(out, p, (size_t)(stop - p));
        }
        if (rc == LK_OK && amp)
            rc = buf_append_byte(out, '&');
        p = amp ? amp + 1 : end;
    }
    return rc;
}

/* Length of the longest run of text at t (avail bytes) that appears anywhere in needle. */
static size_t longest_fragment(const char *t, size_t avail, const char *needle, size_t n)
{
    size_t best = 0;
    for (size_t j = 0; j < n && best < avail; j++) {
        size_t k = 0;
        while (k < avail && j + k < n && t[k] == needle[j + k])
            k++;
        if (k > best)
            best = k;
    }
    return best;
}

/* Stars every run of text that is a fragment of needle at least min bytes long (min is the
 * whole needle when it is shorter). Comparisons read only bytes not yet starred. */
static void scrub_fragments(char *text, size_t len, const char *needle, size_t n)
{
    size_t min = n < AWS_SCRUB_FRAGMENT_MIN ? n : AWS_SCRUB_FRAGMENT_MIN;
    size_t star_to = 0;
    for (size_t i = 0; i < len; i++) {
        size_t k = longest_fragment(text + i, len - i, needle, n);
        if (k >= min && i + k > star_to)
            star_to = i + k;
        if (i < star_to)
            text[i] = '*';
    }
}

void aws_scrub_bytes(char *text, size_t len, const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (!text || n < 8)
        return;
    scrub_fragments(text, len, secret, n);
    /* The same secret as a URL or a form body carries it. */
    struct lk_buf enc;
    buf_init(&enc, 3 * n + 1);
    if (form_encode(&enc, secret, n, 0) == LK_OK && enc.len > n)
        scrub_fragments(text, len, enc.data, enc.len);
    buf_cleanup(&enc);
}

void aws_scrub(char *text, const char *secret)
{
    if (text)
        aws_scrub_bytes(text, strlen(text), secret);
}
