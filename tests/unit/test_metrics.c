/* Unit tests for src/pipeline/metrics.c: the response's suppressed counts and the CloudWatch
 * Embedded Metric Format line (the shape the EMF specification requires). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/metrics.h"
#include "lookout/state.h"

#define NOW_MS 1733526000123LL

static struct pl_stats sample_stats(void)
{
    struct pl_stats st = {.frames = 7, .alerts = 2, .streams = 1};
    snprintf(st.stream, sizeof(st.stream), "%s", "front-door");
    for (int w = 0; w < PL_WHY_COUNT; w++)
        st.suppressed[w] = (size_t)(w + 1); /* duplicate 1, cooldown 2, ... still 7 */
    return st;
}

/* The EMF line of st, parsed; fails the test when it is not one line of JSON. */
static cJSON *emf(const struct pl_stats *st)
{
    struct lk_buf out;
    buf_init(&out, 1 << 16);
    assert_int_equal(pl_metrics_emf(st, NOW_MS, &out), LK_OK);
    assert_true(out.len > 0);
    assert_null(memchr(out.data, '\n', out.len));
    cJSON *doc = cJSON_ParseWithLength((const char *)out.data, out.len);
    assert_non_null(doc);
    char stamp[64];
    snprintf(stamp, sizeof(stamp), "\"Timestamp\":%lld", NOW_MS);
    assert_non_null(strstr((const char *)out.data, stamp)); /* an integer, not 1.7e12 */
    buf_cleanup(&out);
    return doc;
}

/* The line is written without a tree, yet its bytes are those cJSON prints: cJSON's own
 * print of the parsed line gives it back whole, for a stream name with escapes too. */
static void emf_bytes_are_what_cjson_prints(void **state)
{
    (void)state;
    struct pl_stats st = sample_stats();
    snprintf(st.stream, sizeof(st.stream), "%s", "front\"door\\\t\x01\xe6\x97\xa5");
    for (int streams = 1; streams <= 2; streams++) {
        st.streams = (size_t)streams;
        struct lk_buf out;
        buf_init(&out, 1 << 16);
        assert_int_equal(pl_metrics_emf(&st, NOW_MS, &out), LK_OK);
        cJSON *doc = cJSON_ParseWithLength((const char *)out.data, out.len);
        assert_non_null(doc);
        char *theirs = cJSON_PrintUnformatted(doc);
        assert_non_null(theirs);
        assert_string_equal(buf_cstr(&out), theirs);
        free(theirs);
        cJSON_Delete(doc);
        buf_cleanup(&out);
    }
}

static double number(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static void emf_has_the_required_shape(void **state)
{
    (void)state;
    struct pl_stats st = sample_stats();
    cJSON *doc = emf(&st);
    const cJSON *aws = cJSON_GetObjectItemCaseSensitive(doc, "_aws");
    assert_true(cJSON_IsObject(aws));
    assert_float_equal(number(aws, "Timestamp"), (double)NOW_MS, 0);
    const cJSON *cwm = cJSON_GetObjectItemCaseSensitive(aws, "CloudWatchMetrics");
    assert_true(cJSON_IsArray(cwm));
    assert_int_equal(cJSON_GetArraySize(cwm), 1);
    const cJSON *d = cJSON_GetArrayItem(cwm, 0);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(d, "Namespace")->valuestring,
                        "KvsLookout");
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(d, "Dimensions");
    assert_true(cJSON_IsArray(dims));
    assert_int_equal(cJSON_GetArraySize(dims), 1);
    const cJSON *set = cJSON_GetArrayItem(dims, 0);
    assert_int_equal(cJSON_GetArraySize(set), 1);
    assert_string_equal(cJSON_GetArrayItem(set, 0)->valuestring, "Stream");
    /* Every dimension and metric the directive names is a member of the root. */
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "Stream")->valuestring,
                        "front-door");
    const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(d, "Metrics");
    assert_int_equal(cJSON_GetArraySize(metrics), 3 + PL_WHY_COUNT);
    const cJSON *m;
    cJSON_ArrayForEach(m, metrics)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(m, "Name");
        assert_true(cJSON_IsString(name));
        assert_string_equal(cJSON_GetObjectItemCaseSensitive(m, "Unit")->valuestring, "Count");
        (void)number(doc, name->valuestring);
    }
    cJSON_Delete(doc);
}

static void emf_counts_frames_calls_alerts_and_each_reason(void **state)
{
    (void)state;
    struct pl_stats st = sample_stats();
    cJSON *doc = emf(&st);
    /* Frames seen: labelled (7) + duplicate (1) + snoozed (6) + still (7). */
    assert_float_equal(number(doc, "Frames"), 21, 0);
    assert_float_equal(number(doc, "RekognitionCalls"), 7, 0);
    assert_float_equal(number(doc, "Alerts"), 2, 0);
    assert_float_equal(number(doc, "SuppressedDuplicate"), 1, 0);
    assert_float_equal(number(doc, "SuppressedCooldown"), 2, 0);
    assert_float_equal(number(doc, "SuppressedStationary"), 3, 0);
    assert_float_equal(number(doc, "SuppressedOutsideZones"), 4, 0);
    assert_float_equal(number(doc, "SuppressedTooSmall"), 5, 0);
    assert_float_equal(number(doc, "SuppressedSnoozed"), 6, 0);
    assert_float_equal(number(doc, "SuppressedStill"), 7, 0);
    cJSON_Delete(doc);
}

static void emf_names_several_streams_and_escapes_the_name(void **state)
{
    (void)state;
    struct pl_stats st = sample_stats();
    st.streams = 2;
    cJSON *doc = emf(&st);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "Stream")->valuestring, "several");
    cJSON_Delete(doc);
    st.streams = 1;
    snprintf(st.stream, sizeof(st.stream), "%s", "door \"2\"\nback");
    doc = emf(&st);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(doc, "Stream")->valuestring,
                        "door \"2\"\nback");
    cJSON_Delete(doc);
}

static void emf_is_nothing_when_no_frame_was_seen(void **state)
{
    (void)state;
    struct pl_stats st = {0};
    struct lk_buf out;
    buf_init(&out, 1024);
    assert_int_equal(pl_metrics_emf(&st, NOW_MS, &out), LK_OK);
    assert_int_equal(out.len, 0);
    buf_cleanup(&out);
}

static void suppressed_lists_every_reason_zeros_included(void **state)
{
    (void)state;
    struct pl_stats st = {0};
    st.suppressed[PL_WHY_COOLDOWN] = 3;
    cJSON *o = cJSON_CreateObject();
    assert_true(pl_metrics_add_suppressed(o, &st));
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "suppressed");
    assert_int_equal(cJSON_GetArraySize(s), PL_WHY_COUNT);
    assert_float_equal(number(s, "cooldown"), 3, 0);
    assert_float_equal(number(s, "duplicate"), 0, 0);
    assert_float_equal(number(s, "outsideZones"), 0, 0);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(emf_has_the_required_shape),
        cmocka_unit_test(emf_bytes_are_what_cjson_prints),
        cmocka_unit_test(emf_counts_frames_calls_alerts_and_each_reason),
        cmocka_unit_test(emf_names_several_streams_and_escapes_the_name),
        cmocka_unit_test(emf_is_nothing_when_no_frame_was_seen),
        cmocka_unit_test(suppressed_lists_every_reason_zeros_included),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
