/* Event JSON: classification, the whole-event parser and every record parser. */
#include <stddef.h>
#include <stdint.h>

#include "lookout/events.h"
#include "lookout/json.h"

static void each_record(const cJSON *event)
{
    const cJSON *rec;
    cJSON_ArrayForEach(rec, json_get_array(event, "Records"))
    {
        struct lk_error err;
        struct ev_s3_object o;
        ev_s3_parse_record(rec, "Records[0]", &o, &err);
        ev_s3_object_cleanup(&o);
        struct ev_sns_message m;
        if (ev_sns_parse_record(rec, "Records[0]", &m, &err) == LK_OK && m.parsed) {
            struct ev_kvs_fragment f;
            ev_kvs_fragment_parse(m.parsed, "Message", &f, &err);
            ev_kvs_fragment_cleanup(&f);
        }
        ev_sns_message_cleanup(&m);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *event = json_parse((const char *)data, size);
    if (!event)
        return 0;
    struct lk_error err;
    ev_kind_name(ev_classify(event));
    struct ev_batch b;
    if (ev_parse(event, ev_classify(event), &b, &err) == LK_OK)
        ev_batch_error_count(&b);
    ev_batch_cleanup(&b);
    each_record(event);
    struct ev_s3_object o;
    ev_eventbridge_parse(event, &o, &err);
    ev_s3_object_cleanup(&o);
    struct ev_kvs_fragment f;
    ev_kvs_fragment_parse(event, "", &f, &err);
    ev_kvs_fragment_cleanup(&f);
    cJSON_Delete(event);
    return 0;
}
