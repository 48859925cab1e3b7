#include "lookout/s3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookout/text.h"

#define META_PREFIX "x-amz-meta-"
#define KEY_PATH_MAX 2048

/* S3 paths carry the key after a '/'; keys are at most 1024 bytes, so the bound is generous. */
static int key_path(const char *key, char *out, size_t cap, struct lk_error *err)
{
    const char *const parts[] = {"/", key};
    if (text_join(out, cap, parts, 2) >= cap)
        return err_set(err, LK_INVALID_ARG, "S3 key is too long (%zu bytes)", strlen(key));
    return LK_OK;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

void s3_object_info_cleanup(struct s3_object_info *info)
{
    free(info->content_type);
    free(info->etag);
    free(info->version_id);
    for (size_t i = 0; i < info->meta_count; i++) {
        free(info->meta[i].name);
        free(info->meta[i].value);
    }
    free(info->meta);
    memset(info, 0, sizeof(*info));
    info->content_length = -1;
}

const char *s3_object_meta(const struct s3_object_info *info, const char *name)
{
    for (size_t i = 0; i < info->meta_count; i++)
        if (strcmp(info->meta[i].name, name) == 0)
            return info->meta[i].value;
    return NULL;
}

static int copy_meta(const struct aws_response *resp, struct s3_object_info *info)
{
    size_t plen = strlen(META_PREFIX);
    info->meta = calloc(resp->header_count ? resp->header_count : 1, sizeof(*info->meta));
    if (!info->meta)
        return LK_NOMEM;
    for (size_t i = 0; i < resp->header_count; i++) {
        const struct aws_response_header *h = &resp->headers[i];
        if (strncmp(h->name, META_PREFIX, plen) != 0 || !h->name[plen])
            continue;
        struct s3_meta *m = &info->meta[info->meta_count];
        m->name = strdup(h->name + plen);
        m->value = strdup(h->value);
        info->meta_count++;
        if (!m->name || !m->value)
            return LK_NOMEM;
    }
    return LK_OK;
}

int s3_object_info_from_response(const struct aws_response *resp, struct s3_object_info *info)
{
    memset(info, 0, sizeof(*info));
    info->content_length = -1;
    const char *len = aws_response_header(resp, "content-length");
    if (len) {
        errno = 0;
        char *end = NULL;
        long long v = strtoll(len, &end, 10);
        if (errno == 0 && end != len && *end == '\0' && v >= 0)
            info->content_length = v;
    }
    info->content_type = dup_or_null(aws_response_header(resp, "content-type"));
    info->etag = dup_or_null(aws_response_header(resp, "etag"));
    info->version_id = dup_or_null(aws_response_header(resp, "x-amz-version-id"));
    int rc = copy_meta(resp, info);
    if (rc != LK_OK)
        s3_object_info_cleanup(info);
    return rc;
}

/* The client's accept callback for HeadObject: S3 always sends Content-Length and ETag, so
 * a 200 without them is malformed (retried), never an object of unknown kind. */
static int accept_head(const struct aws_response *resp, void *state, struct lk_error *err)
{
    (void)state;
    if (!aws_response_header(resp, "content-length") || !aws_response_header(resp, "etag"))
        return err_set(err, LK_AWS_BAD_RESPONSE, "S3 HeadObject: no Content-Length or ETag");
    return LK_OK;
}

static int object_request(struct aws_client *s3, const char *operation, const char *method,
                          const char *bucket, const char *key, const char *version_id,
                          size_t max_bytes, int64_t deadline_ms, struct aws_response *resp,
                          struct lk_error *err)
{
    char path[KEY_PATH_MAX];
    int rc = key_path(key, path, sizeof(path), err);
    if (rc != LK_OK)
        return rc;
    struct aws_query_param version = {"versionId", version_id};
    struct aws_request req = {
        .operation = operation,
        .method = method,
        .bucket = bucket,
        .path = path,
        .query = version_id ? &version : NULL,
        .query_count = version_id ? 1 : 0,
        .max_response_bytes = max_bytes,
        .accept = strcmp(method, "HEAD") == 0 ? accept_head : NULL,
    };
    rc = aws_client_send(s3, &req, deadline_ms, resp, err);
    if (rc != LK_OK) /* the client names the operation; this names the object */
        err_wrap(err, "s3://%s/%s", bucket, key);
    return rc;
}

int s3_head_object(struct aws_client *s3, const char *bucket, const char *key,
                   const char *version_id, int64_t deadline_ms, struct s3_object_info *info,
                   struct lk_error *err)
{
    struct aws_response resp;
    aws_response_init(&resp);
    int rc = object_request(s3, "HeadObject", "HEAD", bucket, key, version_id, 0, deadline_ms,
                            &resp, err);
    if (rc == LK_OK && s3_object_info_from_response(&resp, info) != LK_OK)
        rc = err_set(err, LK_NOMEM, "S3 HeadObject: out of memory");
    aws_response_cleanup(&resp);
    return rc;
}

int s3_get_object(struct aws_client *s3, const char *bucket, const char *key,
                  const char *version_id, size_t max_bytes, int64_t deadline_ms,
                  struct s3_object_info *info, struct lk_buf *body, struct lk_error *err)
{
    struct aws_response resp;
    aws_response_init(&resp);
    int rc = object_request(s3, "GetObject", "GET", bucket, key, version_id, max_bytes, deadline_ms,
                            &resp, err);
    if (rc == LK_OK && info && s3_object_info_from_response(&resp, info) != LK_OK)
        rc = err_set(err, LK_NOMEM, "S3 GetObject: out of memory");
    if (rc == LK_OK) {
        buf_cleanup(body);
        body->data = buf_detach(&resp.body, &body->len);
        body->cap = body->len;
    }
    aws_response_cleanup(&resp);
    return rc;
}

int s3_put_object(struct aws_client *s3, const char *bucket, const char *key, const void *data,
                  size_t len, const char *content_type, const struct aws_header *meta,
                  size_t meta_count, int64_t deadline_ms, struct lk_error *err)
{
    char path[KEY_PATH_MAX];
    int rc = key_path(key, path, sizeof(path), err);
    if (rc != LK_OK)
        return rc;
    struct aws_header *headers = calloc(meta_count + 1, sizeof(*headers));
    char **names = calloc(meta_count + 1, sizeof(*names));
    struct aws_response resp;
    aws_response_init(&resp);
    if (!headers || !names) {
        rc = err_set(err, LK_NOMEM, "S3 PutObject: out of memory");
        goto cleanup;
    }
    headers[0] = (struct aws_header){"Content-Type", content_type};
    for (size_t i = 0; i < meta_count; i++) {
        size_t n = strlen(META_PREFIX) + strlen(meta[i].name) + 1;
        names[i] = malloc(n);
        if (!names[i]) {
            rc = err_set(err, LK_NOMEM, "S3 PutObject: out of memory");
            goto cleanup;
        }
        snprintf(names[i], n, "%s%s", META_PREFIX, meta[i].name);
        headers[i + 1] = (struct aws_header){names[i], meta[i].value};
    }
    struct aws_request req = {
        .operation = "PutObject",
        .method = "PUT",
        .bucket = bucket,
        .path = path,
        .headers = headers,
        .header_count = meta_count + 1,
        .body = data,
        .body_len = len,
    };
    rc = aws_client_send(s3, &req, deadline_ms, &resp, err);
    if (rc != LK_OK)
        err_wrap(err, "s3://%s/%s", bucket, key);
cleanup:
    for (size_t i = 0; names && i < meta_count; i++)
        free(names[i]);
    free(names);
    free(headers);
    aws_response_cleanup(&resp);
    return rc;
}

int s3_presign_get(struct aws_client *s3, const char *bucket, const char *key, long expires_s,
                   time_t now, char **url_out, struct lk_error *err)
{
    char path[KEY_PATH_MAX];
    int rc = key_path(key, path, sizeof(path), err);
    if (rc != LK_OK)
        return rc;
    struct aws_request req = {
        .operation = "GetObject", .method = "GET", .bucket = bucket, .path = path};
    return aws_client_presign(s3, &req, expires_s, now, url_out, err);
}
