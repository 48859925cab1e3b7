/* libFuzzer target for the AWS error parser and the log redaction (aws_errors.h).
 *
 * Input: byte 0 picks the HTTP status, byte 1 the length of an x-amzn-ErrorType header
 * taken from the bytes that follow; the rest is the body. The same bytes also go through
 * the header and URL redaction. Seeds: tests/fuzz/corpus/fuzz_aws_error/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/aws_errors.h"
#include "lookout/aws_redact.h"
#include "lookout/buf.h"
#include "lookout/error.h"

static const long STATUSES[] = {200, 301, 400, 401, 403, 404, 429, 500, 503, 504, 418, 0};

static void check_field(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n == cap)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    long status = STATUSES[data[0] % (sizeof STATUSES / sizeof STATUSES[0])];
    size_t type_len = data[1] < size - 2 ? data[1] : size - 2;
    char *type = malloc(type_len + 1);
    if (!type)
        return 0;
    memcpy(type, data + 2, type_len);
    type[type_len] = '\0';
    const char *body = (const char *)data + 2 + type_len;
    size_t body_len = size - 2 - type_len;

    struct aws_error_info e;
    aws_error_parse(status, data[0] & 0x80 ? type : NULL, body, body_len, &e);
    check_field(e.code, sizeof e.code);
    check_field(e.message, sizeof e.message);
    check_field(e.request_id, sizeof e.request_id);
    if (!e.code[0])
        abort();
    int st = aws_error_status(status, e.code);
    if (st <= LK_OK || st >= LK_STATUS_COUNT)
        abort();
    (void)aws_error_retry_kind(status, e.code);

    struct lk_buf out;
    buf_init(&out, 4 * size + 64);
    aws_redact_header(body, body_len, &out);
    buf_reset(&out);
    aws_redact_url(body, body_len, &out);
    buf_cleanup(&out);
    aws_scrub(type, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    free(type);
    return 0;
}
