/*
 * events.h: outside events parsed into plain structs. Pure parsing: nothing here touches
 * the network or the clock.
 *
 * ev_classify looks at a parsed event once and says which route it takes. The kinds:
 *   EV_KIND_S3              {"Records":[{"eventSource":"aws:s3",...}]}
 *   EV_KIND_S3_TEST         {"Service":"Amazon S3","Event":"s3:TestEvent",...}
 *   EV_KIND_SNS             {"Records":[{"EventSource":"aws:sns","Sns":{...}}]} (S3 inside,
 *                           or a KVS fragment notification: told apart when parsing the message)
 *   EV_KIND_EVENTBRIDGE_S3  {"source":"aws.s3","detail-type":"Object Created",...}
 *   EV_KIND_MANUAL          {"lookout":{...}}: a direct invocation (see README)
 *   EV_KIND_CFN_CUSTOM      a CloudFormation custom-resource request (RequestType,
 *                           ResponseURL, ResourceProperties)
 *   EV_KIND_UNKNOWN         anything else
 *
 * Conventions for everything below:
 * - Every struct filled by a parser is caller-storage whose heap members the parser owns
 *   until the matching *_cleanup, which frees them and leaves the struct empty (pointers
 *   NULL, counts 0). Cleanup is safe on a zeroed struct and after a
 *   failed parse (a failed parse leaves the struct empty).
 * - Strings are NUL-terminated heap copies. Outside strings with an embedded NUL (after
 *   decoding) are rejected, so strlen on them is exact.
 * - Failures return LK_INVALID_EVENT (LK_NOMEM on allocation failure) and fill err with
 *   "<where>: <what is wrong>", where <where> is the JSON path inside the event, e.g.
 *   "Records[2].s3.object.key: invalid percent escape".
 * - Timestamps are epoch milliseconds (long long); -1 means absent.
 */
#ifndef LOOKOUT_EVENTS_H
#define LOOKOUT_EVENTS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "lookout/error.h"

enum ev_kind {
    EV_KIND_UNKNOWN,
    EV_KIND_S3,
    EV_KIND_S3_TEST,
    EV_KIND_SNS,
    EV_KIND_EVENTBRIDGE_S3,
    EV_KIND_MANUAL,
    EV_KIND_CFN_CUSTOM
};

/* The route of a parsed event. event may be any JSON value (NULL gives UNKNOWN). */
enum ev_kind ev_classify(const cJSON *event);

/* Checks the raw event text (len bytes) before it is parsed: a string that escapes a NUL
 * (\u0000) is refused with LK_INVALID_EVENT, because C strings end there and a key would
 * silently shorten (as %00 in an S3 key already is). No event AWS sends carries one. */
int ev_check_text(const char *text, size_t len, struct lk_error *err);
/* "s3", "s3-test", "sns", "eventbridge-s3", "manual", "cfn-custom-resource", "unknown". */
const char *ev_kind_name(enum ev_kind kind);

/* Caps on what outside events may hold; past them the record is rejected. */
#define EV_MAX_RECORDS 1000   /* records in one event (S3 caps a notification at 64 KB) */
#define EV_MAX_KEY_BYTES 1024 /* an S3 object key, decoded (S3's own limit) */
#define EV_MAX_BUCKET_BYTES 255
#define EV_MAX_TAGS 16            /* custom tags on a fragment (KVS allows 10) */
#define EV_MAX_TAG_NAME_BYTES 128 /* KVS limits for custom MKV tags */
#define EV_MAX_TAG_VALUE_BYTES 256
#define EV_MAX_STREAM_NAME_BYTES 256
#define EV_MAX_RANGE_MS 300000 /* GetImages accepts at most 300 s per request */

/* ---- Small shared pieces ------------------------------------------------------------ */

/* A name/value pair (custom MKV tag, S3 user metadata, SNS message attribute value). Names
 * are kept in ASCII lower case and compared case-insensitively: S3 lower-cases user metadata
 * names, so a fragment tag CAMERA arrives as "camera" through an image in S3 and as "CAMERA"
 * in a KVS notification, and both must be the same tag. */
struct ev_tag {
    char *name;
    char *value;
};

struct ev_tags {
    size_t count;
    struct ev_tag *items; /* owned array of count pairs */
};

void ev_tags_cleanup(struct ev_tags *tags);
/* The value of the first pair named name (ASCII case-insensitive), or NULL. Borrowed. */
const char *ev_tags_get(const struct ev_tags *tags, const char *name);

/* arn:<partition>:kinesisvideo:<region>:<account>:stream/<name>/<creation ms> */
struct ev_stream_arn {
    char *arn; /* the whole ARN as given */
    char *region;
    char *account; /* 12 digits */
    char *name;    /* [a-zA-Z0-9_.-]{1,256} */
    long long creation_ms;
};

/* Parses a KVS stream ARN of len bytes. LK_INVALID_EVENT says which part is wrong (the
 * message has no location: callers wrap it). */
int ev_stream_arn_parse(const char *s, size_t len, struct ev_stream_arn *out, struct lk_error *err);
void ev_stream_arn_cleanup(struct ev_stream_arn *arn);

/* 1 when name (len bytes) is a valid KVS stream name: [a-zA-Z0-9_.-]{1,256}. */
int ev_stream_name_valid(const char *name, size_t len);

/* Parses an RFC 3339 date-time ("2026-11-24T08:00:00.123Z", offsets "+01:00" allowed,
 * fractions beyond ms truncated) into epoch ms. Years 1970..9999. LK_INVALID_EVENT else. */
int ev_parse_rfc3339(const char *s, size_t len, long long *ms_out, struct lk_error *err);

/* ---- S3 objects -------------------------------------------------------------------- */

/* One object named by an S3 notification record, an EventBridge event or a manual
 * invocation. bucket and key are ready for GetObject (decoded). */
struct ev_s3_object {
    char *bucket;
    char *key;
    size_t key_len;       /* == strlen(key) */
    long long size_bytes; /* -1 when absent (deletes, EventBridge without size, manual) */
    char *etag;           /* NULL when absent; likewise below */
    char *version_id;
    char *sequencer;
    char *event_name; /* "ObjectCreated:Put"; EventBridge: its detail-type */
    char *event_time; /* as given (ISO-8601) */
    char *region;
};

void ev_s3_object_cleanup(struct ev_s3_object *obj);

/* Decodes an S3 notification key: '+' becomes a space, then %XX escapes are decoded (so
 * both "a+b.jpg" and "a%20b.jpg" give "a b.jpg"). Rejects, with LK_INVALID_EVENT, a '%'
 * not followed by two hex digits ("invalid percent escape"), a decoded NUL byte, invalid
 * UTF-8, an empty key and keys over EV_MAX_KEY_BYTES. *out is a heap string the caller
 * frees; *out_len its length. */
int ev_s3_key_decode(const char *s, size_t len, char **out, size_t *out_len, struct lk_error *err);

/* Parses one S3 notification record (an element of Records[]). where names the record in
 * error messages ("Records[2]"). eventVersion must be 2.x ("eventVersion 3.0 is not
 * supported (major version must be 2)"); eventSource must be aws:s3. */
int ev_s3_parse_record(const cJSON *record, const char *where, struct ev_s3_object *out,
                       struct lk_error *err);

/* Parses an EventBridge "Object Created" event. The key is taken raw (not decoded). */
int ev_eventbridge_parse(const cJSON *event, struct ev_s3_object *out, struct lk_error *err);

/* Why an object should not be sent to Rekognition, or NULL when it should: not an
 * ObjectCreated event, an empty object, or a key without a .jpg/.jpeg/.png suffix.
 * A static string. The content is checked separately (img_skip_reason in image.h). */
const char *ev_s3_object_skip_reason(const struct ev_s3_object *obj);

/* Image format named by a key's suffix, case-insensitively. */
enum ev_image_ext { EV_EXT_NONE, EV_EXT_JPEG, EV_EXT_PNG };
enum ev_image_ext ev_key_image_ext(const char *key, size_t len);

/* ---- SNS --------------------------------------------------------------------------- */

/* What an SNS message holds. */
enum ev_sns_content {
    EV_SNS_OTHER,       /* anything else: the pipeline rejects it */
    EV_SNS_S3,          /* Message is an S3 notification {"Records":[...]} */
    EV_SNS_S3_TEST,     /* Message is the s3:TestEvent object */
    EV_SNS_KVS_FRAGMENT /* Subject "Kinesis Video Streams Notification", or a Message with
                           StreamArn and FragmentNumber */
};

struct ev_sns_message {
    enum ev_sns_content content;
    char *topic_arn; /* NULL when absent */
    char *subject;   /* NULL when absent or null */
    char *message;   /* Sns.Message, never NULL after a successful parse */
    size_t message_len;
    struct ev_tags attributes; /* MessageAttributes: name -> Value (Type is dropped) */
    cJSON *parsed;             /* Message parsed as JSON (owned), NULL when it is not JSON */
};

/* Parses one SNS record (an element of Records[] with EventSource aws:sns) and looks into
 * its Message to set content. where names the record in messages ("Records[0]"). */
int ev_sns_parse_record(const cJSON *record, const char *where, struct ev_sns_message *out,
                        struct lk_error *err);
void ev_sns_message_cleanup(struct ev_sns_message *msg);

/* ---- Kinesis Video Streams --------------------------------------------------------- */

/* A tagged-fragment notification (KVS Developer Guide, "Set up notifications", SNS messages). */
struct ev_kvs_fragment {
    struct ev_stream_arn stream;
    char *fragment_number;   /* decimal digits, kept as text (~47 digits) */
    long long producer_ms;   /* FragmentStartProducerTimestamp; -1 when absent */
    long long server_ms;     /* FragmentStartServerTimestamp; -1 when absent */
    char *notification_type; /* "PERSISTED"; NULL when absent */
    struct ev_tags tags;     /* NotificationPayload: custom tags, string values */
};

/* Parses the notification object (the JSON inside Sns.Message). where prefixes messages.
 * StreamArn and FragmentNumber are required; timestamps may be numbers or strings, and
 * values below 1e11 are seconds (converted to ms). At most one of the timestamps may be
 * missing. NotificationPayload: at most EV_MAX_TAGS string values within the tag caps. */
int ev_kvs_fragment_parse(const cJSON *msg, const char *where, struct ev_kvs_fragment *out,
                          struct lk_error *err);
/* The same from the raw message text (len bytes, not NUL-terminated). */
int ev_kvs_fragment_parse_text(const char *text, size_t len, struct ev_kvs_fragment *out,
                               struct lk_error *err);
void ev_kvs_fragment_cleanup(struct ev_kvs_fragment *frag);

/* A KVS timestamp given as a JSON number or string: epoch ms, or seconds when below 1e11
 * (fractions kept to the ms). where prefixes messages. */
int ev_kvs_timestamp(const cJSON *value, const char *where, long long *ms_out,
                     struct lk_error *err);

/* What is known of a frame KVS Images wrote to S3. */
struct ev_kvs_image {
    char *fragment_number; /* NULL when unknown */
    long long producer_ms; /* -1 when unknown */
    long long server_ms;   /* -1 when unknown */
    struct ev_tags tags;   /* custom tags: every other metadata pair */
};

/* Builds the identity from S3 user metadata (names without the x-amz-meta- prefix; names
 * are matched case-insensitively, as S3 lower-cases them). Recognised:
 * aws_kinesisvideo_fragment_number (digits), aws_kinesisvideo_producer_timestamp and
 * aws_kinesisvideo_server_timestamp (epoch ms, or seconds below 1e11). Every other pair is
 * a custom tag (at most EV_MAX_TAGS, within the tag caps). Pairs are borrowed and copied.
 * LK_OK with fragment_number NULL means the object carries no KVS metadata. */
int ev_kvs_image_from_metadata(const struct ev_tag *pairs, size_t count, struct ev_kvs_image *out,
                               struct lk_error *err);
void ev_kvs_image_cleanup(struct ev_kvs_image *img);

/* An image key written by KVS Images (KVS Developer Guide, "Automated real-time image
 * generation"), parsed from the right:
 *   [dir/][ImagePrefix_]AccountID_StreamName_ImageTimecode_RandomID.(jpg|jpeg|png)
 * The timecode, random id and extension are always certain. The head
 * "[ImagePrefix_]AccountID_StreamName" is split where a '_'-separated 12-digit segment can
 * be the account and the rest a valid stream name; when exactly one split fits, account,
 * stream_name and prefix are set; when several fit, ambiguous is 1 and only head is set. */
struct ev_kvs_key {
    char *dir;         /* text before the last '/', NULL when none */
    char *head;        /* [ImagePrefix_]AccountID_StreamName */
    char *prefix;      /* NULL when none or ambiguous */
    char *account;     /* NULL when ambiguous */
    char *stream_name; /* NULL when ambiguous */
    int ambiguous;
    long long timecode_ms;
    char *random_id;
    enum ev_image_ext ext;
};

/* Parses a decoded key of len bytes. LK_INVALID_EVENT when it is not in that form. */
int ev_kvs_key_parse(const char *key, size_t len, struct ev_kvs_key *out, struct lk_error *err);
void ev_kvs_key_cleanup(struct ev_kvs_key *k);

/* ---- Direct invocation ------------------------------------------------------------- */

/* {"lookout":{"image":{"bucket":"b","key":"k"}}}  (key raw, not URL-encoded), or
 * {"lookout":{"stream":"<name or ARN>","start":<ms or RFC 3339>,"end":<same>}}
 * with start < end <= start + EV_MAX_RANGE_MS. */
enum ev_manual_kind { EV_MANUAL_IMAGE, EV_MANUAL_STREAM };

struct ev_stream_range {
    char *stream_name;        /* always set (from the ARN when an ARN was given) */
    struct ev_stream_arn arn; /* arn.arn NULL when a bare name was given */
    long long start_ms;
    long long end_ms;
};

struct ev_manual {
    enum ev_manual_kind kind;
    struct ev_s3_object image;    /* EV_MANUAL_IMAGE: bucket and key only */
    struct ev_stream_range range; /* EV_MANUAL_STREAM */
};

int ev_manual_parse(const cJSON *event, struct ev_manual *out, struct lk_error *err);
void ev_manual_cleanup(struct ev_manual *m);
void ev_stream_range_cleanup(struct ev_stream_range *r);

/* {"lookout":{"timelapse":{"stream":"<name or ARN>","start":<ms or RFC 3339>,"end":<same>,
 *   "everyMs":3000,"format":"avi"|"sheet"|"apng","width":W,"height":H,"fps":10}}}
 * Only stream, start and end are required; width and height come together or not at all.
 * start < end <= start + EV_MAX_TIMELAPSE_MS. Parsed apart from ev_parse: it is its own route
 * (src/pipeline/timelapse_invoke.c). */
#define EV_MAX_TIMELAPSE_MS (7LL * 24 * 3600 * 1000)
#define EV_TIMELAPSE_DEFAULT_EVERY_MS 3000
#define EV_TIMELAPSE_MIN_EVERY_MS 200   /* GetImages' smallest SamplingInterval */
#define EV_TIMELAPSE_DEFAULT_FPS 10
#define EV_TIMELAPSE_MAX_FPS 120
#define EV_TIMELAPSE_MAX_WIDTH 3840     /* GetImages' WidthPixels and HeightPixels */
#define EV_TIMELAPSE_MAX_HEIGHT 2160

enum ev_timelapse_format { EV_TIMELAPSE_AVI, EV_TIMELAPSE_SHEET, EV_TIMELAPSE_APNG };

struct ev_timelapse {
    struct ev_stream_range range;
    long long every_ms;
    enum ev_timelapse_format format;
    int width, height;      /* 0 when not given */
    int fps;
};

/* 1 when event is a direct invocation asking for a time-lapse (lookout.timelapse present). */
int ev_is_timelapse(const cJSON *event);
int ev_timelapse_parse(const cJSON *event, struct ev_timelapse *out, struct lk_error *err);
void ev_timelapse_cleanup(struct ev_timelapse *t);

/* "avi", "sheet", "apng" and back (-1 for another name). */
const char *ev_timelapse_format_name(enum ev_timelapse_format f);
int ev_timelapse_format_parse(const char *name);

/* A time given as text: epoch milliseconds (digits only) or an RFC 3339 date-time. */
int ev_parse_time_text(const char *s, size_t len, long long *ms_out, struct lk_error *err);

/* ---- CloudFormation custom resource ------------------------------------------------ */

enum ev_cfn_request_type { EV_CFN_CREATE, EV_CFN_UPDATE, EV_CFN_DELETE };

struct ev_cfn_request {
    enum ev_cfn_request_type type;
    char *response_url;
    char *stack_id;
    char *request_id;
    char *logical_resource_id;
    char *physical_resource_id; /* NULL when absent (Create) */
    char *resource_type;
    /* BORROWED from the event passed to ev_cfn_parse: valid only while that tree lives.
     * NULL when absent; when present they are JSON objects. */
    const cJSON *properties;     /* ResourceProperties */
    const cJSON *old_properties; /* OldResourceProperties (Update only) */
};

/* RequestType, ResponseURL, StackId, RequestId, LogicalResourceId and ResourceType are
 * required strings; ResponseURL must be https:// (or http:// for local tests). On
 * LK_INVALID_EVENT, out->response_url is kept when the request had a usable one, with the
 * fields read before the fault, so that the caller can still answer FAILED there and the
 * stack does not wait an hour; it is NULL when there is nobody to answer. Call
 * ev_cfn_cleanup in every case. */
int ev_cfn_parse(const cJSON *event, struct ev_cfn_request *out, struct lk_error *err);
void ev_cfn_cleanup(struct ev_cfn_request *req);
const char *ev_cfn_request_type_name(enum ev_cfn_request_type type);

/* ---- Everything at once: an event flattened into units of work -------------------- */

enum ev_item_kind {
    EV_ITEM_ERROR,        /* this record could not be parsed: see err */
    EV_ITEM_S3_OBJECT,    /* look at this object (s3) */
    EV_ITEM_S3_TEST,      /* s3:TestEvent: nothing to do */
    EV_ITEM_KVS_FRAGMENT, /* get frames of this fragment (kvs) */
    EV_ITEM_STREAM_RANGE  /* get frames of this range (range) */
};

/* What started the work; the alert's "trigger" field. */
enum ev_trigger { EV_TRIGGER_S3, EV_TRIGGER_KVS_NOTIFICATION, EV_TRIGGER_MANUAL };
/* "s3", "kvs-notification", "manual". */
const char *ev_trigger_name(enum ev_trigger t);

struct ev_item {
    enum ev_item_kind kind;
    enum ev_trigger trigger;
    char where[96];               /* "Records[0]", "Records[0].Sns.Message.Records[1]", "event" */
    struct lk_error err;          /* EV_ITEM_ERROR: why (message starts with where) */
    struct ev_s3_object s3;       /* EV_ITEM_S3_OBJECT */
    struct ev_kvs_fragment kvs;   /* EV_ITEM_KVS_FRAGMENT */
    struct ev_stream_range range; /* EV_ITEM_STREAM_RANGE */
    char *sns_topic_arn;          /* the SNS topic that delivered it, NULL when not via SNS */
};

struct ev_batch {
    enum ev_kind kind;
    size_t count;
    struct ev_item *items; /* owned */
};

/* Parses every record of an S3, S3 test, SNS, EventBridge or manual event, of the kind
 * ev_classify gave it, into items, one per unit of work, in order. A bad record becomes an
 * EV_ITEM_ERROR item and does not stop the others; an SNS message that holds an S3 notification
 * yields one item per inner record. The return is not LK_OK only when nothing can be read at all:
 * LK_UNSUPPORTED_EVENT for EV_KIND_UNKNOWN and EV_KIND_CFN_CUSTOM (use ev_cfn_parse),
 * LK_INVALID_EVENT for a malformed envelope (Records empty or too long, a bad manual
 * request), LK_NOMEM. out->kind is set in every case. */
int ev_parse(const cJSON *event, enum ev_kind kind, struct ev_batch *out, struct lk_error *err);
/* Number of EV_ITEM_ERROR items. */
size_t ev_batch_error_count(const struct ev_batch *b);
void ev_batch_cleanup(struct ev_batch *b);

/* ---- Snooze: {"lookout":{"snooze":{"stream":"front-door","minutes":30}}} --------------- */

#define EV_SNOOZE_MAX_MINUTES 10080 /* a week */

struct ev_snooze {
    char stream[256]; /* 1..255 bytes of [A-Za-z0-9_.-], as KVS names streams */
    long minutes;     /* 0..EV_SNOOZE_MAX_MINUTES; 0 ends a snooze */
};

/* 1 when event is a snooze request (lookout.snooze present), else 0. */
int ev_is_snooze(const cJSON *event);
/* Reads a snooze request; LK_INVALID_EVENT naming the member at fault. */
int ev_snooze_parse(const cJSON *event, struct ev_snooze *out, struct lk_error *err);

#endif
