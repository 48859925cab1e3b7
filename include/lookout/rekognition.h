/*
 * rekognition.h: Amazon Rekognition DetectLabels (JSON 1.1 protocol).
 *
 * This header has two layers:
 * - the pure part (no network, no clock): rek_build_request turns an image reference and the
 *   label options into the request body, and rek_parse_labels turns a response body into
 *   plain structs;
 * - the call itself, rek_detect_labels: that body sent with aws_client_send (aws.h) to an
 *   aws_client made for AWS_SVC_REKOGNITION (POST "/", REK_CONTENT_TYPE, REK_TARGET), and
 *   the 2xx body parsed with rek_parse_labels.
 */
#ifndef LOOKOUT_REKOGNITION_H
#define LOOKOUT_REKOGNITION_H

#include <stddef.h>

#include <stdint.h>

#include "lookout/aws.h"
#include "lookout/buf.h"
#include "lookout/error.h"

#define REK_CONTENT_TYPE "application/x-amz-json-1.1"
#define REK_TARGET "RekognitionService.DetectLabels"

/* Service limits (Rekognition Developer Guide, "Guidelines and quotas") checked before sending. */
#define REK_MAX_IMAGE_BYTES ((size_t)5 * 1024 * 1024) /* raw Image.Bytes */
#define REK_MAX_KEY_BYTES 1024                         /* S3Object.Name and Version */
#define REK_MAX_LABELS_PARAM 1000                      /* MaxLabels upper bound */

/* Caps on what a response may hold. A response past a hard cap is LK_AWS_BAD_RESPONSE;
 * past a soft cap the extra items are dropped and counted in rek_result.dropped. */
#define REK_MAX_RESPONSE_BYTES ((size_t)8 * 1024 * 1024) /* hard */
#define REK_MAX_LABELS 1000      /* hard: labels in one response (MaxLabels cannot ask more) */
#define REK_MAX_NAMES 256        /* hard: parents, aliases or categories of one label */
#define REK_MAX_NAME_BYTES 256   /* hard: one label, parent, alias or category name */
#define REK_MAX_INSTANCES 100    /* soft: instances kept per label */

/* ---- Request ------------------------------------------------------------------------ */

/* The image to look at: an S3 object (Rekognition reads it with the caller's credentials;
 * nothing travels through the function) when bucket is not NULL, else raw JPEG/PNG bytes.
 * Everything is borrowed. */
struct rek_image {
    const char *bucket;       /* 3..255 chars of [0-9A-Za-z._-] */
    const char *key;          /* 1..REK_MAX_KEY_BYTES bytes of UTF-8, raw (not URL-encoded) */
    const char *version;      /* NULL, or 1..REK_MAX_KEY_BYTES bytes of UTF-8 */
    const void *bytes;        /* when bucket is NULL: 1..REK_MAX_IMAGE_BYTES bytes */
    size_t bytes_len;
};

struct rek_options {
    double min_confidence;    /* MinConfidence 0..100; negative = omit (service default 55) */
    int max_labels;           /* MaxLabels 0..REK_MAX_LABELS_PARAM; negative = omit (1000) */
};

/* Appends the DetectLabels request body for img and opt to out (the caller's buffer; give
 * it room for the base64 of the image: b64_encoded_len(bytes_len) + 128). Returns LK_OK,
 * LK_INVALID_ARG when a value breaks the limits above (err says which), LK_TOO_LARGE for
 * bytes over REK_MAX_IMAGE_BYTES or past out's cap, LK_NOMEM. On failure out may hold a
 * partial body: reset it before reuse. */
int rek_build_request(const struct rek_image *img, const struct rek_options *opt,
                      struct lk_buf *out, struct lk_error *err);

/* ---- Response ----------------------------------------------------------------------- */

/* BoundingBox: ratios of the image width and height. left and top may be below 0 or above 1
 * for an object cut by the image edge (the Rekognition docs say so). */
struct rek_box {
    double left;
    double top;
    double width;   /* >= 0 */
    double height;  /* >= 0 */
};

struct rek_instance {
    double confidence;  /* 0..100 */
    struct rek_box box;
};

/* A list of names (Parents, Aliases or Categories). */
struct rek_names {
    size_t count;
    char **items;       /* owned; each a NUL-terminated, non-empty UTF-8 string */
};

struct rek_label {
    char *name;                      /* owned, non-empty UTF-8 */
    double confidence;               /* 0..100 */
    size_t instance_count;
    struct rek_instance *instances;  /* owned, at most REK_MAX_INSTANCES */
    struct rek_names parents;        /* every ancestor, nearest first as returned */
    struct rek_names aliases;
    struct rek_names categories;
};

struct rek_result {
    size_t label_count;
    struct rek_label *labels;  /* owned, in response order */
    char *model_version;       /* LabelModelVersion, NULL when absent */
    int has_labels;            /* 1 when the body held a Labels array (even empty) */
    size_t dropped;            /* instances left out: past REK_MAX_INSTANCES, or without a
                                  usable BoundingBox/Confidence */
};

/* Parses a DetectLabels response body (len bytes, not NUL-terminated) into out, which the
 * caller provides and frees with rek_result_cleanup (also after a failure, which leaves it
 * zeroed).
 *
 * Required: a JSON object whose Labels is an array (a missing Labels is an empty result);
 * each label an object with a non-empty string Name and a number Confidence in 0..100.
 * Optional members, when present, must have their modelled type: Instances, Parents,
 * Aliases, Categories arrays; Parents/Aliases/Categories entries objects with a string Name;
 * LabelModelVersion a string (or null). Anything else is ignored. An instance without a
 * BoundingBox of four finite numbers (width and height >= 0) or without a Confidence in
 * 0..100 is dropped and counted.
 *
 * The text is read as cJSON reads JSON (the first of two members of one name counts; a
 * string ends at U+0000), without building a tree: rekognition_labels.c says how.
 *
 * Errors: LK_AWS_BAD_RESPONSE with err naming the place, e.g.
 * "DetectLabels response: Labels[3].Confidence: not a number in 0..100"; LK_NOMEM. */
int rek_parse_labels(const char *text, size_t len, struct rek_result *out, struct lk_error *err);
void rek_result_cleanup(struct rek_result *r);

/* ---- The call ------------------------------------------------------------------------ */

/* DetectLabels on img with opt, never past deadline_ms. out is caller storage, freed with
 * rek_result_cleanup (also after a failure). The request asks for general labels, so an
 * answer without a Labels array ({}, "Labels":null) is malformed: LK_AWS_BAD_RESPONSE,
 * retried by the client like a 5xx before it is returned. Errors: those of
 * rek_build_request, of aws_client_send (the AWS error, with its code and request id), of
 * rek_parse_labels. */
int rek_detect_labels(struct aws_client *rekognition, const struct rek_image *img,
                      const struct rek_options *opt, int64_t deadline_ms, struct rek_result *out,
                      struct lk_error *err);

#endif
