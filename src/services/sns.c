#define _GNU_SOURCE /* memmem */
#include "lookout/sns.h"

#include <string.h>

#include "lookout/digits.h"
#include "lookout/form.h"

/* SNS's own limit for Message plus attributes; checked here so an oversize alert fails with
 * a clear message instead of an InvalidParameter round trip. */
#define SNS_MAX_MESSAGE_BYTES 262144
#define SNS_MAX_BODY_BYTES (SNS_MAX_MESSAGE_BYTES * 3 + 65536)

/* "MessageAttributes.entry.<n>.<field>" and its value, for each of the three fields: the
 * names are joined by hand, as a format cost more than the encoding of them. */
static int add_attribute(struct lk_buf *b, size_t n, const struct sns_attribute *a)
{
    static const char PREFIX[] = "MessageAttributes.entry.";
    static const char *const FIELD[3] = {"Name", "Value.DataType", "Value.StringValue"};
    const char *const value[3] = {a->name, a->type, a->value};
    char name[96];
    memcpy(name, PREFIX, sizeof(PREFIX) - 1);
    size_t len = (size_t)(digits_put(name + sizeof(PREFIX) - 1, n, 0) - name);
    name[len++] = '.';
    int rc = LK_OK;
    for (int i = 0; i < 3 && rc == LK_OK; i++) {
        memcpy(name + len, FIELD[i], strlen(FIELD[i]) + 1);
        rc = form_add(b, name, value[i], strlen(value[i]));
    }
    return rc;
}

static size_t message_size(const struct sns_message *msg)
{
    size_t n = msg->body_len;
    for (size_t i = 0; i < msg->attribute_count; i++)
        n += strlen(msg->attributes[i].name) + strlen(msg->attributes[i].type) +
             strlen(msg->attributes[i].value);
    return n;
}

static int build_body(const struct sns_message *msg, struct lk_buf *b)
{
    int rc = form_add(b, "Action", "Publish", 7);
    if (rc == LK_OK)
        rc = form_add(b, "Version", "2010-03-31", 10);
    if (rc == LK_OK)
        rc = form_add(b, "TopicArn", msg->topic_arn, strlen(msg->topic_arn));
    if (rc == LK_OK && msg->subject)
        rc = form_add(b, "Subject", msg->subject, strlen(msg->subject));
    if (rc == LK_OK)
        rc = form_add(b, "Message", msg->body, msg->body_len);
    if (rc == LK_OK && msg->per_protocol)
        rc = form_add(b, "MessageStructure", "json", 4);
    for (size_t i = 0; rc == LK_OK && i < msg->attribute_count; i++)
        rc = add_attribute(b, i + 1, &msg->attributes[i]);
    return rc;
}

static int message_id_char(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           ch == '-';
}

/* The one value we need from <PublishResponse>: the text of <MessageId>. */
int sns_parse_publish_answer(const char *body, size_t len, char *message_id, size_t cap,
                             struct lk_error *err)
{
    static const char open[] = "<MessageId>", close[] = "</MessageId>";
    if (cap > 0)
        message_id[0] = '\0';
    const char *start = body ? memmem(body, len, open, sizeof(open) - 1) : NULL;
    if (!start)
        return err_set(err, LK_AWS_BAD_RESPONSE, "SNS Publish: no MessageId in the response");
    start += sizeof(open) - 1;
    const char *end = memmem(start, len - (size_t)(start - body), close, sizeof(close) - 1);
    size_t n = end ? (size_t)(end - start) : 0;
    if (!end || n == 0 || n >= cap)
        return err_set(err, LK_AWS_BAD_RESPONSE, "SNS Publish: MessageId is empty or too long");
    /* It goes into logs: letters, digits and '-' only, as SNS's UUIDs are. */
    for (size_t i = 0; i < n; i++)
        if (!message_id_char(start[i]))
            return err_set(err, LK_AWS_BAD_RESPONSE, "SNS Publish: MessageId is not an id");
    memcpy(message_id, start, n);
    message_id[n] = '\0';
    return LK_OK;
}

struct message_id {
    char *out;
    size_t cap;
};

/* The client's accept callback: a 2xx without a MessageId is malformed, so it is retried. */
static int accept_publish(const struct aws_response *resp, void *state, struct lk_error *err)
{
    struct message_id *id = state;
    return sns_parse_publish_answer(resp->body.data, resp->body.len, id->out, id->cap, err);
}

int sns_publish(struct aws_client *sns, const struct sns_message *msg, int64_t deadline_ms,
                char *message_id, size_t cap, struct lk_error *err)
{
    if (msg->per_protocol && msg->attribute_count > 0)
        return err_set(err, LK_INVALID_ARG,
                       "SNS Publish: a per-protocol message delivers no attributes");
    if (message_size(msg) > SNS_MAX_MESSAGE_BYTES)
        return err_set(err, LK_TOO_LARGE, "SNS Publish: message and attributes exceed %d bytes",
                       SNS_MAX_MESSAGE_BYTES);
    struct lk_buf body;
    struct aws_response resp;
    struct message_id id = {message_id, cap};
    buf_init(&body, SNS_MAX_BODY_BYTES);
    aws_response_init(&resp);
    int rc = build_body(msg, &body);
    if (rc != LK_OK) {
        rc = err_set(err, rc, "SNS Publish: cannot build the request body");
        goto cleanup;
    }
    const struct aws_header headers[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    struct aws_request req = {
        .operation = "Publish",
        .method = "POST",
        .path = "/",
        .headers = headers,
        .header_count = 1,
        .body = body.data,
        .body_len = body.len,
        .max_response_bytes = 64 * 1024,
        .accept = accept_publish,
        .accept_state = &id,
    };
    rc = aws_client_send(sns, &req, deadline_ms, &resp, err);
    if (rc != LK_OK)
        err_wrap(err, "topic %s", msg->topic_arn);
cleanup:
    buf_cleanup(&body);
    aws_response_cleanup(&resp);
    return rc;
}
