/*
 * dynamodb.h: Amazon DynamoDB PutItem, UpdateItem, GetItem and DeleteItem (JSON 1.0
 * protocol: POST "/", X-Amz-Target DynamoDB_20120810.<Operation>, Content-Type
 * application/x-amz-json-1.0, SigV4 service "dynamodb") on an aws_client made for
 * AWS_SVC_DYNAMODB (prefix ddb_).
 *
 * Two layers, as in rekognition.h:
 * - the pure part: ddb_parse_item reads one item (AttributeValue JSON) out of a response or
 *   error body, the outside bytes this module takes in;
 * - the calls: the caller builds the request object (TableName, Key or Item, the condition
 *   and its ExpressionAttributeNames/Values) with cJSON and the ddb_attr_* helpers.
 *
 * A failed condition (ConditionalCheckFailedException) is LK_AWS_CONDITION_FAILED, never
 * retried, with the item the condition saw in *old when the request asked for it
 * (ReturnValuesOnConditionCheckFailure = ALL_OLD).
 */
#ifndef LOOKOUT_DYNAMODB_H
#define LOOKOUT_DYNAMODB_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include "lookout/aws.h"
#include "lookout/error.h"

#define DDB_CONTENT_TYPE "application/x-amz-json-1.0"
#define DDB_TARGET_PREFIX "DynamoDB_20120810."
#define DDB_MAX_ATTRIBUTES 32      /* attributes kept from one item; more is malformed */
#define DDB_MAX_NAME_BYTES 64      /* attribute names this function reads */
#define DDB_MAX_VALUE_BYTES 65536  /* one S or N value */
#define DDB_MAX_RESPONSE_BYTES (512 * 1024)

/* One attribute: 'S' (string) or 'N' (a number, kept as the text DynamoDB sent). Attributes
 * of other types are skipped, since this function never writes them. */
struct ddb_attr {
    char name[DDB_MAX_NAME_BYTES + 1];
    char type;
    char *value; /* owned, NUL-terminated */
};

/* Caller storage; ddb_item_cleanup frees the values. present is 0 when the body held no
 * item (GetItem of a missing key, a condition failure without ALL_OLD). */
struct ddb_item {
    int present;
    size_t count;
    struct ddb_attr attrs[DDB_MAX_ATTRIBUTES];
};

/* Reads member ("Item" or "Attributes") of a JSON body of len bytes into out (zeroed
 * first). A body that is not a JSON object, or a member that is not a map of
 * AttributeValues (each an object with exactly one type key; S and N values strings, N a
 * decimal number), is LK_AWS_BAD_RESPONSE naming the place; past DDB_MAX_ATTRIBUTES too.
 * A missing member is LK_OK with present 0. */
int ddb_parse_item(const char *text, size_t len, const char *member, struct ddb_item *out,
                   struct lk_error *err);
void ddb_item_cleanup(struct ddb_item *item);

/* The S value of name, or NULL (borrowed from item). */
const char *ddb_item_s(const struct ddb_item *item, const char *name);
/* The N value of name as a whole number: 0, or -1 when absent, not N, or not an integer. */
int ddb_item_n(const struct ddb_item *item, const char *name, long long *out);

/* AttributeValues for requests: {"S":s} and {"N":"n"}. NULL when out of memory (cJSON then
 * drops the member, and the request fails DynamoDB's validation rather than ours). */
cJSON *ddb_attr_s(const char *s);
cJSON *ddb_attr_n(long long n);

/* Sends request (borrowed) as operation op ("PutItem", "UpdateItem", "GetItem",
 * "DeleteItem"), never past deadline_ms. When out is not NULL it receives member of the
 * answer ("Item" for GetItem, "Attributes" for ReturnValues), or on LK_AWS_CONDITION_FAILED
 * the "Item" of the error body; the caller frees it with ddb_item_cleanup (also after any
 * failure). A 2xx whose body is not a JSON object is malformed and retried. Errors: those
 * of aws_client_send (throttling and 5xx retried), LK_AWS_CONDITION_FAILED, LK_NOMEM. */
int ddb_call(struct aws_client *ddb, const char *op, const cJSON *request, const char *member,
             int64_t deadline_ms, struct ddb_item *out, struct lk_error *err);

#endif
