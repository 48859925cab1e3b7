#include <string.h>

#include "lookout/events.h"
#include "lookout/json.h"

/* Records[] events carry their source in the first record: S3 spells it eventSource, SNS
 * EventSource. A batch never mixes sources. */
static enum ev_kind classify_records(const cJSON *records)
{
    const cJSON *first = cJSON_GetArrayItem(records, 0);
    if (!cJSON_IsObject(first))
        return EV_KIND_UNKNOWN;
    const char *s3 = json_get_string(first, "eventSource");
    if (s3 && strcmp(s3, "aws:s3") == 0)
        return EV_KIND_S3;
    const char *sns = json_get_string(first, "EventSource");
    if (sns && strcmp(sns, "aws:sns") == 0)
        return EV_KIND_SNS;
    return EV_KIND_UNKNOWN;
}

static int str_is(const cJSON *obj, const char *name, const char *want)
{
    const char *v = json_get_string(obj, name);
    return v && strcmp(v, want) == 0;
}

enum ev_kind ev_classify(const cJSON *event)
{
    if (!cJSON_IsObject(event))
        return EV_KIND_UNKNOWN;
    const cJSON *records = json_get_array(event, "Records");
    if (records)
        return classify_records(records);
    if (str_is(event, "Event", "s3:TestEvent"))
        return EV_KIND_S3_TEST;
    if (str_is(event, "source", "aws.s3") && str_is(event, "detail-type", "Object Created"))
        return EV_KIND_EVENTBRIDGE_S3;
    if (json_get_object(event, "lookout"))
        return EV_KIND_MANUAL;
    if (json_get_string(event, "RequestType") && json_get_string(event, "ResponseURL"))
        return EV_KIND_CFN_CUSTOM;
    return EV_KIND_UNKNOWN;
}

const char *ev_kind_name(enum ev_kind kind)
{
    switch (kind) {
    case EV_KIND_S3:
        return "s3";
    case EV_KIND_S3_TEST:
        return "s3-test";
    case EV_KIND_SNS:
        return "sns";
    case EV_KIND_EVENTBRIDGE_S3:
        return "eventbridge-s3";
    case EV_KIND_MANUAL:
        return "manual";
    case EV_KIND_CFN_CUSTOM:
        return "cfn-custom-resource";
    case EV_KIND_UNKNOWN:
        break;
    }
    return "unknown";
}
