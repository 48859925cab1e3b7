/*
 * Motion-JPEG AVI (video.h). The layout is fixed up to the first frame, so the offsets of
 * the fields that finish fills in are constants:
 *
 *     0 RIFF <size> 'AVI '
 *    12 LIST <192> hdrl
 *    24   avih <56>           frame count at 48, buffer size at 60
 *    88   LIST <116> strl
 *   100     strh <56>         length at 140, buffer size at 144
 *   164     strf <40>         BITMAPINFOHEADER, 'MJPG'
 *   212 LIST <size> movi      '00dc' chunks from 224
 *       idx1 <16 per frame>   offsets from the 'movi' fourcc at 220
 */
#include <stdlib.h>
#include <string.h>

#include "lookout/image.h"
#include "lookout/video.h"

#define OFF_RIFF_SIZE 4
#define OFF_AVIH_MAX_BPS 36
#define OFF_AVIH_FRAMES 48
#define OFF_AVIH_BUFFER 60
#define OFF_STRH_LENGTH 140
#define OFF_STRH_BUFFER 144
#define OFF_MOVI_SIZE 216
#define OFF_MOVI_FOURCC 220
#define HEADER_BYTES 224
#define CHUNK_HEAD 8
#define INDEX_ENTRY 16
#define AVIF_HASINDEX 0x10
#define AVIIF_KEYFRAME 0x10

struct img_avi {
    struct img_avi_options opt;
    struct img_sink sink;
    uint64_t pos;         /* bytes written */
    uint32_t *index;      /* offset, length per frame */
    size_t frames, index_cap;
    uint32_t max_frame;   /* largest JPEG, for the suggested buffer size */
    int finished;
};

static void le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void le16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void headers(const struct img_avi_options *o, unsigned char *h)
{
    memset(h, 0, HEADER_BYTES);
    memcpy(h, "RIFF\0\0\0\0AVI LIST", 16);
    le32(h + 16, 192);
    memcpy(h + 20, "hdrlavih", 8);
    le32(h + 28, 56);
    le32(h + 32, 1000000u / o->fps);       /* microseconds per frame */
    le32(h + 44, AVIF_HASINDEX);
    le32(h + 56, 1);                       /* streams */
    le32(h + 64, o->width);
    le32(h + 68, o->height);
    memcpy(h + 88, "LIST", 4);
    le32(h + 92, 116);
    memcpy(h + 96, "strlstrh", 8);
    le32(h + 104, 56);
    memcpy(h + 108, "vidsMJPG", 8);
    le32(h + 128, 1);                      /* scale: rate / scale = frames per second */
    le32(h + 132, o->fps);
    le32(h + 148, 0xffffffffu);            /* quality: default */
    le16(h + 160, (uint16_t)o->width);     /* rcFrame right, bottom */
    le16(h + 162, (uint16_t)o->height);
    memcpy(h + 164, "strf", 4);
    le32(h + 168, 40);
    le32(h + 172, 40);
    le32(h + 176, o->width);
    le32(h + 180, o->height);
    le16(h + 184, 1);                      /* planes */
    le16(h + 186, 24);                     /* bits per pixel once decoded */
    memcpy(h + 188, "MJPG", 4);
    le32(h + 192, o->width * o->height * 3);
    memcpy(h + 212, "LIST\0\0\0\0movi", 12);
}

int img_avi_new(const struct img_avi_options *opt, struct img_sink sink, struct img_avi **out,
                struct lk_error *err)
{
    *out = NULL;
    if (opt->width == 0 || opt->height == 0 || opt->width > 65535 || opt->height > 65535 ||
        opt->fps == 0 || opt->fps > 120 || opt->max_bytes > IMG_AVI_MAX_BYTES)
        return err_set(err, LK_INVALID_ARG, "AVI: bad size %ux%u, rate %u or limit", opt->width,
                       opt->height, opt->fps);
    struct img_avi *avi = calloc(1, sizeof(*avi));
    if (!avi)
        return err_set(err, LK_NOMEM, "AVI: out of memory");
    avi->opt = *opt;
    if (avi->opt.max_bytes == 0)
        avi->opt.max_bytes = IMG_AVI_MAX_BYTES;
    avi->sink = sink;
    unsigned char h[HEADER_BYTES];
    headers(&avi->opt, h);
    if (sink.write(sink.user, h, sizeof(h)) != LK_OK) {
        free(avi);
        return err_set(err, LK_IO, "AVI: cannot write the headers");
    }
    avi->pos = HEADER_BYTES;
    *out = avi;
    return LK_OK;
}

static int grow_index(struct img_avi *avi)
{
    if (avi->frames < avi->index_cap)
        return LK_OK;
    size_t cap = avi->index_cap ? avi->index_cap * 2 : 256;
    uint32_t *p = realloc(avi->index, cap * 2 * sizeof(*p));
    if (!p)
        return LK_NOMEM;
    avi->index = p;
    avi->index_cap = cap;
    return LK_OK;
}

static int check_frame(const struct img_avi *avi, const void *jpeg, size_t len,
                       struct lk_error *err)
{
    struct img_info info;
    int rc = img_probe(jpeg, len, &info, err);
    if (rc != LK_OK)
        return rc;
    if (info.format != IMG_FORMAT_JPEG || info.width != avi->opt.width ||
        info.height != avi->opt.height)
        return err_set(err, LK_INVALID_ARG, "AVI: a %ux%u %s frame in a %ux%u JPEG stream",
                       info.width, info.height, img_format_name(info.format), avi->opt.width,
                       avi->opt.height);
    return LK_OK;
}

int img_avi_add(struct img_avi *avi, const void *jpeg, size_t len, struct lk_error *err)
{
    if (avi->finished)
        return err_set(err, LK_INVALID_ARG, "AVI: already finished");
    int rc = check_frame(avi, jpeg, len, err);
    if (rc != LK_OK)
        return rc;
    uint64_t padded = (uint64_t)len + (len & 1);
    uint64_t after = avi->pos + CHUNK_HEAD + padded + CHUNK_HEAD +
                     (uint64_t)(avi->frames + 1) * INDEX_ENTRY;
    if (after > avi->opt.max_bytes || avi->frames >= IMG_AVI_MAX_FRAMES)
        return err_set(err, LK_TOO_LARGE, "AVI: the next frame would pass the %llu-byte limit "
                       "of this file", (unsigned long long)avi->opt.max_bytes);
    if (grow_index(avi) != LK_OK)
        return err_set(err, LK_NOMEM, "AVI: out of memory for the index");
    unsigned char head[CHUNK_HEAD] = {'0', '0', 'd', 'c'};
    le32(head + 4, (uint32_t)len);
    static const unsigned char pad = 0;
    if (avi->sink.write(avi->sink.user, head, sizeof(head)) != LK_OK ||
        avi->sink.write(avi->sink.user, jpeg, len) != LK_OK ||
        ((len & 1) && avi->sink.write(avi->sink.user, &pad, 1) != LK_OK))
        return err_set(err, LK_IO, "AVI: cannot write frame %zu", avi->frames);
    avi->index[2 * avi->frames] = (uint32_t)(avi->pos - OFF_MOVI_FOURCC);
    avi->index[2 * avi->frames + 1] = (uint32_t)len;
    avi->frames++;
    avi->pos += CHUNK_HEAD + padded;
    if (len > avi->max_frame)
        avi->max_frame = (uint32_t)len;
    return LK_OK;
}

static int write_index(struct img_avi *avi)
{
    unsigned char head[CHUNK_HEAD] = {'i', 'd', 'x', '1'};
    le32(head + 4, (uint32_t)(avi->frames * INDEX_ENTRY));
    int rc = avi->sink.write(avi->sink.user, head, sizeof(head));
    for (size_t i = 0; rc == LK_OK && i < avi->frames; i++) {
        unsigned char e[INDEX_ENTRY] = {'0', '0', 'd', 'c'};
        le32(e + 4, AVIIF_KEYFRAME);
        le32(e + 8, avi->index[2 * i]);
        le32(e + 12, avi->index[2 * i + 1]);
        rc = avi->sink.write(avi->sink.user, e, sizeof(e));
    }
    return rc;
}

static int patch32(struct img_avi *avi, uint64_t off, uint32_t v)
{
    unsigned char b[4];
    le32(b, v);
    return avi->sink.pwrite(avi->sink.user, off, b, sizeof(b));
}

int img_avi_finish(struct img_avi *avi, struct lk_error *err)
{
    if (avi->finished)
        return LK_OK;
    uint64_t movi_end = avi->pos;
    int rc = write_index(avi);
    uint64_t end = movi_end + CHUNK_HEAD + (uint64_t)avi->frames * INDEX_ENTRY;
    uint64_t bps = (uint64_t)avi->max_frame * avi->opt.fps;
    if (rc == LK_OK)
        rc = patch32(avi, OFF_RIFF_SIZE, (uint32_t)(end - 8));
    if (rc == LK_OK)
        rc = patch32(avi, OFF_MOVI_SIZE, (uint32_t)(movi_end - OFF_MOVI_FOURCC));
    if (rc == LK_OK)
        rc = patch32(avi, OFF_AVIH_MAX_BPS, bps > UINT32_MAX ? UINT32_MAX : (uint32_t)bps);
    if (rc == LK_OK)
        rc = patch32(avi, OFF_AVIH_FRAMES, (uint32_t)avi->frames);
    if (rc == LK_OK)
        rc = patch32(avi, OFF_AVIH_BUFFER, avi->max_frame + CHUNK_HEAD);
    if (rc == LK_OK)
        rc = patch32(avi, OFF_STRH_LENGTH, (uint32_t)avi->frames);
    if (rc == LK_OK)
        rc = patch32(avi, OFF_STRH_BUFFER, avi->max_frame + CHUNK_HEAD);
    if (rc != LK_OK)
        return err_set(err, LK_IO, "AVI: cannot write the index and sizes");
    avi->pos = end;
    avi->finished = 1;
    return LK_OK;
}

void img_avi_free(struct img_avi *avi)
{
    if (!avi)
        return;
    free(avi->index);
    free(avi);
}

size_t img_avi_frames(const struct img_avi *avi)
{
    return avi->frames;
}

uint64_t img_avi_bytes(const struct img_avi *avi)
{
    return avi->pos;
}
