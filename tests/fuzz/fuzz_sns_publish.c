/* libFuzzer target: the SNS Publish answer, from which the MessageId reaches the logs. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/sns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char id[128];
    struct lk_error err;
    /* A small cap too, so the "does not fit" path is reached. */
    size_t cap = size > 0 && data[0] == '!' ? 8 : sizeof(id);
    int rc = sns_parse_publish_answer((const char *)data, size, id, cap, &err);
    size_t n = strnlen(id, cap);
    if (n == cap)
        __builtin_trap(); /* not NUL-terminated within cap */
    if (rc != LK_OK && (rc != LK_AWS_BAD_RESPONSE || n != 0))
        __builtin_trap();
    for (size_t i = 0; rc == LK_OK && i < n; i++)
        if (!(id[i] == '-' || (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'z') ||
              (id[i] >= 'A' && id[i] <= 'Z')))
            __builtin_trap();
    if (rc == LK_OK && n == 0)
        __builtin_trap();
    return 0;
}
