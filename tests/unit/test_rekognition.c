/* Unit tests for the pure part of src/services/rekognition.c: request bodies and response
 * parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/base64.h"
#include "lookout/buf.h"
#include "lookout/json.h"
#include "lookout/rekognition.h"

static char *read_data(const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/data/rekognition/%s", LOOKOUT_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_file(&b, f), LK_OK);
    fclose(f);
    return buf_detach(&b, len);
}

static int parse_str(const char *text, struct rek_result *r, struct lk_error *e)
{
    return rek_parse_labels(text, strlen(text), r, e);
}

static void parses_recorded_response(void **state)
{
    (void)state;
    size_t len;
    char *text = read_data("person_dog.json", &len);
    struct rek_result r;
    struct lk_error e;
    assert_int_equal(rek_parse_labels(text, len, &r, &e), LK_OK);
    assert_int_equal(r.label_count, 4);
    assert_string_equal(r.model_version, "3.0");
    assert_int_equal(r.dropped, 0);

    const struct rek_label *person = &r.labels[0];
    assert_string_equal(person->name, "Person");
    assert_float_equal(person->confidence, 98.53411865234375, 1e-12);
    assert_int_equal(person->instance_count, 2);
    assert_float_equal(person->instances[0].box.left, 0.3105, 1e-12);
    assert_float_equal(person->instances[0].box.width, 0.2162, 1e-12);
    assert_float_equal(person->instances[1].box.left, -0.012, 1e-12); /* edge: kept */
    assert_float_equal(person->instances[1].confidence, 81.25, 1e-12);
    assert_int_equal(person->parents.count, 0);
    assert_int_equal(person->aliases.count, 1);
    assert_string_equal(person->aliases.items[0], "Human");
    assert_string_equal(person->categories.items[0], "Person Description");

    const struct rek_label *dog = &r.labels[1];
    assert_string_equal(dog->name, "Dog");
    assert_int_equal(dog->parents.count, 4);
    assert_string_equal(dog->parents.items[0], "Animal");
    assert_string_equal(dog->parents.items[3], "Pet");
    assert_int_equal(r.labels[2].instance_count, 0);
    assert_string_equal(r.labels[3].aliases.items[0], "Automobile");
    rek_result_cleanup(&r);
    assert_null(r.labels);
    free(text);
}

static void reads_only_len_bytes(void **state)
{
    (void)state;
    const char text[] = "{\"Labels\":[{\"Name\":\"Cat\",\"Confidence\":90}]}GARBAGE";
    struct rek_result r;
    struct lk_error e;
    assert_int_equal(rek_parse_labels(text, strlen(text) - 7, &r, &e), LK_OK);
    assert_int_equal(r.label_count, 1);
    rek_result_cleanup(&r);
    assert_int_equal(rek_parse_labels(text, strlen(text), &r, &e), LK_AWS_BAD_RESPONSE);
}

static void empty_and_null_members_are_absent(void **state)
{
    (void)state;
    struct rek_result r;
    struct lk_error e;
    assert_int_equal(parse_str("{}", &r, &e), LK_OK);
    assert_int_equal(r.label_count, 0);
    assert_null(r.model_version);
    rek_result_cleanup(&r);
    assert_int_equal(parse_str("{\"Labels\":[],\"LabelModelVersion\":null}", &r, &e), LK_OK);
    assert_int_equal(r.label_count, 0);
    rek_result_cleanup(&r);
    assert_int_equal(parse_str("{\"Labels\":[{\"Name\":\"Tree\",\"Confidence\":0,"
                               "\"Instances\":null,\"Parents\":null,\"Aliases\":null,"
                               "\"Categories\":null,\"Extra\":[1,2]}]}",
                               &r, &e),
                     LK_OK);
    assert_int_equal(r.label_count, 1);
    assert_int_equal(r.labels[0].parents.count, 0);
    rek_result_cleanup(&r);
}

/* JSON as cJSON reads it, since the rest of the function reads JSON with it: escaped keys
 * match, the first of two members counts, a string ends at U+0000, a number is what strtod
 * takes, white space is any byte up to 0x20. */
static void reads_json_as_cjson_does(void **state)
{
    (void)state;
    struct rek_result r;
    struct lk_error e;
    assert_int_equal(parse_str("\xef\xbb\xbf {\"La\\u0062els\":[{\"N\\u0061me\":\"Dog\\u0000x\","
                               "\"Confidence\":\x01 9.5e1,\"Name\":\"Cat\"}],\"Labels\":7,"
                               "\"LabelModelVersion\":\"3\\u002e0 \\ud83d\\ude00\"}\r\n",
                               &r, &e),
                     LK_OK);
    assert_int_equal(r.label_count, 1);
    assert_string_equal(r.labels[0].name, "Dog");
    assert_true(r.labels[0].confidence == 95.0);
    assert_string_equal(r.model_version, "3.0 \xf0\x9f\x98\x80");
    rek_result_cleanup(&r);
    static const char *const invalid[] = {"{\"Labels\":[]} x",
                                          "{\"Labels\":[],}",
                                          "{\"Labels\":[1 2]}",
                                          "{\"Labels\":[1e]}",
                                          "{\"Labels\":[\"\\ud800\"]}",
                                          "{\"Labels\":[\"\\q\"]}",
                                          "{\"Labels\":[+1]}",
                                          "{\"Labels\":[\"a]}",
                                          "",
                                          "\x01"};
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        assert_int_equal(parse_str(invalid[i], &r, &e), LK_AWS_BAD_RESPONSE);
        assert_non_null(strstr(e.message, "body: not valid JSON"));
    }
    char deep[2 * 1001 + 1];
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    deep[2002] = '\0';
    assert_int_equal(parse_str(deep, &r, &e), LK_AWS_BAD_RESPONSE);
    assert_non_null(strstr(e.message, "body: not valid JSON"));
    memset(deep, '[', 1000); /* 1000 levels: JSON, but not an object */
    memset(deep + 1000, ']', 1000);
    deep[2000] = '\0';
    assert_int_equal(parse_str(deep, &r, &e), LK_AWS_BAD_RESPONSE);
    assert_non_null(strstr(e.message, "body: not a JSON object"));
}

struct bad_case {
    const char *text;
    const char *where;
};

static void rejects_malformed_responses(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"", "body: not valid JSON"},
        {"[1]", "body: not a JSON object"},
        {"{\"Labels\":{}}", "Labels: not an array"},
        {"{\"Labels\":[7]}", "Labels[0]: not an object"},
        {"{\"Labels\":[{\"Confidence\":9}]}", "Labels[0].Name: missing or not a string"},
        {"{\"Labels\":[{\"Name\":\"\",\"Confidence\":9}]}", "Labels[0].Name: empty"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":9},{\"Name\":\"B\",\"Confidence\":\"9\"}]}",
         "Labels[1].Confidence: not a number in 0..100"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":100.5}]}", "Labels[0].Confidence"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":-1}]}", "Labels[0].Confidence"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":9,\"Parents\":\"Animal\"}]}",
         "Labels[0].Parents: not an array"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":9,\"Parents\":[{\"Name\":\"x\"},{}]}]}",
         "Labels[0].Parents[1].Name: missing or not a string"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":9,\"Aliases\":[\"Human\"]}]}",
         "Labels[0].Aliases[0]: not an object"},
        {"{\"Labels\":[{\"Name\":\"A\",\"Confidence\":9,\"Instances\":{}}]}",
         "Labels[0].Instances: not an array"},
        {"{\"Labels\":[{\"Name\":\"\xff\",\"Confidence\":9}]}", "Labels[0].Name: not valid UTF-8"},
        {"{\"LabelModelVersion\":3}", "LabelModelVersion: missing or not a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rek_result r;
        struct lk_error e;
        err_clear(&e);
        assert_int_equal(parse_str(cases[i].text, &r, &e), LK_AWS_BAD_RESPONSE);
        assert_int_equal(e.code, LK_AWS_BAD_RESPONSE);
        if (!strstr(e.message, cases[i].where))
            fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, e.message, cases[i].where);
        assert_int_equal(r.label_count, 0); /* zeroed after a failure */
        assert_null(r.labels);
        rek_result_cleanup(&r);
    }
}

static char *repeat_labels(size_t n, const char *label)
{
    struct lk_buf b;
    buf_init(&b, 1 << 24);
    assert_int_equal(buf_append_str(&b, "{\"Labels\":["), LK_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(buf_appendf(&b, "%s%s", i ? "," : "", label), LK_OK);
    assert_int_equal(buf_append_str(&b, "]}"), LK_OK);
    return buf_detach(&b, NULL);
}

static void enforces_caps(void **state)
{
    (void)state;
    struct rek_result r;
    struct lk_error e;
    char *ok = repeat_labels(REK_MAX_LABELS, "{\"Name\":\"A\",\"Confidence\":1}");
    assert_int_equal(parse_str(ok, &r, &e), LK_OK);
    assert_int_equal(r.label_count, REK_MAX_LABELS);
    rek_result_cleanup(&r);
    free(ok);
    char *many = repeat_labels(REK_MAX_LABELS + 1, "{\"Name\":\"A\",\"Confidence\":1}");
    assert_int_equal(parse_str(many, &r, &e), LK_AWS_BAD_RESPONSE);
    assert_non_null(strstr(e.message, "more than 1000 labels"));
    free(many);

    char name[REK_MAX_NAME_BYTES + 2];
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    char label[REK_MAX_NAME_BYTES + 64];
    snprintf(label, sizeof(label), "{\"Name\":\"%s\",\"Confidence\":1}", name);
    char *long_name = repeat_labels(1, label);
    assert_int_equal(parse_str(long_name, &r, &e), LK_AWS_BAD_RESPONSE);
    assert_non_null(strstr(e.message, "Labels[0].Name: empty or longer than 256 bytes"));
    free(long_name);

    struct lk_buf parents;
    buf_init(&parents, 1 << 20);
    assert_int_equal(buf_append_str(&parents, "{\"Labels\":[{\"Name\":\"A\",\"Confidence\":1,"
                                              "\"Parents\":["),
                     LK_OK);
    for (int i = 0; i <= REK_MAX_NAMES; i++)
        assert_int_equal(buf_appendf(&parents, "%s{\"Name\":\"P%d\"}", i ? "," : "", i), LK_OK);
    assert_int_equal(buf_append_str(&parents, "]}]}"), LK_OK);
    assert_int_equal(rek_parse_labels(parents.data, parents.len, &r, &e), LK_AWS_BAD_RESPONSE);
    assert_non_null(strstr(e.message, "Labels[0].Parents: more than 256 entries"));
    buf_cleanup(&parents);
}

static void drops_unusable_and_extra_instances(void **state)
{
    (void)state;
    struct lk_buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(buf_append_str(&b, "{\"Labels\":[{\"Name\":\"Person\",\"Confidence\":99,"
                                        "\"Instances\":["
                                        "{\"Confidence\":99},"
                                        "{\"BoundingBox\":{\"Left\":0,\"Top\":0,\"Width\":-1,"
                                        "\"Height\":1},\"Confidence\":99},"
                                        "{\"BoundingBox\":{\"Left\":0,\"Top\":0,\"Width\":1,"
                                        "\"Height\":1},\"Confidence\":\"99\"},"
                                        "{\"BoundingBox\":{\"Left\":0.5,\"Top\":0,\"Width\":1,"
                                        "\"Height\":1}},"
                                        "5"),
                     LK_OK);
    for (int i = 0; i < REK_MAX_INSTANCES + 3; i++)
        assert_int_equal(buf_appendf(&b, ",{\"BoundingBox\":{\"Left\":%d,\"Top\":0,\"Width\":1,"
                                         "\"Height\":1},\"Confidence\":50}",
                                     i),
                         LK_OK);
    assert_int_equal(buf_append_str(&b, "]}]}"), LK_OK);
    struct rek_result r;
    struct lk_error e;
    assert_int_equal(rek_parse_labels(b.data, b.len, &r, &e), LK_OK);
    assert_int_equal(r.labels[0].instance_count, REK_MAX_INSTANCES);
    assert_float_equal(r.labels[0].instances[0].box.left, 0, 0);
    assert_float_equal(r.labels[0].instances[REK_MAX_INSTANCES - 1].box.left,
                       REK_MAX_INSTANCES - 1, 0);
    assert_int_equal(r.dropped, 5 + 3);
    rek_result_cleanup(&r);
    buf_cleanup(&b);
}

static cJSON *build_and_parse(const struct rek_image *img, const struct rek_options *opt)
{
    struct lk_buf b;
    struct lk_error e;
    buf_init(&b, 1 << 24);
    assert_int_equal(rek_build_request(img, opt, &b, &e), LK_OK);
    cJSON *tree = json_parse(b.data, b.len);
    assert_non_null(tree);
    buf_cleanup(&b);
    return tree;
}

static void builds_s3_object_request(void **state)
{
    (void)state;
    struct rek_image img = {.bucket = "my-bucket.images", .key = "cam/a \"b\"\\é.jpg",
                            .version = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"};
    struct rek_options opt = {.min_confidence = 72.5, .max_labels = 25};
    cJSON *t = build_and_parse(&img, &opt);
    const cJSON *s3 = json_get_object(json_get_object(t, "Image"), "S3Object");
    assert_non_null(s3);
    assert_string_equal(json_get_string(s3, "Bucket"), "my-bucket.images");
    assert_string_equal(json_get_string(s3, "Name"), "cam/a \"b\"\\é.jpg");
    assert_string_equal(json_get_string(s3, "Version"), "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
    assert_null(cJSON_GetObjectItemCaseSensitive(json_get_object(t, "Image"), "Bytes"));
    assert_float_equal(cJSON_GetObjectItemCaseSensitive(t, "MinConfidence")->valuedouble, 72.5,
                       0);
    assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "MaxLabels")->valueint, 25);
    cJSON_Delete(t);

    img.version = NULL;
    opt = (struct rek_options){.min_confidence = -1, .max_labels = -1};
    t = build_and_parse(&img, &opt);
    s3 = json_get_object(json_get_object(t, "Image"), "S3Object");
    assert_null(cJSON_GetObjectItemCaseSensitive(s3, "Version"));
    assert_null(cJSON_GetObjectItemCaseSensitive(t, "MinConfidence"));
    assert_null(cJSON_GetObjectItemCaseSensitive(t, "MaxLabels"));
    cJSON_Delete(t);
}

static void builds_bytes_request(void **state)
{
    (void)state;
    unsigned char jpeg[1000];
    for (size_t i = 0; i < sizeof(jpeg); i++)
        jpeg[i] = (unsigned char)(i * 7 + 3);
    struct rek_image img = {.bytes = jpeg, .bytes_len = sizeof(jpeg)};
    struct rek_options with[] = {{80, 10}, {-1, -1}, {0, 0}};
    for (size_t k = 0; k < 3; k++) {
        cJSON *t = build_and_parse(&img, &with[k]);
        const char *b64 = json_get_string(json_get_object(t, "Image"), "Bytes");
        assert_non_null(b64);
        struct lk_buf raw;
        buf_init(&raw, 1 << 20);
        assert_int_equal(b64_decode(&raw, b64, strlen(b64)), LK_OK);
        assert_int_equal(raw.len, sizeof(jpeg));
        assert_memory_equal(raw.data, jpeg, sizeof(jpeg));
        buf_cleanup(&raw);
        assert_int_equal(cJSON_GetObjectItemCaseSensitive(t, "MaxLabels") != NULL,
                         with[k].max_labels >= 0);
        assert_int_equal(cJSON_GetArraySize(t), with[k].max_labels >= 0 ? 3 : 1);
        cJSON_Delete(t);
    }
}

static void rejects_bad_requests(void **state)
{
    (void)state;
    struct lk_buf b;
    struct lk_error e;
    struct rek_options opt = {80, 10};
    buf_init(&b, 1 << 24);
    struct rek_image bad_bucket = {.bucket = "a/b", .key = "k"};
    assert_int_equal(rek_build_request(&bad_bucket, &opt, &b, &e), LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "Bucket"));
    struct rek_image short_bucket = {.bucket = "ab", .key = "k"};
    assert_int_equal(rek_build_request(&short_bucket, &opt, &b, &e), LK_INVALID_ARG);
    struct rek_image no_key = {.bucket = "bucket", .key = ""};
    assert_int_equal(rek_build_request(&no_key, &opt, &b, &e), LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "S3Object.Name"));
    struct rek_image bad_utf8 = {.bucket = "bucket", .key = "a\xc3"};
    assert_int_equal(rek_build_request(&bad_utf8, &opt, &b, &e), LK_INVALID_ARG);
    struct rek_image nothing = {0};
    assert_int_equal(rek_build_request(&nothing, &opt, &b, &e), LK_INVALID_ARG);

    unsigned char *big = calloc(1, REK_MAX_IMAGE_BYTES + 1);
    assert_non_null(big);
    struct rek_image too_big = {.bytes = big, .bytes_len = REK_MAX_IMAGE_BYTES + 1};
    assert_int_equal(rek_build_request(&too_big, &opt, &b, &e), LK_TOO_LARGE);
    too_big.bytes_len = REK_MAX_IMAGE_BYTES; /* exactly at the limit is fine */
    assert_int_equal(rek_build_request(&too_big, &opt, &b, &e), LK_OK);
    free(big);
    buf_reset(&b);

    struct rek_image ok = {.bucket = "bucket", .key = "k.jpg"};
    struct rek_options hi_conf = {100.01, 10}, many = {50, REK_MAX_LABELS_PARAM + 1};
    assert_int_equal(rek_build_request(&ok, &hi_conf, &b, &e), LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "MinConfidence"));
    assert_int_equal(rek_build_request(&ok, &many, &b, &e), LK_INVALID_ARG);
    assert_non_null(strstr(e.message, "MaxLabels"));
    buf_cleanup(&b);

    struct lk_buf tiny;
    buf_init(&tiny, 16);
    unsigned char px[64] = {0};
    struct rek_image bytes = {.bytes = px, .bytes_len = sizeof(px)};
    assert_int_equal(rek_build_request(&bytes, &opt, &tiny, &e), LK_TOO_LARGE);
    buf_cleanup(&tiny);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_recorded_response),
        cmocka_unit_test(reads_only_len_bytes),
        cmocka_unit_test(empty_and_null_members_are_absent),
        cmocka_unit_test(reads_json_as_cjson_does),
        cmocka_unit_test(rejects_malformed_responses),
        cmocka_unit_test(enforces_caps),
        cmocka_unit_test(drops_unusable_and_extra_instances),
        cmocka_unit_test(builds_s3_object_request),
        cmocka_unit_test(builds_bytes_request),
        cmocka_unit_test(rejects_bad_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
