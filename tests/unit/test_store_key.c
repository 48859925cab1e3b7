/* Unit tests for src/pipeline/store_key.c: the keys of what the function stores, whose
 * suffixes the bucket's .jpg/.png notifications must never match. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/store_key.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void keys_are_prefix_name_and_suffix(void **state)
{
    (void)state;
    char key[64];
    struct lk_error e;
    assert_int_equal(pl_store_key(key, sizeof(key), "alerts/", PL_STORE_JPEG, &e, "%s/%lld",
                                  "front-door", 1690707290324LL),
                     LK_OK);
    assert_string_equal(key, "alerts/front-door/1690707290324.jpeg");
    assert_int_equal(pl_store_key(key, sizeof(key), "", PL_STORE_APNG, &e, "t/%d-%d", 1, 2), LK_OK);
    assert_string_equal(key, "t/1-2.apng");
    assert_int_equal(pl_store_key(key, sizeof(key), "p/", PL_STORE_AVI, &e, "x"), LK_OK);
    assert_string_equal(key, "p/x.avi");
}

static void no_suffix_ends_like_a_trigger(void **state)
{
    (void)state;
    const enum pl_store_format all[] = {PL_STORE_JPEG, PL_STORE_APNG, PL_STORE_AVI};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        char key[32];
        assert_int_equal(pl_store_key(key, sizeof(key), "a/", all[i], NULL, "b"), LK_OK);
        assert_false(ends_with(key, ".jpg"));
        assert_false(ends_with(key, ".png"));
    }
}

/* A cut key would lose its suffix, and with it the guarantee: it is an error instead. */
static void a_key_that_does_not_fit_is_an_error(void **state)
{
    (void)state;
    char key[16];
    struct lk_error e;
    assert_int_equal(pl_store_key(key, sizeof(key), "0123456789", PL_STORE_JPEG, &e, "abcd"),
                     LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "longer than 15 bytes"));
    /* Exactly full: 10 + 0 + 5 = 15 bytes and the NUL. */
    assert_int_equal(pl_store_key(key, sizeof(key), "0123456789", PL_STORE_JPEG, &e, "%s", ""),
                     LK_OK);
    assert_string_equal(key, "0123456789.jpeg");
    assert_int_equal(pl_store_key(key, sizeof(key), "0123456789abcdefg", PL_STORE_AVI, &e, "x"),
                     LK_INVALID_ARG);
    assert_int_equal(pl_store_key(key, sizeof(key), "", PL_STORE_AVI, &e, "%s", "0123456789ab"),
                     LK_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_are_prefix_name_and_suffix),
        cmocka_unit_test(no_suffix_ends_like_a_trigger),
        cmocka_unit_test(a_key_that_does_not_fit_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
