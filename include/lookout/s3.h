/*
 * s3.h: the S3 calls the pipeline makes: HeadObject, GetObject, PutObject and presigned GET
 * URLs, on an aws_client made for AWS_SVC_S3. Keys are raw (decoded) object keys.
 */
#ifndef LOOKOUT_S3_H
#define LOOKOUT_S3_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "lookout/aws.h"
#include "lookout/buf.h"
#include "lookout/error.h"

/* One user-metadata entry: name without the x-amz-meta- prefix, lower-case as S3 returns it. */
struct s3_meta {
    char *name;
    char *value;
};

/* What HeadObject/GetObject say about an object. Every string is owned by the struct. */
struct s3_object_info {
    char *content_type;   /* NULL when absent */
    char *etag;
    char *version_id;
    long long content_length; /* -1 when absent */
    struct s3_meta *meta;
    size_t meta_count;
};

void s3_object_info_cleanup(struct s3_object_info *info);
/* Value of one metadata entry by lower-case name, or NULL. Borrowed from info. */
const char *s3_object_meta(const struct s3_object_info *info, const char *name);

/* Fills info (caller storage, emptied first) from the headers of a HeadObject or GetObject
 * answer: Content-Length (-1 unless a whole non-negative number), Content-Type, ETag,
 * x-amz-version-id and every x-amz-meta-* pair. LK_OK or LK_NOMEM (info then empty). */
int s3_object_info_from_response(const struct aws_response *resp, struct s3_object_info *info);

/* HeadObject. version_id may be NULL. A missing object is LK_AWS_NOT_FOUND (or
 * LK_AWS_ACCESS_DENIED without s3:ListBucket, as S3 answers 403 then). A 200 without
 * Content-Length or ETag is malformed: retried, then LK_AWS_BAD_RESPONSE. */
int s3_head_object(struct aws_client *s3, const char *bucket, const char *key,
                   const char *version_id, int64_t deadline_ms, struct s3_object_info *info,
                   struct lk_error *err);

/* GetObject into body (caller-initialised; its cap and max_bytes bound what is read: larger
 * objects fail with LK_TOO_LARGE before being buffered). info may be NULL. */
int s3_get_object(struct aws_client *s3, const char *bucket, const char *key,
                  const char *version_id, size_t max_bytes, int64_t deadline_ms,
                  struct s3_object_info *info, struct lk_buf *body, struct lk_error *err);

/* PutObject with a content type and user metadata (names without the prefix). */
int s3_put_object(struct aws_client *s3, const char *bucket, const char *key, const void *data,
                  size_t len, const char *content_type, const struct aws_header *meta,
                  size_t meta_count, int64_t deadline_ms, struct lk_error *err);

/* PutObject of the whole of file f (borrowed; flushed here, read through mmap, so the bytes
 * are not copied onto the heap). LK_IO when it cannot be read. */
int s3_put_file(struct aws_client *s3, const char *bucket, const char *key, FILE *f,
                const char *content_type, int64_t deadline_ms, struct lk_error *err);

/* A presigned GET URL valid for expires_s seconds from now (heap; free() it). */
int s3_presign_get(struct aws_client *s3, const char *bucket, const char *key,
                   long expires_s, time_t now, char **url_out, struct lk_error *err);

#endif
