/* The luma DC terms of a sequential Huffman JPEG, read without TurboJPEG. At 1/8 scale
 * TurboJPEG's inverse DCT is the DC term alone, so these give the same gray pixels, but the
 * AC terms, which are most of the bytes, are skipped, several symbols to a table lookup,
 * instead of being decoded into blocks. Motion gating reads every frame this way. The time
 * goes to the chain of lookups, each waiting for the one before: the tables and the bit
 * reader are laid out to keep that chain short. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "img_internal.h"

/* Index bits of the lookup tables. 13 or 14 take a few fewer lookups, but building their
 * tables for each frame costs more than those save. */
#define FAST_BITS 12
/* Every table entry keeps the bits it takes in its low 6 (ENTRY_TAKEN) and the rest from
 * ENTRY_SHIFT up: x86-64 and arm64 shift by a count modulo 64, so `acc << (e & ENTRY_TAKEN)`
 * needs no masking instruction in the chain from one lookup to the next. */
#define ENTRY_TAKEN 63u
#define ENTRY_SHIFT 6
/* The most bits a table entry takes: a code inside FAST_BITS and 10 magnitude bits, all an
 * 8-bit JPEG's AC terms have (longer ones take the slow path). A top-up's 56 bits then serve
 * two entries and leave FAST_BITS for the next index (see SKIP_SYMBOLS). */
#define ENTRY_MAX_TAKEN (FAST_BITS + 10)
/* A multi entry skips up to this many AC symbols; those before its last advance at most
 * MULTI_ADVANCE terms together (see build_multi). */
#define MULTI_SYMBOLS 4
#define MULTI_ADVANCE 16
/* Terms up to which multi entries are taken: its symbols then all belong to one block. */
#define MULTI_LAST_TERM (63 - MULTI_ADVANCE)
#define MAX_COMPONENTS 3
#define MAX_BLOCKS_PER_MCU 10
/* MCUs read in one call, with the bits in registers throughout: a call per MCU cost a
 * tenth of the time in saving and reloading them. Their bytes must fit the window. */
#define BATCH_MCUS 8
/* Unstuffed entropy bytes held at once, and the zeros kept after them. One MCU can take at
 * most 10 blocks of 64 symbols of 31 bits (a 16-bit code and 15 magnitude bits), and a
 * top-up loads 8 bytes ahead, so a reader never looks past the pad. */
#define WINDOW_BYTES (64u * 1024)
#define MCU_MAX_BYTES ((MAX_BLOCKS_PER_MCU * 64u * 31u + 7u) / 8u)
#define PAD_BYTES (MCU_MAX_BYTES + 16u)

/* A Huffman table as DHT gives it, and its decoding tables once a scan uses it. */
struct dc_huff {
    uint8_t counts[17]; /* codes of each length 1..16 */
    uint8_t vals[256];
    unsigned nvals;
    int defined, built;
    /* fast[next FAST_BITS bits]: 0 (a longer code) takes the slow path. DC tables: code
     * length | symbol << ENTRY_SHIFT; AC tables: code + magnitude bits | terms advanced <<
     * ENTRY_SHIFT (64 ends the block). */
    uint16_t fast[1u << FAST_BITS];
    uint16_t multi[1u << FAST_BITS]; /* AC tables: see build_multi */
    uint8_t code_len[1u << FAST_BITS]; /* the length of the code at the head of an index */
    int32_t maxcode[17];            /* largest code of each length, -1 when none */
    int32_t valoff[17];             /* index in vals of a length's first code, minus that code */
};

struct dc_comp {
    unsigned id, h, v, tq;
    unsigned td, ta;       /* the scan's tables */
    const uint32_t *first; /* the entries of its blocks' first lookups (see build_first) */
};

/* first[i]: a block's DC symbol at the head of the FAST_BITS bits i and the AC symbols after
 * it whose codes are inside i too, as one entry: bits taken (0-5), AC terms advanced (6-12),
 * then the DC difference itself (FIRST_DIFF set, the difference + 32768 in 16-31) when its
 * magnitude is inside i too, else the DC code's length (16-19) and magnitude's size
 * (20-23); 0 when the DC code is past the table. One for each pair of tables a scan's
 * components use. */
#define FIRST_DIFF (1u << 13)
struct dc_first {
    unsigned td, ta;
    uint32_t entry[1u << FAST_BITS];
};

struct dc_jpeg {
    unsigned w, h, ncomp, restart;
    struct dc_comp comp[MAX_COMPONENTS];
    int16_t q0[4]; /* each quantization table's DC step, as libjpeg multiplies with it */
    int qdefined[4];
    struct dc_huff dc[4], ac[4];
    struct dc_first first[MAX_COMPONENTS];
    unsigned nfirst;
    unsigned scan[MAX_COMPONENTS]; /* the scan's components, as indexes into comp */
    int adobe, seen_sof;
    const unsigned char *entropy, *end;
};

/* The entropy-coded bytes of one restart interval, unstuffed a window at a time. */
struct dc_bits {
    const unsigned char *src, *end;
    unsigned char *buf; /* WINDOW_BYTES + PAD_BYTES */
    size_t fill;        /* unstuffed bytes in buf */
    size_t dirty;       /* bytes of buf ever written; the rest is still calloc's zeros */
    size_t pos;         /* bit position in buf */
    int marker;         /* the marker that ended the interval; -1 while it goes on */
};

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static int parse_dqt(struct dc_jpeg *j, const unsigned char *p, size_t n)
{
    while (n > 0) {
        unsigned pq = p[0] >> 4, tq = p[0] & 15;
        size_t size = 1 + 64 * (pq + 1);
        if (pq > 1 || tq > 3 || n < size)
            return 0;
        j->q0[tq] = (int16_t)(pq ? be16(p + 1) : p[1]);
        j->qdefined[tq] = 1;
        p += size;
        n -= size;
    }
    return 1;
}

static int parse_dht(struct dc_jpeg *j, const unsigned char *p, size_t n)
{
    while (n > 0) {
        if (n < 17 || (p[0] >> 4) > 1 || (p[0] & 15) > 3)
            return 0;
        struct dc_huff *t = (p[0] >> 4) ? &j->ac[p[0] & 15] : &j->dc[p[0] & 15];
        unsigned total = 0;
        for (int l = 1; l <= 16; l++)
            total += t->counts[l] = p[l];
        if (total > 256 || n < 17 + (size_t)total)
            return 0;
        memcpy(t->vals, p + 17, total);
        t->nvals = total;
        t->defined = 1;
        p += 17 + total;
        n -= 17 + total;
    }
    return 1;
}

static int parse_sof(struct dc_jpeg *j, const unsigned char *p, size_t n)
{
    if (j->seen_sof || n < 6 || p[0] != 8)
        return 0;
    j->seen_sof = 1;
    j->h = be16(p + 1);
    j->w = be16(p + 3);
    j->ncomp = p[5];
    if (j->w == 0 || j->h == 0 || (j->ncomp != 1 && j->ncomp != 3) || n != 6 + 3 * j->ncomp)
        return 0;
    for (unsigned c = 0; c < j->ncomp; c++) {
        struct dc_comp *k = &j->comp[c];
        k->id = p[6 + 3 * c];
        k->h = p[7 + 3 * c] >> 4;
        k->v = p[7 + 3 * c] & 15;
        k->tq = p[8 + 3 * c];
        if (k->h < 1 || k->h > 4 || k->v < 1 || k->v > 4 || k->tq > 3)
            return 0;
    }
    return 1;
}

static int parse_sos(struct dc_jpeg *j, const unsigned char *p, size_t n)
{
    /* One scan holding every component: what a sequential encoder writes by default. */
    if (!j->seen_sof || n < 1 || p[0] != j->ncomp || n != 4 + 2 * (size_t)j->ncomp)
        return 0;
    for (unsigned s = 0; s < j->ncomp; s++) {
        unsigned id = p[1 + 2 * s], td = p[2 + 2 * s] >> 4, ta = p[2 + 2 * s] & 15;
        unsigned c = 0;
        while (c < j->ncomp && j->comp[c].id != id)
            c++;
        if (c == j->ncomp || td > 3 || ta > 3 || !j->dc[td].defined || !j->ac[ta].defined ||
            !j->qdefined[j->comp[c].tq])
            return 0;
        j->comp[c].td = td;
        j->comp[c].ta = ta;
        j->scan[s] = c;
    }
    const unsigned char *q = p + 1 + 2 * j->ncomp;
    return q[0] == 0 && q[1] == 63 && q[2] == 0;
}

/* Whether libjpeg reads component 0 as the gray picture: not for RGB (an Adobe transform,
 * or ids R, G, B), and not when luma is subsampled below another component. Also whether
 * an MCU keeps to the 10 blocks the standard allows (and the window's pad assumes). */
static int luma_is_first(const struct dc_jpeg *j)
{
    if (j->ncomp == 3 &&
        (j->adobe || (j->comp[0].id == 'R' && j->comp[1].id == 'G' && j->comp[2].id == 'B')))
        return 0;
    unsigned blocks = j->comp[0].h * j->comp[0].v;
    for (unsigned c = 1; c < j->ncomp; c++) {
        if (j->comp[c].h > j->comp[0].h || j->comp[c].v > j->comp[0].v)
            return 0;
        blocks += j->comp[c].h * j->comp[c].v;
    }
    return j->ncomp == 1 || blocks <= MAX_BLOCKS_PER_MCU;
}

static int parse_segment(struct dc_jpeg *j, unsigned m, const unsigned char *p, size_t n)
{
    switch (m) {
    case 0xC0:
    case 0xC1:
        return parse_sof(j, p, n);
    case 0xC4:
        return parse_dht(j, p, n);
    case 0xDB:
        return parse_dqt(j, p, n);
    case 0xDD:
        j->restart = n == 2 ? be16(p) : 0;
        return n == 2;
    case 0xEE:
        j->adobe |= n >= 5 && memcmp(p, "Adobe", 5) == 0;
        return 1;
    default:
        /* Other frame types (progressive, lossless, arithmetic) and DNL are TurboJPEG's. */
        return !(m >= 0xC2 && m <= 0xCF) && m != 0xDC;
    }
}

/* Walks the marker segments up to the first scan; 1 when it is one this reader takes. */
static int parse_headers(const unsigned char *d, size_t len, struct dc_jpeg *j)
{
    if (len < 4 || d[0] != 0xFF || d[1] != 0xD8)
        return 0;
    size_t i = 2;
    for (;;) {
        if (i >= len || d[i] != 0xFF)
            return 0;
        while (i < len && d[i] == 0xFF)
            i++;
        if (i + 3 > len)
            return 0;
        unsigned m = d[i++];
        size_t seg = be16(d + i);
        if (m == 0x01 || (m >= 0xD0 && m <= 0xD9) || seg < 2 || seg > len - i)
            return 0;
        if (m == 0xDA) {
            j->entropy = d + i + seg;
            j->end = d + len;
            return parse_sos(j, d + i + 2, seg - 2) && luma_is_first(j);
        }
        if (!parse_segment(j, m, d + i + 2, seg - 2))
            return 0;
        i += seg;
    }
}

/* Canonical codes as the DHT counts give them; 0 for a table libjpeg rejects (a code
 * overflowing its length, or a DC symbol over 15). fast is filled by the caller. */
static int build_codes(struct dc_huff *t, int is_dc, uint32_t *codes, uint8_t *lengths)
{
    uint32_t code = 0;
    unsigned k = 0;
    for (int l = 1; l <= 16; l++) {
        t->valoff[l] = (int32_t)k - (int32_t)code;
        for (unsigned i = 0; i < t->counts[l]; i++, k++, code++) {
            if (is_dc && t->vals[k] > 15)
                return 0;
            codes[k] = code;
            lengths[k] = (uint8_t)l;
        }
        t->maxcode[l] = t->counts[l] ? (int32_t)code - 1 : -1;
        if (code >= (1u << l))
            return 0;
        code <<= 1;
    }
    return 1;
}

/* Skipping needs only how many magnitude bits follow a code, not their value, so every
 * code of up to FAST_BITS bits has an entry. */
static unsigned fast_entry(unsigned len, unsigned sym, int is_dc)
{
    if (is_dc)
        return len | sym << ENTRY_SHIFT;
    unsigned run = sym >> 4, size = sym & 15;
    unsigned advance = size ? run + 1 : run == 15 ? 16 : 64;
    return size > 10 ? 0 : (len + size) | advance << ENTRY_SHIFT;
}

/* multi[i]: the AC symbols at the head of the FAST_BITS bits i whose codes are inside i, up
 * to MULTI_SYMBOLS, as one entry of the fast layout (code and magnitude bits of them all,
 * terms advanced; 0 when the first needs the slow path). Skipping a block's symbols is a
 * chain of dependent lookups, so each one that covers more symbols shortens it. An entry
 * stops after an end of block, and a symbol joins only while those before it advance at
 * most MULTI_ADVANCE terms: from term MULTI_LAST_TERM on none but the last can end the block,
 * so all of them are the block's. */
static void take_symbols(const struct dc_huff *t, unsigned i, unsigned *used, unsigned *advance)
{
    for (unsigned n = 0; n < MULTI_SYMBOLS && *used < FAST_BITS; n++) {
        unsigned at = (i << *used) & ((1u << FAST_BITS) - 1), e = t->fast[at];
        if (!e || t->code_len[at] > FAST_BITS - *used)
            break;
        *used += e & ENTRY_TAKEN;
        *advance += e >> ENTRY_SHIFT;
        if (*advance > MULTI_ADVANCE)
            break;
    }
}

/* By the codes of the table, each one's indexes at once: an entry depends on the bits of
 * the first code and those after its magnitude, not on the magnitude, which is skipped. So
 * the indexes of one code and magnitude 0 are built, and copied for the others. */
static void build_multi(struct dc_huff *t)
{
    for (unsigned i = 0; i < (1u << FAST_BITS);) {
        unsigned e = t->fast[i], used = e & ENTRY_TAKEN;
        if (!e || used >= FAST_BITS) {
            t->multi[i++] = (uint16_t)e;
            continue;
        }
        unsigned span = 1u << (FAST_BITS - t->code_len[i]), run = 1u << (FAST_BITS - used);
        for (unsigned r = 0; r < run; r++) {
            unsigned u = 0, advance = 0;
            take_symbols(t, i + r, &u, &advance);
            t->multi[i + r] = (uint16_t)(u | advance << ENTRY_SHIFT);
        }
        for (unsigned m = run; m < span; m += run)
            memcpy(&t->multi[i + m], &t->multi[i], run * sizeof(t->multi[0]));
        i += span;
    }
}

/* The DC part of a first entry (struct dc_first) for the index i: the difference when its
 * magnitude is inside i, which spares most blocks extracting it from the bits. */
static uint32_t first_dc(unsigned i, unsigned len, unsigned size)
{
    if (len + size > FAST_BITS)
        return len << 16 | size << 20;
    int32_t x = (int32_t)((i >> (FAST_BITS - len - size)) & ((1u << size) - 1));
    if (size && x < (1 << (size - 1)))
        x -= (1 << size) - 1;
    return FIRST_DIFF | (uint32_t)(x + 32768) << 16;
}

/* See struct dc_first: the DC symbol's lookup is a step of the chain too, so the AC
 * symbols that fit beside it ride along (a chroma block is often DC + end of block). By DC
 * code, as build_multi: the AC part depends only on the bits after the code and magnitude,
 * the difference only on the magnitude, so each AC part is taken once and copied for every
 * magnitude with its difference. */
static void build_first(struct dc_first *f, const struct dc_huff *dc, const struct dc_huff *ac)
{
    for (unsigned i = 0; i < (1u << FAST_BITS);) {
        unsigned e = dc->fast[i], len = e & ENTRY_TAKEN, size = e >> ENTRY_SHIFT;
        unsigned used = len + size;
        if (!e || used > ENTRY_MAX_TAKEN) {
            f->entry[i++] = 0;
            continue;
        }
        unsigned span = 1u << (FAST_BITS - len);
        unsigned run = used < FAST_BITS ? 1u << (FAST_BITS - used) : 1;
        for (unsigned r = 0; r < run; r++) {
            unsigned u = used, advance = 0;
            take_symbols(ac, i + r, &u, &advance);
            f->entry[i + r] = u | advance << ENTRY_SHIFT;
        }
        /* Downwards, so that the AC parts at i are read before their own difference joins
         * them. */
        for (unsigned m = span; m > 0;) {
            m -= run;
            uint32_t d = first_dc(i + m, len, size);
            for (unsigned r = 0; r < run; r++)
                f->entry[i + m + r] = f->entry[i + r] | d;
        }
        i += span;
    }
}

static int build_table(struct dc_huff *t, int is_dc)
{
    uint32_t codes[256];
    uint8_t lengths[256];
    if (t->built)
        return 1;
    if (!build_codes(t, is_dc, codes, lengths))
        return 0;
    memset(t->fast, 0, sizeof(t->fast));
    for (unsigned k = 0; k < t->nvals; k++) {
        if (lengths[k] > FAST_BITS)
            continue;
        unsigned shift = FAST_BITS - lengths[k];
        uint16_t e = (uint16_t)fast_entry(lengths[k], t->vals[k], is_dc);
        for (uint32_t x = 0; x < (1u << shift); x++) {
            t->fast[codes[k] << shift | x] = e;
            t->code_len[codes[k] << shift | x] = lengths[k];
        }
    }
    if (!is_dc)
        build_multi(t);
    t->built = 1;
    return 1;
}

/* The tables of the scan's components, and their first-lookup entries: one set for each
 * pair of tables (the two chroma components of a colour JPEG usually share theirs). */
static int build_tables(struct dc_jpeg *j)
{
    for (unsigned s = 0; s < j->ncomp; s++) {
        struct dc_comp *c = &j->comp[j->scan[s]];
        if (!build_table(&j->dc[c->td], 1) || !build_table(&j->ac[c->ta], 0))
            return 0;
        unsigned f = 0;
        while (f < j->nfirst && (j->first[f].td != c->td || j->first[f].ta != c->ta))
            f++;
        if (f == j->nfirst) {
            j->first[f].td = c->td;
            j->first[f].ta = c->ta;
            build_first(&j->first[f], &j->dc[c->td], &j->ac[c->ta]);
            j->nfirst++;
        }
        c->first = j->first[f].entry;
    }
    return 1;
}

/* The symbol at the head of v (left-aligned bits) and its code length; -1 for no code. */
static int slow_symbol(const struct dc_huff *t, uint64_t v, unsigned *len)
{
    for (unsigned l = 1; l <= 16; l++) {
        int32_t code = (int32_t)(v >> (64 - l));
        if (code <= t->maxcode[l]) {
            *len = l;
            return t->vals[t->valoff[l] + code];
        }
    }
    return -1;
}

static uint64_t load_be64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* One block of an MCU: its tables. */
struct dc_block {
    const struct dc_huff *dc, *ac;
    const uint32_t *first;
};

/* Unstuffs more of the interval into the window, keeping the bytes not yet read. */
static void refill(struct dc_bits *b)
{
    size_t used = b->pos >> 3, keep = b->fill - used;
    memmove(b->buf, b->buf + used, keep);
    b->pos &= 7;
    b->fill = keep;
    while (b->fill < WINDOW_BYTES && b->marker < 0 && b->src < b->end) {
        size_t room = WINDOW_BYTES - b->fill, left = (size_t)(b->end - b->src);
        size_t n = room < left ? room : left;
        const unsigned char *ff = memchr(b->src, 0xFF, n);
        size_t run = ff ? (size_t)(ff - b->src) : n;
        memcpy(b->buf + b->fill, b->src, run);
        b->fill += run;
        b->src += run;
        if (!ff)
            continue;
        while (b->src < b->end && *b->src == 0xFF)
            b->src++;
        if (b->src == b->end)
            break;
        if (*b->src == 0)
            b->buf[b->fill++] = 0xFF;
        else
            b->marker = *b->src;
        b->src++;
    }
    /* Zeros after the bytes: only what earlier fills left there needs clearing, which keeps
     * short restart intervals (one per MCU, say) from clearing the whole pad each time. */
    if (b->dirty > b->fill)
        memset(b->buf + b->fill, 0, b->dirty - b->fill);
    b->dirty = b->fill;
}

/* The bits of MCUs: acc holds avail bits, left-aligned, read up to p. After a top-up it
 * holds at least 56: two table entries (ENTRY_MAX_TAKEN each) and the next index. */
struct dc_acc {
    const unsigned char *p;
    uint64_t acc;
    unsigned avail;
};

static inline void acc_top_up(struct dc_acc *a)
{
    /* Bits under avail that were loaded before are the same bits again: OR keeps them. */
    a->acc |= load_be64(a->p) >> a->avail;
    a->p += (63 - a->avail) >> 3;
    a->avail |= 56;
}

static inline void acc_drop(struct dc_acc *a, unsigned n)
{
    a->acc <<= n;
    a->avail -= n;
}

/* The fast-table entry of a symbol past the table (code and magnitude over FAST_BITS
 * bits): same layout, 0 for a bad code. Length up to 16 + 15 bits, advance up to 64. */
static unsigned slow_entry(const struct dc_huff *t, uint64_t acc, int is_dc)
{
    unsigned len;
    int sym = slow_symbol(t, acc, &len);
    if (sym < 0)
        return 0;
    if (is_dc)
        return len | (unsigned)sym << ENTRY_SHIFT;
    unsigned run = (unsigned)sym >> 4, size = (unsigned)sym & 15;
    return (len + size) | (size ? run + 1 : run == 15 ? 16 : 64) << ENTRY_SHIFT;
}

/* The bits after a symbol of the slow path, and its entry with no bits left to drop; e is
 * 0 for a bad code. */
struct dc_skip {
    struct dc_acc s;
    unsigned e;
};

/* Skips one AC symbol with a code past the table, which may take up to 31 bits: topped up
 * before and after, so that the entries after it find the bits SKIP_SYMBOLS counts on. The
 * bits go by value, as an address taken would keep them out of registers in read_blocks. */
__attribute__((noinline)) static struct dc_skip slow_skip(struct dc_acc s, const struct dc_huff *t)
{
    acc_top_up(&s);
    unsigned e = slow_entry(t, s.acc, 0);
    acc_drop(&s, e & ENTRY_TAKEN);
    acc_top_up(&s);
    return (struct dc_skip){s, e & ~ENTRY_TAKEN};
}

/* Skips the symbols of a table entry (multi or fast) of a block's AC terms: one lookup for
 * most; a code past the table takes the slow path, one symbol. Every other lookup tops up
 * (top), two entries taking at most 2 * ENTRY_MAX_TAKEN of the 56 bits; the index comes
 * from the bits as they were before the top-up, still FAST_BITS at least, so the top-up's
 * load and OR run beside the table's load, not before it, and the chain from one lookup to
 * the next is a shift, a load and a shift. */
#define SKIP_SYMBOLS(s, k, t, table, top)                                                          \
    do {                                                                                           \
        unsigned i_ = (unsigned)((s).acc >> (64 - FAST_BITS));                                     \
        if (top)                                                                                   \
            acc_top_up(&(s));                                                                      \
        unsigned e_ = (t)->table[i_];                                                              \
        if (!e_) {                                                                                 \
            struct dc_skip r_ = slow_skip((s), (t));                                               \
            if (!(e_ = r_.e))                                                                      \
                return 0;                                                                          \
            (s) = r_.s;                                                                            \
        }                                                                                          \
        acc_drop(&(s), e_ & ENTRY_TAKEN);                                                          \
        (k) += e_ >> ENTRY_SHIFT;                                                                  \
    } while (0)

/* The DC difference of size bits at the head of v (left-aligned). Without branches: the
 * sign of a difference is as good as random, and size 0 (no bits, a difference of 0) is
 * common. The double shift takes 0 bits for size 0. */
static inline int32_t dc_extend(uint64_t v, unsigned size)
{
    int32_t x = (int32_t)((v >> (63 - size)) >> 1);
    int32_t negative = -(int32_t)(x < (int32_t)((1u << size) >> 1));
    return x - (negative & (int32_t)((1u << size) - 1));
}

/* A block's DC difference with a code past the table (up to 31 bits), from bits topped up
 * just before; topped up again after, as SKIP_SYMBOLS expects. */
static int read_slow_dc(struct dc_acc *s, const struct dc_huff *dc, int32_t *diff)
{
    unsigned e = slow_entry(dc, s->acc, 1);
    if (!e)
        return 0;
    acc_drop(s, e & ENTRY_TAKEN);
    *diff = dc_extend(s->acc, e >> ENTRY_SHIFT);
    acc_drop(s, e >> ENTRY_SHIFT);
    acc_top_up(s);
    return 1;
}

/* A block's DC difference and the AC symbols of its first lookup (struct dc_first); k
 * becomes the next AC term. The bits are as SKIP_SYMBOLS has them, and so is the order. */
static inline int read_first(struct dc_acc *s, const struct dc_block *block, int32_t *diff,
                             unsigned *k)
{
    unsigned i = (unsigned)(s->acc >> (64 - FAST_BITS));
    acc_top_up(s);
    uint32_t e = block->first[i];
    *k = 1 + ((e >> ENTRY_SHIFT) & 127);
    if (e & FIRST_DIFF)
        *diff = (int32_t)(e >> 16) - 32768;
    else if (e)
        *diff = dc_extend(s->acc << ((e >> 16) & 15), (e >> 20) & 15);
    else
        return read_slow_dc(s, block->dc, diff);
    acc_drop(s, e & ENTRY_TAKEN);
    return 1;
}

/* The blocks of n MCUs: their DC differences in diff (nblocks a MCU), their AC terms
 * skipped; 0 for a bad code. Not inlined, and on a local copy of the bits: the state then
 * stays in registers in the loop that takes most of the time. Every lookup tops up (see
 * SKIP_SYMBOLS), so no count of bits is ever tested. */
__attribute__((noinline)) static int read_blocks(struct dc_acc *a, const struct dc_block *block,
                                                 unsigned nblocks, unsigned n, int32_t *diff)
{
    struct dc_acc s = *a;
    for (unsigned i = 0, b = 0; i < n * nblocks; i++, b = b + 1 == nblocks ? 0 : b + 1) {
        const struct dc_huff *ac = block[b].ac;
        unsigned k;
        if (!read_first(&s, &block[b], &diff[i], &k))
            return 0;
        /* Two loops rather than a choice of table per lookup, which would lengthen the chain
         * from one lookup to the next. */
        while (k <= MULTI_LAST_TERM) {
            SKIP_SYMBOLS(s, k, ac, multi, 1);
            if (k <= MULTI_LAST_TERM)
                SKIP_SYMBOLS(s, k, ac, multi, 0);
        }
        while (k < 64) {
            SKIP_SYMBOLS(s, k, ac, fast, 1);
            if (k < 64)
                SKIP_SYMBOLS(s, k, ac, fast, 0);
        }
    }
    *a = s;
    return 1;
}

struct dc_geometry {
    unsigned mcus_x, mcus_y, out_w, out_h;
    unsigned luma_w, luma_h; /* luma blocks per MCU across and down */
    unsigned luma_first;     /* the first of them in the MCU; the rest follow it */
    unsigned luma_at[MAX_BLOCKS_PER_MCU]; /* each one's pixel in out, from the MCU's first */
    unsigned nblocks;
    int16_t q0;
    unsigned char limit[1024]; /* see build_limit */
    struct dc_block block[MAX_BLOCKS_PER_MCU];
};

/* libjpeg's 1x1 inverse DCT of a DC term is a descale, then its range-limit table, which
 * wraps values past +-512 rather than clamping them: this is that table, indexed by the
 * descaled value's low 10 bits. A load per pixel instead of three comparisons. */
static void build_limit(unsigned char *limit)
{
    for (unsigned i = 0; i < 1024; i++)
        limit[i] = (unsigned char)(i < 128 ? i + 128 : i < 512 ? 255 : i < 896 ? 0 : i - 896);
}

static void plan_blocks(const struct dc_jpeg *j, struct dc_geometry *g, int single)
{
    g->nblocks = 0;
    g->luma_w = g->luma_h = 1;
    for (unsigned s = 0; s < j->ncomp; s++) {
        unsigned c = j->scan[s];
        unsigned bh = single ? 1 : j->comp[c].h, bv = single ? 1 : j->comp[c].v;
        for (unsigned by = 0; by < bv; by++)
            for (unsigned bx = 0; bx < bh; bx++)
                g->block[g->nblocks++] = (struct dc_block){
                    &j->dc[j->comp[c].td], &j->ac[j->comp[c].ta], j->comp[c].first};
        if (c == 0) {
            g->luma_w = bh;
            g->luma_h = bv;
            g->luma_first = g->nblocks - bh * bv;
        }
    }
}

static void geometry(const struct dc_jpeg *j, struct dc_geometry *g)
{
    unsigned hmax = 1, vmax = 1;
    for (unsigned c = 0; c < j->ncomp; c++) {
        hmax = j->comp[c].h > hmax ? j->comp[c].h : hmax;
        vmax = j->comp[c].v > vmax ? j->comp[c].v : vmax;
    }
    g->out_w = (j->w + 7) / 8;
    g->out_h = (j->h + 7) / 8;
    /* A scan of one component has MCUs of one block, whatever its sampling factors. */
    int single = j->ncomp == 1;
    g->mcus_x = single ? g->out_w : (j->w + 8 * hmax - 1) / (8 * hmax);
    g->mcus_y = single ? g->out_h : (j->h + 8 * vmax - 1) / (8 * vmax);
    plan_blocks(j, g, single);
    for (unsigned k = 0; k < g->luma_w * g->luma_h; k++)
        g->luma_at[k] = k / g->luma_w * g->out_w + k % g->luma_w;
    g->q0 = j->q0[j->comp[0].tq];
    build_limit(g->limit);
}

/* libjpeg's gray pixel of a luma DC predictor p (see build_limit). */
static inline unsigned char dc_pixel(uint32_t p, int32_t q0, const unsigned char *limit)
{
    return limit[(((int32_t)(int16_t)p * q0 + 4) >> 3) & 1023];
}

/* The luma blocks of one MCU (d: its luma differences) inside the picture become pixels of
 * out. Only luma's DC predictor is kept: the other components' differences are dropped. */
static void put_pixels_edge(const struct dc_geometry *g, unsigned mx, unsigned my,
                            const int32_t *d, uint32_t *pred, unsigned char *out)
{
    unsigned x0 = mx * g->luma_w, y0 = my * g->luma_h;
    uint32_t p = *pred;
    for (unsigned y = y0; y < y0 + g->luma_h; y++)
        for (unsigned x = x0; x < x0 + g->luma_w; x++) {
            p += (uint32_t)*d++;
            if (x < g->out_w && y < g->out_h)
                out[(size_t)y * g->out_w + x] = dc_pixel(p, g->q0, g->limit);
        }
    *pred = p;
}

/* The pixels of n MCUs of row my from mx on, one at a time unless they are all inside the
 * picture, as most are: then the luma blocks go to out at offsets worked out once
 * (luma_at), with no bounds to test. The geometry goes into locals, as a store through out
 * could alias it and would otherwise reload it for every pixel. */
static void put_pixels(const struct dc_geometry *g, unsigned mx, unsigned my, unsigned n,
                       const int32_t *diff, uint32_t *pred, unsigned char *out)
{
    unsigned lw = g->luma_w, nluma = lw * g->luma_h, stride = g->out_w, nblocks = g->nblocks;
    const int32_t *d = diff + g->luma_first;
    if ((mx + n) * lw > stride || (my + 1) * g->luma_h > g->out_h) {
        for (unsigned i = 0; i < n; i++)
            put_pixels_edge(g, mx + i, my, d + i * nblocks, pred, out);
        return;
    }
    const unsigned char *limit = g->limit;
    const unsigned *at = g->luma_at;
    int32_t q0 = g->q0;
    uint32_t p = *pred;
    unsigned char *o = out + (size_t)my * g->luma_h * stride + (size_t)mx * lw;
    for (unsigned i = 0; i < n; i++, d += nblocks, o += lw)
        for (unsigned k = 0; k < nluma; k++) {
            p += (uint32_t)d[k];
            o[at[k]] = dc_pixel(p, q0, limit);
        }
    *pred = p;
}

/* Reads n MCUs of a row from mx on (n <= BATCH_MCUS) into pixels of out. */
static int read_mcus(struct dc_bits *b, const struct dc_geometry *g, unsigned mx, unsigned my,
                     unsigned n, uint32_t *pred, unsigned char *out)
{
    struct dc_acc a = {b->buf + (b->pos >> 3), 0, 0};
    acc_top_up(&a);
    acc_drop(&a, b->pos & 7);
    int32_t diff[BATCH_MCUS * MAX_BLOCKS_PER_MCU];
    if (!read_blocks(&a, g->block, g->nblocks, n, diff))
        return 0;
    b->pos = 8 * (size_t)(a.p - b->buf) - a.avail;
    put_pixels(g, mx, my, n, diff, pred, out);
    return 1;
}

/* How many MCUs to read next (n read so far, mx in the row): up to BATCH_MCUS, none past
 * the row or the restart interval, and only as many as the window's bytes hold, topped up
 * here first while the interval has more, with the pad for the last of them: MCU_MAX_BYTES
 * each at most. */
static unsigned batch_size(const struct dc_jpeg *j, const struct dc_geometry *g,
                           struct dc_bits *b, unsigned mx, unsigned long long n)
{
    unsigned m = g->mcus_x - mx < BATCH_MCUS ? g->mcus_x - mx : BATCH_MCUS;
    if (j->restart && j->restart - n % j->restart < m)
        m = (unsigned)(j->restart - n % j->restart);
    if (b->fill - (b->pos >> 3) < m * MCU_MAX_BYTES && b->marker < 0 && b->src < b->end)
        refill(b);
    size_t fit = (b->fill - (b->pos >> 3)) / MCU_MAX_BYTES + 1;
    return m < fit ? m : (unsigned)fit;
}

/* Starts the next restart interval: the marker that ended this one must be RSTn, n = k % 8.
 * Bytes left over before it are dropped, as libjpeg drops them (with a warning). */
static int next_interval(struct dc_bits *b, unsigned k, uint32_t *pred)
{
    while (b->marker < 0 && b->src < b->end) {
        b->pos = 8 * b->fill;
        refill(b);
    }
    if (b->marker != 0xD0 + (int)(k % 8))
        return 0;
    *pred = 0;
    b->marker = -1;
    b->fill = 0;
    b->pos = 0;
    refill(b);
    return 1;
}

static int read_scan(const struct dc_jpeg *j, const struct dc_geometry *g, struct dc_bits *b,
                     unsigned char *out)
{
    uint32_t pred = 0;
    unsigned long long n = 0;
    refill(b);
    for (unsigned my = 0; my < g->mcus_y; my++)
        for (unsigned mx = 0, m; mx < g->mcus_x; mx += m, n += m) {
            if (j->restart && n > 0 && n % j->restart == 0 &&
                !next_interval(b, (unsigned)(n / j->restart - 1), &pred))
                return 0;
            m = batch_size(j, g, b, mx, n);
            /* Past the interval's bytes: libjpeg pads a short stream with zeros and warns.
             * The position only grows, so one test after the batch is one after each MCU. */
            if (!read_mcus(b, g, mx, my, m, &pred, out) || b->pos > 8 * b->fill)
                return 0;
        }
    return 1;
}

int img_jpeg_dc_decode(const unsigned char *d, size_t len, unsigned w, unsigned h,
                       unsigned char *out)
{
    struct dc_jpeg *j = calloc(1, sizeof(*j));
    struct dc_bits b = {.marker = -1};
    int ok = j && parse_headers(d, len, j) && build_tables(j);
    struct dc_geometry g;
    if (ok) {
        geometry(j, &g);
        ok = g.out_w == w && g.out_h == h;
    }
    if (ok) {
        b.src = j->entropy;
        b.end = j->end;
        b.buf = calloc(1, WINDOW_BYTES + PAD_BYTES);
        ok = b.buf && read_scan(j, &g, &b, out);
    }
    free(b.buf);
    free(j);
    return ok;
}
