/* KVS image keys, stream ARNs and RFC 3339 times: the text parsers. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct lk_error err;
    struct ev_kvs_key k;
    if (ev_kvs_key_parse(s, size, &k, &err) == LK_OK) {
        /* Exactly one of: a certain split, or ambiguity with only the head. */
        if (k.ambiguous ? (k.account || k.stream_name) : (!k.account || !k.stream_name))
            abort();
        if (!k.head || !k.random_id || k.ext == EV_EXT_NONE)
            abort();
    }
    ev_kvs_key_cleanup(&k);
    struct ev_stream_arn a;
    if (ev_stream_arn_parse(s, size, &a, &err) == LK_OK && strlen(a.account) != 12)
        abort();
    ev_stream_arn_cleanup(&a);
    long long ms = 0;
    if (ev_parse_rfc3339(s, size, &ms, &err) == LK_OK && ms < 0)
        abort();
    return 0;
}
