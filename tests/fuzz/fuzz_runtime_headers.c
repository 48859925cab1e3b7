/* libFuzzer target: the header lines of a Runtime API /next answer (one a line), read into
 * the invocation the handler is given. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/runtime.h"

static void check_value(const char *v)
{
    if (!v)
        return;
    size_t n = strnlen(v, RT_HEADER_VALUE_MAX + 1);
    if (n == 0 || n > RT_HEADER_VALUE_MAX)
        __builtin_trap();
    /* Trimmed: what reaches _X_AMZN_TRACE_ID and the logs has no line ending around it. */
    if (v[0] == ' ' || v[0] == '\t' || v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' ')
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rt_invocation inv;
    memset(&inv, 0, sizeof(inv));
    size_t at = 0;
    while (at < size) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - data) + 1 : size;
        if (rt_next_header(&inv, (const char *)data + at, end - at) != LK_OK)
            break;
        at = end;
    }
    if (inv.deadline_ms < 0)
        __builtin_trap();
    check_value(inv.request_id);
    check_value(inv.function_arn);
    check_value(inv.trace_id);
    check_value(inv.client_context);
    check_value(inv.cognito_identity);
    check_value(inv.tenant_id);
    rt_invocation_cleanup(&inv);
    return 0;
}
