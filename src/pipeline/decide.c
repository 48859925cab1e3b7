#include "lookout/decide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/utf8.h"

#define MAX_CONFIG_BYTES 8192

int dec_name_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y - 'A' + 'a');
        if (x != y)
            return 0;
        if (x == 0)
            return 1;
    }
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && is_space(**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && is_space((*s)[*len - 1]))
        (*len)--;
}

static int blank(const char *s)
{
    if (!s)
        return 1;
    for (; *s; s++)
        if (!is_space(*s))
            return 0;
    return 1;
}

/* A threshold is digits with at most one '.', 0..100: strtod alone would also take "inf",
 * hex and exponents. */
static int parse_threshold(const char *s, size_t len, double *out)
{
    char text[32];
    size_t digits = 0, dots = 0;
    if (len == 0 || len >= sizeof(text))
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] == '.')
            dots++;
        else
            return 0;
    }
    if (digits == 0 || dots > 1)
        return 0;
    memcpy(text, s, len);
    text[len] = '\0';
    double v = strtod(text, NULL);
    if (!(v >= 0 && v <= 100))
        return 0;
    *out = v;
    return 1;
}

static int name_valid(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7F)
            return 0;
    }
    return utf8_valid(s, len);
}

static int item_error(struct lk_error *err, size_t n, const char *item, size_t len,
                      const char *what)
{
    int shown = len > 60 ? 60 : (int)len;
    return err_set(err, LK_CONFIG, "ALERT_LABELS: item %zu (\"%.*s%s\"): %s", n, shown, item,
                   len > 60 ? "..." : "", what);
}

static int parse_item(const char *item, size_t len, size_t n, struct dec_config *cfg,
                      struct lk_error *err)
{
    const char *name = item, *colon = memchr(item, ':', len);
    size_t name_len = colon ? (size_t)(colon - item) : len;
    double min = cfg->default_min_confidence;
    trim(&name, &name_len);
    if (name_len == 0)
        return item_error(err, n, item, len, "empty name");
    if (name_len > DEC_MAX_NAME_BYTES)
        return item_error(err, n, item, len, "name longer than 100 bytes");
    if (!name_valid(name, name_len))
        return item_error(err, n, item, len, "name has control characters or invalid UTF-8");
    if (colon) {
        const char *num = colon + 1;
        size_t num_len = len - (size_t)(num - item);
        trim(&num, &num_len);
        if (!parse_threshold(num, num_len, &min))
            return item_error(err, n, item, len, "confidence must be a number 0..100");
    }
    if (cfg->count == DEC_MAX_WANTED)
        return item_error(err, n, item, len, "more than 64 items");
    struct dec_wanted *w = &cfg->wanted[cfg->count];
    memcpy(w->name, name, name_len);
    w->name[name_len] = '\0';
    w->min_confidence = min;
    for (size_t i = 0; i < cfg->count; i++) {
        if (dec_name_eq(cfg->wanted[i].name, w->name)) {
            char what[48];
            snprintf(what, sizeof(what), "duplicate of item %zu", i + 1);
            return item_error(err, n, item, len, what);
        }
    }
    cfg->count++;
    return LK_OK;
}

static int parse_labels(const char *s, struct dec_config *cfg, struct lk_error *err)
{
    size_t total = strlen(s), n = 1;
    if (total > MAX_CONFIG_BYTES)
        return err_set(err, LK_CONFIG, "ALERT_LABELS: longer than %d bytes", MAX_CONFIG_BYTES);
    const char *p = s, *end = s + total;
    for (;; n++) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        const char *item = p;
        size_t len = (size_t)(stop - p);
        trim(&item, &len);
        if (len == 0)
            return err_set(err, LK_CONFIG, "ALERT_LABELS: item %zu is empty", n);
        int rc = parse_item(item, len, n, cfg, err);
        if (rc != LK_OK)
            return rc;
        if (!comma)
            return LK_OK;
        p = comma + 1;
    }
}

int dec_config_parse(const char *alert_labels, const char *min_confidence, struct dec_config *out,
                     struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    out->default_min_confidence = DEC_DEFAULT_MIN_CONFIDENCE;
    if (!blank(min_confidence)) {
        const char *s = min_confidence;
        size_t len = strlen(s);
        trim(&s, &len);
        if (!parse_threshold(s, len, &out->default_min_confidence)) {
            int shown = len > 60 ? 60 : (int)len;
            int rc = err_set(err, LK_CONFIG, "MIN_CONFIDENCE: \"%.*s\" is not a number 0..100",
                             shown, s);
            memset(out, 0, sizeof(*out));
            return rc;
        }
    }
    int rc = parse_labels(blank(alert_labels) ? DEC_DEFAULT_LABELS : alert_labels, out, err);
    if (rc != LK_OK)
        memset(out, 0, sizeof(*out));
    return rc;
}

double dec_config_min_threshold(const struct dec_config *cfg)
{
    double min = cfg->count ? 100.0 : cfg->default_min_confidence;
    for (size_t i = 0; i < cfg->count; i++)
        if (cfg->wanted[i].min_confidence < min)
            min = cfg->wanted[i].min_confidence;
    return min;
}

static int in_names(const struct rek_names *names, const char *wanted)
{
    for (size_t i = 0; i < names->count; i++)
        if (dec_name_eq(names->items[i], wanted))
            return 1;
    return 0;
}

static int label_covers(const struct rek_label *l, const char *wanted)
{
    return dec_name_eq(l->name, wanted) || in_names(&l->aliases, wanted) ||
           in_names(&l->parents, wanted);
}

/* Stable insertion sort by decreasing confidence: at most REK_MAX_LABELS items. */
static void sort_by_confidence(const struct rek_label **v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const struct rek_label *x = v[i];
        size_t j = i;
        while (j > 0 && v[j - 1]->confidence < x->confidence) {
            v[j] = v[j - 1];
            j--;
        }
        v[j] = x;
    }
}

int dec_match(const struct dec_config *cfg, const struct rek_result *labels, struct dec_result *out,
              struct lk_error *err)
{
    int hit[DEC_MAX_WANTED] = {0};
    memset(out, 0, sizeof(*out));
    if (labels->label_count == 0)
        return LK_OK;
    out->labels = calloc(labels->label_count, sizeof(*out->labels));
    if (!out->labels)
        return err_set(err, LK_NOMEM, "matching labels: out of memory");
    for (size_t i = 0; i < labels->label_count; i++) {
        const struct rek_label *l = &labels->labels[i];
        int matched = 0;
        for (size_t j = 0; j < cfg->count; j++) {
            if (l->confidence >= cfg->wanted[j].min_confidence &&
                label_covers(l, cfg->wanted[j].name)) {
                hit[j] = 1;
                matched = 1;
            }
        }
        if (matched) {
            out->labels[out->label_count++] = l;
            if (l->confidence > out->max_confidence)
                out->max_confidence = l->confidence;
        }
    }
    sort_by_confidence(out->labels, out->label_count);
    for (size_t j = 0; j < cfg->count; j++)
        if (hit[j])
            out->names[out->name_count++] = cfg->wanted[j].name;
    return LK_OK;
}

void dec_result_cleanup(struct dec_result *r)
{
    free(r->labels);
    memset(r, 0, sizeof(*r));
}

int dec_label_covers(const struct rek_label *label, const char *wanted)
{
    return label_covers(label, wanted);
}

int dec_label_is(const struct rek_label *label, const char *wanted)
{
    return dec_name_eq(label->name, wanted) || in_names(&label->aliases, wanted);
}
