/* Unit tests for src/util: buffers, errors, JSON escaping, logging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lookout/base64.h"
#include "lookout/buf.h"
#include "lookout/clock.h"
#include "lookout/digits.h"
#include "lookout/error.h"
#include "lookout/hash.h"
#include "lookout/json.h"
#include "lookout/log.h"
#include "lookout/slots.h"
#include "lookout/text.h"
#include "lookout/utf8.h"

static void json_print_into_appends_the_tree_and_frees_it(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 64);
    assert_int_equal(buf_append_str(&b, "x="), LK_OK);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "route", "s3");
    json_add_number(o, "units", 2);
    assert_int_equal(json_print_into(o, &b), LK_OK);
    assert_string_equal(b.data, "x={\"route\":\"s3\",\"units\":2}");
    assert_int_equal(json_print_into(NULL, &b), LK_NOMEM);
    buf_cleanup(&b);
    buf_init(&b, 4);
    assert_int_equal(json_print_into(cJSON_CreateObject(), &b), LK_OK);
    assert_int_equal(json_print_into(cJSON_CreateString("too long"), &b), LK_TOO_LARGE);
    buf_cleanup(&b);
}

/* Compares json_print_into with cJSON_PrintUnformatted on the same tree (json_print_into
 * consumes it). */
static void prints_as_cjson(cJSON *tree)
{
    char *want = cJSON_PrintUnformatted(tree);
    assert_non_null(want);
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(json_print_into(tree, &b), LK_OK);
    assert_string_equal(b.data, want);
    free(want);
    buf_cleanup(&b);
}

static void json_print_into_writes_what_cjson_prints(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{}",
        "[]",
        "[[],{},[{}]]",
        "{\"a\":{\"b\":[1,-2,3.5,1e300,-0.0,0.1,123456789012345678]}}",
        "{\"s\":\"q\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f/\\u00e9\\ud83d\\ude00\"}",
        "[true,false,null,\"\",0,1,-1,2147483648,4294967296.5,1.7976931348623157e308]",
        "{\"k\\n\":1,\"\":[\"x\"]}"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        cJSON *tree = cJSON_Parse(texts[i]);
        assert_non_null(tree);
        prints_as_cjson(tree);
    }
    /* Numbers of every size and many decimals, as cJSON prints them. */
    cJSON *arr = cJSON_CreateArray();
    unsigned seed = 7;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245u + 12345u;
        double v = (double)(seed >> 8) / (double)(1u << (seed % 24)) * ((seed & 1) ? -1 : 1);
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(i % 3 ? v : v * 1e-9 * i));
    }
    prints_as_cjson(arr);
    /* Invalid UTF-8 and a raw item: cJSON prints them as they are. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "bad", "\xff\xfe");
    cJSON_AddRawToObject(o, "raw", "[1, 2]");
    prints_as_cjson(o);
}

static void buf_respects_cap(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 8);
    assert_int_equal(buf_append(&b, "12345678", 8), LK_OK);
    assert_int_equal(buf_append(&b, "9", 1), LK_TOO_LARGE);
    assert_int_equal(b.len, 8);
    assert_memory_equal(b.data, "12345678", 9); /* NUL kept past len */
    buf_cleanup(&b);
}

static void buf_appendf_grows(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_appendf(&b, "%04d", i), LK_OK);
    assert_int_equal(b.len, 4000);
    assert_memory_equal(b.data + 3996, "0999", 4);
    buf_cleanup(&b);
    /* Past the cap: refused, and what was there stays as it was. */
    buf_init(&b, 6);
    assert_int_equal(buf_appendf(&b, "%s", "abcd"), LK_OK);
    assert_int_equal(buf_appendf(&b, "%d", 123), LK_TOO_LARGE);
    assert_int_equal(b.len, 4);
    assert_string_equal(b.data, "abcd");
    assert_int_equal(buf_appendf(&b, "%d", 12), LK_OK);
    assert_string_equal(b.data, "abcd12");
    buf_cleanup(&b);
}

static void buf_reserve_rejects_overflow(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, (size_t)-1);
    assert_int_equal(buf_append(&b, "x", 1), LK_OK);
    assert_int_equal(buf_reserve(&b, (size_t)-1), LK_TOO_LARGE);
    buf_cleanup(&b);
}

static void error_types_have_lambda_shape(void **state)
{
    (void)state;
    for (int code = 0; code < LK_STATUS_COUNT; code++) {
        const char *t = err_lambda_type(code);
        const char *dot = strchr(t, '.');
        assert_non_null(dot);
        size_t cat = (size_t)(dot - t);
        assert_true((cat == 7 && strncmp(t, "Runtime", 7) == 0) ||
                    (cat == 8 && strncmp(t, "Function", 8) == 0));
        assert_true(dot[1] >= 'A' && dot[1] <= 'Z');
        for (const char *p = dot + 1; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'));
    }
    assert_string_equal(err_lambda_type(9999), "Runtime.Unknown");
}

static void error_wrap_prefixes(void **state)
{
    (void)state;
    struct lk_error e;
    assert_int_equal(err_set(&e, LK_INVALID_EVENT, "no %s", "Records"), LK_INVALID_EVENT);
    assert_int_equal(err_wrap(&e, "record %d", 2), LK_INVALID_EVENT);
    assert_string_equal(e.message, "record 2: no Records");
}

static void json_escapes_controls_and_bad_utf8(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 1024);
    const char in[] = "a\"b\\c\n\x01\xff\xc3\xa9";
    assert_int_equal(json_append_string(&b, in, sizeof(in) - 1), LK_OK);
    assert_string_equal(buf_cstr(&b), "\"a\\\"b\\\\c\\u000a\\u0001\\ufffd\xc3\xa9\"");
    cJSON *parsed = json_parse(b.data, b.len);
    assert_non_null(parsed);
    assert_true(cJSON_IsString(parsed));
    cJSON_Delete(parsed);
    buf_cleanup(&b);
}

static void log_json_line_is_one_object(void **state)
{
    (void)state;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    log_set_stream(mem);
    log_configure(LOG_FORMAT_JSON, LOG_LEVEL_INFO);
    log_set_context("req-1", "Root=1-abc");
    LOG_DEBUG("hidden");
    LOG_WARN("two\nlines \"quoted\"");
    fclose(mem);
    log_set_stream(NULL);
    log_set_context(NULL, NULL);
    log_configure(LOG_FORMAT_TEXT, LOG_LEVEL_INFO);
    assert_non_null(text);
    assert_int_equal(strchr(text, '\n') - text, (long)strlen(text) - 1); /* one line */
    cJSON *obj = json_parse(text, strlen(text));
    assert_non_null(obj);
    assert_string_equal(json_get_string(obj, "level"), "WARN");
    assert_string_equal(json_get_string(obj, "message"), "two\nlines \"quoted\"");
    assert_string_equal(json_get_string(obj, "requestId"), "req-1");
    assert_string_equal(json_get_string(obj, "xray_trace_id"), "Root=1-abc");
    const char *ts = json_get_string(obj, "timestamp");
    assert_non_null(ts);
    assert_int_equal(strlen(ts), 24); /* 2026-11-24T08:00:00.123Z */
    assert_int_equal(ts[23], 'Z');
    cJSON_Delete(obj);
    free(text);
}

static void base64_round_trips_rfc4648_vectors(void **state)
{
    (void)state;
    const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char *coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    for (size_t i = 0; i < 7; i++) {
        struct lk_buf e, d;
        buf_init(&e, 64);
        buf_init(&d, 64);
        assert_int_equal(b64_encode(&e, plain[i], strlen(plain[i])), LK_OK);
        assert_string_equal(buf_cstr(&e), coded[i]);
        assert_int_equal(b64_decode(&d, e.data ? e.data : "", e.len), LK_OK);
        assert_int_equal(d.len, strlen(plain[i]));
        assert_memory_equal(buf_cstr(&d), plain[i], d.len);
        buf_cleanup(&e);
        buf_cleanup(&d);
    }
}

static void base64_rejects_bad_input(void **state)
{
    (void)state;
    struct lk_buf d;
    buf_init(&d, 1024);
    assert_int_equal(b64_decode(&d, "Zm9v\n", 5), LK_INVALID_ARG);
    assert_int_equal(b64_decode(&d, "Z", 1), LK_INVALID_ARG);
    assert_int_equal(b64_decode(&d, "Zm*v", 4), LK_INVALID_ARG);
    assert_int_equal(d.len, 0);
    unsigned char all[256];
    for (int i = 0; i < 256; i++)
        all[i] = (unsigned char)i;
    struct lk_buf e;
    buf_init(&e, 1024);
    assert_int_equal(b64_encode(&e, all, sizeof(all)), LK_OK);
    assert_int_equal(b64_decode(&d, e.data, e.len), LK_OK);
    assert_int_equal(d.len, 256);
    assert_memory_equal(d.data, all, 256);
    buf_cleanup(&e);
    buf_cleanup(&d);
}

static int freed;

static void count_free(void *value)
{
    freed++;
    free(value);
}

static char *text(const char *s)
{
    char *copy = strdup(s);
    assert_non_null(copy);
    return copy;
}

static void slots_keep_replace_and_evict_the_oldest(void **state)
{
    (void)state;
    struct slots t;
    char key[16];
    freed = 0;
    slots_init(&t, count_free);
    assert_null(slots_get(&t, "door"));
    assert_int_equal(slots_put(&t, "door", text("a")), LK_OK);
    assert_int_equal(slots_put(&t, "door", text("b")), LK_OK); /* replaced, old one freed */
    assert_int_equal(freed, 1);
    assert_string_equal(slots_get(&t, "door"), "b");
    for (int i = 1; i < SLOTS_COUNT; i++) {
        snprintf(key, sizeof key, "cam%d", i);
        assert_int_equal(slots_put(&t, key, text(key)), LK_OK);
    }
    assert_string_equal(slots_get(&t, "door"), "b");
    /* Full: the next new stream takes the oldest slot. */
    assert_int_equal(slots_put(&t, "garden", text("g")), LK_OK);
    assert_null(slots_get(&t, "door"));
    assert_string_equal(slots_get(&t, "garden"), "g");
    assert_string_equal(slots_get(&t, "cam1"), "cam1");
    slots_remove(&t, "cam1");
    assert_null(slots_get(&t, "cam1"));
    slots_remove(&t, "never-kept");
    assert_int_equal(slots_put(&t, "back", text("k")), LK_OK); /* the slot cam1 left */
    assert_string_equal(slots_get(&t, "cam2"), "cam2");
    slots_cleanup(&t);
    assert_int_equal(freed, SLOTS_COUNT + 3);
}

static void sha256_known_answers(void **state)
{
    (void)state;
    unsigned char md[HASH_SHA256_BYTES];
    char hex[2 * HASH_SHA256_BYTES + 1];
    assert_int_equal(hash_sha256("", 0, md), LK_OK);
    hash_hex(md, sizeof md, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_int_equal(hash_sha256("abc", 3, md), LK_OK);
    hash_hex(md, sizeof md, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* FIPS 180-2's two-block message: the length no longer fits the first block's padding. */
    static const char two_block[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(hash_sha256(two_block, strlen(two_block), md), LK_OK);
    hash_hex(md, sizeof md, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* RFC 4231's test cases 1, 2, 3 (a message longer than a block), 6 and 7 (a 131-byte key,
 * longer than a block, so hashed first), and a key of exactly one block with an empty
 * message. */
static void hmac_known_answers(void **state)
{
    (void)state;
    unsigned char md[HASH_SHA256_BYTES], long_key[131];
    char hex[2 * HASH_SHA256_BYTES + 1];
    memset(long_key, 0xaa, sizeof long_key);
    char dd[51];
    memset(dd, 0xdd, 50);
    dd[50] = '\0';
    static const char block_key[] =
        "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";
    const struct {
        const void *key;
        size_t key_len;
        const char *msg, *want;
    } cases[] = {
        {"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", 20,
         "Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"Jefe", 4, "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {long_key, 20, dd, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {long_key, sizeof long_key, "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {long_key, sizeof long_key,
         "This is a test using a larger than block-size key and a larger than block-size data. "
         "The key needs to be hashed before being used by the HMAC algorithm.",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
        {block_key, 64, "", "83026a325aaee70e36cfe607536aa1054104ad1077c36134810d4ccded1ccd3b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(
            hash_hmac(cases[i].key, cases[i].key_len, cases[i].msg, strlen(cases[i].msg), md),
            LK_OK);
        hash_hex(md, sizeof md, hex);
        assert_string_equal(hex, cases[i].want);
    }
}

/* A prepared key gives hash_hmac's answers, message after message (the signer reuses one). */
static void hmac_prepared_key_matches_one_shot(void **state)
{
    (void)state;
    unsigned char long_key[131], want[HASH_SHA256_BYTES], got[HASH_SHA256_BYTES];
    memset(long_key, 0xaa, sizeof long_key);
    const char *const msgs[] = {"", "Hi There", "a message longer than one SHA-256 block, so that "
                                                "the inner hash runs over two blocks of input"};
    const size_t key_lens[] = {0, 20, 32, 64, 65, sizeof long_key};
    for (size_t k = 0; k < sizeof key_lens / sizeof key_lens[0]; k++) {
        struct hash_hmac_key key;
        assert_int_equal(hash_hmac_key_init(&key, long_key, key_lens[k]), LK_OK);
        for (size_t m = 0; m < 2 * (sizeof msgs / sizeof msgs[0]); m++) {
            const char *msg = msgs[m % 3];
            assert_int_equal(hash_hmac(long_key, key_lens[k], msg, strlen(msg), want), LK_OK);
            assert_int_equal(hash_hmac_keyed(&key, msg, strlen(msg), got), LK_OK);
            assert_memory_equal(got, want, sizeof want);
        }
        hash_hmac_key_cleanup(&key);
    }
}

static void clock_reads_the_wall_clock(void **state)
{
    (void)state;
    int64_t before = (int64_t)time(NULL) * 1000;
    int64_t now = clock_now_ms();
    assert_true(now >= before && now < before + 2000);
    assert_true(now < CLOCK_MAX_EPOCH_MS);
}

static void buf_reads_a_whole_file_within_its_cap(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 100000; i++)
        fputc('a' + i % 26, f);
    rewind(f);
    struct lk_buf b;
    buf_init(&b, 200000);
    assert_int_equal(buf_append_file(&b, f), LK_OK);
    assert_int_equal(b.len, 100000);
    assert_int_equal(b.data[99999], 'a' + 99999 % 26);
    buf_cleanup(&b);
    rewind(f);
    buf_init(&b, 99999); /* one byte short */
    assert_int_equal(buf_append_file(&b, f), LK_TOO_LARGE);
    assert_true(b.len <= 99999);
    buf_cleanup(&b);
    fclose(f);
}

/* utf8_valid reads ASCII eight bytes at a time: a NUL, a stray continuation byte, a
 * truncated or a whole two-byte character at each place of three words of ASCII is judged
 * as a byte-by-byte decode judges it. */
static void utf8_valid_judges_every_place_in_a_word(void **state)
{
    (void)state;
    static const char *const odd[] = {"\0", "\x80", "\xC3", "\xC3\xA9", "\xF0\x9F\x98\x80",
                                      "\xED\xA0\x80"};
    static const size_t odd_len[] = {1, 1, 1, 2, 4, 3};
    for (size_t k = 0; k < sizeof(odd) / sizeof(odd[0]); k++)
        for (size_t at = 0; at <= 24; at++) {
            char s[32];
            memset(s, 'a', sizeof(s));
            size_t len = at + odd_len[k] <= 24 ? 24 : at + odd_len[k];
            memcpy(s + at, odd[k], odd_len[k]);
            int want = 1;
            for (size_t i = 0; i < len;) {
                uint32_t cp;
                size_t n = utf8_next(s + i, len - i, &cp);
                if (n == 0 || cp == 0) {
                    want = 0;
                    break;
                }
                i += n;
            }
            assert_int_equal(utf8_valid(s, len), want);
            assert_int_equal(want, k >= 3 && k <= 4);
        }
}

static void utf8_sanitize_keeps_valid_runs_and_replaces_the_rest(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"plain ascii", 11, "plain ascii"},
        {"caf\xc3\xa9 \xe2\x82\xac", 10, "caf\xc3\xa9 \xe2\x82\xac"},
        {"a\xff\x62", 3, "a\xef\xbf\xbd\x62"},
        {"a\0b\0", 4, "ab"},
        {"\xc3", 1, "\xef\xbf\xbd"},
        {"x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xed\xa0\x80z", 4, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct lk_buf b;
        buf_init(&b, 64);
        assert_int_equal(utf8_sanitize(&b, cases[i].in, cases[i].len), LK_OK);
        assert_int_equal(b.len, strlen(cases[i].out));
        assert_memory_equal(b.data ? b.data : "", cases[i].out, b.len);
        buf_cleanup(&b);
    }
    struct lk_buf small;
    buf_init(&small, 4);
    assert_int_equal(utf8_sanitize(&small, "abcdef", 6), LK_TOO_LARGE);
    buf_cleanup(&small);
}

/* Digits as printf writes them, over values spread across every length. */
/* text_join writes and cuts as snprintf("%s%s%s") does, and returns its whole length. */
static void text_join_cuts_as_snprintf(void **state)
{
    (void)state;
    static const char *const sets[][3] = {
        {"", "", ""}, {"http://127.0.0.1:9001", "/2018-06-01/runtime", "/invocation/next"},
        {"a", "", "bc"}, {"Rekognition", " ", "DetectLabels"}};
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        for (size_t cap = 0; cap <= 64; cap++) {
            char got[64], want[64];
            memset(got, '#', sizeof got);
            memset(want, '#', sizeof want);
            int n = snprintf(cap ? want : NULL, cap, "%s%s%s", sets[k][0], sets[k][1], sets[k][2]);
            size_t len = text_join(got, cap, sets[k], 3);
            assert_int_equal(len, (size_t)n);
            assert_memory_equal(got, want, sizeof got);
        }
    }
    char one[4];
    assert_int_equal(text_copy(one, sizeof one, "abcdef"), 6);
    assert_string_equal(one, "abc");
}

static void digits_match_printf(void **state)
{
    (void)state;
    char got[32], want[32];
    for (uint64_t v = 0; v < UINT64_MAX / 7; v = v * 7 + 3) {
        *digits_put(got, v, 0) = '\0';
        snprintf(want, sizeof want, "%llu", (unsigned long long)v);
        assert_string_equal(got, want);
        *digits_put(got, v % 1000, 3) = '\0';
        snprintf(want, sizeof want, "%03llu", (unsigned long long)(v % 1000));
        assert_string_equal(got, want);
    }
    *digits_put(got, UINT64_MAX, 0) = '\0';
    assert_string_equal(got, "18446744073709551615");
    *digits_put(got, 12345, 2) = '\0';
    assert_string_equal(got, "45");
    assert_int_equal(digits_scaled(5, 2, 0, got), 4);
    assert_string_equal(got, "0.05");
    digits_scaled(975, 1, 0, got);
    assert_string_equal(got, "97.5");
    digits_scaled(12, 0, 1, got);
    assert_string_equal(got, "-12");
    digits_scaled(100, 1, 1, got);
    assert_string_equal(got, "-10.0");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(digits_match_printf),
        cmocka_unit_test(text_join_cuts_as_snprintf),
        cmocka_unit_test(json_print_into_appends_the_tree_and_frees_it),
        cmocka_unit_test(json_print_into_writes_what_cjson_prints),
        cmocka_unit_test(buf_respects_cap),
        cmocka_unit_test(buf_appendf_grows),
        cmocka_unit_test(buf_reads_a_whole_file_within_its_cap),
        cmocka_unit_test(buf_reserve_rejects_overflow),
        cmocka_unit_test(error_types_have_lambda_shape),
        cmocka_unit_test(error_wrap_prefixes),
        cmocka_unit_test(json_escapes_controls_and_bad_utf8),
        cmocka_unit_test(log_json_line_is_one_object),
        cmocka_unit_test(base64_round_trips_rfc4648_vectors),
        cmocka_unit_test(base64_rejects_bad_input),
        cmocka_unit_test(slots_keep_replace_and_evict_the_oldest),
        cmocka_unit_test(sha256_known_answers),
        cmocka_unit_test(hmac_known_answers),
        cmocka_unit_test(hmac_prepared_key_matches_one_shot),
        cmocka_unit_test(clock_reads_the_wall_clock),
        cmocka_unit_test(utf8_sanitize_keeps_valid_runs_and_replaces_the_rest),
        cmocka_unit_test(utf8_valid_judges_every_place_in_a_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
