/* Unit tests for src/runtime pieces that need no Runtime API: error bodies, error-type
 * form, remaining time, client arguments. The loop itself is tested in tests/runtime/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lookout/error.h"
#include "lookout/json.h"
#include "lookout/runtime.h"

static void every_status_has_a_type_lambda_keeps(void **state)
{
    (void)state;
    for (int code = 0; code < LK_STATUS_COUNT; code++)
        assert_true(rt_error_type_valid(err_lambda_type(code)));
    assert_true(rt_error_type_valid(err_lambda_type(-1))); /* Runtime.Unknown */
}

static void error_type_form(void **state)
{
    (void)state;
    assert_true(rt_error_type_valid("Function.InvalidEvent"));
    assert_true(rt_error_type_valid("Runtime.X"));
    assert_false(rt_error_type_valid("Unhandled"));
    assert_false(rt_error_type_valid("Function."));
    assert_false(rt_error_type_valid("Function.invalid"));
    assert_false(rt_error_type_valid("Function.Bad1"));
    assert_false(rt_error_type_valid("Function.Bad.Dot"));
    assert_false(rt_error_type_valid("Other.Reason"));
}

static void error_body_is_escaped_json(void **state)
{
    (void)state;
    struct lk_error e;
    err_set(&e, LK_INVALID_EVENT, "bad \"key\"\\\n\x01 end");
    struct lk_buf b;
    buf_init(&b, 4096);
    assert_int_equal(rt_error_body(&b, &e), LK_OK);
    cJSON *doc = json_parse(b.data, b.len);
    assert_non_null(doc);
    assert_string_equal(json_get_string(doc, "errorMessage"), "bad \"key\"\\\n\x01 end");
    assert_string_equal(json_get_string(doc, "errorType"), "Function.InvalidEvent");
    const cJSON *trace = json_get_array(doc, "stackTrace");
    assert_non_null(trace);
    assert_int_equal(cJSON_GetArraySize(trace), 0);
    cJSON_Delete(doc);
    buf_cleanup(&b);
}

static void error_body_falls_back_to_default_message(void **state)
{
    (void)state;
    struct lk_error e;
    err_clear(&e);
    e.code = LK_UNSUPPORTED_EVENT;
    struct lk_buf b;
    buf_init(&b, 4096);
    assert_int_equal(rt_error_body(&b, &e), LK_OK);
    assert_non_null(strstr(buf_cstr(&b), "\"errorMessage\":\"unsupported event\""));
    buf_cleanup(&b);
}

static void remaining_time(void **state)
{
    (void)state;
    struct rt_invocation inv;
    memset(&inv, 0, sizeof(inv));
    assert_true(rt_remaining_ms(&inv) == INT64_MAX);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    inv.deadline_ms = now_ms + 60000;
    int64_t left = rt_remaining_ms(&inv);
    assert_true(left > 50000 && left <= 60000);
    inv.deadline_ms = now_ms - 1000;
    assert_true(rt_remaining_ms(&inv) < 0);
}

static void client_needs_an_address(void **state)
{
    (void)state;
    struct rt_client *c = (struct rt_client *)1;
    struct lk_error e;
    assert_int_equal(rt_client_new(&c, NULL, &e), LK_INVALID_ARG);
    assert_null(c);
    assert_int_equal(rt_client_new(&c, "", &e), LK_INVALID_ARG);
    assert_int_equal(rt_client_new(&c, "127.0.0.1:9001", &e), LK_OK);
    assert_non_null(c);
    struct lk_error failure;
    err_set(&failure, LK_IO, "x");
    /* Ids that would change the URL are refused before any request. */
    assert_int_equal(rt_post_response(c, "../x", (struct lk_view){"", 0}, &e), LK_INVALID_ARG);
    assert_int_equal(rt_post_error(c, "a b", &failure, &e), LK_INVALID_ARG);
    rt_client_free(c);
}

static void next_headers_fill_the_invocation(void **state)
{
    (void)state;
    struct rt_invocation inv;
    memset(&inv, 0, sizeof(inv));
    static const char *const lines[] = {
        "HTTP/1.1 100 Continue\r\n",
        "Lambda-Runtime-Aws-Request-Id: stale\r\n",
        "HTTP/1.1 200 OK\r\n",
        "lambda-runtime-aws-request-id:  8476a536-e9f4 \r\n",
        "Lambda-Runtime-Deadline-Ms: 1542409706888\r\n",
        "Lambda-Runtime-Trace-Id: Root=1-5bef4de7\r\n",
        "Lambda-Runtime-Client-Context: \r\n",
        "Content-Type: application/json\r\n",
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
        assert_int_equal(rt_next_header(&inv, lines[i], strlen(lines[i])), LK_OK);
    assert_string_equal(inv.request_id, "8476a536-e9f4");
    assert_int_equal(inv.deadline_ms, 1542409706888LL);
    assert_string_equal(inv.trace_id, "Root=1-5bef4de7");
    assert_null(inv.client_context);
    /* A NUL inside a value is not a header Lambda sends: the value before stays. */
    static const char nul[] = "Lambda-Runtime-Trace-Id: a\0b\r\n";
    assert_int_equal(rt_next_header(&inv, nul, sizeof(nul) - 1), LK_OK);
    assert_string_equal(inv.trace_id, "Root=1-5bef4de7");
    assert_int_equal(rt_next_header(&inv, "Lambda-Runtime-Deadline-Ms: -5", 30), LK_OK);
    assert_int_equal(inv.deadline_ms, 1542409706888LL);
    rt_invocation_cleanup(&inv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_a_type_lambda_keeps),
        cmocka_unit_test(error_type_form),
        cmocka_unit_test(error_body_is_escaped_json),
        cmocka_unit_test(error_body_falls_back_to_default_message),
        cmocka_unit_test(remaining_time),
        cmocka_unit_test(client_needs_an_address),
        cmocka_unit_test(next_headers_fill_the_invocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
