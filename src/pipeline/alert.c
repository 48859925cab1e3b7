#include "lookout/alert.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lookout/digits.h"
#include "lookout/hash.h"
#include "lookout/json.h"
#include "lookout/text.h"
#include "lookout/utf8.h"

#define SUMMARY_LABELS 5          /* labels named in the summary before "and N more" */
#define SUBJECT_STREAM_RESERVE 30 /* subject characters kept for the stream name */
#define SUBJECT_MAX_LIST 40       /* more labels than this can never fit a subject */
#define LABELS_ATTR_MAX 4096      /* bytes of the labels attribute */

int alert_format_time(long long ms, char out[25])
{
    struct tm tm;
    if (ms < 0 || ms > ALERT_MAX_TIME_MS)
        return -1;
    time_t secs = (time_t)(ms / 1000);
    if (!gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 9999)
        return -1;
    /* yyyy-mm-ddThh:mm:ss.mmmZ, digits written directly: printf cost more than the rest of
     * a timestamp, and two are written per alert. */
    char *p = digits_put(out, (uint64_t)(tm.tm_year + 1900), 4);
    *p++ = '-';
    p = digits_put(p, (uint64_t)(tm.tm_mon + 1), 2);
    *p++ = '-';
    p = digits_put(p, (uint64_t)(tm.tm_mday), 2);
    *p++ = 'T';
    p = digits_put(p, (uint64_t)(tm.tm_hour), 2);
    *p++ = ':';
    p = digits_put(p, (uint64_t)(tm.tm_min), 2);
    *p++ = ':';
    p = digits_put(p, (uint64_t)(tm.tm_sec), 2);
    *p++ = '.';
    p = digits_put(p, (uint64_t)(ms % 1000), 3);
    memcpy(p, "Z", 2);
    return 0;
}

/* ---- Text cleaning ------------------------------------------------------------------ */

/* A heap copy of s made valid UTF-8; with one_line, control characters become spaces. */
static char *clean_dup(const char *s, int one_line)
{
    struct lk_buf b;
    buf_init(&b, BUF_DEFAULT_MAX);
    if (utf8_sanitize(&b, s, strlen(s)) != LK_OK || buf_append(&b, "", 0) != LK_OK) {
        buf_cleanup(&b);
        return NULL;
    }
    for (size_t i = 0; one_line && i < b.len; i++)
        if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7F)
            b.data[i] = ' ';
    return buf_detach(&b, NULL);
}

/* ASCII spellings of U+00C0..U+00FF; "" drops the character. */
static const char *const LATIN1[64] = {
    "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
    "D", "N", "O", "O", "O", "O", "O",  "x", "O", "U", "U", "U", "U", "Y", "TH", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

static const char *fold_char(uint32_t cp, char one[2])
{
    if (cp < 0x20 || cp == 0x7F || cp == 0xA0)
        return " ";
    if (cp < 0x80) {
        one[0] = (char)cp;
        one[1] = '\0';
        return one;
    }
    if (cp >= 0xC0 && cp <= 0xFF)
        return LATIN1[cp - 0xC0];
    return "";
}

/* Printable ASCII form of s into out (cap bytes with the NUL), spaces collapsed and trimmed.
 * Text past cap is cut: callers only need the first ALERT_SUBJECT_MAX characters. */
static size_t ascii_fold(const char *s, char *out, size_t cap)
{
    size_t n = 0, len = strlen(s), i = 0;
    int after_space = 1;
    while (i < len && n + 3 < cap) {
        uint32_t cp;
        char one[2];
        size_t k = utf8_next(s + i, len - i, &cp);
        if (k == 0) {
            i++;
            continue;
        }
        i += k;
        for (const char *r = fold_char(cp, one); *r; r++) {
            if (*r == ' ' && after_space)
                continue;
            after_space = *r == ' ';
            out[n++] = *r;
        }
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

size_t alert_ascii(const char *s, char *out, size_t cap)
{
    return ascii_fold(s, out, cap);
}

/* ---- Subject ------------------------------------------------------------------------ */

struct text {
    char s[512];
    size_t n;
};

static void text_add(struct text *t, const char *s)
{
    size_t len = strlen(s), room = sizeof(t->s) - 1 - t->n;
    if (len > room)
        len = room;
    memcpy(t->s + t->n, s, len);
    t->n += len;
    t->s[t->n] = '\0';
}

/* Cuts s to at most max (>= 3) characters, ending in "..." when anything was cut. */
static void cut(char *s, size_t max)
{
    size_t keep = strlen(s);
    if (keep <= max)
        return;
    keep = max - 3;
    while (keep > 0 && (s[keep - 1] == ' ' || s[keep - 1] == ','))
        keep--;
    memcpy(s + keep, "...", 4);
}

#define AND_MORE_MAX 48

/* " and n more", where a list stops short of its n last names. */
static void and_more(size_t n, char out[AND_MORE_MAX])
{
    char digits[24];
    *digits_put(digits, n, 0) = '\0';
    const char *const parts[] = {" and ", digits, " more"};
    text_join(out, AND_MORE_MAX, parts, 3);
}

/* "A, B, C" for the first k names, plus " and N more" when k < total; each name cut to
 * name_max characters. */
static void label_list(const char *const *names, size_t total, size_t k, size_t name_max,
                       struct text *t)
{
    char name[128], more[AND_MORE_MAX] = "";
    t->n = 0;
    t->s[0] = '\0';
    for (size_t i = 0; i < k; i++) {
        if (i > 0)
            text_add(t, ", ");
        if (!ascii_fold(names[i], name, sizeof(name)))
            memcpy(name, "Label", 6);
        cut(name, name_max);
        text_add(t, name);
    }
    if (k < total)
        and_more(total - k, more);
    text_add(t, more);
}

/* The matched label that says wanted in the user's words, among labels with (located == 1)
 * or without boxes: its own name or alias, else the most specific label under it (most
 * parents; ties: the more confident). */
static const struct rek_label *words_among(const struct dec_result *m, const char *wanted,
                                           int located)
{
    const struct rek_label *best = NULL;
    for (size_t i = 0; i < m->label_count; i++) {
        const struct rek_label *l = m->labels[i];
        if (located && l->instance_count == 0)
            continue;
        if (dec_label_is(l, wanted))
            return l;
        if (dec_label_covers(l, wanted) && (!best || l->parents.count > best->parents.count))
            best = l;
    }
    return best;
}

/* A label Rekognition located (Person with its box, Cat rather than the boxless Animal)
 * names the object; a boxless one only when nothing under the name was located. */
static const struct rek_label *words_for(const struct dec_result *m, const char *wanted)
{
    const struct rek_label *l = words_among(m, wanted, 1);
    return l ? l : words_among(m, wanted, 0);
}

static size_t subject_names(const struct dec_result *m, const char *out[DEC_MAX_WANTED])
{
    size_t n = 0;
    for (size_t w = 0; w < m->name_count; w++) {
        const struct rek_label *l = words_for(m, m->names[w]);
        int seen = 0;
        for (size_t i = 0; l && i < n; i++)
            seen |= strcmp(out[i], l->name) == 0;
        if (l && !seen)
            out[n++] = l->name;
    }
    for (size_t i = 0; n == 0 && i < m->label_count && i < DEC_MAX_WANTED; i++)
        out[i] = m->labels[i]->name; /* no wanted names given: every label, as before */
    return n ? n : (m->label_count < DEC_MAX_WANTED ? m->label_count : DEC_MAX_WANTED);
}

static void build_subject(const struct alert_input *in, char out[ALERT_SUBJECT_MAX + 1])
{
    char stream[128];
    struct text names;
    const char *words[DEC_MAX_WANTED];
    size_t total = subject_names(in->match, words);
    size_t slen = ascii_fold(in->stream_name, stream, sizeof(stream));
    const char *mid = slen ? " detected on " : " detected";
    size_t reserve = slen < SUBJECT_STREAM_RESERVE ? slen : SUBJECT_STREAM_RESERVE;
    size_t budget = ALERT_SUBJECT_MAX - strlen(mid) - reserve;
    size_t k = total < SUBJECT_MAX_LIST ? total : SUBJECT_MAX_LIST;
    label_list(words, total, k, sizeof(names.s), &names);
    while (names.n > budget && k > 1)
        label_list(words, total, --k, sizeof(names.s), &names);
    if (names.n > budget) {
        /* One name alone is too long: cut it, keeping " and N more". */
        char more[AND_MORE_MAX] = "";
        if (total > 1)
            and_more(total - 1, more);
        label_list(words, total, 1, budget - strlen(more), &names);
    }
    cut(stream, ALERT_SUBJECT_MAX - names.n - strlen(mid));
    text_add(&names, mid);
    text_add(&names, stream);
    size_t n = names.n < ALERT_SUBJECT_MAX ? names.n : ALERT_SUBJECT_MAX;
    memcpy(out, names.s, n);
    out[n] = '\0';
}

/* ---- Summary, id and attributes ----------------------------------------------------- */

/* v (0..1000) with `decimals` (up to 5) digits after the point, as printf's %.Nf writes
 * it, at out; 0 when v is out of that range or next to a half, where printf decides. A
 * decimal half is never a binary fraction (0.05 is none), so printf rounds v * 10^N to the
 * nearest integer; v * 10^N in doubles is off by an ulp at most, which matters only next to
 * a half. */
static size_t fixed_point(double v, int decimals, char out[DIGITS_SCALED_MAX])
{
    static const double SCALE[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5};
    double t = v * SCALE[decimals];
    long long n = (long long)(t + 0.5);
    if (!(v >= 0 && v <= 1000) || fabs(t - ((double)n - 0.5)) < 1e-6)
        return 0;
    return digits_scaled((uint64_t)n, decimals, 0, out);
}

/* "name (v%)" with v as printf's %.1f writes it. */
static int append_label(struct lk_buf *b, const char *sep, const char *name, double v)
{
    char num[DIGITS_SCALED_MAX];
    size_t len = fixed_point(v, 1, num);
    if (len == 0)
        return buf_appendf(b, "%s%s (%.1f%%)", sep, name, v);
    int rc = buf_append_str(b, sep);
    if (rc == LK_OK)
        rc = buf_append_str(b, name);
    if (rc == LK_OK)
        rc = buf_append(b, " (", 2);
    if (rc == LK_OK)
        rc = buf_append(b, num, len);
    return rc == LK_OK ? buf_append(b, "%)", 2) : rc;
}

static int build_summary(const struct alert_input *in, const char *stream, const char *time,
                         struct lk_buf *b)
{
    const struct dec_result *m = in->match;
    size_t shown = m->label_count < SUMMARY_LABELS ? m->label_count : SUMMARY_LABELS;
    int rc = LK_OK;
    for (size_t i = 0; rc == LK_OK && i < shown; i++) {
        const char *sep = i == 0                                        ? ""
                          : (i + 1 == shown && shown == m->label_count) ? " and "
                                                                        : ", ";
        rc = append_label(b, sep, m->labels[i]->name, m->labels[i]->confidence);
    }
    if (rc == LK_OK && shown < m->label_count) {
        char more[AND_MORE_MAX];
        and_more(m->label_count - shown, more);
        rc = buf_append_str(b, more);
    }
    const char *const tail[] = {" detected on ", stream, " at ", time, "."};
    for (size_t i = 0; rc == LK_OK && i < 5; i++)
        rc = buf_append_str(b, tail[i]);
    for (size_t i = 0; rc == LK_OK && i < b->len; i++) /* one line, whatever the names hold */
        if ((unsigned char)b->data[i] < 0x20 || b->data[i] == 0x7F)
            b->data[i] = ' ';
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int frame_identity(const struct alert_input *in, struct lk_buf *b)
{
    char ms[DIGITS_SCALED_MAX];
    long long t = in->frame_ms;
    digits_scaled(t < 0 ? 0 - (uint64_t)t : (uint64_t)t, 0, t < 0, ms);
    const char *const kvs[] = {"kvs:", in->fragment_number, ":", ms};
    const char *const s3[] = {"s3:", in->image_s3_uri};
    const char *const by_time[] = {"time:", ms};
    const char *const *parts = in->fragment_number ? kvs : in->image_s3_uri ? s3 : by_time;
    size_t count = in->fragment_number ? 4 : 2;
    int rc = LK_OK;
    for (size_t i = 0; rc == LK_OK && i < count; i++)
        rc = buf_append_str(b, parts[i]);
    return rc;
}

static int compute_id(const struct alert_input *in, char out[ALERT_ID_HEX + 1])
{
    const struct dec_result *m = in->match;
    unsigned char md[HASH_SHA256_BYTES];
    struct lk_buf b;
    const char **names = calloc(m->label_count, sizeof(*names));
    int rc = names ? LK_OK : LK_NOMEM;
    buf_init(&b, BUF_DEFAULT_MAX);
    for (size_t i = 0; rc == LK_OK && i < m->label_count; i++)
        names[i] = m->labels[i]->name;
    if (rc == LK_OK) {
        qsort(names, m->label_count, sizeof(*names), cmp_str);
        rc = buf_append(&b, in->stream_name, strlen(in->stream_name) + 1);
    }
    if (rc == LK_OK)
        rc = frame_identity(in, &b);
    if (rc == LK_OK)
        rc = buf_append(&b, "", 1);
    for (size_t i = 0; rc == LK_OK && i < m->label_count; i++)
        rc = buf_append(&b, names[i], strlen(names[i]) + 1);
    if (rc == LK_OK)
        rc = hash_sha256(b.data, b.len, md);
    if (rc == LK_OK)
        hash_hex(md, ALERT_ID_HEX / 2, out);
    buf_cleanup(&b);
    free(names);
    return rc;
}

/* Appends name as a JSON string unless already listed; stops quietly at the cap. */
static int labels_attr_add(struct lk_buf *b, const char *name, const char **seen, size_t *count)
{
    for (size_t i = 0; i < *count; i++)
        if (dec_name_eq(seen[i], name))
            return LK_OK;
    size_t before = b->len;
    int rc = buf_append_str(b, *count ? "," : "");
    if (rc == LK_OK)
        rc = json_append_string(b, name, strlen(name));
    if (rc == LK_TOO_LARGE || b->len > LABELS_ATTR_MAX - 1) {
        b->len = before;
        return LK_TOO_LARGE;
    }
    if (rc == LK_OK)
        seen[(*count)++] = name;
    return rc;
}

static int build_labels_attr(const struct dec_result *m, char **out)
{
    size_t count = 0, total = m->label_count + m->name_count;
    const char **seen = calloc(total ? total : 1, sizeof(*seen));
    struct lk_buf b;
    buf_init(&b, LABELS_ATTR_MAX);
    int rc = seen ? buf_append_byte(&b, '[') : LK_NOMEM;
    for (size_t i = 0; rc == LK_OK && i < total; i++) {
        const char *name = i < m->label_count ? m->labels[i]->name : m->names[i - m->label_count];
        rc = labels_attr_add(&b, name, seen, &count);
    }
    if (rc == LK_TOO_LARGE) /* the cap: the list stops at the last name that fits */
        rc = LK_OK;
    if (rc == LK_OK)
        rc = buf_append_byte(&b, ']');
    if (rc == LK_OK)
        *out = buf_detach(&b, NULL);
    buf_cleanup(&b);
    free(seen);
    return rc;
}

static void format_confidence(double v, char out[32])
{
    _Static_assert(DIGITS_SCALED_MAX <= 32, "a fixed-point confidence fits the attribute");
    if (fixed_point(v, 5, out) == 0)
        snprintf(out, 32, "%.5f", v);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
}

void alert_attributes(const struct alert *a, struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT])
{
    attrs[0] = (struct sns_attribute){"stream", "String", a->stream_attr};
    attrs[1] = (struct sns_attribute){"labels", "String.Array", a->labels_attr};
    attrs[2] = (struct sns_attribute){"maxConfidence", "Number", a->max_confidence_attr};
    attrs[3] = (struct sns_attribute){"trigger", "String", a->trigger_attr};
}

static size_t attributes_size(const struct alert *a)
{
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    size_t n = 0;
    alert_attributes(a, attrs);
    for (size_t i = 0; i < ALERT_ATTRIBUTE_COUNT; i++)
        n += strlen(attrs[i].name) + strlen(attrs[i].type) + strlen(attrs[i].value);
    return n;
}

/* ---- Message ------------------------------------------------------------------------ */

/* Values computed once and reused when the message is rebuilt smaller. */
struct parts {
    const char *id;
    const char *summary;
    const char *time;
    const char *url_expires; /* NULL without a URL */
    size_t max_labels;
    size_t max_instances;
    size_t omitted_labels;
    size_t omitted_instances;
};

/* The message is written straight into one buffer, byte for byte as cJSON_PrintUnformatted
 * wrote it from a tree (readers and tests hold its bytes): no tree of small allocations, no
 * printf for numbers. The first error sticks; later writes are skipped. */
struct writer {
    struct lk_buf b;
    int rc;
};

/* The comma before a member or an item, unless it opens its object or array. */
static void w_sep(struct writer *w)
{
    char last = w->b.len ? w->b.data[w->b.len - 1] : '{';
    if (w->rc == LK_OK && last != '{' && last != '[' && last != ':')
        w->rc = buf_append_byte(&w->b, ',');
}

static void w_raw(struct writer *w, const char *s, size_t len)
{
    if (w->rc == LK_OK)
        w->rc = buf_append(&w->b, s, len);
}

static void w_open(struct writer *w, char c)
{
    w_sep(w);
    w_raw(w, &c, 1);
}

/* A string value: null for NULL, text that is not valid UTF-8 cleaned first. */
static void w_text(struct writer *w, const char *s)
{
    w_sep(w);
    if (!s) {
        w_raw(w, "null", 4);
        return;
    }
    size_t len = strlen(s);
    if (w->rc != LK_OK)
        return;
    if (utf8_valid(s, len)) { /* nearly always: no cleaned copy to make */
        w->rc = json_append_text(&w->b, s, len);
        return;
    }
    char *clean = clean_dup(s, 0);
    w->rc = clean ? json_append_text(&w->b, clean, strlen(clean)) : LK_NOMEM;
    free(clean);
}

/* A member's name and colon; the value follows. The names this file spells out need no
 * escapes and are copied as they are; a tag's name from outside goes through w_text. */
static void w_key(struct writer *w, const char *key)
{
    size_t n = strlen(key);
    w_sep(w);
    if (w->rc == LK_OK && (w->rc = buf_reserve(&w->b, n + 3)) == LK_OK) {
        char *p = w->b.data + w->b.len; /* one reservation, not three appends */
        p[0] = '"';
        memcpy(p + 1, key, n);
        memcpy(p + 1 + n, "\":", 3);
        w->b.len += n + 3;
    }
}

static void w_number(struct writer *w, const char *key, double v)
{
    char text[JSON_NUMBER_MAX];
    size_t len = json_format_number(v, text);
    w_key(w, key);
    w_raw(w, text, len);
}

static void w_member(struct writer *w, const char *key, const char *s)
{
    w_key(w, key);
    w_text(w, s);
}

static void add_ms(struct writer *w, const char *key, long long ms)
{
    if (ms < 0)
        w_member(w, key, NULL);
    else
        w_number(w, key, (double)ms);
}

static void instance_json(struct writer *w, const struct rek_instance *x)
{
    w_open(w, '{');
    w_number(w, "confidence", x->confidence);
    w_key(w, "box");
    w_open(w, '{');
    w_number(w, "left", x->box.left);
    w_number(w, "top", x->box.top);
    w_number(w, "width", x->box.width);
    w_number(w, "height", x->box.height);
    w_raw(w, "}}", 2);
}

static void label_json(struct writer *w, const struct rek_label *l, struct parts *p)
{
    w_open(w, '{');
    w_member(w, "name", l->name);
    w_number(w, "confidence", l->confidence);
    w_key(w, "instances");
    w_open(w, '[');
    for (size_t i = 0; i < l->instance_count; i++) {
        if (i >= p->max_instances)
            p->omitted_instances++;
        else
            instance_json(w, &l->instances[i]);
    }
    w_raw(w, "]}", 2);
}

static void add_labels(struct writer *w, const struct dec_result *m, struct parts *p)
{
    w_key(w, "labels");
    w_open(w, '[');
    for (size_t i = 0; i < m->label_count; i++) {
        if (i >= p->max_labels) {
            p->omitted_labels++;
            p->omitted_instances += m->labels[i]->instance_count;
            continue;
        }
        label_json(w, m->labels[i], p);
    }
    w_raw(w, "]", 1);
}

static void add_image(struct writer *w, const struct alert_input *in, const struct parts *p)
{
    w_key(w, "image");
    if (!in->image_s3_uri) {
        w_text(w, NULL);
        return;
    }
    w_open(w, '{');
    w_member(w, "s3Uri", in->image_s3_uri);
    w_member(w, "url", in->image_url);
    w_member(w, "urlExpiresAt", p->url_expires);
    w_raw(w, "}", 1);
}

static void add_snapshot(struct writer *w, const struct alert_input *in)
{
    const struct alert_snapshot *sn = in->snapshot;
    char expires[25];
    w_key(w, "snapshot");
    if (!sn) {
        w_text(w, NULL);
        return;
    }
    alert_format_time(sn->url_expires_ms, expires);
    w_open(w, '{');
    w_member(w, "s3Uri", sn->s3_uri);
    w_member(w, "url", sn->url);
    w_member(w, "urlExpiresAt", expires);
    w_number(w, "width", sn->width);
    w_number(w, "height", sn->height);
    w_raw(w, "}", 1);
}

/* 1 when tag names a and b are the same once cleaned, 0 when not, -1 out of memory. */
static int same_tag_name(const char *a, const char *b)
{
    if (utf8_valid(a, strlen(a)) && utf8_valid(b, strlen(b)))
        return strcmp(a, b) == 0;
    char *x = clean_dup(a, 0), *y = clean_dup(b, 0);
    int same = x && y ? strcmp(x, y) == 0 : -1;
    free(x);
    free(y);
    return same;
}

/* A repeated name keeps its first value, as the tree's lookup by name kept it. */
static void add_tags(struct writer *w, const struct alert_input *in)
{
    w_key(w, "tags");
    w_open(w, '{');
    for (size_t i = 0; w->rc == LK_OK && i < in->tag_count; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = same_tag_name(in->tags[j].name, in->tags[i].name);
        if (seen < 0)
            w->rc = LK_NOMEM;
        else if (!seen) {
            w_text(w, in->tags[i].name);
            w_raw(w, ":", 1);
            w_text(w, in->tags[i].value);
        }
    }
    w_raw(w, "}", 1);
}

static void add_stream(struct writer *w, const struct alert_input *in)
{
    w_key(w, "stream");
    w_open(w, '{');
    w_member(w, "name", in->stream_name);
    w_member(w, "arn", in->stream_arn);
    w_raw(w, "}", 1);
}

static void add_omitted(struct writer *w, const struct parts *p)
{
    if (p->omitted_labels == 0 && p->omitted_instances == 0)
        return;
    w_key(w, "omitted");
    w_open(w, '{');
    w_number(w, "labels", (double)p->omitted_labels);
    w_number(w, "instances", (double)p->omitted_instances);
    w_raw(w, "}", 1);
}

/* What the rules add: matches held back since the last alert, and where the objects stand. */
static void add_rules(struct writer *w, const struct alert_input *in)
{
    if (in->suppressed > 0)
        w_number(w, "suppressed", (double)in->suppressed);
    if (in->zone_count == 0)
        return;
    w_key(w, "zones");
    w_open(w, '[');
    for (size_t i = 0; i < in->zone_count; i++)
        w_text(w, in->zones[i]);
    w_raw(w, "]", 1);
}

/* The message into w->b (reset first); w->rc says whether it was written whole. */
static void message_text(struct writer *w, const struct alert_input *in, struct parts *p)
{
    buf_reset(&w->b);
    w->rc = LK_OK;
    p->omitted_labels = p->omitted_instances = 0;
    w_open(w, '{');
    w_number(w, "version", ALERT_VERSION);
    w_member(w, "alertId", p->id);
    w_member(w, "summary", p->summary);
    add_stream(w, in);
    w_member(w, "trigger", ev_trigger_name(in->trigger));
    w_member(w, "time", p->time);
    w_member(w, "fragmentNumber", in->fragment_number);
    add_ms(w, "producerTimestampMs", in->producer_ms);
    add_ms(w, "serverTimestampMs", in->server_ms);
    add_image(w, in, p);
    add_snapshot(w, in);
    add_labels(w, in->match, p);
    add_tags(w, in);
    add_rules(w, in);
    add_omitted(w, p);
    w_raw(w, "}", 1);
}

/* Builds the message, leaving out instances and then labels until it fits. A message past
 * the buffer's cap does not fit either. */
static int fit_message(const struct alert_input *in, struct parts *p, struct alert *out,
                       struct lk_error *err)
{
    size_t attrs = attributes_size(out);
    struct writer w;
    int rc = LK_OK;
    buf_init(&w.b, BUF_DEFAULT_MAX);
    p->max_labels = in->match->label_count;
    p->max_instances = REK_MAX_INSTANCES;
    for (;;) {
        message_text(&w, in, p);
        if (w.rc != LK_OK && w.rc != LK_TOO_LARGE) {
            rc = err_set(err, LK_NOMEM, "alert: out of memory building the message");
            break;
        }
        if (w.rc == LK_OK && w.b.len + attrs <= ALERT_MAX_BYTES) {
            out->omitted_labels = p->omitted_labels;
            out->omitted_instances = p->omitted_instances;
            out->message = buf_detach(&w.b, &out->message_len);
            if (!out->message)
                rc = err_set(err, LK_NOMEM, "alert: out of memory building the message");
            break;
        }
        if (p->max_instances > 0) {
            p->max_instances /= 2;
        } else if (p->max_labels > 1) {
            p->max_labels /= 2;
        } else {
            rc = err_set(err, LK_TOO_LARGE, "alert: over %d bytes even with one label",
                         ALERT_MAX_BYTES);
            break;
        }
    }
    buf_cleanup(&w.b);
    return rc;
}

/* ---- Entry point -------------------------------------------------------------------- */

static int check_input(const struct alert_input *in, struct lk_error *err)
{
    if (!in->stream_name || !in->stream_name[0])
        return err_set(err, LK_INVALID_ARG, "alert: no stream name");
    if (!in->match || in->match->label_count == 0)
        return err_set(err, LK_INVALID_ARG, "alert: no matched label");
    if (in->frame_ms < 0 || in->frame_ms > ALERT_MAX_TIME_MS)
        return err_set(err, LK_INVALID_ARG, "alert: frame time %lld is out of range", in->frame_ms);
    if (in->image_url && !in->image_s3_uri)
        return err_set(err, LK_INVALID_ARG, "alert: an image URL needs the image's s3Uri");
    if (in->image_url &&
        (in->image_url_expires_ms < 0 || in->image_url_expires_ms > ALERT_MAX_TIME_MS))
        return err_set(err, LK_INVALID_ARG, "alert: URL expiry %lld is out of range",
                       in->image_url_expires_ms);
    const struct alert_snapshot *sn = in->snapshot;
    if (sn && (!sn->s3_uri || !sn->url || sn->width == 0 || sn->height == 0 ||
               sn->url_expires_ms < 0 || sn->url_expires_ms > ALERT_MAX_TIME_MS))
        return err_set(err, LK_INVALID_ARG, "alert: a snapshot needs its s3Uri, URL, expiry "
                                            "and size");
    return LK_OK;
}

int alert_build(const struct alert_input *in, struct alert *out, struct lk_error *err)
{
    char time[25], expires[25];
    char *stream = NULL;
    struct lk_buf summary;
    struct parts p = {0};
    memset(out, 0, sizeof(*out));
    buf_init(&summary, BUF_DEFAULT_MAX);
    int rc = check_input(in, err);
    if (rc != LK_OK)
        goto cleanup;
    alert_format_time(in->frame_ms, time);
    if (in->image_url)
        alert_format_time(in->image_url_expires_ms, expires);
    build_subject(in, out->subject);
    format_confidence(in->match->max_confidence, out->max_confidence_attr);
    out->trigger_attr = ev_trigger_name(in->trigger);
    stream = clean_dup(in->stream_name, 1);
    out->stream_attr = stream;
    rc = stream ? compute_id(in, out->id) : LK_NOMEM;
    if (rc == LK_OK)
        rc = build_labels_attr(in->match, &out->labels_attr);
    if (rc == LK_OK)
        rc = build_summary(in, stream, time, &summary);
    if (rc != LK_OK) {
        rc = err_set(err, rc, "alert: out of memory");
        goto cleanup;
    }
    p = (struct parts){.id = out->id,
                       .summary = buf_cstr(&summary),
                       .time = time,
                       .url_expires = in->image_url ? expires : NULL};
    rc = fit_message(in, &p, out, err);
cleanup:
    buf_cleanup(&summary);
    if (rc != LK_OK)
        alert_cleanup(out);
    return rc;
}

void alert_cleanup(struct alert *a)
{
    free(a->message);
    free(a->stream_attr);
    free(a->labels_attr);
    memset(a, 0, sizeof(*a));
}
