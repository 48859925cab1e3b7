/* Unit tests for src/pipeline/alert.c: subject rules, alertId, Message and attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "lookout/alert.h"
#include "lookout/json.h"

#define FRAGMENT "91343852333182036507421233921329142742245756394"
#define FRAME_MS 1795507200123LL

/* One frame's labels, configuration and match, built through the real parsers. */
struct fixture {
    struct rek_result labels;
    struct dec_config config;
    struct dec_result match;
};

static void fixture_init(struct fixture *f, const char *response, const char *alert_labels)
{
    struct lk_error e;
    assert_int_equal(rek_parse_labels(response, strlen(response), &f->labels, &e), LK_OK);
    assert_int_equal(dec_config_parse(alert_labels, "50", &f->config, &e), LK_OK);
    assert_int_equal(dec_match(&f->config, &f->labels, &f->match, &e), LK_OK);
}

static void fixture_cleanup(struct fixture *f)
{
    dec_result_cleanup(&f->match);
    rek_result_cleanup(&f->labels);
}

static const char SCENE[] =
    "{\"Labels\":["
    "{\"Name\":\"Person\",\"Confidence\":98.5,\"Aliases\":[{\"Name\":\"Human\"}],"
    "\"Instances\":[{\"Confidence\":98.5,\"BoundingBox\":{\"Left\":0.1,\"Top\":0.2,"
    "\"Width\":0.3,\"Height\":0.4}}]},"
    "{\"Name\":\"Dog\",\"Confidence\":91.25,\"Parents\":[{\"Name\":\"Animal\"}]},"
    "{\"Name\":\"Animal\",\"Confidence\":91.25}]}";

static struct alert_input base_input(const struct fixture *f)
{
    struct alert_input in = {.stream_name = "front-door",
                             .trigger = EV_TRIGGER_S3,
                             .frame_ms = FRAME_MS,
                             .fragment_number = FRAGMENT,
                             .producer_ms = FRAME_MS,
                             .server_ms = FRAME_MS + 900,
                             .image_s3_uri = "s3://cam-images/111122223333_front-door_1.jpg",
                             .match = &f->match};
    return in;
}

static void build_ok(const struct alert_input *in, struct alert *a)
{
    struct lk_error e;
    int rc = alert_build(in, a, &e);
    if (rc != LK_OK)
        fail_msg("alert_build: %s", e.message);
}

static void assert_subject_clean(const char *s)
{
    size_t n = strlen(s);
    assert_true(n >= 1 && n <= ALERT_SUBJECT_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7E)
            fail_msg("subject byte %zu is 0x%02x in \"%s\"", i, (unsigned char)s[i], s);
}

static char *subject_for(const char *stream, const char *response, const char *wanted)
{
    struct fixture f;
    struct alert a;
    fixture_init(&f, response, wanted);
    struct alert_input in = base_input(&f);
    in.stream_name = stream;
    build_ok(&in, &a);
    assert_subject_clean(a.subject);
    char *s = strdup(a.subject);
    alert_cleanup(&a);
    fixture_cleanup(&f);
    return s;
}

static void subject_names_labels_and_stream(void **state)
{
    (void)state;
    char *s = subject_for("front-door", SCENE, "Person");
    assert_string_equal(s, "Person detected on front-door");
    free(s);
    s = subject_for("front-door", SCENE, "Person,Dog");
    assert_string_equal(s, "Person, Dog detected on front-door");
    free(s);
    /* No box under Animal: its own label names it. */
    s = subject_for("front-door", SCENE, "Animal");
    assert_string_equal(s, "Animal detected on front-door");
    free(s);
}

static void subject_cuts_long_stream_names(void **state)
{
    (void)state;
    char stream[400];
    memset(stream, 'a', sizeof(stream) - 1);
    stream[sizeof(stream) - 1] = '\0';
    char *s = subject_for(stream, SCENE, "Person,Dog");
    assert_int_equal(strlen(s), ALERT_SUBJECT_MAX);
    assert_memory_equal(s, "Person, Dog detected on aaa", 27);
    assert_string_equal(s + ALERT_SUBJECT_MAX - 4, "a...");
    free(s);
}

static char *many_labels(size_t n, size_t name_len, int instances)
{
    struct lk_buf b;
    buf_init(&b, 1 << 24);
    assert_int_equal(buf_append_str(&b, "{\"Labels\":["), LK_OK);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(buf_appendf(&b, "%s{\"Name\":\"L%03zu", i ? "," : "", i), LK_OK);
        for (size_t k = 4; k < name_len; k++)
            assert_int_equal(buf_append_byte(&b, 'x'), LK_OK);
        assert_int_equal(buf_appendf(&b, "\",\"Confidence\":%.1f,\"Parents\":[{\"Name\":\"Thing\"}]"
                                         ",\"Instances\":[",
                                     99.0 - (double)i * 0.01),
                         LK_OK);
        for (int k = 0; k < instances; k++)
            assert_int_equal(buf_appendf(&b, "%s{\"Confidence\":77.123456789,\"BoundingBox\":"
                                             "{\"Left\":0.123456789,\"Top\":0.987654321,"
                                             "\"Width\":0.0123456789,\"Height\":0.5}}",
                                         k ? "," : ""),
                             LK_OK);
        assert_int_equal(buf_append_str(&b, "]}"), LK_OK);
    }
    assert_int_equal(buf_append_str(&b, "]}"), LK_OK);
    return buf_detach(&b, NULL);
}

static void subject_says_how_many_more(void **state)
{
    (void)state;
    char *resp = many_labels(30, 12, 1);
    char wanted[30 * 14] = "";
    for (size_t i = 0, n = 0; i < 30; i++)
        n += (size_t)snprintf(wanted + n, sizeof(wanted) - n, "%sL%03zuxxxxxxxx", i ? "," : "", i);
    char *s = subject_for("front-door", resp, wanted);
    /* As many 12-character names as fit, then " and N more". */
    assert_memory_equal(s, "L000xxxxxxxx, L001xxxxxxxx, ", 28);
    assert_non_null(strstr(s, " more detected on front-door"));
    assert_null(strstr(s, "..."));
    free(s);
    free(resp);

    resp = many_labels(1, 200, 1);
    s = subject_for("front-door", resp, "Thing");
    assert_int_equal(strlen(s), ALERT_SUBJECT_MAX);
    assert_memory_equal(s, "L000xxx", 7);
    assert_non_null(strstr(s, "xxx... detected on front-door"));
    free(s);
    free(resp);
}

static void subject_folds_non_ascii_and_controls(void **state)
{
    (void)state;
    char *s = subject_for("Caf\xc3\xa9 \xc3\x9c" "ber  \xe6\x97\xa5\xe6\x9c\xac cam", SCENE,
                          "Person");
    assert_string_equal(s, "Person detected on Cafe Uber cam");
    free(s);
    s = subject_for("front\r\ndoor\t\x01\x7f" "x\xff\xfe", SCENE, "Person");
    assert_string_equal(s, "Person detected on front door x");
    free(s);
    s = subject_for("\xe6\x97\xa5\xe6\x9c\xac", SCENE, "Person"); /* nothing ASCII left */
    assert_string_equal(s, "Person detected");
    free(s);
    s = subject_for("x", "{\"Labels\":[{\"Name\":\"\xe7\x8a\xac\",\"Confidence\":90}]}",
                    "\xe7\x8a\xac");
    assert_string_equal(s, "Label detected on x");
    free(s);
}

static uint32_t next_rand(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

static void subject_is_clean_for_any_bytes(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f, SCENE, "Person,Animal");
    uint32_t seed = 42;
    for (int round = 0; round < 600; round++) {
        char stream[260];
        size_t n = 1 + next_rand(&seed) % (sizeof(stream) - 1);
        for (size_t i = 0; i < n; i++)
            stream[i] = (char)(1 + next_rand(&seed) % 255);
        stream[n] = '\0';
        struct alert_input in = base_input(&f);
        in.stream_name = stream;
        struct alert a;
        build_ok(&in, &a);
        assert_subject_clean(a.subject);
        cJSON *msg = json_parse(a.message, a.message_len);
        assert_non_null(msg);
        cJSON_Delete(msg);
        for (const char *p = a.stream_attr; *p; p++)
            assert_true((unsigned char)*p >= 0x20 && *p != 0x7F);
        alert_cleanup(&a);
    }
    fixture_cleanup(&f);
}

/* The documented alertId rule, computed here independently. */
static void expected_id(const char *stream, const char *identity, const char *const *sorted,
                        size_t n, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    assert_non_null(ctx);
    assert_true(EVP_DigestInit_ex(ctx, EVP_sha256(), NULL));
    EVP_DigestUpdate(ctx, stream, strlen(stream) + 1);
    EVP_DigestUpdate(ctx, identity, strlen(identity) + 1);
    for (size_t i = 0; i < n; i++)
        EVP_DigestUpdate(ctx, sorted[i], strlen(sorted[i]) + 1);
    assert_true(EVP_DigestFinal_ex(ctx, md, &len));
    EVP_MD_CTX_free(ctx);
    for (int i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void id_of(const struct alert_input *in, char out[33])
{
    struct alert a;
    build_ok(in, &a);
    memcpy(out, a.id, 33);
    alert_cleanup(&a);
}

/* What printf's %.5f writes, without trailing zeros (nor a trailing point). */
static void printf_confidence(double v, char out[40])
{
    snprintf(out, 40, "%.5f", v);
    size_t n = strlen(out);
    while (n > 0 && out[n - 1] == '0')
        out[--n] = '\0';
    if (n > 0 && out[n - 1] == '.')
        out[--n] = '\0';
}

/* The summary writes each confidence as printf's %.1f does, and maxConfidence as its %.5f
 * does (trailing zeros dropped), next to a half included. */
static void confidences_read_as_printf_writes_them(void **state)
{
    (void)state;
    static const char *const fixed[] = {"99.95", "99.94999999999999", "99.95000000000001",
                                        "50.05", "50",    "100", "66.65", "77.25", "98.5",
                                        "99.99999999999999", "84.44999999999999", "99.123455",
                                        "52.000005", "87.65432500000001", "70.000015", "99.000005",
                                        "99.999995", "64.12345499999999"};
    unsigned seed = 99;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]) + 300; i++) {
        char conf[40], response[256], want[64];
        if (i < sizeof(fixed) / sizeof(fixed[0])) {
            snprintf(conf, sizeof(conf), "%s", fixed[i]);
        } else {
            seed = seed * 1103515245u + 12345u;
            snprintf(conf, sizeof(conf), "%.17g", 50 + (seed >> 8) % 5000000 / 100000.0);
        }
        snprintf(response, sizeof(response),
                 "{\"Labels\":[{\"Name\":\"Person\",\"Confidence\":%s}]}", conf);
        snprintf(want, sizeof(want), "Person (%.1f%%) detected", strtod(conf, NULL));
        struct fixture f;
        struct alert a;
        fixture_init(&f, response, "Person");
        struct alert_input in = base_input(&f);
        build_ok(&in, &a);
        cJSON *m = cJSON_Parse(a.message);
        const char *summary = json_get_string(m, "summary");
        assert_non_null(summary);
        if (strncmp(summary, want, strlen(want)) != 0)
            fail_msg("confidence %s: \"%s\", printf writes \"%s\"", conf, summary, want);
        struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
        alert_attributes(&a, attrs);
        printf_confidence(strtod(conf, NULL), want);
        if (strcmp(attrs[2].value, want) != 0)
            fail_msg("confidence %s: maxConfidence %s, printf writes %s", conf, attrs[2].value, want);
        cJSON_Delete(m);
        alert_cleanup(&a);
        fixture_cleanup(&f);
    }
}

static void alert_id_follows_the_documented_rule(void **state)
{
    (void)state;
    struct fixture f;
    char got[33], want[33];
    fixture_init(&f, SCENE, "Person,Animal");
    struct alert_input in = base_input(&f);
    const char *sorted[] = {"Animal", "Dog", "Person"};
    id_of(&in, got);
    expected_id("front-door", "kvs:" FRAGMENT ":1795507200123", sorted, 3, want);
    assert_string_equal(got, want);
    for (int i = 0; i < 32; i++)
        assert_true((got[i] >= '0' && got[i] <= '9') || (got[i] >= 'a' && got[i] <= 'f'));

    in.fragment_number = NULL;
    id_of(&in, got);
    expected_id("front-door", "s3:s3://cam-images/111122223333_front-door_1.jpg", sorted, 3,
                want);
    assert_string_equal(got, want);

    in.image_s3_uri = NULL;
    id_of(&in, got);
    expected_id("front-door", "time:1795507200123", sorted, 3, want);
    assert_string_equal(got, want);
    fixture_cleanup(&f);
}

static void alert_id_is_stable_and_sensitive(void **state)
{
    (void)state;
    struct fixture f, reordered, fewer;
    char first[33], other[33];
    fixture_init(&f, SCENE, "Person,Animal");
    struct alert_input in = base_input(&f);
    id_of(&in, first);

    /* Same frame and labels: same id, whatever the trigger, image, times or confidences. */
    struct alert_input same = in;
    same.trigger = EV_TRIGGER_KVS_NOTIFICATION;
    same.image_s3_uri = "s3://snapshots/alerts/elsewhere.jpg";
    same.server_ms = 5;
    same.producer_ms = -1;
    id_of(&same, other);
    assert_string_equal(first, other);
    fixture_init(&reordered,
                 "{\"Labels\":[{\"Name\":\"Animal\",\"Confidence\":60},"
                 "{\"Name\":\"Person\",\"Confidence\":51},{\"Name\":\"Dog\",\"Confidence\":70,"
                 "\"Parents\":[{\"Name\":\"Animal\"}]}]}",
                 "Person,Animal");
    same = in;
    same.match = &reordered.match;
    id_of(&same, other);
    assert_string_equal(first, other);

    /* Another frame, stream or label set: another id. */
    struct alert_input diff = in;
    diff.frame_ms++;
    id_of(&diff, other);
    assert_string_not_equal(first, other);
    diff = in;
    diff.fragment_number = "91343852333182036507421233921329142742245756395";
    id_of(&diff, other);
    assert_string_not_equal(first, other);
    diff = in;
    diff.stream_name = "back-door";
    id_of(&diff, other);
    assert_string_not_equal(first, other);
    fixture_init(&fewer, SCENE, "Person");
    diff = in;
    diff.match = &fewer.match;
    id_of(&diff, other);
    assert_string_not_equal(first, other);
    fixture_cleanup(&fewer);
    fixture_cleanup(&reordered);
    fixture_cleanup(&f);
}

static void message_has_every_field(void **state)
{
    (void)state;
    struct fixture f;
    struct alert a;
    struct ev_tag tags[] = {{"site", "home"}, {"zone", "porch"}, {"site", "ignored"}};
    fixture_init(&f, SCENE, "Person");
    struct alert_input in = base_input(&f);
    in.stream_arn = "arn:aws:kinesisvideo:us-east-1:111122223333:stream/front-door/1";
    in.image_url = "https://cam-images.s3.amazonaws.com/k.jpg?X-Amz-Signature=ab";
    in.image_url_expires_ms = FRAME_MS + 3600000;
    in.tags = tags;
    in.tag_count = 3;
    build_ok(&in, &a);
    cJSON *m = json_parse(a.message, a.message_len);
    assert_non_null(m);
    assert_int_equal(a.message_len, strlen(a.message));
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(m, "version")->valueint, 1);
    assert_string_equal(json_get_string(m, "alertId"), a.id);
    assert_string_equal(json_get_string(m, "summary"),
                        "Person (98.5%) detected on front-door at 2026-11-24T08:00:00.123Z.");
    assert_string_equal(json_get_string(json_get_object(m, "stream"), "name"), "front-door");
    assert_string_equal(json_get_string(json_get_object(m, "stream"), "arn"), in.stream_arn);
    assert_string_equal(json_get_string(m, "trigger"), "s3");
    assert_string_equal(json_get_string(m, "time"), "2026-11-24T08:00:00.123Z");
    assert_string_equal(json_get_string(m, "fragmentNumber"), FRAGMENT);
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(m, "producerTimestampMs")->valuedouble,
                       (double)FRAME_MS, 0);
    const cJSON *img = json_get_object(m, "image");
    assert_string_equal(json_get_string(img, "s3Uri"), in.image_s3_uri);
    assert_string_equal(json_get_string(img, "url"), in.image_url);
    assert_string_equal(json_get_string(img, "urlExpiresAt"), "2026-11-24T09:00:00.123Z");
    const cJSON *labels = json_get_array(m, "labels");
    assert_int_equal(cJSON_GetArraySize(labels), 1);
    const cJSON *l0 = cJSON_GetArrayItem(labels, 0);
    assert_string_equal(json_get_string(l0, "name"), "Person");
    const cJSON *box = json_get_object(cJSON_GetArrayItem(json_get_array(l0, "instances"), 0), "box");
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(box, "height")->valuedouble, 0.4, 1e-9);
    const cJSON *t = json_get_object(m, "tags");
    assert_int_equal(cJSON_GetArraySize(t), 2);
    assert_string_equal(json_get_string(t, "site"), "home"); /* the first value wins */
    assert_null(cJSON_GetObjectItemCaseSensitive(m, "omitted"));
    cJSON_Delete(m);
    alert_cleanup(&a);
    fixture_cleanup(&f);
}

static void unknown_fields_are_null(void **state)
{
    (void)state;
    struct fixture f;
    struct alert a;
    fixture_init(&f, SCENE, "Person");
    struct alert_input in = base_input(&f);
    in.stream_name = "bad\xff name";
    in.fragment_number = NULL;
    in.producer_ms = -1;
    in.server_ms = -1;
    in.image_s3_uri = NULL;
    in.trigger = EV_TRIGGER_MANUAL;
    build_ok(&in, &a);
    cJSON *m = json_parse(a.message, a.message_len);
    assert_non_null(m);
    const char *nulls[] = {"fragmentNumber", "producerTimestampMs", "serverTimestampMs",
                           "image"};
    for (size_t i = 0; i < 4; i++)
        assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(m, nulls[i])));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(json_get_object(m, "stream"),
                                                              "arn")));
    assert_string_equal(json_get_string(json_get_object(m, "stream"), "name"),
                        "bad\xef\xbf\xbd name");
    assert_int_equal(cJSON_GetArraySize(json_get_object(m, "tags")), 0);
    assert_string_equal(json_get_string(m, "trigger"), "manual");
    cJSON_Delete(m);
    alert_cleanup(&a);

    struct alert_input with_image = base_input(&f);
    build_ok(&with_image, &a); /* a stored image without a URL */
    m = json_parse(a.message, a.message_len);
    const cJSON *img = json_get_object(m, "image");
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(img, "url")));
    assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(img, "urlExpiresAt")));
    cJSON_Delete(m);
    alert_cleanup(&a);
    fixture_cleanup(&f);
}

/* The message is written without a tree, yet its bytes are those cJSON prints (readers and
 * the schema test hold them): cJSON's own print of the parsed message gives it back whole,
 * escapes, cleaned text, nulls and the first of repeated tag names included. */
static void message_bytes_are_what_cjson_prints(void **state)
{
    (void)state;
    struct fixture f;
    struct alert a;
    char quote_name[] = "q\"uo\\te", bad_name[] = "b\xffx", bad_again[] = "b\xfex";
    struct ev_tag tags[] = {{"site", "home\t\"1\"\n"}, {quote_name, "\x01\x1f\x7f/"},
                            {bad_name, "\xc3\x28 v"}, {"site", "ignored"},
                            {bad_again, "ignored: cleans to the same name"}};
    const char *zones[] = {"door\\step", "\xe6\x97\xa5 \x08\x0c\r"};
    struct alert_snapshot snap = {"s3://b/snap.jpg", "https://b/s?x=1&y=\"2\"",
                                  FRAME_MS + 60000, 640, 480};
    fixture_init(&f, SCENE, "Person");
    struct alert_input in = base_input(&f);
    in.stream_name = "front\x01\"door\"\\\n\xff";
    in.stream_arn = NULL;
    in.image_url = "https://cam-images.s3.amazonaws.com/k.jpg?X-Amz-Signature=ab";
    in.image_url_expires_ms = FRAME_MS + 3600000;
    in.snapshot = &snap;
    in.tags = tags;
    in.tag_count = 5;
    in.zones = zones;
    in.zone_count = 2;
    in.suppressed = 3;
    build_ok(&in, &a);
    cJSON *m = json_parse(a.message, a.message_len);
    assert_non_null(m);
    char *theirs = cJSON_PrintUnformatted(m);
    assert_non_null(theirs);
    assert_string_equal(a.message, theirs);
    assert_int_equal(a.message_len, strlen(theirs));
    const cJSON *t = json_get_object(m, "tags");
    assert_int_equal(cJSON_GetArraySize(t), 3);
    assert_string_equal(json_get_string(t, "site"), "home\t\"1\"\n");
    assert_string_equal(json_get_string(t, "b\xef\xbf\xbdx"), "\xef\xbf\xbd( v");
    free(theirs);
    cJSON_Delete(m);
    alert_cleanup(&a);
    fixture_cleanup(&f);
}

static void attributes_carry_names_confidence_and_trigger(void **state)
{
    (void)state;
    struct fixture f;
    struct alert a;
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    fixture_init(&f, SCENE, "human,Dog,person");
    struct alert_input in = base_input(&f);
    in.trigger = EV_TRIGGER_KVS_NOTIFICATION;
    in.stream_name = "front\ndoor";
    build_ok(&in, &a);
    alert_attributes(&a, attrs);
    assert_string_equal(attrs[0].name, "stream");
    assert_string_equal(attrs[0].type, "String");
    assert_string_equal(attrs[0].value, "front door");
    assert_string_equal(attrs[1].name, "labels");
    assert_string_equal(attrs[1].type, "String.Array");
    /* Rekognition's names first, then configured names not already there. */
    assert_string_equal(attrs[1].value, "[\"Person\",\"Dog\",\"human\"]");
    assert_string_equal(attrs[2].name, "maxConfidence");
    assert_string_equal(attrs[2].type, "Number");
    assert_string_equal(attrs[2].value, "98.5");
    assert_string_equal(attrs[3].name, "trigger");
    assert_string_equal(attrs[3].value, "kvs-notification");
    alert_cleanup(&a);
    fixture_cleanup(&f);
}

static size_t wire_size(const struct alert *a)
{
    struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT];
    size_t total = a->message_len;
    alert_attributes(a, attrs);
    for (int i = 0; i < ALERT_ATTRIBUTE_COUNT; i++)
        total += strlen(attrs[i].name) + strlen(attrs[i].type) + strlen(attrs[i].value);
    assert_true(strlen(attrs[1].value) <= 4096); /* the documented cap */
    cJSON *names = json_parse(attrs[1].value, strlen(attrs[1].value));
    assert_true(cJSON_IsArray(names) && cJSON_GetArraySize(names) > 0);
    cJSON_Delete(names);
    return total;
}

/* Builds an alert for n labels of name_len bytes with per instances each and checks the
 * size, the counts of what was left out, and that the best labels are kept. */
static void check_fit(size_t n, size_t name_len, int per, int expect_label_cut)
{
    char *resp = many_labels(n, name_len, per);
    struct fixture f;
    struct alert a;
    fixture_init(&f, resp, "Thing");
    assert_int_equal(f.match.label_count, n);
    struct alert_input in = base_input(&f);
    build_ok(&in, &a);
    assert_true(wire_size(&a) <= ALERT_MAX_BYTES);
    assert_true(a.omitted_instances > 0 || per == 0);
    assert_int_equal(a.omitted_labels > 0, expect_label_cut);

    cJSON *m = json_parse(a.message, a.message_len);
    assert_non_null(m);
    const cJSON *labels = json_get_array(m, "labels");
    size_t kept_labels = (size_t)cJSON_GetArraySize(labels), kept_inst = 0;
    const cJSON *l;
    cJSON_ArrayForEach(l, labels)
    {
        kept_inst += (size_t)cJSON_GetArraySize(json_get_array(l, "instances"));
    }
    const cJSON *om = json_get_object(m, "omitted");
    assert_non_null(om);
    assert_int_equal(kept_labels + a.omitted_labels, n);
    assert_int_equal(kept_inst + a.omitted_instances, n * (size_t)per);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(om, "labels")->valueint, a.omitted_labels);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(om, "instances")->valueint,
                     a.omitted_instances);
    assert_string_equal(json_get_string(cJSON_GetArrayItem(labels, 0), "name"),
                        f.match.labels[0]->name);
    cJSON_Delete(m);
    alert_cleanup(&a);
    fixture_cleanup(&f);
    free(resp);
}

static void stays_under_the_sns_limit(void **state)
{
    (void)state;
    check_fit(1000, 60, 20, 0);  /* instances go first */
    check_fit(1000, 250, 1, 1); /* then labels */
}

static void rejects_bad_input(void **state)
{
    (void)state;
    struct fixture f, none;
    struct alert a;
    struct lk_error e;
    fixture_init(&f, SCENE, "Person");
    fixture_init(&none, SCENE, "Cat");
    struct alert_input in = base_input(&f);
    in.stream_name = "";
    assert_int_equal(alert_build(&in, &a, &e), LK_INVALID_ARG);
    assert_null(a.message);
    in = base_input(&f);
    in.match = &none.match;
    assert_int_equal(alert_build(&in, &a, &e), LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "no matched label"));
    in = base_input(&f);
    in.frame_ms = -1;
    assert_int_equal(alert_build(&in, &a, &e), LK_INVALID_ARG);
    in = base_input(&f);
    in.image_s3_uri = NULL;
    in.image_url = "https://x";
    assert_int_equal(alert_build(&in, &a, &e), LK_INVALID_ARG);
    fixture_cleanup(&none);
    fixture_cleanup(&f);
}

static void formats_times(void **state)
{
    (void)state;
    char t[25];
    assert_int_equal(alert_format_time(0, t), 0);
    assert_string_equal(t, "1970-01-01T00:00:00.000Z");
    assert_int_equal(alert_format_time(ALERT_MAX_TIME_MS, t), 0);
    assert_string_equal(t, "9999-12-31T23:59:59.999Z");
    assert_int_equal(alert_format_time(1709164800007LL, t), 0); /* a leap day */
    assert_string_equal(t, "2024-02-29T00:00:00.007Z");
    assert_int_equal(alert_format_time(-1, t), -1);
    assert_int_equal(alert_format_time(ALERT_MAX_TIME_MS + 1, t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(subject_names_labels_and_stream),
        cmocka_unit_test(subject_cuts_long_stream_names),
        cmocka_unit_test(subject_says_how_many_more),
        cmocka_unit_test(subject_folds_non_ascii_and_controls),
        cmocka_unit_test(subject_is_clean_for_any_bytes),
        cmocka_unit_test(confidences_read_as_printf_writes_them),
        cmocka_unit_test(alert_id_follows_the_documented_rule),
        cmocka_unit_test(alert_id_is_stable_and_sensitive),
        cmocka_unit_test(message_has_every_field),
        cmocka_unit_test(unknown_fields_are_null),
        cmocka_unit_test(message_bytes_are_what_cjson_prints),
        cmocka_unit_test(attributes_carry_names_confidence_and_trigger),
        cmocka_unit_test(stays_under_the_sns_limit),
        cmocka_unit_test(rejects_bad_input),
        cmocka_unit_test(formats_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
