/*
 * json.h: small helpers over cJSON, and an escaping writer for the few places that stream
 * JSON text into a buffer (log lines, error bodies) without building a tree.
 */
#ifndef LOOKOUT_JSON_H
#define LOOKOUT_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "lookout/buf.h"

/* Appends s[0..len) as a quoted JSON string, escaping quotes, backslashes and control bytes
 * (U+0000..U+001F as \uXXXX). Invalid UTF-8 bytes are replaced by U+FFFD so the output is
 * always valid JSON. Returns LK_OK or a buf_* error. */
int json_append_string(struct lk_buf *b, const char *s, size_t len);

/* Appends s[0..len), which must be valid UTF-8, as a quoted JSON string with the escapes
 * cJSON_Print writes (\" \\ \b \f \n \r \t, other bytes below 0x20 as \u00xx, the rest as
 * they are): text written with it and json_format_number has the bytes cJSON would print.
 * Returns LK_OK or a buf_* error. */
int json_append_text(struct lk_buf *b, const char *s, size_t len);

/* Object member lookups that return NULL unless the member exists with that type.
 * The returned pointers are borrowed from obj. */
const char *json_get_string(const cJSON *obj, const char *name);
const cJSON *json_get_object(const cJSON *obj, const char *name);
const cJSON *json_get_array(const cJSON *obj, const char *name);

/* Longest text json_format_number writes, with its NUL. */
#define JSON_NUMBER_MAX 32

/* Writes v as JSON number text into out (NUL-terminated) and returns its length. The text
 * parses back to exactly v. Finite values with few decimals (confidences, boxes, counts,
 * milliseconds) take a short path of integer arithmetic; the rest use cJSON's own format, so
 * either way the bytes are those cJSON_Print writes for the values it prints exactly.
 * NaN and infinities are written as null, as cJSON does. */
size_t json_format_number(double v, char out[JSON_NUMBER_MAX]);

/* cJSON_AddNumberToObject, but the item is printed with json_format_number (a raw item: its
 * valuedouble is not set). Returns the item, owned by obj, or NULL when out of memory. */
cJSON *json_add_number(cJSON *obj, const char *name, double v);

/* Parses len bytes (not NUL-terminated) into a tree the caller frees with cJSON_Delete.
 * NULL when the text is not valid JSON. */
cJSON *json_parse(const char *text, size_t len);

/* Appends tree, printed unformatted, to out and deletes the tree (NULL: out of memory, as
 * from a failed cJSON_CreateObject). LK_OK, LK_NOMEM or a buf_* error. */
int json_print_into(cJSON *tree, struct lk_buf *out);

#endif
