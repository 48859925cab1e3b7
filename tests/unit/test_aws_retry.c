/* Unit tests for src/aws/retry.c (standard mode, 2026 scale) and the client's deadline and
 * retry loop where no server is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/aws.h"
#include "lookout/aws_retry.h"
#include "lookout/clock.h"

static void quota_costs(void **state)
{
    (void)state;
    struct aws_retry_quota q;
    aws_retry_quota_init(&q);
    assert_int_equal(q.available, 500);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TRANSIENT), 14);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_THROTTLING), 5);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_TIMEOUT), 10);
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_NONE), 0);
    assert_int_equal(q.available, 500 - 29);
}

static void quota_runs_out_and_refills(void **state)
{
    (void)state;
    struct aws_retry_quota q;
    aws_retry_quota_init(&q);
    int retries = 0;
    while (aws_retry_quota_acquire(&q, AWS_RETRY_TRANSIENT))
        retries++;
    assert_int_equal(retries, 500 / 14);
    assert_int_equal(q.available, 500 % 14);
    /* Too few for a transient retry, enough for a throttling one. */
    assert_int_equal(aws_retry_quota_acquire(&q, AWS_RETRY_THROTTLING), 5);
    aws_retry_quota_release(&q, 0);
    assert_int_equal(q.available, 500 % 14 - 5 + 1);
    aws_retry_quota_release(&q, 14);
    assert_int_equal(q.available, 500 % 14 - 5 + 1 + 14);
    for (int i = 0; i < 1000; i++)
        aws_retry_quota_release(&q, 14);
    assert_int_equal(q.available, 500);
}

static void backoff_doubles_up_to_the_cap(void **state)
{
    (void)state;
    static const int64_t transient[] = {50,   100,  200,   400,   800,  1600,
                                        3200, 6400, 12800, 20000, 20000};
    static const int64_t throttling[] = {1000, 2000, 4000, 8000, 16000, 20000, 20000};
    for (int i = 0; i < (int)(sizeof transient / sizeof transient[0]); i++)
        assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, i + 1, 1.0, -1), transient[i]);
    for (int i = 0; i < (int)(sizeof throttling / sizeof throttling[0]); i++)
        assert_int_equal(aws_retry_delay_ms(AWS_RETRY_THROTTLING, i + 1, 1.0, -1), throttling[i]);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TIMEOUT, 2, 1.0, -1), 100);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_THROTTLING, 1000000, 1.0, -1), 20000);
}

static void backoff_is_jittered(void **state)
{
    (void)state;
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_THROTTLING, 2, 0.0, -1), 0);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_THROTTLING, 2, 0.25, -1), 500);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, 0.5, -1), 25);
    /* Out-of-range factors are clamped. */
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, -3.0, -1), 0);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, 7.0, -1), 50);
}

static void retry_after_is_bounded(void **state)
{
    (void)state;
    /* max(t, min(retry_after, t + 5 s)) with t = 25 */
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, 0.5, 10), 25);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, 0.5, 700), 700);
    assert_int_equal(aws_retry_delay_ms(AWS_RETRY_TRANSIENT, 1, 0.5, 60000), 5025);
    assert_int_equal(aws_retry_after_parse("700"), 700);
    assert_int_equal(aws_retry_after_parse("0"), 0);
    assert_int_equal(aws_retry_after_parse(NULL), -1);
    assert_int_equal(aws_retry_after_parse(""), -1);
    assert_int_equal(aws_retry_after_parse("-5"), -1);
    assert_int_equal(aws_retry_after_parse("1.5"), -1);
    assert_int_equal(aws_retry_after_parse("soon"), -1);
    assert_int_equal(aws_retry_after_parse("99999999999999999999"), -1);
}

/* A client on a port where nothing listens (connections refused at once). */
struct fixture {
    struct aws_config cfg;
    struct aws_client *client;
    double r;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    static char akid[] = "AKIDEXAMPLE", secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static char region[] = "us-east-1", url[] = "http://127.0.0.1:1";
    if (!f)
        return -1;
    f->cfg.access_key_id = akid;
    f->cfg.secret_access_key = secret;
    f->cfg.region = region;
    f->cfg.endpoint_url[AWS_SVC_S3] = url;
    f->cfg.max_attempts = 3;
    struct lk_error err;
    if (aws_client_new(&f->cfg, AWS_SVC_S3, &f->client, &err) != LK_OK) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    aws_client_free(f->client);
    free(f);
    return 0;
}

static double fixed(void *state)
{
    return *(double *)state;
}

static const struct aws_request GET = {
    .operation = "GetObject", .method = "GET", .bucket = "b", .path = "/k.jpg"};

static void no_attempt_past_the_deadline(void **state)
{
    struct fixture *f = *state;
    struct aws_response resp;
    struct lk_error err;
    aws_response_init(&resp);
    int rc = aws_client_send(f->client, &GET, clock_now_ms() + 100, &resp, &err);
    assert_int_equal(rc, LK_TIMEOUT);
    assert_int_equal(resp.attempts, 0);
    assert_string_equal(err.message, "S3 GetObject: no time left before the deadline");
    aws_response_cleanup(&resp);
}

static void connection_errors_are_retried(void **state)
{
    struct fixture *f = *state;
    struct aws_response resp;
    struct lk_error err;
    struct aws_client_stats st;
    f->r = 1.0;
    aws_client_set_rand(f->client, fixed, &f->r);
    aws_response_init(&resp);
    int rc = aws_client_send(f->client, &GET, clock_now_ms() + 30000, &resp, &err);
    assert_int_equal(rc, LK_TRANSPORT);
    assert_int_equal(resp.attempts, 3);
    assert_int_equal(resp.status, 0);
    assert_non_null(strstr(err.message, "S3 GetObject failed after 3 attempts: network error"));
    aws_client_last_stats(f->client, &st);
    assert_int_equal(st.delay_count, 2);
    assert_int_equal(st.delays_ms[0], 50);
    assert_int_equal(st.delays_ms[1], 100);
    assert_int_equal(st.quota_available, 500 - 28);
    aws_response_cleanup(&resp);
}

static void bad_requests_are_not_sent(void **state)
{
    struct fixture *f = *state;
    struct aws_response resp;
    struct lk_error err;
    struct aws_header bad = {"X-Bad", "a\r\nInjected: 1"};
    struct aws_request req = GET;
    req.headers = &bad;
    req.header_count = 1;
    aws_response_init(&resp);
    int rc = aws_client_send(f->client, &req, clock_now_ms() + 30000, &resp, &err);
    assert_int_equal(rc, LK_INVALID_ARG);
    assert_int_equal(resp.attempts, 0);
    assert_non_null(strstr(err.message, "S3 GetObject: "));
    aws_response_cleanup(&resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quota_costs),
        cmocka_unit_test(quota_runs_out_and_refills),
        cmocka_unit_test(backoff_doubles_up_to_the_cap),
        cmocka_unit_test(backoff_is_jittered),
        cmocka_unit_test(retry_after_is_bounded),
        cmocka_unit_test_setup_teardown(no_attempt_past_the_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(connection_errors_are_retried, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_requests_are_not_sent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
