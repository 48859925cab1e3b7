#include "lookout/json.h"

#include <stdint.h>
#include <string.h>

#include "lookout/error.h"
#include "lookout/utf8.h"

int json_append_string(struct lk_buf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    int rc = buf_append_byte(b, '"');
    size_t i = 0;
    while (rc == LK_OK && i < len) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            rc = buf_append(b, esc, 2);
            i++;
        } else if (c < 0x20) {
            rc = buf_appendf(b, "\\u%04x", c);
            i++;
        } else {
            size_t n = utf8_next(s + i, len - i, NULL);
            if (n == 0) {
                rc = buf_append_str(b, "\\ufffd");
                i++;
            } else {
                rc = buf_append(b, p + i, n);
                i += n;
            }
        }
    }
    if (rc == LK_OK)
        rc = buf_append_byte(b, '"');
    return rc;
}

const char *json_get_string(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsString(item) ? item->valuestring : NULL;
}

const cJSON *json_get_object(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsObject(item) ? item : NULL;
}

const cJSON *json_get_array(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsArray(item) ? item : NULL;
}

cJSON *json_parse(const char *text, size_t len)
{
    return cJSON_ParseWithLengthOpts(text, len, NULL, 0);
}
