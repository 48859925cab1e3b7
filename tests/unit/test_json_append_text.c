/* json_append_text against cJSON's own printer: the same bytes for every byte value, alone and
 * among UTF-8 text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lookout/error.h"
#include "lookout/json.h"

static void check(const char *s, size_t len)
{
    struct lk_buf b;
    buf_init(&b, 1024);
    assert_int_equal(json_append_text(&b, s, len), LK_OK);
    cJSON *item = cJSON_CreateString(s);
    char *theirs = cJSON_PrintUnformatted(item);
    assert_non_null(theirs);
    assert_string_equal(buf_cstr(&b), theirs);
    assert_int_equal(b.len, strlen(theirs));
    free(theirs);
    cJSON_Delete(item);
    buf_cleanup(&b);
}

static void every_ascii_byte_as_cjson_prints_it(void **state)
{
    (void)state;
    for (int c = 1; c < 0x80; c++) {
        char one[2] = {(char)c, '\0'};
        check(one, 1);
        char mixed[] = {'a', (char)c, '\xc3', '\xa9', (char)c, 'z', '\0'};
        check(mixed, strlen(mixed));
    }
}

static void text_without_escapes_and_empty_text(void **state)
{
    (void)state;
    const char *texts[] = {"", "front-door", "\xe6\x97\xa5\xe6\x9c\xac \xef\xbf\xbd",
                           "a\\\"b\"\\", "\n\n\t\r\b\f\x01\x1f"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        check(texts[i], strlen(texts[i]));
}

static void reports_a_full_buffer(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 8);
    assert_int_equal(json_append_text(&b, "\n\n\n\n", 4), LK_TOO_LARGE);
    buf_cleanup(&b);
}

/* Text is read eight bytes at a time: each byte value, at each place of three words of
 * plain text, still comes out as cJSON prints it. */
static void every_byte_at_every_place_in_a_word(void **state)
{
    (void)state;
    for (int c = 1; c < 128; c++)
        for (size_t at = 0; at < 24; at++) {
            char s[25];
            memset(s, 'a', 24);
            s[24] = '\0';
            s[at] = (char)c;
            check(s, 24);
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_ascii_byte_as_cjson_prints_it),
        cmocka_unit_test(every_byte_at_every_place_in_a_word),
        cmocka_unit_test(text_without_escapes_and_empty_text),
        cmocka_unit_test(reports_a_full_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
