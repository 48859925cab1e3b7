/* Unit tests for src/services/dynamodb.c: items read from DynamoDB answers, request values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/dynamodb.h"

static int parse(const char *body, const char *member, struct ddb_item *it, struct lk_error *e)
{
    return ddb_parse_item(body, strlen(body), member, it, e);
}

static void reads_s_and_n_and_skips_other_types(void **state)
{
    (void)state;
    struct ddb_item it;
    struct lk_error e = {0};
    const char *body = "{\"Item\":{\"id\":{\"S\":\"k#1\"},\"expiration\":{\"N\":\"1700000000\"},"
                       "\"tags\":{\"SS\":[\"a\"]},\"ok\":{\"BOOL\":true},\"f\":{\"N\":\"1.5\"}}}";
    assert_int_equal(LK_OK, parse(body, "Item", &it, &e));
    assert_true(it.present);
    assert_string_equal("k#1", ddb_item_s(&it, "id"));
    long long n = 0;
    assert_int_equal(0, ddb_item_n(&it, "expiration", &n));
    assert_int_equal(1700000000LL, n);
    assert_int_equal(-1, ddb_item_n(&it, "f", &n)); /* not a whole number */
    assert_int_equal(-1, ddb_item_n(&it, "id", &n)); /* an S, not an N */
    assert_null(ddb_item_s(&it, "tags"));
    assert_null(ddb_item_s(&it, "missing"));
    ddb_item_cleanup(&it);
}

static void missing_member_is_no_item(void **state)
{
    (void)state;
    struct ddb_item it;
    struct lk_error e = {0};
    assert_int_equal(LK_OK, parse("{}", "Item", &it, &e));
    assert_false(it.present);
    assert_int_equal(LK_OK, parse("{\"Attributes\":null}", "Attributes", &it, &e));
    assert_false(it.present);
}

static void malformed_answers_are_bad_responses(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "[]", "{\"Item\":[]}", "{\"Item\":{\"id\":\"x\"}}", "{\"Item\":{\"id\":{}}}",
        "{\"Item\":{\"id\":{\"S\":\"x\",\"N\":\"1\"}}}", "{\"Item\":{\"id\":{\"S\":5}}}",
        "{\"Item\":{\"n\":{\"N\":\"12abc\"}}}", "{\"Item\":{\"n\":{\"N\":\"\"}}}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct ddb_item it;
        struct lk_error e = {0};
        assert_int_equal(LK_AWS_BAD_RESPONSE, parse(bad[i], "Item", &it, &e));
        assert_int_equal(0, it.count);
        assert_non_null(strstr(e.message, "DynamoDB response"));
    }
}

static void too_many_attributes_is_malformed(void **state)
{
    (void)state;
    char body[4096] = "{\"Item\":{";
    size_t n = strlen(body);
    for (int i = 0; i <= DDB_MAX_ATTRIBUTES; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "%s\"a%d\":{\"S\":\"v\"}", i ? "," : "", i);
    snprintf(body + n, sizeof(body) - n, "}}");
    struct ddb_item it;
    struct lk_error e = {0};
    assert_int_equal(LK_AWS_BAD_RESPONSE, parse(body, "Item", &it, &e));
}

static void request_values_are_typed(void **state)
{
    (void)state;
    cJSON *s = ddb_attr_s("x\"y"), *n = ddb_attr_n(-42);
    char *ts = cJSON_PrintUnformatted(s), *tn = cJSON_PrintUnformatted(n);
    assert_string_equal("{\"S\":\"x\\\"y\"}", ts);
    assert_string_equal("{\"N\":\"-42\"}", tn);
    free(ts);
    free(tn);
    cJSON_Delete(s);
    cJSON_Delete(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_s_and_n_and_skips_other_types),
        cmocka_unit_test(missing_member_is_no_item),
        cmocka_unit_test(malformed_answers_are_bad_responses),
        cmocka_unit_test(too_many_attributes_is_malformed),
        cmocka_unit_test(request_values_are_typed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
