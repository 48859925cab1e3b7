/* Unit tests for src/services/sns.c that need no network: reading a Publish answer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/sns.h"

static int parse(const char *body, char *id, size_t cap)
{
    struct lk_error err;
    return sns_parse_publish_answer(body, strlen(body), id, cap, &err);
}

static void publish_answer_gives_the_message_id(void **state)
{
    (void)state;
    char id[64];
    const char *ok = "<PublishResponse><PublishResult><MessageId>567910cd-659e-55d4-8ccb-"
                     "5aaf14679dc0</MessageId></PublishResult></PublishResponse>";
    assert_int_equal(parse(ok, id, sizeof(id)), LK_OK);
    assert_string_equal(id, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
    /* Only len bytes are read: the same answer cut before its closing tag is malformed. */
    struct lk_error err;
    assert_int_equal(sns_parse_publish_answer(ok, strlen(ok) - 40, id, sizeof(id), &err),
                     LK_AWS_BAD_RESPONSE);
    assert_string_equal(id, "");
}

static void malformed_message_ids_are_bad_responses(void **state)
{
    (void)state;
    char id[64];
    static const char *const bad[] = {
        "",
        "<PublishResponse/>",
        "<MessageId></MessageId>",
        "<MessageId>a\nINFO forged line</MessageId>",
        "<MessageId>567910cd",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse(bad[i], id, sizeof(id)), LK_AWS_BAD_RESPONSE);
        assert_string_equal(id, "");
    }
    assert_int_equal(parse("<MessageId>0123456789</MessageId>", id, 8), LK_AWS_BAD_RESPONSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(publish_answer_gives_the_message_id),
        cmocka_unit_test(malformed_message_ids_are_bad_responses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
