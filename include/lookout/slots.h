/*
 * slots.h: a small table of heap values keyed by string (a stream name or ARN), for what a
 * warm execution environment remembers per stream: the KVS data endpoint, the last motion
 * thumbnail. Few cameras feed one function, so a handful of slots searched in order beats a
 * hash table; when all are taken the oldest written is replaced.
 *
 * Caller storage: slots_init before use, slots_cleanup after (frees every key and value with
 * the free function given to slots_init). Not thread-safe; nothing here needs it.
 */
#ifndef LOOKOUT_SLOTS_H
#define LOOKOUT_SLOTS_H

#include <stddef.h>

#define SLOTS_COUNT 8

typedef void (*slots_free_fn)(void *value);

struct slots {
    struct {
        char *key;   /* owned; NULL = free slot */
        void *value; /* owned through free_value */
    } slot[SLOTS_COUNT];
    size_t next; /* slot to reuse when all are taken */
    slots_free_fn free_value;
};

void slots_init(struct slots *t, slots_free_fn free_value);
void slots_cleanup(struct slots *t);

/* The value kept for key, or NULL. Borrowed from the table. */
void *slots_get(const struct slots *t, const char *key);

/* Keeps value for key, replacing (and freeing) what was there, or taking a free slot, or the
 * oldest. The table owns value from the call on, also when it fails: LK_NOMEM (the value is
 * then freed). */
int slots_put(struct slots *t, const char *key, void *value);

/* Forgets key (frees its value); nothing when it is not kept. */
void slots_remove(struct slots *t, const char *key);

#endif
