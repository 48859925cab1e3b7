/* The DetectLabels answer (rekognition.h), read straight from its JSON text (json_text.h):
 * a tree would cost an allocation per value and per key (some 400 for one ordinary answer)
 * to read a few fields. As with cJSON, the first of two members of one name counts, and a
 * string ends at its first U+0000. */
#include "lookout/rekognition.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/json_text.h"
#include "lookout/utf8.h"

/* A member that is absent or JSON null counts as absent. */
static const char *present(const char *v)
{
    return v && *v != 'n' ? v : NULL;
}

static int number_in(const struct jtext *t, const char *v, double lo, double hi, double *out)
{
    double d;
    if (!jtext_number(t, v, &d) || !isfinite(d) || d < lo || d > hi)
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
static const char *copy_name(const struct jtext *t, const char *v, char **out)
{
    char *s = NULL;
    int rc = jtext_string(t, v, &s);
    if (rc != LK_OK)
        return rc == LK_NOMEM ? "" : "missing or not a string";
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

static int parse_names(const struct jtext *t, const char *arr, const char *name, size_t index,
                       struct rek_names *out, struct lk_error *err)
{
    static const char *const NAME[] = {"Name"};
    if (!(arr = present(arr)))
        return LK_OK;
    if (*arr != '[')
        return bad_at(err, "not an array", "Labels[%zu].%s", index, name);
    size_t n = jtext_count(t, arr);
    if (n > REK_MAX_NAMES)
        return bad_at(err, "more than 256 entries", "Labels[%zu].%s", index, name);
    if (n == 0)
        return LK_OK;
    out->items = calloc(n, sizeof(*out->items));
    if (!out->items)
        return nomem(err);
    for (const char *item = jtext_first(t, arr); item; item = jtext_next(t, item)) {
        if (*item != '{')
            return bad_at(err, "not an object", "Labels[%zu].%s[%zu]", index, name, out->count);
        const char *v;
        jtext_members(t, item, NAME, 1, &v);
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
static int instance_usable(const struct jtext *t, const char *item, struct rek_instance *out)
{
    static const char *const INSTANCE[] = {"BoundingBox", "Confidence"};
    static const char *const BOX[] = {"Left", "Top", "Width", "Height"};
    const char *at[2], *box[4];
    jtext_members(t, item, INSTANCE, 2, at);
    if (!at[0] || *at[0] != '{')
        return 0;
    jtext_members(t, at[0], BOX, 4, box);
    return number_in(t, present(at[1]), 0, 100, &out->confidence) &&
           number_in(t, present(box[0]), -HUGE_VAL, HUGE_VAL, &out->box.left) &&
           number_in(t, present(box[1]), -HUGE_VAL, HUGE_VAL, &out->box.top) &&
           number_in(t, present(box[2]), 0, HUGE_VAL, &out->box.width) &&
           number_in(t, present(box[3]), 0, HUGE_VAL, &out->box.height);
}

static int parse_instances(const struct jtext *t, const char *arr, size_t index,
                           struct rek_label *l, size_t *dropped, struct lk_error *err)
{
    if (!(arr = present(arr)))
        return LK_OK;
    if (*arr != '[')
        return bad_at(err, "not an array", "Labels[%zu].Instances", index);
    size_t n = jtext_count(t, arr);
    size_t keep = n < REK_MAX_INSTANCES ? n : REK_MAX_INSTANCES;
    if (keep > 0) {
        l->instances = calloc(keep, sizeof(*l->instances));
        if (!l->instances)
            return nomem(err);
    }
    for (const char *item = jtext_first(t, arr); item; item = jtext_next(t, item)) {
        if (l->instance_count < keep && *item == '{' &&
            instance_usable(t, item, &l->instances[l->instance_count]))
            l->instance_count++;
        else
            (*dropped)++;
    }
    return LK_OK;
}

enum { L_NAME, L_CONFIDENCE, L_INSTANCES, L_PARENTS, L_ALIASES, L_CATEGORIES, L_COUNT };

static int parse_label(const struct jtext *t, const char *item, size_t index, struct rek_label *l,
                       size_t *dropped, struct lk_error *err)
{
    static const char *const LABEL[L_COUNT] = {"Name",    "Confidence", "Instances",
                                               "Parents", "Aliases",    "Categories"};
    const char *at[L_COUNT];
    if (*item != '{')
        return bad_at(err, "not an object", "Labels[%zu]", index);
    jtext_members(t, item, LABEL, L_COUNT, at);
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

/* Room for more labels in out->labels, zeroed for cleanup; *slots is its size. */
static int grow_labels(struct rek_result *out, size_t *slots)
{
    size_t more = *slots ? *slots * 2 : 16;
    if (more > REK_MAX_LABELS)
        more = REK_MAX_LABELS;
    struct rek_label *grown = realloc(out->labels, more * sizeof(*grown));
    if (!grown)
        return LK_NOMEM;
    memset(grown + *slots, 0, (more - *slots) * sizeof(*grown));
    out->labels = grown;
    *slots = more;
    return LK_OK;
}

static int parse_top(const struct jtext *t, const char *root, struct rek_result *out,
                     struct lk_error *err)
{
    static const char *const TOP[] = {"LabelModelVersion", "Labels"};
    const char *at[2];
    if (*root != '{')
        return bad(err, "body", "not a JSON object");
    jtext_members(t, root, TOP, 2, at);
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
    size_t slots = 0;
    /* One walk: the array grows as labels come, rather than being counted first. */
    for (const char *item = jtext_first(t, labels); item; item = jtext_next(t, item)) {
        if (out->label_count == REK_MAX_LABELS)
            return bad(err, "Labels", "more than 1000 labels");
        if (out->label_count == slots && grow_labels(out, &slots) != LK_OK)
            return nomem(err);
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
    struct jtext t;
    if (!jtext_open(&t, text, len))
        return bad(err, "body", "not valid JSON");
    int rc = parse_top(&t, t.root, out, err);
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
