/* PutObject of a file (s3.h): a time-lapse of tens of megabytes is sent from the page cache
 * rather than from a heap copy. */
#include <sys/mman.h>
#include <sys/stat.h>

#include "lookout/s3.h"

int s3_put_file(struct aws_client *s3, const char *bucket, const char *key, FILE *f,
                const char *content_type, int64_t deadline_ms, struct lk_error *err)
{
    struct stat sb;
    if (fflush(f) != 0 || fstat(fileno(f), &sb) != 0 || sb.st_size < 0)
        return err_set(err, LK_IO, "s3://%s/%s: cannot read the file to upload", bucket, key);
    size_t len = (size_t)sb.st_size;
    if (len == 0)
        return s3_put_object(s3, bucket, key, "", 0, content_type, NULL, 0, deadline_ms, err);
    void *data = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fileno(f), 0);
    if (data == MAP_FAILED)
        return err_set(err, LK_IO, "s3://%s/%s: cannot map the file to upload", bucket, key);
    int rc = s3_put_object(s3, bucket, key, data, len, content_type, NULL, 0, deadline_ms, err);
    munmap(data, len);
    return rc;
}
