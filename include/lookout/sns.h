/*
 * sns.h: SNS Publish (Query protocol) with message attributes, on an aws_client made for
 * AWS_SVC_SNS. The plain message structure delivers the attributes, so subscribers can filter
 * on them; the per-protocol structure (MessageStructure=json) gives each protocol its own text
 * but SNS then delivers no attributes, so it is for messages that carry none.
 */
#ifndef LOOKOUT_SNS_H
#define LOOKOUT_SNS_H

#include <stddef.h>
#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/error.h"

/* One message attribute. type is "String", "String.Array" (value: a JSON array) or "Number". */
struct sns_attribute {
    const char *name;
    const char *type;
    const char *value;
};

struct sns_message {
    const char *topic_arn;
    const char *subject;      /* NULL for none */
    const char *body;
    size_t body_len;
    const struct sns_attribute *attributes;
    size_t attribute_count;
    int per_protocol; /* 1: body is a JSON object of one string per protocol, with "default"
                         (MessageStructure=json); attribute_count must then be 0 */
};

/* Reads a Publish answer (len bytes of XML, not NUL-terminated): the text of its
 * <MessageId> into message_id (cap bytes, NUL-terminated; empty on failure). LK_OK, or
 * LK_AWS_BAD_RESPONSE when it is missing, empty, does not fit cap or holds anything but
 * letters, digits and '-'. */
int sns_parse_publish_answer(const char *body, size_t len, char *message_id, size_t cap,
                             struct lk_error *err);

/* Publishes msg (LK_INVALID_ARG for attributes with per_protocol); on success copies the
 * MessageId SNS returned into message_id (cap bytes, NUL-terminated). A 2xx without a MessageId is malformed: retried, then
 * LK_AWS_BAD_RESPONSE. */
int sns_publish(struct aws_client *sns, const struct sns_message *msg, int64_t deadline_ms,
                char *message_id, size_t cap, struct lk_error *err);

#endif
