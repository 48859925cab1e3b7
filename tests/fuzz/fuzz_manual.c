/* Direct invocations and CloudFormation custom-resource requests. */
#include <stddef.h>
#include <stdint.h>

#include "lookout/events.h"
#include "lookout/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *event = json_parse((const char *)data, size);
    if (!event)
        return 0;
    struct lk_error err;
    struct ev_manual m;
    ev_manual_parse(event, &m, &err);
    ev_manual_cleanup(&m);
    struct ev_cfn_request r;
    if (ev_cfn_parse(event, &r, &err) == LK_OK)
        ev_cfn_request_type_name(r.type);
    ev_cfn_cleanup(&r);
    cJSON_Delete(event);
    return 0;
}
