/* The DetectLabels answer (rekognition.h), read straight from its JSON text.
 *
 * A tree would cost an allocation per value and per key (some 400 for one ordinary answer)
 * to read a few fields, so the text is read twice instead: once to check that it is one
 * JSON value as cJSON 1.7 reads JSON (the library the rest of the function uses, so an
 * answer is accepted or refused alike everywhere: bytes <= 0x20 are white space, a \u
 * escape that is not hex reads as U+0000, a number is a run of [0-9+-eE.] that strtod would
 * take whole, nesting stops at 1000), then once more to pick the members out, without the
 * checks the first pass made. As with cJSON, the first of two members of one name counts,
 * and a string ends at its first U+0000. */
#include "lookout/rekognition.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/utf8.h"

#define NESTING_MAX 1000

/* ---- The first pass: is it JSON? ------------------------------------------------------ */

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

/* p at the opening quote: the closing quote, or NULL. Most strings have no escape, and
 * memchr finds their end fastest. */
static const char *string_close(const char *p, const char *end)
{
    const char *q = memchr(p + 1, '"', (size_t)(end - p - 1));
    if (q && !memchr(p + 1, '\\', (size_t)(q - p - 1)))
        return q;
    for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\' && ++p >= end)
            return NULL;
    }
    return p < end ? p : NULL;
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

/* The value of the number at p (known to be whole), read by strtod from a copy. */
static int number_value(const char *p, const char *end, double *out)
{
    char small[64], *text = small;
    size_t n = number_run(p, end);
    if (n >= sizeof(small) && !(text = malloc(n + 1)))
        return 0;
    memcpy(text, p, n);
    text[n] = '\0';
    *out = strtod(text, NULL);
    if (text != small)
        free(text);
    return 1;
}

static const char *value_end(const char *p, const char *end, int depth);

/* p at '[' or '{': after the matching bracket, or NULL. */
static const char *container_end(const char *p, const char *end, int depth)
{
    char close = *p == '[' ? ']' : '}';
    if (depth >= NESTING_MAX)
        return NULL;
    p = ws(p + 1, end);
    if (p < end && *p == close)
        return p + 1;
    for (;;) {
        if (close == '}') {
            const char *q = p < end && *p == '"' ? value_end(p, end, depth) : NULL;
            if (!q)
                return NULL;
            p = ws(q, end);
            if (p >= end || *p != ':')
                return NULL;
            p = ws(p + 1, end);
        }
        if (!(p = value_end(p, end, depth + 1)))
            return NULL;
        p = ws(p, end);
        if (p >= end || *p != ',')
            break;
        p = ws(p + 1, end);
    }
    return p < end && *p == close ? p + 1 : NULL;
}

/* p at a value (white space skipped): after it, or NULL when it is not valid. */
static const char *value_end(const char *p, const char *end, int depth)
{
    if (p >= end)
        return NULL;
    const char *word = *p == 'n' ? "null" : *p == 'f' ? "false" : *p == 't' ? "true" : NULL;
    if (word) {
        size_t n = strlen(word);
        return (size_t)(end - p) >= n && memcmp(p, word, n) == 0 ? p + n : NULL;
    }
    if (*p == '"') {
        const char *q = string_close(p, end);
        if (!q || (memchr(p + 1, '\\', (size_t)(q - p - 1)) &&
                   string_decode(p + 1, q, NULL, 0) == (size_t)-1))
            return NULL;
        return q + 1;
    }
    if (*p == '-' || (*p >= '0' && *p <= '9'))
        return number_end(p, end);
    if (*p == '[' || *p == '{')
        return container_end(p, end, depth);
    return NULL;
}

/* 1 when text[0..len) is one JSON value and white space (cJSON, then the four JSON white
 * space bytes only, as the function has always asked of a whole body). */
static int json_whole(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    if (len == 0)
        return 0;
    if (len > 4 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    p = value_end(ws(p, end), end, 0);
    while (p && p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p == end;
}

/* ---- The second pass: the members (the text is known to be valid) --------------------- */

struct text {
    const char *end;
};

/* After the value at p and the white space that follows; the text is valid, so only
 * strings and brackets need reading. */
static const char *skip(const struct text *t, const char *p)
{
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
static const char *first(const struct text *t, const char *p)
{
    p = ws(p + 1, t->end);
    return *p == ']' ? NULL : p;
}

/* The element after the one at p, or NULL at the end of the array. */
static const char *next(const struct text *t, const char *p)
{
    p = skip(t, p);
    return *p == ',' ? ws(p + 1, t->end) : NULL;
}

static size_t count(const struct text *t, const char *array)
{
    size_t n = 0;
    for (const char *e = first(t, array); e; e = next(t, e))
        n++;
    return n;
}

/* Does the key between open and close decode (up to a U+0000) to name (under 32 bytes)? */
static int key_is(const char *open, const char *close, const char *name)
{
    char key[32 + 4];
    size_t want = strlen(name);
    size_t n = string_decode(open, close, key, want + 1);
    key[n] = '\0';
    return strlen(key) == want && memcmp(key, name, want) == 0;
}

/* For the object at p: where the first member of each of names[0..n) starts (its value),
 * or NULL. */
static void members(const struct text *t, const char *p, const char *const *names, size_t n,
                    const char **at)
{
    memset(at, 0, n * sizeof(*at));
    p = ws(p + 1, t->end);
    while (*p == '"') {
        const char *close = string_close(p, t->end);
        const char *v = ws(ws(close + 1, t->end) + 1, t->end);
        for (size_t i = 0; i < n; i++) {
            if (!at[i] && key_is(p + 1, close, names[i])) {
                at[i] = v;
                break;
            }
        }
        p = skip(t, v);
        if (*p != ',')
            break;
        p = ws(p + 1, t->end);
    }
}

/* A member that is absent or JSON null counts as absent. */
static const char *present(const char *v)
{
    return v && *v != 'n' ? v : NULL;
}

static int number_in(const struct text *t, const char *v, double lo, double hi, double *out)
{
    double d;
    if (!v || !(*v == '-' || (*v >= '0' && *v <= '9')) || !number_value(v, t->end, &d) ||
        !isfinite(d) || d < lo || d > hi)
        return 0;
    *out = d;
    return 1;
}

/* ---- Fields and errors ---------------------------------------------------------------- */

static int bad(struct lk_error *err, const char *where, const char *what)
{
    return err_set(err, LK_AWS_BAD_RESPONSE, "DetectLabels response: %s: %s", where, what);
}

/* bad() with the place written out from a format: only on the error path, since a good
 * answer has hundreds of places. */
static int bad_at(struct lk_error *err, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad_at(struct lk_error *err, const char *what, const char *fmt, ...)
{
    char where[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof(where), fmt, ap);
    va_end(ap);
    return bad(err, where, what);
}

static int nomem(struct lk_error *err)
{
    return err_set(err, LK_NOMEM, "DetectLabels response: out of memory");
}

/* NULL with a copy in *out, else what is wrong with the value at v ("" when memory ran
 * out). */
static const char *copy_name(const struct text *t, const char *v, char **out)
{
    if (!v || *v != '"')
        return "missing or not a string";
    const char *close = string_close(v, t->end);
    char *s = malloc((size_t)(close - v));
    if (!s)
        return "";
    s[string_decode(v + 1, close, s, (size_t)(close - v))] = '\0';
    size_t n = strlen(s);
    const char *why = n == 0 || n > REK_MAX_NAME_BYTES ? "empty or longer than 256 bytes"
                      : !utf8_valid(s, n)              ? "not valid UTF-8"
                                                       : NULL;
    if (why)
        free(s);
    else
        *out = s;
    return why;
}

static int parse_names(const struct text *t, const char *arr, const char *name, size_t index,
                       struct rek_names *out, struct lk_error *err)
{
    static const char *const NAME[] = {"Name"};
    if (!(arr = present(arr)))
        return LK_OK;
    if (*arr != '[')
        return bad_at(err, "not an array", "Labels[%zu].%s", index, name);
    size_t n = count(t, arr);
    if (n > REK_MAX_NAMES)
        return bad_at(err, "more than 256 entries", "Labels[%zu].%s", index, name);
    if (n == 0)
        return LK_OK;
    out->items = calloc(n, sizeof(*out->items));
    if (!out->items)
        return nomem(err);
    for (const char *item = first(t, arr); item; item = next(t, item)) {
        if (*item != '{')
            return bad_at(err, "not an object", "Labels[%zu].%s[%zu]", index, name, out->count);
        const char *v;
        members(t, item, NAME, 1, &v);
        const char *why = copy_name(t, v, &out->items[out->count]);
        if (why && !*why)
            return nomem(err);
        if (why)
            return bad_at(err, why, "Labels[%zu].%s[%zu].Name", index, name, out->count);
        out->count++;
    }
    return LK_OK;
}

/* 1 when the object at item holds a usable instance (copied to *out), 0 when it should be
 * dropped. */
static int instance_usable(const struct text *t, const char *item, struct rek_instance *out)
{
    static const char *const INSTANCE[] = {"BoundingBox", "Confidence"};
    static const char *const BOX[] = {"Left", "Top", "Width", "Height"};
    const char *at[2], *box[4];
    members(t, item, INSTANCE, 2, at);
    if (!at[0] || *at[0] != '{')
        return 0;
    members(t, at[0], BOX, 4, box);
    return number_in(t, present(at[1]), 0, 100, &out->confidence) &&
           number_in(t, present(box[0]), -HUGE_VAL, HUGE_VAL, &out->box.left) &&
           number_in(t, present(box[1]), -HUGE_VAL, HUGE_VAL, &out->box.top) &&
           number_in(t, present(box[2]), 0, HUGE_VAL, &out->box.width) &&
           number_in(t, present(box[3]), 0, HUGE_VAL, &out->box.height);
}

static int parse_instances(const struct text *t, const char *arr, size_t index, struct rek_label *l,
                           size_t *dropped, struct lk_error *err)
{
    if (!(arr = present(arr)))
        return LK_OK;
    if (*arr != '[')
        return bad_at(err, "not an array", "Labels[%zu].Instances", index);
    size_t n = count(t, arr);
    size_t keep = n < REK_MAX_INSTANCES ? n : REK_MAX_INSTANCES;
    if (keep > 0) {
        l->instances = calloc(keep, sizeof(*l->instances));
        if (!l->instances)
            return nomem(err);
    }
    for (const char *item = first(t, arr); item; item = next(t, item)) {
        if (l->instance_count < keep && *item == '{' &&
            instance_usable(t, item, &l->instances[l->instance_count]))
            l->instance_count++;
        else
            (*dropped)++;
    }
    return LK_OK;
}

enum { L_NAME, L_CONFIDENCE, L_INSTANCES, L_PARENTS, L_ALIASES, L_CATEGORIES, L_COUNT };

static int parse_label(const struct text *t, const char *item, size_t index, struct rek_label *l,
                       size_t *dropped, struct lk_error *err)
{
    static const char *const LABEL[L_COUNT] = {"Name",    "Confidence", "Instances",
                                               "Parents", "Aliases",    "Categories"};
    const char *at[L_COUNT];
    if (*item != '{')
        return bad_at(err, "not an object", "Labels[%zu]", index);
    members(t, item, LABEL, L_COUNT, at);
    const char *why = copy_name(t, at[L_NAME], &l->name);
    if (why && !*why)
        return nomem(err);
    if (why)
        return bad_at(err, why, "Labels[%zu].Name", index);
    if (!number_in(t, at[L_CONFIDENCE], 0, 100, &l->confidence))
        return bad_at(err, "not a number in 0..100", "Labels[%zu].Confidence", index);
    int rc = parse_instances(t, at[L_INSTANCES], index, l, dropped, err);
    if (rc == LK_OK)
        rc = parse_names(t, at[L_PARENTS], "Parents", index, &l->parents, err);
    if (rc == LK_OK)
        rc = parse_names(t, at[L_ALIASES], "Aliases", index, &l->aliases, err);
    if (rc == LK_OK)
        rc = parse_names(t, at[L_CATEGORIES], "Categories", index, &l->categories, err);
    return rc;
}

static int parse_top(const struct text *t, const char *root, struct rek_result *out,
                     struct lk_error *err)
{
    static const char *const TOP[] = {"LabelModelVersion", "Labels"};
    const char *at[2];
    if (*root != '{')
        return bad(err, "body", "not a JSON object");
    members(t, root, TOP, 2, at);
    if (present(at[0])) {
        const char *why = copy_name(t, at[0], &out->model_version);
        if (why && !*why)
            return nomem(err);
        if (why)
            return bad(err, "LabelModelVersion", why);
    }
    const char *labels = present(at[1]);
    if (!labels)
        return LK_OK;
    if (*labels != '[')
        return bad(err, "Labels", "not an array");
    out->has_labels = 1;
    size_t n = count(t, labels);
    if (n > REK_MAX_LABELS)
        return bad(err, "Labels", "more than 1000 labels");
    if (n == 0)
        return LK_OK;
    out->labels = calloc(n, sizeof(*out->labels));
    if (!out->labels)
        return nomem(err);
    for (const char *item = first(t, labels); item; item = next(t, item)) {
        /* Counted before parsing so that cleanup frees a half-filled label. */
        struct rek_label *l = &out->labels[out->label_count++];
        int rc = parse_label(t, item, out->label_count - 1, l, &out->dropped, err);
        if (rc != LK_OK)
            return rc;
    }
    return LK_OK;
}

int rek_parse_labels(const char *text, size_t len, struct rek_result *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > REK_MAX_RESPONSE_BYTES)
        return bad(err, "body", "larger than 8 MiB");
    if (!json_whole(text, len))
        return bad(err, "body", "not valid JSON");
    struct text t = {text + len};
    const char *root = text;
    if (len > 4 && memcmp(root, "\xEF\xBB\xBF", 3) == 0)
        root += 3;
    int rc = parse_top(&t, ws(root, t.end), out, err);
    if (rc != LK_OK)
        rek_result_cleanup(out);
    return rc;
}

static void names_cleanup(struct rek_names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->items[i]);
    free(n->items);
}

void rek_result_cleanup(struct rek_result *r)
{
    for (size_t i = 0; i < r->label_count; i++) {
        struct rek_label *l = &r->labels[i];
        free(l->name);
        free(l->instances);
        names_cleanup(&l->parents);
        names_cleanup(&l->aliases);
        names_cleanup(&l->categories);
    }
    free(r->labels);
    free(r->model_version);
    memset(r, 0, sizeof(*r));
}
