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

/* Object member lookups that return NULL unless the member exists with that type.
 * The returned pointers are borrowed from obj. */
const char *json_get_string(const cJSON *obj, const char *name);
const cJSON *json_get_object(const cJSON *obj, const char *name);
const cJSON *json_get_array(const cJSON *obj, const char *name);

/* Parses len bytes (not NUL-terminated) into a tree the caller frees with cJSON_Delete.
 * NULL when the text is not valid JSON. */
cJSON *json_parse(const char *text, size_t len);

#endif
