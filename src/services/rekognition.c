#include "lookout/rekognition.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/base64.h"
#include "lookout/json.h"
#include "lookout/utf8.h"

/* ---- Request ------------------------------------------------------------------------ */

static int bucket_valid(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              c == '.' || c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

static int key_valid(const char *k)
{
    size_t n = strlen(k);
    return n >= 1 && n <= REK_MAX_KEY_BYTES && utf8_valid(k, n);
}

static int check_request(const struct rek_image *img, const struct rek_options *opt,
                         struct lk_error *err)
{
    if (img->bucket) {
        if (!bucket_valid(img->bucket))
            return err_set(err, LK_INVALID_ARG,
                           "DetectLabels: S3Object.Bucket is not a valid "
                           "bucket name (3..255 of [0-9A-Za-z._-])");
        if (!img->key || !key_valid(img->key))
            return err_set(err, LK_INVALID_ARG,
                           "DetectLabels: S3Object.Name must be 1..%d bytes of UTF-8",
                           REK_MAX_KEY_BYTES);
        if (img->version && !key_valid(img->version))
            return err_set(err, LK_INVALID_ARG,
                           "DetectLabels: S3Object.Version must be 1..%d bytes of UTF-8",
                           REK_MAX_KEY_BYTES);
    } else {
        if (!img->bytes || img->bytes_len == 0)
            return err_set(err, LK_INVALID_ARG, "DetectLabels: no image (bucket or bytes)");
        if (img->bytes_len > REK_MAX_IMAGE_BYTES)
            return err_set(err, LK_TOO_LARGE,
                           "DetectLabels: image of %zu bytes is over the %zu-byte limit",
                           img->bytes_len, REK_MAX_IMAGE_BYTES);
    }
    if (opt->min_confidence > 100 || isnan(opt->min_confidence))
        return err_set(err, LK_INVALID_ARG, "DetectLabels: MinConfidence must be 0..100");
    if (opt->max_labels > REK_MAX_LABELS_PARAM)
        return err_set(err, LK_INVALID_ARG, "DetectLabels: MaxLabels must be 0..%d",
                       REK_MAX_LABELS_PARAM);
    return LK_OK;
}

/* Everything but Image.Bytes, as a cJSON tree: the base64 text can be megabytes and is
 * JSON-safe as it is, so it is spliced in rather than copied through cJSON. */
static cJSON *request_tree(const struct rek_image *img, const struct rek_options *opt)
{
    cJSON *root = cJSON_CreateObject();
    int ok = root != NULL;
    if (ok && img->bucket) {
        cJSON *image = cJSON_AddObjectToObject(root, "Image");
        cJSON *s3 = image ? cJSON_AddObjectToObject(image, "S3Object") : NULL;
        ok = s3 && cJSON_AddStringToObject(s3, "Bucket", img->bucket) &&
             cJSON_AddStringToObject(s3, "Name", img->key) &&
             (!img->version || cJSON_AddStringToObject(s3, "Version", img->version));
    }
    if (ok && opt->max_labels >= 0)
        ok = json_add_number(root, "MaxLabels", opt->max_labels) != NULL;
    if (ok && opt->min_confidence >= 0)
        ok = json_add_number(root, "MinConfidence", opt->min_confidence) != NULL;
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int rek_build_request(const struct rek_image *img, const struct rek_options *opt,
                      struct lk_buf *out, struct lk_error *err)
{
    cJSON *tree = NULL;
    char *text = NULL;
    int rc = check_request(img, opt, err);
    if (rc != LK_OK)
        return rc;
    tree = request_tree(img, opt);
    text = tree ? cJSON_PrintUnformatted(tree) : NULL;
    if (!text) {
        rc = err_set(err, LK_NOMEM, "DetectLabels: out of memory building the request");
        goto cleanup;
    }
    if (img->bucket) {
        rc = buf_append_str(out, text);
    } else {
        rc = buf_append_str(out, "{\"Image\":{\"Bytes\":\"");
        if (rc == LK_OK)
            rc = b64_encode(out, img->bytes, img->bytes_len);
        if (rc == LK_OK)
            rc = buf_append_str(out, "\"}");
        /* text is "{}" or "{...}": continue the object after its brace. */
        if (rc == LK_OK)
            rc = strcmp(text, "{}") == 0 ? buf_append_byte(out, '}') : buf_append(out, ",", 1);
        if (rc == LK_OK && strcmp(text, "{}") != 0)
            rc = buf_append_str(out, text + 1);
    }
    if (rc != LK_OK)
        rc = err_set(err, rc, "DetectLabels: the request does not fit its buffer");
cleanup:
    free(text);
    cJSON_Delete(tree);
    return rc;
}

/* ---- Response (rek_parse_labels: rekognition_labels.c) ---------------------------- */

static int bad(struct lk_error *err, const char *where, const char *what)
{
    return err_set(err, LK_AWS_BAD_RESPONSE, "DetectLabels response: %s: %s", where, what);
}

/* ---- The call ------------------------------------------------------------------------ */

/* The client's accept callback: a 2xx without the Labels we asked for is malformed. */
static int accept_labels(const struct aws_response *resp, void *state, struct lk_error *err)
{
    struct rek_result *out = state;
    rek_result_cleanup(out);
    int rc = rek_parse_labels(buf_cstr(&resp->body), resp->body.len, out, err);
    if (rc == LK_OK && !out->has_labels)
        rc = bad(err, "Labels", "missing");
    return rc;
}

int rek_detect_labels(struct aws_client *rekognition, const struct rek_image *img,
                      const struct rek_options *opt, int64_t deadline_ms, struct rek_result *out,
                      struct lk_error *err)
{
    struct lk_buf body;
    struct aws_response resp;
    /* Room for the base64 of the image plus the few members around it. */
    buf_init(&body, b64_encoded_len(img->bytes_len) + 4096);
    aws_response_init(&resp);
    int rc = rek_build_request(img, opt, &body, err);
    const struct aws_header headers[] = {{"Content-Type", REK_CONTENT_TYPE},
                                         {"X-Amz-Target", REK_TARGET}};
    struct aws_request req = {
        .operation = "DetectLabels",
        .method = "POST",
        .path = "/",
        .headers = headers,
        .header_count = 2,
        .body = body.data,
        .body_len = body.len,
        .max_response_bytes = REK_MAX_RESPONSE_BYTES,
        .accept = accept_labels,
        .accept_state = out,
    };
    memset(out, 0, sizeof(*out));
    if (rc == LK_OK)
        rc = aws_client_send(rekognition, &req, deadline_ms, &resp, err);
    if (rc != LK_OK)
        rek_result_cleanup(out);
    buf_cleanup(&body);
    aws_response_cleanup(&resp);
    return rc;
}
