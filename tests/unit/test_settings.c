/* Unit tests for src/pipeline/settings.c: every pipeline setting read from the environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/settings.h"

#define TOPIC "arn:aws:sns:us-east-1:123456789012:alerts"

static const char *const VARS[] = {
    "ALERT_TOPIC_ARN", "ALERT_LABELS",    "MIN_CONFIDENCE",    "MAX_LABELS",
    "PRESIGN_TTL_S",   "SNAPSHOT_BUCKET", "SNAPSHOT_PREFIX",   "KVS_WINDOW_MS",
    "KVS_SAMPLING_MS", "KVS_MAX_FRAMES",  "MOTION_MIN_CHANGE", "STATE_TABLE",
    "IDEMPOTENCY_TTL_S", "COOLDOWN_S",    "STATIONARY_S",      "MIN_BOX_AREA",
    "ZONES",           "AWS_LAMBDA_FUNCTION_NAME",
};

static int clean_env(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(VARS) / sizeof(VARS[0]); i++)
        unsetenv(VARS[i]);
    setenv("ALERT_TOPIC_ARN", TOPIC, 1);
    return 0;
}

static void reads_the_environment(void **state)
{
    (void)state;
    struct pl_settings s;
    struct lk_error e;
    setenv("ALERT_LABELS", "Cat:60,Dog", 1);
    setenv("MIN_CONFIDENCE", "65", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_int_equal(s.labels.count, 2);
    assert_float_equal(s.labels.wanted[1].min_confidence, 65, 0);
    pl_settings_cleanup(&s);
    setenv("MIN_CONFIDENCE", "x", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_CONFIG);
    assert_non_null(strstr(e.message, "MIN_CONFIDENCE"));
    unsetenv("ALERT_LABELS");
    unsetenv("MIN_CONFIDENCE");
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_string_equal(s.labels.wanted[0].name, "Person");
    pl_settings_cleanup(&s);
}

static void defaults(void **state)
{
    (void)state;
    struct pl_settings s;
    struct lk_error e;
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_string_equal(s.alert_topic_arn, TOPIC);
    /* KVS's own examples read 3 s past a notified fragment's start. */
    assert_int_equal(s.kvs_window_ms, 3000);
    assert_int_equal(s.kvs_sampling_ms, 1000);
    assert_int_equal(s.kvs_max_frames, 3);
    assert_int_equal(s.max_labels, 50);
    assert_int_equal(s.presign_ttl_s, 3600);
    assert_null(s.snapshot_bucket);
    assert_string_equal(s.snapshot_prefix, "alerts/");
    assert_float_equal(s.motion_min_change, 0, 0);
    pl_settings_cleanup(&s);
}

/* Links presigned with role credentials die with the session: six hours is the most asked. */
static void presign_ttl_is_capped_at_six_hours(void **state)
{
    (void)state;
    struct pl_settings s;
    struct lk_error e;
    setenv("PRESIGN_TTL_S", "21600", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_int_equal(s.presign_ttl_s, 6 * 3600);
    pl_settings_cleanup(&s);
    setenv("PRESIGN_TTL_S", "604800", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_CONFIG);
    assert_non_null(strstr(e.message, "PRESIGN_TTL_S"));
}

static void names_the_variable_at_fault(void **state)
{
    (void)state;
    static const char *const bad[][2] = {
        {"ALERT_TOPIC_ARN", "arn:aws:sqs:us-east-1:123456789012:q"},
        {"MAX_LABELS", "0"},
        {"PRESIGN_TTL_S", "21601"},
        {"KVS_WINDOW_MS", "300001"},
        {"KVS_SAMPLING_MS", "199"},
        {"KVS_MAX_FRAMES", "many"},
        {"MOTION_MIN_CHANGE", "1.5"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        clean_env(NULL);
        setenv(bad[i][0], bad[i][1], 1);
        struct pl_settings s;
        struct lk_error e;
        assert_int_equal(pl_settings_from_env(&s, &e), LK_CONFIG);
        assert_non_null(strstr(e.message, bad[i][0]));
    }
    clean_env(NULL);
    unsetenv("ALERT_TOPIC_ARN");
    struct pl_settings s;
    struct lk_error e;
    assert_int_equal(pl_settings_from_env(&s, &e), LK_CONFIG);
    assert_string_equal(e.message, "ALERT_TOPIC_ARN is not set");
}

static void state_and_rule_defaults(void **state)
{
    (void)state;
    struct pl_settings s;
    struct lk_error e;
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_null(s.state_table); /* stateless */
    assert_null(s.zones);
    assert_int_equal(s.idempotency_ttl_s, 86400);
    assert_int_equal(s.cooldown_s, 60);
    assert_int_equal(s.stationary_s, 3600);
    assert_float_equal(s.min_box_area, 0, 0);
    pl_settings_cleanup(&s);
}

static void state_and_rule_ranges(void **state)
{
    (void)state;
    static const char *const good[][2] = {
        {"STATE_TABLE", "kvs-lookout.state_1"}, {"IDEMPOTENCY_TTL_S", "60"},
        {"IDEMPOTENCY_TTL_S", "31536000"},      {"COOLDOWN_S", "0"},
        {"COOLDOWN_S", "86400"},                {"STATIONARY_S", "0"},
        {"STATIONARY_S", "604800"},             {"MIN_BOX_AREA", "0.015"},
        {"MIN_BOX_AREA", "1"},                  {"ZONES", ""},
    };
    static const char *const bad[][2] = {
        {"STATE_TABLE", "ab"},          {"STATE_TABLE", "my table"},
        {"IDEMPOTENCY_TTL_S", "59"},    {"IDEMPOTENCY_TTL_S", "31536001"},
        {"COOLDOWN_S", "-1"},           {"COOLDOWN_S", "86401"},
        {"COOLDOWN_S", "60s"},          {"STATIONARY_S", "604801"},
        {"STATIONARY_S", "1e3"},        {"MIN_BOX_AREA", "-0.1"},
        {"MIN_BOX_AREA", "1.01"},       {"MIN_BOX_AREA", "nan"},
        {"ZONES", "porch"},             {"ZONES", "[{\"name\":\"a\"}]"},
    };
    struct pl_settings s;
    struct lk_error e;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        clean_env(NULL);
        setenv(good[i][0], good[i][1], 1);
        if (pl_settings_from_env(&s, &e) != LK_OK)
            fail_msg("%s=%s refused: %s", good[i][0], good[i][1], e.message);
        pl_settings_cleanup(&s);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        clean_env(NULL);
        setenv(bad[i][0], bad[i][1], 1);
        if (pl_settings_from_env(&s, &e) != LK_CONFIG || !strstr(e.message, bad[i][0]))
            fail_msg("%s=%s: \"%s\"", bad[i][0], bad[i][1], e.message);
    }
}

static void zones_are_read_once(void **state)
{
    (void)state;
    struct pl_settings s;
    struct lk_error e;
    setenv("ZONES", "[{\"name\":\"porch\",\"polygon\":[[0,0.5],[1,0.5],[1,1]]}]", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_OK);
    assert_non_null(s.zones);
    assert_int_equal(s.zones->count, 1);
    assert_string_equal(s.zones->zones[0].name, "porch");
    pl_settings_cleanup(&s);
    assert_null(s.zones);
    setenv("ZONES", "[{\"name\":\"porch\",\"polygon\":[[0,0.5],[1,0.5],[1,2]]}]", 1);
    assert_int_equal(pl_settings_from_env(&s, &e), LK_CONFIG);
    assert_string_equal(e.message, "ZONES[0].polygon[2]: x and y must be numbers from 0 to 1");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(reads_the_environment, clean_env),
        cmocka_unit_test_setup(defaults, clean_env),
        cmocka_unit_test_setup(presign_ttl_is_capped_at_six_hours, clean_env),
        cmocka_unit_test_setup(names_the_variable_at_fault, clean_env),
        cmocka_unit_test_setup(state_and_rule_defaults, clean_env),
        cmocka_unit_test_setup(state_and_rule_ranges, clean_env),
        cmocka_unit_test_setup(zones_are_read_once, clean_env),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
