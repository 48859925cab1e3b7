/* Unit tests for src/util/json_text.c, judged by cJSON: jtext_open must accept exactly the
 * texts cJSON parses whole (one value, then JSON white space), on the recorded DetectLabels
 * answers in tests/data/rekognition/answers and on thousands of one-byte damages of them;
 * and the walk must read what the tree holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "lookout/buf.h"
#include "lookout/error.h"
#include "lookout/json_text.h"

static const char *const ANSWERS[] = {"astronaut", "chelsea",   "coffee", "rocket",
                                      "rose",      "truncated", "vgl"};

static void load_answer(const char *name, struct lk_buf *b)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/rekognition/answers/%s.json", LOOKOUT_TEST_DATA_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buf_init(b, 1 << 20);
    assert_int_equal(buf_append_file(b, f), LK_OK);
    fclose(f);
}

static int cjson_whole(const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *tree = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    int whole = tree != NULL;
    for (; whole && end < text + len; end++)
        whole = *end == ' ' || *end == '\t' || *end == '\n' || *end == '\r';
    cJSON_Delete(tree);
    return whole;
}

static void accepts_what_cjson_accepts(void **state)
{
    (void)state;
    static const char bytes[] = {'"', '}', ']', ',', '\\', '0', 'e', '\0', ' ', '\x01'};
    size_t tried = 0, refused = 0;
    for (size_t a = 0; a < sizeof(ANSWERS) / sizeof(ANSWERS[0]); a++) {
        struct lk_buf b;
        struct jtext t;
        load_answer(ANSWERS[a], &b);
        assert_int_equal(jtext_open(&t, b.data, b.len), cjson_whole(b.data, b.len));
        size_t step = b.len / 400 + 1;
        for (size_t i = 0; i < b.len; i += step)
            for (size_t k = 0; k < sizeof(bytes); k++) {
                char was = b.data[i];
                b.data[i] = bytes[(i + k) % sizeof(bytes)];
                int want = cjson_whole(b.data, b.len);
                if (jtext_open(&t, b.data, b.len) != want)
                    fail_msg("%s, byte %zu set to 0x%02x: cJSON says %d", ANSWERS[a], i,
                             (unsigned char)b.data[i], want);
                b.data[i] = was;
                tried++;
                refused += !want;
            }
        buf_cleanup(&b);
    }
    /* The damages reach both answers: the comparison is not all of one kind. */
    assert_true(refused > tried / 10 && refused < tried);
}

static void reads_members_elements_numbers_and_strings(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF {\"a\": [1, 2.5e1, -0.125], \"k\\u0065y\": "
                               "\"v\\u00e9\\ud83d\\ude00\", \"a\": 7, \"n\": null, \"z\": "
                               "\"cut\\u0000off\"} \r\n";
    struct jtext t;
    assert_true(jtext_open(&t, text, sizeof(text) - 1));
    static const char *const names[] = {"a", "key", "n", "z", "missing"};
    const char *at[5];
    jtext_members(&t, t.root, names, 5, at);
    assert_non_null(at[0]);
    assert_null(at[4]);
    assert_int_equal(jtext_count(&t, at[0]), 3);
    double want[] = {1, 25, -0.125}, d;
    size_t i = 0;
    for (const char *e = jtext_first(&t, at[0]); e; e = jtext_next(&t, e), i++) {
        assert_true(jtext_number(&t, e, &d));
        assert_true(d == want[i]);
    }
    assert_int_equal(i, 3);
    char *s;
    assert_int_equal(jtext_string(&t, at[1], &s), LK_OK);
    assert_string_equal(s, "v\xc3\xa9\xf0\x9f\x98\x80");
    free(s);
    assert_int_equal(jtext_string(&t, at[3], &s), LK_OK);
    assert_string_equal(s, "cut");
    free(s);
    assert_int_equal(jtext_string(&t, at[2], &s), LK_INVALID_ARG);
    assert_int_equal(jtext_string(&t, at[4], &s), LK_INVALID_ARG);
    assert_false(jtext_number(&t, at[1], &d));
    assert_false(jtext_open(&t, "{\"a\":1} x", 9));
    assert_false(jtext_open(&t, "", 0));
}

/* Every number reads as strtod reads it, to the bit (the sign of zero included): short
 * plain decimals take a shortcut, the rest strtod itself. */
static void numbers_read_as_strtod_reads_them(void **state)
{
    (void)state;
    static const char *const fixed[] = {"0",
                                        "-0",
                                        "-0.0",
                                        "007.50",
                                        "-.25",
                                        "5.",
                                        "1e3",
                                        "2.5E-3",
                                        "0.1",
                                        "0.3",
                                        "99.43",
                                        "123456789012345",
                                        "1234567890123456",
                                        "99.99980163574219",
                                        "0.000000000000001",
                                        "-9007199254740993",
                                        "1.7976931348623157e308"};
    char text[64];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 20000; i++) {
        if (i < sizeof(fixed) / sizeof(fixed[0])) {
            snprintf(text, sizeof(text), "%s", fixed[i]);
        } else {
            /* 1 to 18 random digits, a point after one of them or none, a sign half the time. */
            size_t n = 0, digits = 1 + (seed = seed * 1103515245u + 12345u) / 65536 % 18;
            size_t point = 1 + (seed = seed * 1103515245u + 12345u) / 65536 % (digits + 1);
            if ((seed = seed * 1103515245u + 12345u) / 65536 % 2)
                text[n++] = '-';
            for (size_t k = 0; k < digits; k++) {
                if (k == point)
                    text[n++] = '.';
                text[n++] = (char)('0' + (seed = seed * 1103515245u + 12345u) / 65536 % 10);
            }
            text[n] = '\0';
        }
        struct jtext t;
        double got, want = strtod(text, NULL);
        assert_true(jtext_open(&t, text, strlen(text)));
        assert_true(jtext_number(&t, t.root, &got));
        if (memcmp(&got, &want, sizeof(got)) != 0)
            fail_msg("%s read as %.17g, strtod reads %.17g", text, got, want);
    }
}

/* Keys match as decoded, plain or escaped; the first of two members of one name counts
 * also when every name asked for is found before the end of the object. */
static void keys_match_decoded_and_first_counts(void **state)
{
    (void)state;
    static const char text[] = "{\"Na\\u006De\": 1, \"Name\": 2, \"Conf\\u0000x\": 3, "
                               "\"Confidence\": 4, \"Conf\": 5}";
    struct jtext t;
    assert_true(jtext_open(&t, text, sizeof(text) - 1));
    static const char *const names[] = {"Name", "Conf", "Confidence"};
    const char *at[3];
    double d;
    jtext_members(&t, t.root, names, 3, at);
    assert_true(jtext_number(&t, at[0], &d) && d == 1);
    assert_true(jtext_number(&t, at[1], &d) && d == 3);
    assert_true(jtext_number(&t, at[2], &d) && d == 4);
    jtext_members(&t, t.root, names, 1, at);
    assert_true(jtext_number(&t, at[0], &d) && d == 1);
}

/* Past the containers whose ends jtext_open remembers, the walk reads the same. */
static void reads_past_the_remembered_ends(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "[ "), LK_OK);
    for (int i = 0; i < 3 * JTEXT_ENDS; i++)
        assert_int_equal(buf_appendf(&b,
                                     "%s{\"skip\": {\"x\": [[%d]]}, \"n\": [%d, {}], \"v\": %d}",
                                     i ? ", " : "", -i, i, i),
                         LK_OK);
    assert_int_equal(buf_append_str(&b, " ]"), LK_OK);
    struct jtext t;
    assert_true(jtext_open(&t, b.data, b.len));
    assert_int_equal(t.ends_count, JTEXT_ENDS);
    assert_int_equal(jtext_count(&t, t.root), 3 * JTEXT_ENDS);
    static const char *const names[] = {"v", "n"};
    int i = 0;
    for (const char *e = jtext_first(&t, t.root); e; e = jtext_next(&t, e), i++) {
        const char *at[2];
        double d;
        jtext_members(&t, e, names, 2, at);
        assert_true(jtext_number(&t, at[0], &d) && d == i);
        assert_int_equal(jtext_count(&t, at[1]), 2);
        assert_true(jtext_number(&t, jtext_first(&t, at[1]), &d) && d == i);
    }
    assert_int_equal(i, 3 * JTEXT_ENDS);
    buf_cleanup(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_what_cjson_accepts),
        cmocka_unit_test(reads_members_elements_numbers_and_strings),
        cmocka_unit_test(numbers_read_as_strtod_reads_them),
        cmocka_unit_test(keys_match_decoded_and_first_counts),
        cmocka_unit_test(reads_past_the_remembered_ends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
