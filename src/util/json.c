#include "lookout/json.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/digits.h"
#include "lookout/error.h"
#include "lookout/utf8.h"

int json_append_string(struct lk_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = buf_append_byte(b, '"');
    size_t i = 0;
    while (rc == LK_OK && i < len) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            rc = buf_appendf(b, "\\u%04x", c);
            i++;
        } else {
            size_t n = utf8_next(s + i, len - i, NULL);
            if (n == 0) {
                rc = buf_append_str(b, "\\ufffd");
                i++;
            } else {
                rc = buf_append(b, p + i, n);
                i += n;
            }
        }
    }
    if (rc == LK_OK)
        rc = buf_append_byte(b, '"');
    return rc;
}

/* The letter of c's two-character escape in cJSON's output, or 0 when it has none. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
    case '\\':
        return (char)c;
    case '\b':
        return 'b';
    case '\f':
        return 'f';
    case '\n':
        return 'n';
    case '\r':
        return 'r';
    case '\t':
        return 't';
    default:
        return 0;
    }
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Whether some byte of w is below n (n <= 0x80). */
static int has_less(uint64_t w, unsigned n)
{
    return ((w - ONES * n) & ~w & HIGHS) != 0;
}

/* How many bytes from s[0..len) need no escape, eight at a time while none in a word does
 * (most text is plain: one test per word instead of three per byte). */
static size_t plain_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (uint64_t w; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        if (has_less(w, 0x20) || has_less(w ^ (ONES * '"'), 1) || has_less(w ^ (ONES * '\\'), 1))
            break;
    }
    while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' && s[i] != '\\')
        i++;
    return i;
}

int json_append_text(struct lk_buf *b, const char *s, size_t len)
{
    int rc = buf_reserve(b, len + 2);
    if (rc == LK_OK)
        rc = buf_append_byte(b, '"');
    size_t run = 0; /* the first byte not yet copied */
    for (size_t i = plain_prefix(s, len); rc == LK_OK && i < len;
         i += 1 + plain_prefix(s + i + 1, len - i - 1)) {
        unsigned char c = (unsigned char)s[i];
        rc = buf_append(b, s + run, i - run);
        run = i + 1;
        char letter = short_escape(c);
        if (rc == LK_OK && letter)
            rc = buf_append(b, (const char[]){'\\', letter}, 2);
        else if (rc == LK_OK)
            rc = buf_appendf(b, "\\u%04x", c);
    }
    if (rc == LK_OK)
        rc = buf_append(b, s + run, len - run);
    if (rc == LK_OK)
        rc = buf_append_byte(b, '"');
    return rc;
}

const char *json_get_string(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

const cJSON *json_get_object(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsObject(item) ? item : NULL;
}

const cJSON *json_get_array(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsArray(item) ? item : NULL;
}

cJSON *json_parse(const char *text, size_t len)
{
    return cJSON_ParseWithLengthOpts(text, len, NULL, 0);
}

/* Decimals tried by the short path, and the powers of ten it divides by (exact doubles). */
#define SHORT_DECIMALS 9
static const double POW10[SHORT_DECIMALS + 1] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

/* The fewest decimals d (0..SHORT_DECIMALS) with n / 10^d == a exactly, n an integer of at
 * most 15 digits: division of exact operands rounds correctly, as strtod does, so the text
 * "n/10^d" parses back to a. At most 15 significant digits and no exponent (a from 1e-4 to
 * below 1e15) make it the text %1.15g gives. Returns 0 when there is no such d. */
static size_t short_number(double v, char *out)
{
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15))
        return 0;
    for (int d = 0; d <= SHORT_DECIMALS; d++) {
        double scaled = nearbyint(a * POW10[d]);
        if (scaled >= 1e15)
            return 0;
        if (scaled / POW10[d] == a)
            return digits_scaled((uint64_t)scaled, d, v < 0, out);
    }
    return 0;
}

size_t json_format_number(double v, char out[JSON_NUMBER_MAX])
{
    if (isnan(v) || isinf(v)) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (v == 0) { /* counters mostly: what %1.15g writes, without printf */
        size_t n = signbit(v) ? 2 : 1;
        memcpy(out, signbit(v) ? "-0" : "0", n + 1);
        return n;
    }
    size_t len = short_number(v, out);
    if (len > 0)
        return len;
    /* cJSON's way: 15 significant digits, 17 when those do not read back as v. */
    int n = snprintf(out, JSON_NUMBER_MAX, "%1.15g", v);
    if (n > 0 && strtod(out, NULL) != v)
        n = snprintf(out, JSON_NUMBER_MAX, "%1.17g", v);
    return n > 0 ? (size_t)n : 0;
}

cJSON *json_add_number(cJSON *obj, const char *name, double v)
{
    char text[JSON_NUMBER_MAX];
    json_format_number(v, text);
    return cJSON_AddRawToObject(obj, name, text);
}

/* A string of the tree, as cJSON prints it: json_append_text writes those bytes for valid
 * UTF-8; anything else is left to cJSON (LK_INVALID_ARG). */
static int print_text(struct lk_buf *out, const char *s)
{
    size_t len = s ? strlen(s) : 0;
    if (!s || !utf8_valid(s, len))
        return LK_INVALID_ARG;
    return json_append_text(out, s, len);
}

/* A number item as cJSON 1.7 prints it: 15 significant digits, 17 when those do not read
 * back within a relative DBL_EPSILON (cJSON's test, looser than json_format_number's); the
 * short path first, whose values read back exactly, so that the two agree on them. */
static size_t cjson_number(double v, char out[JSON_NUMBER_MAX])
{
    size_t len = isfinite(v) && v != 0 ? short_number(v, out) : 0;
    if (len > 0 || !isfinite(v) || v == 0)
        return len > 0 ? len : json_format_number(v, out);
    int n = snprintf(out, JSON_NUMBER_MAX, "%1.15g", v);
    double back = strtod(out, NULL);
    double big = fabs(back) > fabs(v) ? fabs(back) : fabs(v);
    if (!(fabs(back - v) <= big * DBL_EPSILON))
        n = snprintf(out, JSON_NUMBER_MAX, "%1.17g", v);
    return n > 0 ? (size_t)n : 0;
}

/* item printed as cJSON_PrintUnformatted prints it, without cJSON's printf and scanf per
 * number; LK_INVALID_ARG for what cJSON should print itself. */
static int print_item(const cJSON *item, struct lk_buf *out, int depth)
{
    char num[JSON_NUMBER_MAX];
    int bracket = cJSON_IsObject(item) ? '{' : cJSON_IsArray(item) ? '[' : 0;
    if (cJSON_IsNumber(item))
        return buf_append(out, num, cjson_number(item->valuedouble, num));
    if (cJSON_IsString(item))
        return print_text(out, item->valuestring);
    if (cJSON_IsRaw(item))
        return item->valuestring ? buf_append_str(out, item->valuestring) : LK_INVALID_ARG;
    if (cJSON_IsBool(item) || cJSON_IsNull(item))
        return buf_append_str(out, cJSON_IsTrue(item)   ? "true"
                                   : cJSON_IsNull(item) ? "null"
                                                        : "false");
    if (!bracket || depth > 64)
        return LK_INVALID_ARG;
    int rc = buf_append_byte(out, (char)bracket);
    for (const cJSON *c = item->child; c && rc == LK_OK; c = c->next) {
        if (c != item->child)
            rc = buf_append_byte(out, ',');
        if (rc == LK_OK && bracket == '{')
            rc = print_text(out, c->string);
        if (rc == LK_OK && bracket == '{')
            rc = buf_append_byte(out, ':');
        if (rc == LK_OK)
            rc = print_item(c, out, depth + 1);
    }
    return rc == LK_OK ? buf_append_byte(out, bracket == '{' ? '}' : ']') : rc;
}

int json_print_into(cJSON *tree, struct lk_buf *out)
{
    if (!tree)
        return LK_NOMEM;
    size_t mark = out->len;
    int rc = print_item(tree, out, 0);
    if (rc != LK_OK && out->data) {
        out->len = mark; /* nothing of a tree that failed */
        out->data[mark] = '\0';
    }
    if (rc == LK_INVALID_ARG) {
        char *text = cJSON_PrintUnformatted(tree);
        rc = text ? buf_append_str(out, text) : LK_NOMEM;
        free(text);
    }
    cJSON_Delete(tree);
    return rc;
}
