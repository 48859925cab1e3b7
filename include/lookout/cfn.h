/*
 * cfn.h: the answer a CloudFormation custom resource owes its stack. CloudFormation hands
 * the function a ResponseURL, a presigned S3 PUT, and waits (up to an hour) for a JSON body
 * there saying SUCCESS or FAILED.
 *
 * The client is one made for AWS_SVC_CLOUDFORMATION_RESPONSE: the URL carries its own
 * signature, so the request goes out as it is, unsigned, with retries and the deadline of any
 * AWS call, and its failures read "CloudFormation response ...".
 */
#ifndef LOOKOUT_CFN_H
#define LOOKOUT_CFN_H

#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/error.h"

/* PUTs body (JSON, NUL-terminated) to response_url. The presigned signature does not cover a
 * content type, so none is sent. */
int cfn_respond(struct aws_client *client, const char *response_url, const char *body,
                int64_t deadline_ms, struct lk_error *err);

#endif
