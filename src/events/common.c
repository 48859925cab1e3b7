#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/digits.h"
#include "lookout/text.h"
#include "lookout/utf8.h"
#include "lookout/json.h"

int ev_fail(struct lk_error *err, const char *where, const char *fmt, ...)
{
    char what[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (where && where[0])
        return err_set(err, LK_INVALID_EVENT, "%s: %s", where, what);
    return err_set(err, LK_INVALID_EVENT, "%s", what);
}

int ev_nomem(struct lk_error *err)
{
    return err_set(err, LK_NOMEM, "out of memory while parsing the event");
}

char *ev_memdup(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

int ev_get_string(const cJSON *obj, const char *name, const char *where, int required,
                  size_t max_len, char **out, struct lk_error *err)
{
    *out = NULL;
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!item || cJSON_IsNull(item)) {
        if (required)
            return ev_fail(err, where, "%s is missing", name);
        return LK_OK;
    }
    if (!cJSON_IsString(item) || !item->valuestring)
        return ev_fail(err, where, "%s is not a string", name);
    size_t len = strlen(item->valuestring);
    if (len > max_len)
        return ev_fail(err, where, "%s is longer than %zu bytes", name, max_len);
    if (required && len == 0)
        return ev_fail(err, where, "%s is empty", name);
    if (!utf8_valid(item->valuestring, len))
        return ev_fail(err, where, "%s is not valid UTF-8", name);
    *out = ev_memdup(item->valuestring, len);
    return *out ? LK_OK : ev_nomem(err);
}

int ev_all_digits(const char *s, size_t len, size_t max_digits)
{
    if (len == 0 || len > max_digits)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

long long ev_parse_uint(const char *s, size_t len, long long max)
{
    if (!ev_all_digits(s, len, 19))
        return -1;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = s[i] - '0';
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    return v;
}

void ev_where_join(char *dst, size_t cap, const char *base, const char *name)
{
    int nested = base && base[0];
    const char *const parts[] = {nested ? base : "", nested ? "." : "", name};
    text_join(dst, cap, parts, 3);
}

void ev_where_index(char *dst, size_t cap, const char *base, const char *name, size_t index)
{
    char num[24];
    *digits_put(num, index, 0) = '\0';
    int nested = base && base[0];
    const char *const parts[] = {nested ? base : "", nested ? "." : "", name, "[", num, "]"};
    text_join(dst, cap, parts, 6);
}

/* Not tolower(): the locale must not change a tag's name. */
static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

int ev_tags_add(struct ev_tags *tags, const char *name, size_t name_len, const char *value,
                size_t value_len, const char *where, struct lk_error *err)
{
    if (tags->count >= EV_MAX_TAGS)
        return ev_fail(err, where, "more than %d tags", EV_MAX_TAGS);
    if (name_len == 0 || name_len > EV_MAX_TAG_NAME_BYTES || !utf8_valid(name, name_len))
        return ev_fail(err, where, "a tag name is empty, longer than %d bytes or not UTF-8",
                       EV_MAX_TAG_NAME_BYTES);
    if (value_len > EV_MAX_TAG_VALUE_BYTES || !utf8_valid(value, value_len))
        return ev_fail(err, where, "the value of tag %.*s is longer than %d bytes or not UTF-8",
                       (int)name_len, name, EV_MAX_TAG_VALUE_BYTES);
    struct ev_tag *grown = realloc(tags->items, (tags->count + 1) * sizeof(*grown));
    if (!grown)
        return ev_nomem(err);
    tags->items = grown;
    struct ev_tag *t = &tags->items[tags->count];
    t->name = ev_memdup(name, name_len);
    t->value = ev_memdup(value, value_len);
    if (!t->name || !t->value) {
        free(t->name);
        free(t->value);
        return ev_nomem(err);
    }
    for (char *c = t->name; *c; c++)
        *c = ascii_lower(*c);
    tags->count++;
    return LK_OK;
}

void ev_tags_cleanup(struct ev_tags *tags)
{
    for (size_t i = 0; i < tags->count; i++) {
        free(tags->items[i].name);
        free(tags->items[i].value);
    }
    free(tags->items);
    tags->items = NULL;
    tags->count = 0;
}

static int same_name(const char *stored, const char *name)
{
    for (; *stored && *stored == ascii_lower(*name); stored++, name++) {
    }
    return *stored == '\0' && *name == '\0';
}

const char *ev_tags_get(const struct ev_tags *tags, const char *name)
{
    for (size_t i = 0; i < tags->count; i++)
        if (same_name(tags->items[i].name, name))
            return tags->items[i].value;
    return NULL;
}

const char *ev_trigger_name(enum ev_trigger t)
{
    switch (t) {
    case EV_TRIGGER_S3:
        return "s3";
    case EV_TRIGGER_KVS_NOTIFICATION:
        return "kvs-notification";
    case EV_TRIGGER_MANUAL:
        return "manual";
    }
    return "unknown";
}
