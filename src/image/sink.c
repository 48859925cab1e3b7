/* Byte sinks for the video writers (video.h): a stdio file, or a memory buffer. */
#include <string.h>
#include <sys/types.h>

#include "lookout/video.h"

static int file_write(void *user, const void *p, size_t n)
{
    return fwrite(p, 1, n, (FILE *)user) == n ? LK_OK : LK_IO;
}

/* Rewrites in place, then returns to the end, where the next append goes. */
static int file_pwrite(void *user, uint64_t off, const void *p, size_t n)
{
    FILE *f = user;
    if (off > (uint64_t)INT64_MAX || fseeko(f, (off_t)off, SEEK_SET) != 0)
        return LK_IO;
    int rc = fwrite(p, 1, n, f) == n ? LK_OK : LK_IO;
    if (fseeko(f, 0, SEEK_END) != 0)
        rc = LK_IO;
    return rc;
}

struct img_sink img_sink_file(FILE *f)
{
    return (struct img_sink){file_write, file_pwrite, f};
}

static int buf_write(void *user, const void *p, size_t n)
{
    return buf_append((struct lk_buf *)user, p, n) == LK_OK ? LK_OK : LK_IO;
}

static int buf_pwrite(void *user, uint64_t off, const void *p, size_t n)
{
    struct lk_buf *b = user;
    if (off > b->len || n > b->len - off)
        return LK_IO;
    memcpy(b->data + off, p, n);
    return LK_OK;
}

struct img_sink img_sink_buf(struct lk_buf *b)
{
    return (struct img_sink){buf_write, buf_pwrite, b};
}
