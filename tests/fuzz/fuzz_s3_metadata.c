/* libFuzzer target: HeadObject's headers (one "Name: value" a line, as libcurl hands them to
 * the client, names lower-cased there) read into the object's facts, then its x-amz-meta-*
 * pairs read as the metadata KVS Images writes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/aws.h"
#include "lookout/events.h"
#include "lookout/s3.h"

#define MAX_LINES 64

static char *copy_lower(const uint8_t *p, size_t n, int lower)
{
    char *s = malloc(n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++)
        s[i] = lower && p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] - 'A' + 'a') : (char)p[i];
    s[n] = '\0';
    return s;
}

/* Splits data into header lines; a line without ':' is skipped, as the client skips it. */
static size_t to_headers(const uint8_t *data, size_t size, struct aws_response_header *h)
{
    size_t count = 0, at = 0;
    while (at < size && count < MAX_LINES) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t end = nl ? (size_t)(nl - data) : size;
        const uint8_t *colon = memchr(data + at, ':', end - at);
        if (colon) {
            size_t v = (size_t)(colon - data) + 1;
            while (v < end && data[v] == ' ')
                v++;
            h[count].name = copy_lower(data + at, (size_t)(colon - data) - at, 1);
            h[count].value = copy_lower(data + v, end - v, 0);
            count++;
        }
        at = end + 1;
    }
    return count;
}

static void check(const struct s3_object_info *info)
{
    struct ev_tag pairs[MAX_LINES];
    for (size_t i = 0; i < info->meta_count; i++)
        pairs[i] = (struct ev_tag){info->meta[i].name, info->meta[i].value};
    struct ev_kvs_image img;
    struct lk_error err;
    if (ev_kvs_image_from_metadata(pairs, info->meta_count, &img, &err) != LK_OK) {
        if (img.fragment_number || img.tags.count)
            __builtin_trap(); /* a failure leaves nothing behind */
        return;
    }
    if (img.tags.count > EV_MAX_TAGS || img.producer_ms < -1 || img.server_ms < -1)
        __builtin_trap();
    for (const char *p = img.fragment_number; p && *p; p++)
        if (*p < '0' || *p > '9')
            __builtin_trap();
    ev_kvs_image_cleanup(&img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct aws_response_header headers[MAX_LINES];
    struct aws_response resp;
    aws_response_init(&resp);
    resp.status = 200;
    resp.headers = headers;
    resp.header_count = to_headers(data, size, headers);
    int complete = 1;
    for (size_t i = 0; i < resp.header_count; i++)
        complete = complete && headers[i].name && headers[i].value;
    struct s3_object_info info;
    if (complete && s3_object_info_from_response(&resp, &info) == LK_OK) {
        if (info.content_length < -1 || info.meta_count > resp.header_count)
            __builtin_trap();
        check(&info);
        s3_object_info_cleanup(&info);
    }
    for (size_t i = 0; i < resp.header_count; i++) {
        free(headers[i].name);
        free(headers[i].value);
    }
    return 0;
}
