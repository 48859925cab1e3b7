#include "lookout/rekognition.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lookout/base64.h"
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
        ok = cJSON_AddNumberToObject(root, "MaxLabels", opt->max_labels) != NULL;
    if (ok && opt->min_confidence >= 0)
        ok = cJSON_AddNumberToObject(root, "MinConfidence", opt->min_confidence) != NULL;
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

/* ---- Response ----------------------------------------------------------------------- */

static int bad(struct lk_error *err, const char *where, const char *what)
{
    return err_set(err, LK_AWS_BAD_RESPONSE, "DetectLabels response: %s: %s", where, what);
}

/* bad() with the place written out from a format: only on the error path, since a good
 * answer has hundreds of places. */
static int bad_at(struct lk_error *err, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad_at(struct lk_error *err, const char *what, const char *fmt, ...)
{
    char where[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(where, sizeof(where), fmt, ap);
    va_end(ap);
    return bad(err, where, what);
}

static int nomem(struct lk_error *err)
{
    return err_set(err, LK_NOMEM, "DetectLabels response: out of memory");
}

/* A member that is absent or JSON null counts as absent. */
static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    return cJSON_IsNull(v) ? NULL : v;
}

static int number_in(const cJSON *v, double lo, double hi, double *out)
{
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < lo ||
        v->valuedouble > hi)
        return 0;
    *out = v->valuedouble;
    return 1;
}

/* NULL with a copy in *out, else what is wrong with v ("" when memory ran out). */
static const char *copy_name(const cJSON *v, char **out)
{
    if (!cJSON_IsString(v))
        return "missing or not a string";
    size_t n = strlen(v->valuestring);
    if (n == 0 || n > REK_MAX_NAME_BYTES)
        return "empty or longer than 256 bytes";
    if (!utf8_valid(v->valuestring, n))
        return "not valid UTF-8";
    *out = malloc(n + 1);
    if (!*out)
        return "";
    memcpy(*out, v->valuestring, n + 1);
    return NULL;
}

static int parse_names(const cJSON *label, const char *name, size_t index,
                       struct rek_names *out, struct lk_error *err)
{
    const cJSON *arr = member(label, name);
    if (!arr)
        return LK_OK;
    if (!cJSON_IsArray(arr))
        return bad_at(err, "not an array", "Labels[%zu].%s", index, name);
    int n = cJSON_GetArraySize(arr);
    if (n > REK_MAX_NAMES)
        return bad_at(err, "more than 256 entries", "Labels[%zu].%s", index, name);
    if (n == 0)
        return LK_OK;
    out->items = calloc((size_t)n, sizeof(*out->items));
    if (!out->items)
        return nomem(err);
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        if (!cJSON_IsObject(item))
            return bad_at(err, "not an object", "Labels[%zu].%s[%zu]", index, name, out->count);
        const char *why =
            copy_name(cJSON_GetObjectItemCaseSensitive(item, "Name"), &out->items[out->count]);
        if (why && !*why)
            return nomem(err);
        if (why)
            return bad_at(err, why, "Labels[%zu].%s[%zu].Name", index, name, out->count);
        out->count++;
    }
    return LK_OK;
}

/* 1 when item holds a usable instance (copied to *out), 0 when it should be dropped. */
static int instance_usable(const cJSON *item, struct rek_instance *out)
{
    const cJSON *box = member(item, "BoundingBox");
    if (!cJSON_IsObject(box))
        return 0;
    return number_in(member(item, "Confidence"), 0, 100, &out->confidence) &&
           number_in(member(box, "Left"), -HUGE_VAL, HUGE_VAL, &out->box.left) &&
           number_in(member(box, "Top"), -HUGE_VAL, HUGE_VAL, &out->box.top) &&
           number_in(member(box, "Width"), 0, HUGE_VAL, &out->box.width) &&
           number_in(member(box, "Height"), 0, HUGE_VAL, &out->box.height);
}

static int parse_instances(const cJSON *label, size_t index, struct rek_label *l,
                           size_t *dropped, struct lk_error *err)
{
    const cJSON *arr = member(label, "Instances");
    if (!arr)
        return LK_OK;
    if (!cJSON_IsArray(arr))
        return bad_at(err, "not an array", "Labels[%zu].Instances", index);
    int n = cJSON_GetArraySize(arr);
    size_t keep = (size_t)n < REK_MAX_INSTANCES ? (size_t)n : REK_MAX_INSTANCES;
    if (keep > 0) {
        l->instances = calloc(keep, sizeof(*l->instances));
        if (!l->instances)
            return nomem(err);
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, arr)
    {
        if (l->instance_count < keep && cJSON_IsObject(item) &&
            instance_usable(item, &l->instances[l->instance_count]))
            l->instance_count++;
        else
            (*dropped)++;
    }
    return LK_OK;
}

static int parse_label(const cJSON *item, size_t index, struct rek_label *l, size_t *dropped,
                       struct lk_error *err)
{
    if (!cJSON_IsObject(item))
        return bad_at(err, "not an object", "Labels[%zu]", index);
    const char *why = copy_name(cJSON_GetObjectItemCaseSensitive(item, "Name"), &l->name);
    if (why && !*why)
        return nomem(err);
    if (why)
        return bad_at(err, why, "Labels[%zu].Name", index);
    if (!number_in(cJSON_GetObjectItemCaseSensitive(item, "Confidence"), 0, 100, &l->confidence))
        return bad_at(err, "not a number in 0..100", "Labels[%zu].Confidence", index);
    int rc = parse_instances(item, index, l, dropped, err);
    if (rc == LK_OK)
        rc = parse_names(item, "Parents", index, &l->parents, err);
    if (rc == LK_OK)
        rc = parse_names(item, "Aliases", index, &l->aliases, err);
    if (rc == LK_OK)
        rc = parse_names(item, "Categories", index, &l->categories, err);
    return rc;
}

static int parse_tree(const cJSON *root, struct rek_result *out, struct lk_error *err)
{
    if (!cJSON_IsObject(root))
        return bad(err, "body", "not a JSON object");
    const cJSON *version = member(root, "LabelModelVersion");
    if (version) {
        const char *why = copy_name(version, &out->model_version);
        if (why && !*why)
            return nomem(err);
        if (why)
            return bad(err, "LabelModelVersion", why);
    }
    const cJSON *labels = member(root, "Labels");
    if (!labels)
        return LK_OK;
    if (!cJSON_IsArray(labels))
        return bad(err, "Labels", "not an array");
    out->has_labels = 1;
    int n = cJSON_GetArraySize(labels);
    if (n > REK_MAX_LABELS)
        return bad(err, "Labels", "more than 1000 labels");
    if (n == 0)
        return LK_OK;
    out->labels = calloc((size_t)n, sizeof(*out->labels));
    if (!out->labels)
        return nomem(err);
    const cJSON *item;
    cJSON_ArrayForEach(item, labels)
    {
        /* Counted before parsing so that cleanup frees a half-filled label. */
        struct rek_label *l = &out->labels[out->label_count++];
        int rc = parse_label(item, out->label_count - 1, l, &out->dropped, err);
        if (rc != LK_OK)
            return rc;
    }
    return LK_OK;
}

/* The whole body must be one JSON value: a truncated or concatenated reply is not valid. */
static cJSON *parse_whole(const char *text, size_t len)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root)
        return NULL;
    for (; end && end < text + len; end++) {
        if (*end != ' ' && *end != '\t' && *end != '\n' && *end != '\r') {
            cJSON_Delete(root);
            return NULL;
        }
    }
    return root;
}

int rek_parse_labels(const char *text, size_t len, struct rek_result *out, struct lk_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > REK_MAX_RESPONSE_BYTES)
        return bad(err, "body", "larger than 8 MiB");
    cJSON *root = parse_whole(text, len);
    if (!root)
        return bad(err, "body", "not valid JSON");
    int rc = parse_tree(root, out, err);
    cJSON_Delete(root);
    if (rc != LK_OK)
        rek_result_cleanup(out);
    return rc;
}

static void names_cleanup(struct rek_names *n)
{
    for (size_t i = 0; i < n->count; i++)
        free(n->items[i]);
    free(n->items);
}

void rek_result_cleanup(struct rek_result *r)
{
    for (size_t i = 0; i < r->label_count; i++) {
        struct rek_label *l = &r->labels[i];
        free(l->name);
        free(l->instances);
        names_cleanup(&l->parents);
        names_cleanup(&l->aliases);
        names_cleanup(&l->categories);
    }
    free(r->labels);
    free(r->model_version);
    memset(r, 0, sizeof(*r));
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
