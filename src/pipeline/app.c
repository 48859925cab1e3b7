#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/events.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/pipeline.h"

struct pl_app {
    char *alert_topic_arn;
    double min_confidence;
};

/* ARN fields are split on ':' and counted, so "arn:aws:sns:eu-west-1:123456789012:Alerts"
 * passes and anything with a field missing or empty does not. */
static int field_ok(const char *p, size_t len, int (*ok_char)(int))
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (!ok_char((unsigned char)p[i]))
            return 0;
    }
    return 1;
}

static int region_char(int c)
{
    return islower(c) || isdigit(c) || c == '-';
}

static int topic_char(int c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.';
}

static int topic_arn_ok(const char *arn)
{
    const char *f[6];
    size_t n[6];
    const char *p = arn;
    for (int i = 0; i < 6; i++) {
        const char *colon = i < 5 ? strchr(p, ':') : NULL;
        f[i] = p;
        n[i] = colon ? (size_t)(colon - p) : strlen(p);
        if (i < 5 && !colon)
            return 0;
        p = colon ? colon + 1 : p;
    }
    return n[0] == 3 && memcmp(f[0], "arn", 3) == 0 && field_ok(f[1], n[1], region_char) &&
           n[2] == 3 && memcmp(f[2], "sns", 3) == 0 && field_ok(f[3], n[3], region_char) &&
           n[4] == 12 && field_ok(f[4], n[4], isdigit) && n[5] <= 256 &&
           field_ok(f[5], n[5], topic_char);
}

static int read_min_confidence(double *out, struct lk_error *err)
{
    const char *v = getenv("MIN_CONFIDENCE");
    *out = PL_DEFAULT_MIN_CONFIDENCE;
    if (!v || !*v)
        return LK_OK;
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno != 0 || *end != '\0' || !isfinite(d) || d < 0 || d > 100)
        return err_set(err, LK_CONFIG, "MIN_CONFIDENCE must be a number from 0 to 100");
    *out = d;
    return LK_OK;
}

int pl_app_new(struct pl_app **out, struct lk_error *err)
{
    *out = NULL;
    const char *arn = getenv("ALERT_TOPIC_ARN");
    if (!arn || !*arn)
        return err_set(err, LK_CONFIG, "ALERT_TOPIC_ARN is not set");
    if (!topic_arn_ok(arn))
        return err_set(err, LK_CONFIG,
                       "ALERT_TOPIC_ARN is not an SNS topic ARN (arn:aws:sns:region:account:name)");
    double min_confidence;
    int rc = read_min_confidence(&min_confidence, err);
    if (rc != LK_OK)
        return rc;
    struct pl_app *app = calloc(1, sizeof(*app));
    char *arn_copy = strdup(arn);
    if (!app || !arn_copy) {
        free(app);
        free(arn_copy);
        return err_set(err, LK_NOMEM, "configuration");
    }
    app->alert_topic_arn = arn_copy;
    app->min_confidence = min_confidence;
    *out = app;
    return LK_OK;
}

void pl_app_free(struct pl_app *app)
{
    if (!app)
        return;
    free(app->alert_topic_arn);
    free(app);
}

/* The answer to an S3 test event: S3 sends one when a notification is configured. */
static int answer_test_event(struct lk_buf *response, struct lk_error *err)
{
    LOG_INFO("s3:TestEvent: notification configured, nothing to do");
    int rc = buf_append_str(response, "{\"route\":\"s3-test\",\"action\":\"none\"}");
    return rc == LK_OK ? LK_OK : err_set(err, rc, "response");
}

int pl_app_handle(struct pl_app *app, const struct rt_invocation *inv, struct lk_view event,
                  struct lk_buf *response, struct lk_error *err)
{
    (void)app;
    (void)inv;
    cJSON *doc = json_parse(event.ptr, event.len);
    if (!doc)
        return err_set(err, LK_INVALID_EVENT, "the event is not valid JSON");
    enum ev_kind kind = ev_classify(doc);
    int rc;
    switch (kind) {
    case EV_KIND_S3_TEST:
        rc = answer_test_event(response, err);
        break;
    case EV_KIND_UNKNOWN:
        rc = err_set(err, LK_UNSUPPORTED_EVENT,
                     "unsupported event: expected an S3, SNS or EventBridge S3 notification");
        break;
    default:
        rc = err_set(err, LK_NOT_BUILT, "the %s route is not built yet", ev_kind_name(kind));
        break;
    }
    cJSON_Delete(doc);
    return rc;
}
