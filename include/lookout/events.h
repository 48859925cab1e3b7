/*
 * events.h: outside events parsed into plain structs. Pure parsing: nothing here touches
 * the network or the clock.
 *
 * ev_classify looks at a parsed event once and says which route it takes. The kinds:
 *   EV_KIND_S3              {"Records":[{"eventSource":"aws:s3",...}]}
 *   EV_KIND_S3_TEST         {"Service":"Amazon S3","Event":"s3:TestEvent",...}
 *   EV_KIND_SNS             {"Records":[{"EventSource":"aws:sns","Sns":{...}}]} (S3 inside,
 *                           or a KVS fragment notification: told apart when parsing the message)
 *   EV_KIND_EVENTBRIDGE_S3  {"source":"aws.s3","detail-type":"Object Created",...}
 *   EV_KIND_MANUAL          {"lookout":{...}}: a direct invocation (see README)
 *   EV_KIND_CFN_CUSTOM      a CloudFormation custom-resource request (RequestType,
 *                           ResponseURL, ResourceProperties)
 *   EV_KIND_UNKNOWN         anything else
 */
#ifndef LOOKOUT_EVENTS_H
#define LOOKOUT_EVENTS_H

#include <cjson/cJSON.h>

enum ev_kind {
    EV_KIND_UNKNOWN,
    EV_KIND_S3,
    EV_KIND_S3_TEST,
    EV_KIND_SNS,
    EV_KIND_EVENTBRIDGE_S3,
    EV_KIND_MANUAL,
    EV_KIND_CFN_CUSTOM
};

/* The route of a parsed event. event may be any JSON value (NULL gives UNKNOWN). */
enum ev_kind ev_classify(const cJSON *event);
/* "s3", "s3-test", "sns", "eventbridge-s3", "manual", "cfn-custom-resource", "unknown". */
const char *ev_kind_name(enum ev_kind kind);

#endif
