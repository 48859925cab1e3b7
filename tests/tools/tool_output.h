/* What the test tools share: one JSON line on stdout per answer, and the error object they
 * answer with ({"error":{"status","message"}}). Header-only: each tool is one program. */
#ifndef LOOKOUT_TOOL_OUTPUT_H
#define LOOKOUT_TOOL_OUTPUT_H

#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "lookout/error.h"

/* Prints o unformatted as one line, flushed, and deletes it. */
static inline void tool_print_line(cJSON *o)
{
    char *text = o ? cJSON_PrintUnformatted(o) : NULL;
    if (text)
        puts(text);
    fflush(stdout);
    free(text);
    cJSON_Delete(o);
}

/* {"error":{"status":<rc's name>,"message":<err's>}}; the caller owns it. */
static inline cJSON *tool_error_tree(int rc, const struct lk_error *err)
{
    cJSON *out = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(out, "error");
    cJSON_AddStringToObject(e, "status", err_name(rc));
    cJSON_AddStringToObject(e, "message", err->message);
    return out;
}

#endif
