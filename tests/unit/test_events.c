/* Unit tests for src/events: every event shape the function accepts, from files in
 * tests/data/events, and the errors for what it must reject. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lookout/events.h"
#include "lookout/json.h"

static cJSON *load(const char *name)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/data/events/%s", LOOKOUT_SOURCE_DIR, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char text[16384];
    size_t n = fread(text, 1, sizeof(text), f);
    fclose(f);
    assert_true(n > 0 && n < sizeof(text));
    cJSON *j = json_parse(text, n);
    assert_non_null(j);
    return j;
}

static cJSON *parse_str(const char *s)
{
    cJSON *j = json_parse(s, strlen(s));
    assert_non_null(j);
    return j;
}

/* Parses a file into a batch; returns the event tree (to delete) */
static cJSON *batch_of(const char *file, struct ev_batch *b)
{
    cJSON *ev = load(file);
    struct lk_error err;
    assert_int_equal(ev_parse(ev, ev_classify(ev), b, &err), LK_OK);
    return ev;
}

static void s3_put_record(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("s3-put.json", &b);
    assert_int_equal(b.kind, EV_KIND_S3);
    assert_int_equal(b.count, 1);
    const struct ev_item *it = &b.items[0];
    assert_int_equal(it->kind, EV_ITEM_S3_OBJECT);
    assert_int_equal(it->trigger, EV_TRIGGER_S3);
    assert_string_equal(it->where, "Records[0]");
    assert_string_equal(it->s3.bucket, "mybucket");
    assert_string_equal(it->s3.key, "photos/red flower+(1).jpg");
    assert_int_equal(it->s3.key_len, strlen("photos/red flower+(1).jpg"));
    assert_int_equal(it->s3.size_bytes, 1024);
    assert_string_equal(it->s3.etag, "d41d8cd98f00b204e9800998ecf8427e");
    assert_string_equal(it->s3.version_id, "096fKKXTRTtl3on89fVO.nfljtsv6qko");
    assert_string_equal(it->s3.sequencer, "0055AED6DCD90281E5");
    assert_string_equal(it->s3.event_name, "ObjectCreated:Put");
    assert_string_equal(it->s3.event_time, "1970-01-01T00:00:00.000Z");
    assert_string_equal(it->s3.region, "us-west-2");
    assert_null(it->sns_topic_arn);
    assert_null(ev_s3_object_skip_reason(&it->s3));
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void s3_bad_records_do_not_hide_good_ones(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("s3-three-one-bad.json", &b);
    assert_int_equal(b.count, 4);
    assert_int_equal(ev_batch_error_count(&b), 2);
    assert_int_equal(b.items[0].kind, EV_ITEM_S3_OBJECT);
    assert_int_equal(b.items[1].kind, EV_ITEM_S3_OBJECT);
    assert_string_equal(b.items[1].s3.key, "a b.png");
    assert_null(b.items[1].s3.etag);
    assert_null(b.items[1].s3.version_id);
    assert_int_equal(b.items[2].kind, EV_ITEM_ERROR);
    assert_int_equal(b.items[2].err.code, LK_INVALID_EVENT);
    assert_string_equal(b.items[2].err.message,
                        "Records[2].s3.object.key: invalid percent escape at byte 3");
    assert_int_equal(b.items[3].kind, EV_ITEM_ERROR);
    assert_string_equal(b.items[3].err.message,
                        "Records[3]: eventVersion 3.0 is not supported (major version must be 2)");
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void key_decoding(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out; /* NULL: rejected */
    } cases[] = {
        {"a+b.jpg", "a b.jpg"},
        {"a%20b.jpg", "a b.jpg"},
        {"a%2Bb.jpg", "a+b.jpg"},
        {"x%2fy", "x/y"},
        {"caf%C3%A9.png", "caf\xc3\xa9.png"},
        {"%", NULL},
        {"a%2", NULL},
        {"a%zz", NULL},
        {"a%00b", NULL},
        {"%FF.jpg", NULL},
        {"", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = NULL;
        size_t len = 99;
        struct lk_error err;
        int rc = ev_s3_key_decode(cases[i].in, strlen(cases[i].in), &out, &len, &err);
        if (cases[i].out) {
            assert_int_equal(rc, LK_OK);
            assert_string_equal(out, cases[i].out);
            assert_int_equal(len, strlen(cases[i].out));
        } else {
            assert_int_equal(rc, LK_INVALID_EVENT);
            assert_null(out);
        }
        free(out);
    }
    /* Over S3's 1024-byte limit once decoded. */
    char big[1100];
    memset(big, 'k', sizeof(big));
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(ev_s3_key_decode(big, sizeof(big), &out, &len, NULL), LK_INVALID_EVENT);
}

static void s3_record_errors_name_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        {"{\"eventSource\":\"aws:s3\",\"s3\":{}}", "R[1]: eventVersion is missing"},
        {"{\"eventVersion\":\"two\",\"eventSource\":\"aws:s3\"}",
         "R[1]: eventVersion two is not MAJOR.MINOR"},
        {"{\"eventVersion\":\"2.9\",\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":"
         "\"b\"}}}",
         "R[1].s3: object is missing or not an object"},
        {"{\"eventVersion\":\"2.9\",\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":"
         "\"b/c\"},\"object\":{\"key\":\"k\"}}}",
         "R[1].s3.bucket: name is not a valid bucket name"},
        {"{\"eventVersion\":\"2.9\",\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":"
         "\"b\"},\"object\":{\"key\":7}}}",
         "R[1].s3.object: key is not a string"},
        {"{\"eventVersion\":\"2.9\",\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":"
         "\"b\"},\"object\":{\"key\":\"k\",\"size\":-1}}}",
         "R[1].s3.object: size is not a non-negative integer"},
        {"{\"eventSource\":\"aws:sqs\"}", "R[1]: eventSource is not aws:s3"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *rec = parse_str(cases[i].json);
        struct ev_s3_object o;
        struct lk_error err;
        assert_int_equal(ev_s3_parse_record(rec, "R[1]", &o, &err), LK_INVALID_EVENT);
        assert_string_equal(err.message, cases[i].message);
        assert_null(o.bucket);
        ev_s3_object_cleanup(&o);
        cJSON_Delete(rec);
    }
}

static void skip_reasons(void **state)
{
    (void)state;
    struct ev_s3_object o = {0};
    o.size_bytes = 10;
    o.key = "a/b.JPEG";
    o.key_len = strlen(o.key);
    o.event_name = "ObjectCreated:CompleteMultipartUpload";
    assert_null(ev_s3_object_skip_reason(&o));
    o.key = "a/b.gif";
    o.key_len = strlen(o.key);
    assert_string_equal(ev_s3_object_skip_reason(&o),
                        "the key does not end in .jpg, .jpeg or .png");
    o.key = "b.png";
    o.key_len = strlen(o.key);
    o.size_bytes = 0;
    assert_string_equal(ev_s3_object_skip_reason(&o), "the object is empty");
    o.size_bytes = -1;
    o.event_name = "ObjectRemoved:Delete";
    assert_string_equal(ev_s3_object_skip_reason(&o), "the event is not an object creation");
    assert_int_equal(ev_key_image_ext("x.Png", 5), EV_EXT_PNG);
    assert_int_equal(ev_key_image_ext("x.jpg.txt", 9), EV_EXT_NONE);
    assert_int_equal(ev_key_image_ext("jpg", 3), EV_EXT_NONE);
}

static void sns_with_s3_inside(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("sns-s3.json", &b);
    assert_int_equal(b.kind, EV_KIND_SNS);
    assert_int_equal(b.count, 1);
    const struct ev_item *it = &b.items[0];
    assert_int_equal(it->kind, EV_ITEM_S3_OBJECT);
    assert_string_equal(it->where, "Records[0].Sns.Message.Records[0]");
    assert_string_equal(it->s3.key, "front door/cat.png");
    assert_string_equal(it->s3.bucket, "cams");
    assert_int_equal(it->s3.size_bytes, 2048);
    assert_string_equal(it->sns_topic_arn, "arn:aws:sns:us-east-1:123456789012:cams");

    struct ev_sns_message m;
    struct lk_error err;
    const cJSON *rec = cJSON_GetArrayItem(json_get_array(ev, "Records"), 0);
    assert_int_equal(ev_sns_parse_record(rec, "Records[0]", &m, &err), LK_OK);
    assert_int_equal(m.content, EV_SNS_S3);
    assert_string_equal(m.subject, "Amazon S3 Notification");
    assert_string_equal(ev_tags_get(&m.attributes, "Test"), "TestString");
    assert_non_null(m.parsed);
    ev_sns_message_cleanup(&m);
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void sns_with_kvs_fragment(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("sns-kvs.json", &b);
    assert_int_equal(b.count, 1);
    const struct ev_item *it = &b.items[0];
    assert_int_equal(it->kind, EV_ITEM_KVS_FRAGMENT);
    assert_int_equal(it->trigger, EV_TRIGGER_KVS_NOTIFICATION);
    assert_string_equal(ev_trigger_name(it->trigger), "kvs-notification");
    const struct ev_kvs_fragment *k = &it->kvs;
    assert_string_equal(
        k->stream.arn,
        "arn:aws:kinesisvideo:us-east-1:111122223333:stream/demo-stream/1690000000000");
    assert_string_equal(k->stream.region, "us-east-1");
    assert_string_equal(k->stream.account, "111122223333");
    assert_string_equal(k->stream.name, "demo-stream");
    assert_int_equal(k->stream.creation_ms, 1690000000000LL);
    assert_string_equal(k->fragment_number, "91343852333182036507421233921329142742245756394");
    assert_int_equal(k->producer_ms, 1690707290324LL);
    assert_int_equal(k->server_ms, 1690707289209LL); /* "1690707289.209": seconds */
    assert_string_equal(k->notification_type, "PERSISTED");
    assert_int_equal(k->tags.count, 1);
    assert_string_equal(ev_tags_get(&k->tags, "CUSTOM_KEY_1"), "CUSTOM_VALUE_1");
    /* S3 lower-cases metadata names: the name is the same tag in either case. */
    assert_string_equal(k->tags.items[0].name, "custom_key_1");
    assert_string_equal(ev_tags_get(&k->tags, "custom_Key_1"), "CUSTOM_VALUE_1");
    assert_null(ev_tags_get(&k->tags, "custom_key_"));
    assert_null(ev_tags_get(&k->tags, "custom_key_10"));
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void sns_test_event_and_other(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("sns-s3-test.json", &b);
    assert_int_equal(b.count, 1);
    assert_int_equal(b.items[0].kind, EV_ITEM_S3_TEST);
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);

    ev = batch_of("sns-other.json", &b);
    assert_int_equal(b.count, 1);
    assert_int_equal(b.items[0].kind, EV_ITEM_ERROR);
    assert_string_equal(b.items[0].err.message,
                        "Records[0].Sns.Message: neither an S3 notification nor a KVS fragment "
                        "notification");
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);

    ev = batch_of("s3-test-event.json", &b);
    assert_int_equal(b.kind, EV_KIND_S3_TEST);
    assert_int_equal(b.count, 1);
    assert_int_equal(b.items[0].kind, EV_ITEM_S3_TEST);
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void eventbridge_key_is_raw(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("eventbridge.json", &b);
    assert_int_equal(b.kind, EV_KIND_EVENTBRIDGE_S3);
    assert_int_equal(b.count, 1);
    const struct ev_s3_object *o = &b.items[0].s3;
    assert_int_equal(b.items[0].kind, EV_ITEM_S3_OBJECT);
    assert_string_equal(o->bucket, "amzn-s3-demo-bucket1");
    assert_string_equal(o->key, "cam:1/a+b.jpg");
    assert_int_equal(o->size_bytes, 5);
    assert_string_equal(o->etag, "b1946ac92492d2347c6235b4d2611184");
    assert_string_equal(o->version_id, "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
    assert_string_equal(o->sequencer, "617f08299329d189");
    assert_string_equal(o->region, "ca-central-1");
    assert_null(ev_s3_object_skip_reason(o));
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);
}

static void kvs_fragment_errors(void **state)
{
    (void)state;
    static const struct {
        const char *json;
        const char *message;
    } cases[] = {
        {"{\"FragmentNumber\":\"1\",\"FragmentStartServerTimestamp\":1}", "StreamArn is missing"},
        {"{\"StreamArn\":\"arn:aws:s3:::b\",\"FragmentNumber\":\"1\"}",
         "StreamArn: not a stream ARN (arn:aws:kinesisvideo:REGION:ACCOUNT:stream/NAME/MS)"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:1111:stream/s/1\"}",
         "StreamArn: stream ARN account is not 12 digits"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:111122223333:stream/s/1\","
         "\"FragmentNumber\":123}",
         "FragmentNumber is a number; it must be a string of digits"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:111122223333:stream/s/1\","
         "\"FragmentNumber\":\"12a\"}",
         "FragmentNumber is not decimal digits"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:111122223333:stream/s/1\","
         "\"FragmentNumber\":\"12\"}",
         "FragmentStartProducerTimestamp and FragmentStartServerTimestamp are both missing"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:111122223333:stream/s/1\","
         "\"FragmentNumber\":\"12\",\"FragmentStartProducerTimestamp\":-5}",
         "FragmentStartProducerTimestamp: not an epoch timestamp (ms, or seconds below 1e11)"},
        {"{\"StreamArn\":\"arn:aws:kinesisvideo:us-east-1:111122223333:stream/s/1\","
         "\"FragmentNumber\":\"12\",\"FragmentStartProducerTimestamp\":1,"
         "\"NotificationPayload\":{\"k\":5}}",
         "NotificationPayload: k is not a string"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ev_kvs_fragment f;
        struct lk_error err;
        assert_int_equal(ev_kvs_fragment_parse_text(cases[i].json, strlen(cases[i].json), &f, &err),
                         LK_INVALID_EVENT);
        assert_string_equal(err.message, cases[i].message);
        ev_kvs_fragment_cleanup(&f);
    }
    struct ev_kvs_fragment f;
    struct lk_error err;
    assert_int_equal(ev_kvs_fragment_parse_text("{", 1, &f, &err), LK_INVALID_EVENT);
}

static void kvs_fragment_timestamps_as_seconds(void **state)
{
    (void)state;
    const char *j = "{\"StreamArn\":\"arn:aws-cn:kinesisvideo:cn-north-1:111122223333:stream/"
                    "a_b.c-d/1\",\"FragmentNumber\":\"7\",\"FragmentStartProducerTimestamp\":"
                    "1690707290.5,\"FragmentStartServerTimestamp\":\"1690707289209\"}";
    struct ev_kvs_fragment f;
    struct lk_error err;
    assert_int_equal(ev_kvs_fragment_parse_text(j, strlen(j), &f, &err), LK_OK);
    assert_int_equal(f.producer_ms, 1690707290500LL);
    assert_int_equal(f.server_ms, 1690707289209LL);
    assert_string_equal(f.stream.name, "a_b.c-d");
    assert_null(f.notification_type);
    assert_int_equal(f.tags.count, 0);
    ev_kvs_fragment_cleanup(&f);
}

static void kvs_metadata_identity(void **state)
{
    (void)state;
    const struct ev_tag pairs[] = {
        {"AWS_KinesisVideo_Fragment_Number", "91343852333182036507421233921329142742245756394"},
        {"aws_kinesisvideo_producer_timestamp", "1690707290324"},
        {"aws_kinesisvideo_server_timestamp", "1690707289"},
        {"camera", "front-door"},
    };
    struct ev_kvs_image img;
    struct lk_error err;
    assert_int_equal(ev_kvs_image_from_metadata(pairs, 4, &img, &err), LK_OK);
    assert_string_equal(img.fragment_number, "91343852333182036507421233921329142742245756394");
    assert_int_equal(img.producer_ms, 1690707290324LL);
    assert_int_equal(img.server_ms, 1690707289000LL);
    assert_int_equal(img.tags.count, 1);
    assert_string_equal(ev_tags_get(&img.tags, "camera"), "front-door");
    ev_kvs_image_cleanup(&img);

    assert_int_equal(ev_kvs_image_from_metadata(pairs + 3, 1, &img, &err), LK_OK);
    assert_null(img.fragment_number);
    assert_int_equal(img.producer_ms, -1);
    ev_kvs_image_cleanup(&img);

    const struct ev_tag bad[] = {{"aws_kinesisvideo_producer_timestamp", "12:00"}};
    assert_int_equal(ev_kvs_image_from_metadata(bad, 1, &img, &err), LK_INVALID_EVENT);
    assert_string_equal(err.message,
                        "metadata: aws_kinesisvideo_producer_timestamp is not epoch milliseconds");
    struct ev_tag many[EV_MAX_TAGS + 1];
    for (size_t i = 0; i < EV_MAX_TAGS + 1; i++)
        many[i] = (struct ev_tag){"t", "v"};
    assert_int_equal(ev_kvs_image_from_metadata(many, EV_MAX_TAGS + 1, &img, &err),
                     LK_INVALID_EVENT);
    assert_null(img.tags.items);
}

static void kvs_key_from_the_right(void **state)
{
    (void)state;
    struct ev_kvs_key k;
    struct lk_error err;
    const char *doc = "111122223333_demo-stream_1690707290324_f20f9add-75e7-4399-a30f-"
                      "fc7aefb1bab7.jpg";
    assert_int_equal(ev_kvs_key_parse(doc, strlen(doc), &k, &err), LK_OK);
    assert_null(k.dir);
    assert_null(k.prefix);
    assert_false(k.ambiguous);
    assert_string_equal(k.account, "111122223333");
    assert_string_equal(k.stream_name, "demo-stream");
    assert_int_equal(k.timecode_ms, 1690707290324LL);
    assert_string_equal(k.random_id, "f20f9add-75e7-4399-a30f-fc7aefb1bab7");
    assert_int_equal(k.ext, EV_EXT_JPEG);
    ev_kvs_key_cleanup(&k);

    const char *pre = "cams/2026/front_111122223333_my_cam_42_1690707290324_abc-1.PNG";
    assert_int_equal(ev_kvs_key_parse(pre, strlen(pre), &k, &err), LK_OK);
    assert_string_equal(k.dir, "cams/2026");
    assert_string_equal(k.prefix, "front");
    assert_string_equal(k.account, "111122223333");
    assert_string_equal(k.stream_name, "my_cam_42");
    assert_string_equal(k.head, "front_111122223333_my_cam_42");
    assert_int_equal(k.ext, EV_EXT_PNG);
    ev_kvs_key_cleanup(&k);

    /* Two 12-digit segments: the account could be either. */
    const char *amb = "111122223333_444455556666_cam_1690707290324_abc.jpeg";
    assert_int_equal(ev_kvs_key_parse(amb, strlen(amb), &k, &err), LK_OK);
    assert_true(k.ambiguous);
    assert_null(k.account);
    assert_null(k.stream_name);
    assert_string_equal(k.head, "111122223333_444455556666_cam");
    assert_int_equal(k.timecode_ms, 1690707290324LL);
    ev_kvs_key_cleanup(&k);

    static const char *bad[] = {
        "111122223333_cam_1690707290324_abc.gif",
        "111122223333_cam_169070729x_abc.jpg",
        "11112222333_cam_1690707290324_abc.jpg",
        "cam_1690707290324_abc.jpg",
        "111122223333_cam_1690707290324_.jpg",
        "111122223333__1690707290324_abc.jpg",
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ev_kvs_key_parse(bad[i], strlen(bad[i]), &k, &err), LK_INVALID_EVENT);
        assert_null(k.head);
    }
}

static void rfc3339_times(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        long long ms; /* -1: rejected */
    } cases[] = {
        {"2026-11-24T08:00:00Z", 1795507200000LL},
        {"2026-11-24T08:00:00.123Z", 1795507200123LL},
        {"2026-11-24t09:30:00.5+01:30", 1795507200500LL},
        {"2026-11-24T07:00:00-01:00", 1795507200000LL},
        {"1970-01-01T00:00:00Z", 0},
        {"2024-02-29T00:00:00Z", 1709164800000LL},
        {"2023-02-29T00:00:00Z", -1},
        {"2026-11-24T08:00:00", -1},
        {"2026-11-24", -1},
        {"2026-13-01T00:00:00Z", -1},
        {"2026-11-24T24:00:00Z", -1},
        {"1969-12-31T23:59:59Z", -1},
        {"2026-11-24T08:00:00.Z", -1},
        {"2026-11-24T08:00:00Zjunk", -1},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long ms = -7;
        struct lk_error err;
        int rc = ev_parse_rfc3339(cases[i].in, strlen(cases[i].in), &ms, &err);
        if (cases[i].ms >= 0) {
            assert_int_equal(rc, LK_OK);
            assert_int_equal(ms, cases[i].ms);
        } else {
            assert_int_equal(rc, LK_INVALID_EVENT);
        }
    }
}

static void manual_requests(void **state)
{
    (void)state;
    struct ev_batch b;
    cJSON *ev = batch_of("manual-image.json", &b);
    assert_int_equal(b.kind, EV_KIND_MANUAL);
    assert_int_equal(b.items[0].kind, EV_ITEM_S3_OBJECT);
    assert_int_equal(b.items[0].trigger, EV_TRIGGER_MANUAL);
    assert_string_equal(b.items[0].s3.key, "front door/a+b.jpg"); /* raw */
    assert_string_equal(b.items[0].s3.bucket, "cams");
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);

    ev = batch_of("manual-stream.json", &b);
    assert_int_equal(b.items[0].kind, EV_ITEM_STREAM_RANGE);
    assert_string_equal(b.items[0].range.stream_name, "demo-stream");
    assert_string_equal(b.items[0].range.arn.account, "111122223333");
    assert_int_equal(b.items[0].range.start_ms, 1795507200000LL);
    assert_int_equal(b.items[0].range.end_ms, 1795507210000LL);
    ev_batch_cleanup(&b);
    cJSON_Delete(ev);

    static const struct {
        const char *json;
        const char *message;
    } bad[] = {
        {"{\"lookout\":{}}", "lookout: expected {\"image\":{\"bucket\":..,\"key\":..}} or "
                             "{\"stream\":..,\"start\":..,\"end\":..}"},
        {"{\"lookout\":{\"image\":{\"bucket\":\"b\"},\"stream\":\"s\"}}",
         "lookout: give either image or stream, not both"},
        {"{\"lookout\":{\"image\":{\"bucket\":\"b\"}}}", "lookout.image: key is missing"},
        {"{\"lookout\":{\"stream\":\"s\",\"start\":1000,\"end\":1000}}",
         "lookout: end must be after start"},
        {"{\"lookout\":{\"stream\":\"s\",\"start\":0,\"end\":300001}}",
         "lookout: the range from start to end is longer than 300 s"},
        {"{\"lookout\":{\"stream\":\"a b\",\"start\":0,\"end\":1}}",
         "lookout.stream: not a stream name ([a-zA-Z0-9_.-]{1,256}) nor a stream ARN"},
        {"{\"lookout\":{\"stream\":\"s\",\"start\":\"yesterday\",\"end\":1}}",
         "lookout.start: not an RFC 3339 date-time (like 2026-11-24T08:00:00Z)"},
        {"{\"lookout\":{\"stream\":\"s\",\"start\":1.5,\"end\":3}}",
         "lookout.start: not a whole number of epoch milliseconds"},
        {"{\"lookout\":{\"stream\":\"s\",\"start\":0}}",
         "lookout.end: missing (epoch ms or RFC 3339 date-time)"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *j = parse_str(bad[i].json);
        struct lk_error err;
        assert_int_equal(ev_parse(j, ev_classify(j), &b, &err), LK_INVALID_EVENT);
        assert_string_equal(err.message, bad[i].message);
        assert_int_equal(b.count, 0);
        cJSON_Delete(j);
    }
}

static void cfn_requests(void **state)
{
    (void)state;
    cJSON *ev = load("cfn-create.json");
    assert_int_equal(ev_classify(ev), EV_KIND_CFN_CUSTOM);
    struct ev_batch b;
    struct lk_error err;
    assert_int_equal(ev_parse(ev, ev_classify(ev), &b, &err), LK_UNSUPPORTED_EVENT);
    assert_int_equal(b.kind, EV_KIND_CFN_CUSTOM);
    struct ev_cfn_request r;
    assert_int_equal(ev_cfn_parse(ev, &r, &err), LK_OK);
    assert_int_equal(r.type, EV_CFN_CREATE);
    assert_string_equal(ev_cfn_request_type_name(r.type), "Create");
    assert_string_equal(r.logical_resource_id, "StreamImages");
    assert_string_equal(r.resource_type, "Custom::StreamImages");
    assert_string_equal(r.request_id, "unique-id-for-this-create-request");
    assert_null(r.physical_resource_id);
    assert_null(r.old_properties);
    assert_ptr_equal(r.properties, json_get_object(ev, "ResourceProperties"));
    assert_string_equal(json_get_string(r.properties, "StreamName"), "demo-stream");
    ev_cfn_cleanup(&r);

    cJSON_ReplaceItemInObject(ev, "RequestType", cJSON_CreateString("Replace"));
    assert_int_equal(ev_cfn_parse(ev, &r, &err), LK_INVALID_EVENT);
    assert_string_equal(err.message, "RequestType: Replace is not Create, Update or Delete");
    /* Still answerable: the stack is told FAILED instead of waiting an hour. */
    assert_string_equal(r.response_url, json_get_string(ev, "ResponseURL"));
    assert_string_equal(r.request_id, "unique-id-for-this-create-request");
    ev_cfn_cleanup(&r);
    cJSON_ReplaceItemInObject(ev, "RequestType", cJSON_CreateString("Delete"));
    cJSON_AddStringToObject(ev, "PhysicalResourceId", "phys-1");
    cJSON_ReplaceItemInObject(ev, "ResponseURL", cJSON_CreateString("file:///etc/passwd"));
    assert_int_equal(ev_cfn_parse(ev, &r, &err), LK_INVALID_EVENT);
    assert_string_equal(err.message, "ResponseURL: not an http(s) URL");
    assert_null(r.response_url);
    ev_cfn_cleanup(&r);
    cJSON_ReplaceItemInObject(ev, "ResponseURL", cJSON_CreateString("http://127.0.0.1:9/r"));
    assert_int_equal(ev_cfn_parse(ev, &r, &err), LK_OK);
    assert_int_equal(r.type, EV_CFN_DELETE);
    assert_string_equal(r.physical_resource_id, "phys-1");
    ev_cfn_cleanup(&r);
    cJSON_Delete(ev);
}

static void envelope_errors(void **state)
{
    (void)state;
    struct ev_batch b;
    struct lk_error err;
    cJSON *j = parse_str("{\"hello\":1}");
    assert_int_equal(ev_parse(j, ev_classify(j), &b, &err), LK_UNSUPPORTED_EVENT);
    assert_int_equal(b.kind, EV_KIND_UNKNOWN);
    cJSON_Delete(j);
    assert_int_equal(ev_parse(NULL, ev_classify(NULL), &b, &err), LK_UNSUPPORTED_EVENT);

    j = parse_str("{\"Records\":[{\"EventSource\":\"aws:sns\"}]}");
    assert_int_equal(ev_parse(j, ev_classify(j), &b, &err), LK_OK);
    assert_int_equal(b.items[0].kind, EV_ITEM_ERROR);
    assert_string_equal(b.items[0].err.message, "Records[0]: Sns is missing or not an object");
    ev_batch_cleanup(&b);
    cJSON_Delete(j);

    j = parse_str("{\"source\":\"aws.s3\",\"detail-type\":\"Object Created\"}");
    assert_int_equal(ev_parse(j, ev_classify(j), &b, &err), LK_OK);
    assert_int_equal(b.items[0].kind, EV_ITEM_ERROR);
    assert_string_equal(b.items[0].err.message, "detail: missing or not an object");
    ev_batch_cleanup(&b);
    cJSON_Delete(j);
}

static void stream_arns(void **state)
{
    (void)state;
    struct ev_stream_arn a;
    struct lk_error err;
    const char *ok = "arn:aws:kinesisvideo:eu-west-1:111122223333:stream/x/1";
    assert_int_equal(ev_stream_arn_parse(ok, strlen(ok), &a, &err), LK_OK);
    assert_string_equal(a.name, "x");
    assert_int_equal(a.creation_ms, 1);
    ev_stream_arn_cleanup(&a);
    static const char *bad[] = {
        "arn:aws:kinesisvideo:eu-west-1:111122223333:stream/x",
        "arn:aws:kinesisvideo:eu-west-1:111122223333:stream//1",
        "arn:aws:kinesisvideo:eu-west-1:111122223333:stream/x/",
        "arn:aws:kinesisvideo:eu-west-1:111122223333:stream/x/1/2",
        "arn:aws:kinesisvideo:EU:111122223333:stream/x/1",
        "arn:aws:kinesisvideo:eu-west-1:111122223333:channel/x/1",
        "arn::kinesisvideo:eu-west-1:111122223333:stream/x/1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ev_stream_arn_parse(bad[i], strlen(bad[i]), &a, &err), LK_INVALID_EVENT);
        assert_null(a.arn);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(s3_put_record),
        cmocka_unit_test(s3_bad_records_do_not_hide_good_ones),
        cmocka_unit_test(key_decoding),
        cmocka_unit_test(s3_record_errors_name_the_field),
        cmocka_unit_test(skip_reasons),
        cmocka_unit_test(sns_with_s3_inside),
        cmocka_unit_test(sns_with_kvs_fragment),
        cmocka_unit_test(sns_test_event_and_other),
        cmocka_unit_test(eventbridge_key_is_raw),
        cmocka_unit_test(kvs_fragment_errors),
        cmocka_unit_test(kvs_fragment_timestamps_as_seconds),
        cmocka_unit_test(kvs_metadata_identity),
        cmocka_unit_test(kvs_key_from_the_right),
        cmocka_unit_test(rfc3339_times),
        cmocka_unit_test(manual_requests),
        cmocka_unit_test(cfn_requests),
        cmocka_unit_test(envelope_errors),
        cmocka_unit_test(stream_arns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
