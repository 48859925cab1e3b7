/* libFuzzer target: the DetectLabels response parser, and the decision and alert built on
 * whatever it accepts, since those walk every field it fills. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lookout/alert.h"
#include "lookout/decide.h"
#include "lookout/rekognition.h"

static void check_labels(const struct rek_result *r)
{
    for (size_t i = 0; i < r->label_count; i++) {
        const struct rek_label *l = &r->labels[i];
        if (!l->name[0] || l->confidence < 0 || l->confidence > 100 ||
            l->instance_count > REK_MAX_INSTANCES)
            __builtin_trap();
        for (size_t k = 0; k < l->instance_count; k++)
            if (l->instances[k].box.width < 0 || l->instances[k].box.height < 0)
                __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rek_result r;
    struct dec_config cfg;
    struct dec_result m;
    struct alert a;
    struct lk_error err;
    if (rek_parse_labels((const char *)data, size, &r, &err) != LK_OK) {
        if (r.label_count != 0 || r.labels != NULL)
            __builtin_trap();
        return 0;
    }
    check_labels(&r);
    if (dec_config_parse("Person:10,Animal,Vehicle:0", "50", &cfg, &err) == LK_OK &&
        dec_match(&cfg, &r, &m, &err) == LK_OK) {
        if (m.label_count > 0) {
            struct alert_input in = {.stream_name = "fuzz-cam", .frame_ms = 1,
                                     .trigger = EV_TRIGGER_S3, .producer_ms = -1,
                                     .server_ms = -1, .match = &m};
            if (alert_build(&in, &a, &err) == LK_OK) {
                if (strlen(a.subject) > ALERT_SUBJECT_MAX)
                    __builtin_trap();
                alert_cleanup(&a);
            }
        }
        dec_result_cleanup(&m);
    }
    rek_result_cleanup(&r);
    return 0;
}
