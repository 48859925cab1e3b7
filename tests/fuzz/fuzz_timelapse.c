/* The time-lapse invocation and the time text of `bootstrap timelapse --start/--end`. */
#include <stddef.h>
#include <stdint.h>

#include "lookout/events.h"
#include "lookout/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct lk_error err;
    long long ms;
    ev_parse_time_text((const char *)data, size, &ms, &err);
    cJSON *event = json_parse((const char *)data, size);
    if (!event)
        return 0;
    struct ev_timelapse t = {0};
    if (ev_is_timelapse(event) && ev_timelapse_parse(event, &t, &err) == LK_OK)
        ev_timelapse_format_name(t.format);
    ev_timelapse_cleanup(&t);
    cJSON_Delete(event);
    return 0;
}
