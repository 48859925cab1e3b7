/* json_text.h against cJSON on any bytes: jtext_open accepts exactly the texts cJSON parses
 * whole (one value, then JSON white space), and on those the walk agrees with the tree:
 * element and member counts, the first member of each name, numbers and strings. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/error.h"
#include "lookout/json_text.h"

static int cjson_whole(const char *text, size_t size, cJSON **tree)
{
    const char *end = NULL;
    *tree = cJSON_ParseWithLengthOpts(text, size, &end, 0);
    if (!*tree)
        return 0;
    for (; end < text + size; end++)
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r')
            return 0;
    return 1;
}

/* The value at v against the item: the same kind, and for numbers and strings the same
 * value; containers by their counts and, for objects, each key's first member in turn. */
static void agree(const struct jtext *t, const char *v, const cJSON *item, int depth)
{
    double d;
    char *s = NULL;
    if (cJSON_IsNumber(item) && (!jtext_number(t, v, &d) || memcmp(&d, &item->valuedouble, 8)))
        abort();
    if (cJSON_IsString(item)) {
        if (jtext_string(t, v, &s) != LK_OK || strcmp(s, item->valuestring) != 0)
            abort();
        free(s);
    }
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return;
    if (depth > 8)
        return;
    if (cJSON_IsObject(item)) {
        for (const cJSON *c = item->child; c; c = c->next) {
            const char *at = NULL;
            if (strlen(c->string) < 32)
                jtext_members(t, v, (const char *const[]){c->string}, 1, &at);
            if (strlen(c->string) < 32 && !at)
                abort();
            if (at && cJSON_GetObjectItemCaseSensitive(item, c->string) == c)
                agree(t, at, c, depth + 1);
        }
        return;
    }
    if (jtext_count(t, v) != (size_t)cJSON_GetArraySize(item))
        abort();
    const char *e = jtext_first(t, v);
    for (const cJSON *c = item->child; c; c = c->next, e = jtext_next(t, e)) {
        if (!e)
            abort();
        agree(t, e, c, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cJSON *tree;
    struct jtext t;
    int whole = cjson_whole(text, size, &tree);
    if (jtext_open(&t, text, size) != whole)
        abort();
    if (whole)
        agree(&t, t.root, tree, 0);
    cJSON_Delete(tree);
    return 0;
}
