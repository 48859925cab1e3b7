/* json_format_number against cJSON's own printer: the same bytes wherever cJSON's text reads
 * back as the value, and always a text that reads back exactly. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lookout/json.h"

/* Checks one value; returns 1 when the short text and cJSON's agree byte for byte. */
static int check(double v)
{
    char text[JSON_NUMBER_MAX];
    size_t len = json_format_number(v, text);
    assert_int_equal(len, strlen(text));
    cJSON *n = cJSON_CreateNumber(v);
    char *theirs = cJSON_PrintUnformatted(n);
    assert_non_null(theirs);
    int same = strcmp(text, theirs) == 0;
    if (isfinite(v)) {
        char *end = NULL;
        assert_true(strtod(text, &end) == v);
        assert_true(*end == '\0');
        if (strtod(theirs, NULL) == v && !same)
            fail_msg("%.17g: ours %s, cJSON %s", v, text, theirs);
    } else {
        assert_string_equal(text, theirs);
    }
    free(theirs);
    cJSON_Delete(n);
    return same;
}

static void confidences_print_as_cjson_does(void **state)
{
    (void)state;
    for (int i = 0; i <= 1000000; i += 7)
        check(i / 10000.0); /* 0..100 with four decimals, as Rekognition answers */
    check(99.4321);
    check(-12.5);
}

static void integers_and_milliseconds(void **state)
{
    (void)state;
    const double v[] = {0, -0.0, 1, 2, 10, 1690707290324.0, 999999999999999.0, 1e15, -7,
                        4294967296.0, 9007199254740993.0};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        check(v[i]);
}

static void small_large_and_long_values_read_back(void **state)
{
    (void)state;
    const double v[] = {1e-4, 9.99e-5, 1e-7, 0.1, 0.2 + 0.1, 1.0 / 3, 0.33098584413528442,
                        123456.789012345, 1e300, -2.5e-10, 5e-324, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        check(v[i]);
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 20000; i++) { /* xorshift: doubles of every shape */
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        double d;
        memcpy(&d, &x, sizeof d);
        check(d);
        check((double)(x % 100000000) / 1e6);
    }
}

static void raw_items_print_in_a_tree(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    assert_non_null(json_add_number(o, "confidence", 99.4321));
    assert_non_null(json_add_number(o, "n", NAN));
    char *text = cJSON_PrintUnformatted(o);
    assert_string_equal(text, "{\"confidence\":99.4321,\"n\":null}");
    cJSON *back = cJSON_Parse(text);
    assert_true(cJSON_GetObjectItem(back, "confidence")->valuedouble == 99.4321);
    cJSON_Delete(back);
    free(text);
    cJSON_Delete(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(confidences_print_as_cjson_does),
        cmocka_unit_test(integers_and_milliseconds),
        cmocka_unit_test(small_large_and_long_values_read_back),
        cmocka_unit_test(raw_items_print_in_a_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
