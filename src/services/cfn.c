#include "lookout/cfn.h"

#include <string.h>

#define CFN_RESPONSE_MAX_BYTES (64 * 1024)

int cfn_respond(struct aws_client *client, const char *response_url, const char *body,
                int64_t deadline_ms, struct lk_error *err)
{
    struct aws_response resp;
    aws_response_init(&resp);
    /* An empty value makes curl send no Content-Type at all. */
    const struct aws_header headers[] = {{"Content-Type", ""}};
    struct aws_request req = {
        .operation = "PUT",
        .method = "PUT",
        .path = "/",
        .headers = headers,
        .header_count = 1,
        .body = body,
        .body_len = strlen(body),
        .presigned_url = response_url,
        .max_response_bytes = CFN_RESPONSE_MAX_BYTES,
    };
    int rc = aws_client_send(client, &req, deadline_ms, &resp, err);
    aws_response_cleanup(&resp);
    return rc;
}
