/* The snooze request: silences a stream in the state table until a time it answers with. */
#include <stdlib.h>

#include "lookout/alert.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/state.h"

int pl_state_snooze_request(struct pl_job *job, const cJSON *event, struct lk_buf *response,
                            struct lk_error *err)
{
    struct ev_snooze req;
    int rc = ev_snooze_parse(event, &req, err);
    if (rc != LK_OK)
        return rc;
    if (!pl_state_on(job))
        return err_set(err, LK_INVALID_EVENT,
                       "lookout.snooze needs STATE_TABLE: the function keeps no state without it");
    long long until_ms = 0;
    char until[25] = "";
    rc = pl_state_snooze(job, req.stream, req.minutes, &until_ms, err);
    if (rc != LK_OK)
        return err_wrap(err, "snooze of %s", req.stream);
    alert_format_time(until_ms, until);
    LOG_INFO("stream %s snoozed until %s", req.stream, req.minutes ? until : "now (ended)");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "route", "snooze");
    cJSON_AddStringToObject(o, "stream", req.stream);
    cJSON_AddStringToObject(o, "snoozedUntil", until);
    cJSON_AddNumberToObject(o, "snoozedUntilMs", (double)until_ms);
    rc = json_print_into(o, response);
    return rc == LK_OK ? LK_OK : err_set(err, rc, "cannot write the response");
}
