/* Unit tests for the time-lapse invocation and time text (events.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/events.h"
#include "lookout/json.h"

static int parse(const char *text, struct ev_timelapse *t, struct lk_error *err)
{
    cJSON *doc = json_parse(text, strlen(text));
    assert_non_null(doc);
    int rc = ev_timelapse_parse(doc, t, err);
    cJSON_Delete(doc);
    return rc;
}

static void full_request_is_read(void **state)
{
    (void)state;
    struct ev_timelapse t;
    struct lk_error err;
    assert_int_equal(parse("{\"lookout\":{\"timelapse\":{\"stream\":\"arn:aws:kinesisvideo:eu-west-1:"
                           "123456789012:stream/yard/1690000000000\",\"start\":"
                           "\"2026-11-24T08:00:00Z\",\"end\":1795510800000,\"everyMs\":5000,"
                           "\"format\":\"sheet\",\"width\":640,\"height\":360,\"fps\":25}}}",
                           &t, &err),
                     LK_OK);
    assert_string_equal(t.range.stream_name, "yard");
    assert_non_null(t.range.arn.arn);
    assert_int_equal(t.range.start_ms, 1795507200000LL);
    assert_int_equal(t.range.end_ms, 1795510800000LL);
    assert_int_equal(t.every_ms, 5000);
    assert_int_equal(t.format, EV_TIMELAPSE_SHEET);
    assert_int_equal(t.width, 640);
    assert_int_equal(t.height, 360);
    assert_int_equal(t.fps, 25);
    ev_timelapse_cleanup(&t);
}

static void defaults_apply(void **state)
{
    (void)state;
    struct ev_timelapse t;
    struct lk_error err;
    assert_int_equal(parse("{\"lookout\":{\"timelapse\":{\"stream\":\"yard\",\"start\":1000,"
                           "\"end\":3601000}}}", &t, &err),
                     LK_OK);
    assert_int_equal(t.every_ms, EV_TIMELAPSE_DEFAULT_EVERY_MS);
    assert_int_equal(t.format, EV_TIMELAPSE_AVI);
    assert_int_equal(t.fps, EV_TIMELAPSE_DEFAULT_FPS);
    assert_int_equal(t.width, 0);
    assert_null(t.range.arn.arn);
    ev_timelapse_cleanup(&t);
}

static void bad_requests_say_where(void **state)
{
    (void)state;
    static const struct {
        const char *json, *message;
    } cases[] = {
        {"{\"lookout\":{\"timelapse\":1}}", "lookout.timelapse: missing or not an object"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":5,\"end\":5}}}",
         "end must be after start"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":5,\"end\":9,\"width\":3}}}",
         "both width and height"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":5,\"end\":9,\"everyMs\":100}}}",
         "everyMs must be a whole number from 200"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":5,\"end\":9,\"format\":\"mp4\"}}}",
         "format must be"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y y\",\"start\":5,\"end\":9}}}",
         "lookout.timelapse.stream: not a stream name"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":\"yesterday\",\"end\":9}}}",
         "lookout.timelapse.start"},
        {"{\"lookout\":{\"timelapse\":{\"stream\":\"y\",\"start\":0,\"end\":900000000000}}}",
         "longer than 7 days"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ev_timelapse t;
        struct lk_error err;
        assert_int_equal(parse(cases[i].json, &t, &err), LK_INVALID_EVENT);
        if (!strstr(err.message, cases[i].message))
            fail_msg("%s: %s", cases[i].json, err.message);
        assert_null(t.range.stream_name);
    }
}

static void time_text_and_routing(void **state)
{
    (void)state;
    long long ms;
    struct lk_error err;
    assert_int_equal(ev_parse_time_text("1700000000000", 13, &ms, &err), LK_OK);
    assert_int_equal(ms, 1700000000000LL);
    assert_int_equal(ev_parse_time_text("2023-11-14T22:13:20Z", 20, &ms, &err), LK_OK);
    assert_int_equal(ms, 1700000000000LL);
    assert_int_equal(ev_parse_time_text("2023-11-14", 10, &ms, &err), LK_INVALID_EVENT);
    assert_int_equal(ev_timelapse_format_parse("apng"), EV_TIMELAPSE_APNG);
    assert_int_equal(ev_timelapse_format_parse("APNG"), -1);
    assert_string_equal(ev_timelapse_format_name(EV_TIMELAPSE_AVI), "avi");
    cJSON *doc = json_parse("{\"lookout\":{\"timelapse\":{}}}", 28);
    assert_true(ev_is_timelapse(doc));
    cJSON_Delete(doc);
    doc = json_parse("{\"lookout\":{\"stream\":\"y\"}}", 26);
    assert_false(ev_is_timelapse(doc));
    cJSON_Delete(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_request_is_read),
        cmocka_unit_test(defaults_apply),
        cmocka_unit_test(bad_requests_say_where),
        cmocka_unit_test(time_text_and_routing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
