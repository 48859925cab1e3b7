/* The KVS fragment notification text, and S3 metadata given as "name=value" lines. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/events.h"

#define MAX_PAIRS 32

static void metadata(const char *s, size_t size)
{
    static char copy[4096];
    if (size >= sizeof(copy))
        return;
    memcpy(copy, s, size);
    copy[size] = '\0';
    struct ev_tag pairs[MAX_PAIRS];
    size_t n = 0;
    char *line = copy;
    while (line && n < MAX_PAIRS) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = '\0';
            pairs[n].name = line;
            pairs[n].value = eq + 1;
            n++;
        }
        line = next;
    }
    struct ev_kvs_image img;
    struct lk_error err;
    ev_kvs_image_from_metadata(pairs, n, &img, &err);
    ev_kvs_image_cleanup(&img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ev_kvs_fragment f;
    struct lk_error err;
    if (ev_kvs_fragment_parse_text((const char *)data, size, &f, &err) == LK_OK) {
        if (!f.fragment_number || !f.stream.name || (f.producer_ms < 0 && f.server_ms < 0))
            __builtin_trap();
    }
    ev_kvs_fragment_cleanup(&f);
    metadata((const char *)data, size);
    return 0;
}
