/*
 * json_text.h: JSON read straight from its text, without building a tree, for the answers
 * read on every invocation where a cJSON tree would cost an allocation per key and value.
 *
 * jtext_open checks the whole text once, accepting and refusing exactly what cJSON 1.7
 * does (cJSON reads every other body, so a body is accepted or refused alike everywhere).
 * Every other call takes a position inside that checked text: a value's first byte, as
 * jtext_open, jtext_first, jtext_next and jtext_members give them. Nothing is allocated but
 * what jtext_string hands over.
 */
#ifndef LOOKOUT_JSON_TEXT_H
#define LOOKOUT_JSON_TEXT_H

#include <stddef.h>

/* Containers whose ends jtext_open remembers (the first ones in the text; enough for an
 * ordinary DetectLabels answer). */
#define JTEXT_ENDS 256

/* A checked JSON text; positions in it are borrowed from the caller's bytes. */
struct jtext {
    const char *root; /* the top value (after a UTF-8 byte order mark and white space) */
    const char *end;
    /* Where the first ends_count containers (by opening bracket, in text order) end, as
     * jtext_open found them: skipping one of them is a search instead of a walk. */
    size_t ends_count;
    const char *opens[JTEXT_ENDS];
    const char *closes[JTEXT_ENDS]; /* just after the closing bracket */
};

/* 1 and *t set when text[0..len) is one JSON value and white space; 0 when it is not.
 * *t is some 4 KB (the containers' ends); it holds no allocation. */
int jtext_open(struct jtext *t, const char *text, size_t len);

/* After the value at v and the white space that follows it. */
const char *jtext_skip(const struct jtext *t, const char *v);

/* The first element of the array at array, or NULL when it is empty. */
const char *jtext_first(const struct jtext *t, const char *array);
/* The element after the one at element, or NULL at the end of its array. */
const char *jtext_next(const struct jtext *t, const char *element);
size_t jtext_count(const struct jtext *t, const char *array);

/* For the object at object: at[i] is where the value of the first member named names[i]
 * starts, or NULL when there is none. Keys are compared after decoding (up to a U+0000);
 * names of 32 bytes or more never match. */
void jtext_members(const struct jtext *t, const char *object, const char *const *names, size_t n,
                   const char **at);

/* 1 and *out set when v (NULL allowed) is a number, read by strtod. */
int jtext_number(const struct jtext *t, const char *v, double *out);

/* The string at v decoded into *out, NUL-terminated (it ends at a U+0000, as in cJSON); the
 * caller frees it. LK_INVALID_ARG when v is NULL or not a string, LK_NOMEM. */
int jtext_string(const struct jtext *t, const char *v, char **out);

#endif
