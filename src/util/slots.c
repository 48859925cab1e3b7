#include "lookout/slots.h"

#include <stdlib.h>
#include <string.h>

#include "lookout/error.h"

void slots_init(struct slots *t, slots_free_fn free_value)
{
    memset(t, 0, sizeof(*t));
    t->free_value = free_value ? free_value : free;
}

static void clear_slot(struct slots *t, size_t i)
{
    free(t->slot[i].key);
    if (t->slot[i].value)
        t->free_value(t->slot[i].value);
    t->slot[i].key = NULL;
    t->slot[i].value = NULL;
}

void slots_cleanup(struct slots *t)
{
    for (size_t i = 0; i < SLOTS_COUNT; i++)
        clear_slot(t, i);
    t->next = 0;
}

static int find(const struct slots *t, const char *key)
{
    for (int i = 0; i < SLOTS_COUNT; i++)
        if (t->slot[i].key && strcmp(t->slot[i].key, key) == 0)
            return i;
    return -1;
}

void *slots_get(const struct slots *t, const char *key)
{
    int i = find(t, key);
    return i < 0 ? NULL : t->slot[i].value;
}

/* The slot of key, else a free one, else the oldest taken. */
static size_t pick(struct slots *t, const char *key)
{
    int found = find(t, key);
    if (found >= 0)
        return (size_t)found;
    for (size_t i = 0; i < SLOTS_COUNT; i++)
        if (!t->slot[i].key)
            return i;
    size_t i = t->next;
    t->next = (t->next + 1) % SLOTS_COUNT;
    return i;
}

int slots_put(struct slots *t, const char *key, void *value)
{
    size_t i = pick(t, key);
    if (t->slot[i].key && strcmp(t->slot[i].key, key) == 0) {
        if (t->slot[i].value && t->slot[i].value != value)
            t->free_value(t->slot[i].value);
        t->slot[i].value = value;
        return LK_OK;
    }
    clear_slot(t, i);
    char *copy = strdup(key);
    if (!copy) {
        if (value)
            t->free_value(value);
        return LK_NOMEM;
    }
    t->slot[i].key = copy;
    t->slot[i].value = value;
    return LK_OK;
}

void slots_remove(struct slots *t, const char *key)
{
    int i = find(t, key);
    if (i >= 0)
        clear_slot(t, (size_t)i);
}
