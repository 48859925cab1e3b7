/*
 * alert.h: the alert for one matched frame: SNS Subject, Message JSON and MessageAttributes
 * (prefix alert_). docs/alert.md documents every field; docs/alert.schema.json describes the
 * Message exactly.
 *
 * Pure: no network, no clock, no environment. The caller publishes the result with
 * sns_publish (plain message structure, so that the attributes are delivered).
 */
#ifndef LOOKOUT_ALERT_H
#define LOOKOUT_ALERT_H

#include <stddef.h>

#include "lookout/clock.h"
#include "lookout/decide.h"
#include "lookout/error.h"
#include "lookout/events.h"
#include "lookout/hash.h"
#include "lookout/sns.h"

#define ALERT_VERSION 1
#define ALERT_SUBJECT_MAX 99   /* SNS: under 100 characters */
#define ALERT_ID_HEX 32        /* hex characters of the alert id */
#define ALERT_MAX_BYTES 262144 /* SNS: Message + attribute names, types and values */
#define ALERT_ATTRIBUTE_COUNT 4
#define ALERT_MAX_TIME_MS CLOCK_MAX_EPOCH_MS /* 9999-12-31T23:59:59.999Z */

/* The annotated snapshot stored with the alert ("snapshot" in the Message). */
struct alert_snapshot {
    const char *s3_uri;       /* "s3://bucket/key", required */
    const char *url;          /* presigned GET URL, required */
    long long url_expires_ms; /* epoch ms, 0..ALERT_MAX_TIME_MS */
    unsigned width, height;   /* pixels, >= 1 */
};

/* What is known of a matched frame. Everything is borrowed for the call. Strings are
 * NUL-terminated; invalid UTF-8 in them is replaced by U+FFFD in the output. */
struct alert_input {
    const char *stream_name; /* required, non-empty */
    const char *stream_arn;  /* NULL when unknown */
    enum ev_trigger trigger;
    long long frame_ms;             /* frame time, epoch ms, 0..ALERT_MAX_TIME_MS */
    const char *fragment_number;    /* NULL when unknown */
    long long producer_ms;          /* -1 when unknown */
    long long server_ms;            /* -1 when unknown */
    const char *image_s3_uri;       /* "s3://bucket/key"; NULL when the frame is not stored */
    const char *image_url;          /* presigned GET URL; NULL when none (needs image_s3_uri) */
    long long image_url_expires_ms; /* epoch ms; read only with image_url */
    const struct alert_snapshot *snapshot; /* the annotated picture; NULL when none */
    const struct dec_result *match; /* at least one matched label */
    const struct ev_tag *tags;      /* custom tags; a repeated name keeps its first value */
    size_t tag_count;
    long long suppressed;           /* matches the cooldown held back since the last alert;
                                       "suppressed" is in the Message when > 0 */
    const char *const *zones;       /* names of the ZONES the alerting objects stand in; */
    size_t zone_count;              /* "zones" is in the Message when zone_count > 0 */
};

/* One built alert. Caller storage; alert_cleanup frees the heap members. */
struct alert {
    char id[ALERT_ID_HEX + 1];           /* the alertId (see below) */
    char subject[ALERT_SUBJECT_MAX + 1]; /* printable ASCII only, 1..99 characters */
    char *message;                       /* owned, the Message JSON (valid UTF-8) */
    size_t message_len;
    char *stream_attr;            /* owned: value of the "stream" attribute */
    char *labels_attr;            /* owned: value of the "labels" attribute (JSON array) */
    char max_confidence_attr[32]; /* value of "maxConfidence", e.g. "98.5" */
    const char *trigger_attr;     /* static: "s3", "kvs-notification" or "manual" */
    size_t omitted_labels;        /* labels left out to stay under ALERT_MAX_BYTES */
    size_t omitted_instances;     /* instances left out for the same reason */
};

/* Builds the alert for in.
 *
 * alertId: the first 32 hex digits (lower case) of the SHA-256 of
 *   stream name, NUL, frame identity, NUL, then the matched label names sorted bytewise,
 *   each followed by NUL;
 * where the frame identity is "kvs:<fragmentNumber>:<frame ms>" when the fragment number is
 * known, else "s3:<s3Uri>" when the image is stored, else "time:<frame ms>". The same frame
 * with the same labels gives the same id whatever the trigger or the confidences.
 *
 * Subject: "<names> detected on <stream>", where the names are the user's words: for each
 * ALERT_LABELS name that matched, the matched label whose own Name or Alias is that name,
 * else the most specific matched label under it (the one with the most Parents), each once,
 * looking first at labels with a box (objects Rekognition located), then at all: "Person",
 * not "Person, Adult, Woman"; "Cat" for Animal, since Animal has no box. In printable ASCII (Latin-1 letters folded to
 * ASCII, other characters dropped, control characters as spaces, runs of spaces collapsed),
 * at most ALERT_SUBJECT_MAX characters: labels past what fits become " and N more", then the
 * stream name and, last, a single long label name are cut with "...". A stream name with no
 * ASCII left gives "<labels> detected".
 *
 * Size: when Message plus attributes would pass ALERT_MAX_BYTES, instances and then the
 * lowest-confidence labels are left out (the Message says how many in "omitted").
 *
 * Errors: LK_INVALID_ARG (no stream name, no matched label, frame time out of range, url
 * without s3Uri, a snapshot without its URI, URL or size, or with its expiry out of range), LK_TOO_LARGE (does not fit even with one label and no instances),
 * LK_NOMEM. out is zeroed on entry and after a failure. */
int alert_build(const struct alert_input *in, struct alert *out, struct lk_error *err);
void alert_cleanup(struct alert *a);

/* Fills attrs with the four MessageAttributes: stream (String), labels (String.Array),
 * maxConfidence (Number), trigger (String). The values are borrowed from a.
 *   stream         the stream name (invalid UTF-8 replaced, control characters as spaces)
 *   labels         names of the matched labels, then the ALERT_LABELS names that matched
 *                  and are not already listed (case-insensitively); a JSON array
 *   maxConfidence  the highest confidence, rounded to 5 decimals ("98.5")
 *   trigger        as in the Message */
void alert_attributes(const struct alert *a, struct sns_attribute attrs[ALERT_ATTRIBUTE_COUNT]);

/* The printable ASCII form of s, as the Subject spells names (Latin-1 letters folded, other
 * characters dropped, control characters as spaces, runs of spaces collapsed, trimmed), into
 * out (cap >= 4 bytes with the NUL; longer text is cut). Returns its length. */
size_t alert_ascii(const char *s, char *out, size_t cap);

/* RFC 3339 UTC with milliseconds ("2026-11-24T08:00:00.123Z") of ms, which must be in
 * 0..ALERT_MAX_TIME_MS. out must hold 25 bytes. Returns 0, or -1 when ms is out of range. */
int alert_format_time(long long ms, char out[25]);

#endif
