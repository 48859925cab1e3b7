/* JSON read from its text (json_text.h). Two passes: jtext_open checks the whole text once,
 * as cJSON 1.7 reads JSON (the library the rest of the function uses, so a body is accepted
 * or refused alike everywhere: bytes <= 0x20 are white space, a \u escape that is not hex
 * reads as U+0000, a number is a run of [0-9+-eE.] that strtod would take whole, nesting
 * stops at 1000); the readers after it walk the checked text without checking again. */
#include "lookout/json_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/error.h"

#define NESTING_MAX 1000

static const char *ws(const char *p, const char *end)
{
    while (p < end && (unsigned char)*p <= 32)
        p++;
    return p;
}

static unsigned hex4(const char *p)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return 0; /* as cJSON: not an error, a zero */
        v = v << 4 | d;
    }
    return v;
}

/* The code point of the \u escape at p (before close), and its length (6 or 12); 0 when it
 * is not one (cut short, a lone or unpaired surrogate). */
static size_t unicode_escape(const char *p, const char *close, unsigned long *cp)
{
    if (close - p < 6)
        return 0;
    unsigned first = hex4(p + 2);
    if (first >= 0xDC00 && first <= 0xDFFF)
        return 0;
    if (first < 0xD800 || first > 0xDBFF) {
        *cp = first;
        return 6;
    }
    if (close - (p + 6) < 6 || p[6] != '\\' || p[7] != 'u')
        return 0;
    unsigned second = hex4(p + 8);
    if (second < 0xDC00 || second > 0xDFFF)
        return 0;
    *cp = 0x10000 + (((unsigned long)(first & 0x3FF) << 10) | (second & 0x3FF));
    return 12;
}

/* p at the opening quote: the closing quote, or NULL; *escaped (when not NULL) set when the
 * string holds a backslash. Most strings have no escape, and memchr finds their end
 * fastest. */
static const char *string_close_esc(const char *p, const char *end, int *escaped)
{
    const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
    int esc = !q || memchr(p + 1, '\\', (size_t)(q - p - 1)) != NULL;
    if (escaped)
        *escaped = esc;
    if (!esc)
        return q;
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\' && ++p >= end)
            return NULL;
    }
    return p < end ? p : NULL;
}

static const char *string_close(const char *p, const char *end)
{
    return string_close_esc(p, end, NULL);
}

/* Writes the decoded text of the string between open (after the quote) and close into out
 * and returns its length; out may be NULL to only check. Decoding stops once cap bytes are
 * out (out holds cap + 3 bytes, or close - open). (size_t)-1 when an escape is not valid. */
static size_t string_decode(const char *open, const char *close, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = open; p < close && !(out && n >= cap);) {
        if (*p != '\\') {
            if (out)
                out[n] = *p;
            n++, p++;
            continue;
        }
        static const char from[] = "bfnrt\"\\/", to[] = "\b\f\n\r\t\"\\/";
        const char *simple = p[1] ? strchr(from, p[1]) : NULL;
        if (simple) {
            if (out)
                out[n] = to[simple - from];
            n++, p += 2;
            continue;
        }
        unsigned long cp = 0;
        size_t len = p[1] == 'u' ? unicode_escape(p, close, &cp) : 0;
        if (len == 0)
            return (size_t)-1;
        unsigned char u[4];
        size_t k = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        static const unsigned char lead[5] = {0, 0x00, 0xC0, 0xE0, 0xF0};
        for (size_t i = k - 1; i > 0; i--, cp >>= 6)
            u[i] = (unsigned char)(0x80 | (cp & 0x3F));
        u[0] = (unsigned char)(lead[k] | cp);
        if (out)
            memcpy(out + n, u, k);
        n += k, p += len;
    }
    return n;
}

static int number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.';
}

static size_t number_run(const char *p, const char *end)
{
    size_t n = 0;
    while (p + n < end && number_char(p[n]))
        n++;
    return n;
}

/* Would strtod take all of s[0..n)? (A decimal number: digits, a point, an exponent.) */
static int decimal_whole(const char *s, size_t n)
{
    size_t i = 0, digits = 0, exp_digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            exp_digits++;
        if (exp_digits == 0)
            return 0;
    }
    return i == n;
}

/* p at a '-' or a digit: after the number, or NULL. */
static const char *number_end(const char *p, const char *end)
{
    size_t n = number_run(p, end);
    return decimal_whole(p, n) ? p + n : NULL;
}

/* Plain decimals of at most 15 digits without an exponent: the digits as an integer are
 * exact in a double, and so is the power of ten, so one division rounds once, to what
 * strtod returns (Clinger's fast path), without strtod's locale and copy. 0 otherwise. */
static int number_fast(const char *p, size_t n, double *out)
{
    static const double POW10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    size_t i = p[0] == '-' ? 1 : 0;
    int digits = 0, frac = 0, point = 0;
    uint64_t m = 0;
    for (; i < n; i++) {
        if (p[i] == '.' && !point) {
            point = 1;
            continue;
        }
        if (p[i] < '0' || p[i] > '9' || ++digits > 15)
            return 0;
        m = m * 10 + (uint64_t)(p[i] - '0');
        frac += point;
    }
    if (digits == 0)
        return 0;
    double d = (double)m / POW10[frac];
    *out = p[0] == '-' ? -d : d;
    return 1;
}

/* The value of the number at p (known to be whole), read by strtod from a copy. */
static int number_value(const char *p, const char *end, double *out)
{
    char small[64], *text = small;
    size_t n = number_run(p, end);
    if (number_fast(p, n, out))
        return 1;
    if (n >= sizeof(small) && !(text = malloc(n + 1)))
        return 0;
    memcpy(text, p, n);
    text[n] = '\0';
    *out = strtod(text, NULL);
    if (text != small)
        free(text);
    return 1;
}

static const char *value_end(struct jtext *t, const char *p, const char *end, int depth);

/* p at '[' or '{': after the matching bracket, or NULL. The end is remembered in t while
 * there is room. */
static const char *container_end(struct jtext *t, const char *p, const char *end, int depth)
{
    size_t slot = t->ends_count < JTEXT_ENDS ? t->ends_count++ : JTEXT_ENDS;
    if (slot < JTEXT_ENDS)
        t->opens[slot] = p;
    char close = *p == '[' ? ']' : '}';
    if (depth >= NESTING_MAX)
        return NULL;
    p = ws(p + 1, end);
    if (p < end && *p == close)
        return slot < JTEXT_ENDS ? (t->closes[slot] = p + 1) : p + 1;
    for (;;) {
        if (close == '}') {
            const char *q = p < end && *p == '"' ? value_end(t, p, end, depth) : NULL;
            if (!q)
                return NULL;
            p = ws(q, end);
            if (p >= end || *p != ':')
                return NULL;
            p = ws(p + 1, end);
        }
        if (!(p = value_end(t, p, end, depth + 1)))
            return NULL;
        p = ws(p, end);
        if (p >= end || *p != ',')
            break;
        p = ws(p + 1, end);
    }
    if (p >= end || *p != close)
        return NULL;
    return slot < JTEXT_ENDS ? (t->closes[slot] = p + 1) : p + 1;
}

/* p at a value (white space skipped): after it, or NULL when it is not valid. */
static const char *value_end(struct jtext *t, const char *p, const char *end, int depth)
{
    if (p >= end)
        return NULL;
    const char *word = *p == 'n' ? "null" : *p == 'f' ? "false" : *p == 't' ? "true" : NULL;
    if (word) {
        size_t n = strlen(word);
        return (size_t)(end - p) >= n && memcmp(p, word, n) == 0 ? p + n : NULL;
    }
    if (*p == '"') {
        int escaped;
        const char *q = string_close_esc(p, end, &escaped);
        if (!q || (escaped && string_decode(p + 1, q, NULL, 0) == (size_t)-1))
            return NULL;
        return q + 1;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9'))
        return number_end(p, end);
    if (*p == '[' || *p == '{')
        return container_end(t, p, end, depth);
    return NULL;
}

/* 1 when text[0..len) is one JSON value and white space (cJSON, then the four JSON white
 * space bytes only, as the function has always asked of a whole body). */
static int json_whole(struct jtext *t, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len == 0)
        return 0;
    if (len > 4 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    p = value_end(t, ws(p, end), end, 0);
    while (p && p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p == end;
}

/* ---- Reading a checked text: only strings and brackets need reading ------------------ */

/* After the value at p and the white space that follows; the text is valid, so only
 * strings and brackets need reading. */
/* Where the container at p ends, when jtext_open remembered it; NULL otherwise. */
static const char *known_end(const struct jtext *t, const char *p)
{
    size_t lo = 0, hi = t->ends_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->opens[mid] < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->ends_count && t->opens[lo] == p ? t->closes[lo] : NULL;
}

const char *jtext_skip(const struct jtext *t, const char *p)
{
    const char *known = *p == '[' || *p == '{' ? known_end(t, p) : NULL;
    if (known)
        return ws(known, t->end);
    int depth = 0;
    do {
        if (*p == '"')
            p = string_close(p, t->end);
        else if (*p == '[' || *p == '{')
            depth++;
        else if (*p == ']' || *p == '}')
            depth--;
        else if (depth == 0)
            while (p + 1 < t->end && (number_char(p[1]) || (p[1] >= 'a' && p[1] <= 'z')))
                p++;
        p++;
    } while (depth > 0 && p < t->end);
    return ws(p, t->end);
}

/* The first element of the array at p, or NULL when it is empty. */
const char *jtext_first(const struct jtext *t, const char *p)
{
    p = ws(p + 1, t->end);
    return *p == ']' ? NULL : p;
}

/* The element after the one at p, or NULL at the end of the array. */
const char *jtext_next(const struct jtext *t, const char *p)
{
    p = jtext_skip(t, p);
    return *p == ',' ? ws(p + 1, t->end) : NULL;
}

size_t jtext_count(const struct jtext *t, const char *array)
{
    size_t n = 0;
    for (const char *e = jtext_first(t, array); e; e = jtext_next(t, e))
        n++;
    return n;
}

/* Does the key between open and close decode (up to a U+0000) to name (under 32 bytes)? */
static int key_is(const char *open, const char *close, const char *name)
{
    char key[32 + 4];
    size_t want = strlen(name), len = (size_t)(close - open);
    if (want >= 32)
        return 0;
    /* Keys are nearly always plain: then the text is the key, and no decoding is needed. */
    if (len == want && memcmp(open, name, want) == 0)
        return 1;
    if (!memchr(open, '\\', len) && !memchr(open, '\0', len))
        return 0;
    size_t n = string_decode(open, close, key, want + 1);
    key[n] = '\0';
    return strlen(key) == want && memcmp(key, name, want) == 0;
}

/* For the object at p: where the first member of each of names[0..n) starts (its value),
 * or NULL. */
void jtext_members(const struct jtext *t, const char *p, const char *const *names, size_t n,
                   const char **at)
{
    size_t found = 0;
    memset(at, 0, n * sizeof(*at));
    p = ws(p + 1, t->end);
    while (*p == '"') {
        const char *close = string_close(p, t->end);
        const char *v = ws(ws(close + 1, t->end) + 1, t->end);
        for (size_t i = 0; i < n; i++) {
            if (!at[i] && key_is(p + 1, close, names[i])) {
                at[i] = v;
                found++;
                break;
            }
        }
        /* The first of each name counts, so the rest of the object need not be walked. */
        if (found == n)
            break;
        p = jtext_skip(t, v);
        if (*p != ',')
            break;
        p = ws(p + 1, t->end);
    }
}

int jtext_open(struct jtext *t, const char *text, size_t len)
{
    t->ends_count = 0;
    if (!json_whole(t, text, len))
        return 0;
    t->end = text + len;
    if (len > 4 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3;
    t->root = ws(text, t->end);
    return 1;
}

int jtext_number(const struct jtext *t, const char *v, double *out)
{
    return v && (*v == '-' || (*v >= '0' && *v <= '9')) && number_value(v, t->end, out);
}

int jtext_string(const struct jtext *t, const char *v, char **out)
{
    if (!v || *v != '"')
        return LK_INVALID_ARG;
    const char *close = string_close(v, t->end);
    char *s = malloc((size_t)(close - v));
    if (!s)
        return LK_NOMEM;
    s[string_decode(v + 1, close, s, (size_t)(close - v))] = '\0';
    *out = s;
    return LK_OK;
}
