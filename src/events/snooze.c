/* The snooze request of a direct invocation (events.h). */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ev_internal.h"
#include "lookout/events.h"
#include "lookout/json.h"

static const cJSON *snooze_of(const cJSON *event)
{
    const cJSON *lookout = json_get_object(event, "lookout");
    return lookout ? cJSON_GetObjectItemCaseSensitive(lookout, "snooze") : NULL;
}

int ev_is_snooze(const cJSON *event)
{
    return cJSON_IsObject(event) && snooze_of(event) != NULL;
}

static int stream_ok(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.' && s[i] != '-')
            return 0;
    return n >= 1 && n <= 255;
}

int ev_snooze_parse(const cJSON *event, struct ev_snooze *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    const cJSON *sn = snooze_of(event);
    if (!cJSON_IsObject(sn))
        return ev_fail(err, "lookout.snooze", "must be an object with stream and minutes");
    const char *stream = json_get_string(sn, "stream");
    if (!stream || !stream_ok(stream))
        return ev_fail(err, "lookout.snooze.stream",
                       "must be a stream name of 1 to 255 letters, digits, '_', '.' or '-'");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(sn, "minutes");
    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble) || m->valuedouble < 0 ||
        m->valuedouble > EV_SNOOZE_MAX_MINUTES || m->valuedouble != floor(m->valuedouble))
        return ev_fail(err, "lookout.snooze.minutes", "must be a whole number from 0 to %d",
                       EV_SNOOZE_MAX_MINUTES);
    snprintf(out->stream, sizeof(out->stream), "%s", stream);
    out->minutes = (long)m->valuedouble;
    return LK_OK;
}
