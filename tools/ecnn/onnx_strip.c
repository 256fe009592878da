/* ONNX import, "Weights are never read" (docs/onnx.md): protobuf-c decodes
 * the model, but it copies every bytes and repeated field it meets, so a
 * model with 100 MB of weights inside would cost 100 MB and the time to
 * copy them. This pre-pass walks only the few fields that lead to tensors
 * and writes a copy without the payload of large ones; protobuf-c then
 * decodes that copy. It knows the wire format and a handful of field
 * numbers, nothing of the schema beyond them: every other field is copied
 * as it is, and protobuf-c still checks all of it. */
#include "onnx_strip.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum kind { K_NONE, K_MODEL, K_GRAPH, K_NODE, K_ATTR, K_SPARSE, K_TENSOR };

static const char *const kind_name[] = {"", "ModelProto", "GraphProto", "NodeProto",
                                        "AttributeProto", "SparseTensorProto", "TensorProto"};

/* The input: bytes in memory, or a file read with pread through a small
 * window, so that no page of weights is mapped or read (a mapping would
 * count the file's pages around every header in the resident size). */
typedef struct sctx {
    const uint8_t *mem; /* NULL: read fd */
    int fd;
    size_t len;
    size_t threshold;
    size_t stripped;
    char *err;
    size_t errsize;
    size_t woff, wlen; /* the window holds [woff, woff + wlen) */
    /* The new lengths of the walked messages, in the order both passes
     * meet them: the counting pass fills it, the writing pass reads it. */
    size_t *lens, nlens, caplens, next;
    uint8_t win[4096];
} sctx;

static int read_at(sctx *c, uint8_t *buf, size_t n, size_t off)
{
    for (size_t have = 0; have < n;) {
        ssize_t r = pread(c->fd, buf + have, n - have, (off_t)(off + have));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            snprintf(c->err, c->errsize, "cannot read at byte %zu: %s", off + have,
                     r < 0 ? strerror(errno) : "the file got shorter");
            return -1;
        }
        have += (size_t)r;
    }
    return 0;
}

/* Up to n bytes at off (fewer at the end: *got), valid until the next
 * call; NULL on a read error (message set). */
static const uint8_t *at(sctx *c, size_t off, size_t n, size_t *got)
{
    *got = n < c->len - off ? n : c->len - off;
    if (c->mem) return c->mem + off;
    if (off >= c->woff && off + *got <= c->woff + c->wlen) return c->win + (off - c->woff);
    size_t want = sizeof c->win < c->len - off ? sizeof c->win : c->len - off;
    c->wlen = 0;
    if (read_at(c, c->win, want, off) != 0) return NULL;
    c->woff = off;
    c->wlen = want;
    return c->win;
}

/* The message a length-delimited field of a message of kind k holds, when
 * it is one on the way to tensors (field numbers of onnx.proto). */
static enum kind child(enum kind k, uint64_t field)
{
    switch (k) {
    case K_MODEL:
        return field == 7 ? K_GRAPH : K_NONE;
    case K_GRAPH:
        return field == 1 ? K_NODE : field == 5 ? K_TENSOR : field == 15 ? K_SPARSE : K_NONE;
    case K_NODE:
        return field == 5 ? K_ATTR : K_NONE;
    case K_ATTR:
        return field == 5 || field == 10   ? K_TENSOR
               : field == 6 || field == 11 ? K_GRAPH
               : field == 22 || field == 23 ? K_SPARSE
                                            : K_NONE;
    case K_SPARSE:
        return field == 1 || field == 2 ? K_TENSOR : K_NONE;
    default:
        return K_NONE;
    }
}

/* TensorProto's payload: float_data, int32_data, string_data, int64_data,
 * raw_data, double_data, uint64_data. */
static int payload_field(uint64_t field)
{
    return (field >= 4 && field <= 7) || field == 9 || field == 10 || field == 11;
}

static int bad(sctx *c, size_t at, enum kind k, const char *what)
{
    snprintf(c->err, c->errsize, "not an ONNX model: malformed protobuf at byte %zu, in a %s: %s", at,
             kind_name[k], what);
    return -1;
}

static int varint(sctx *c, enum kind k, size_t *p, size_t end, uint64_t *v)
{
    size_t got;
    const uint8_t *b = at(c, *p, 10, &got);
    if (!b) return -1;
    if (got > end - *p) got = end - *p;
    uint64_t x = 0;
    for (size_t i = 0; i < got; i++) {
        x |= (uint64_t)(b[i] & 0x7f) << (7 * i);
        if (!(b[i] & 0x80)) {
            *v = x;
            *p += i + 1;
            return 0;
        }
    }
    return bad(c, *p, k, got < 10 ? "truncated varint" : "varint longer than 10 bytes");
}

/* One field at p: its number, wire type and value [val, next). */
typedef struct field {
    size_t start, val, next;
    uint64_t number;
    unsigned wire;
} field;

static int next_field(sctx *c, enum kind k, size_t p, size_t end, field *f)
{
    uint64_t tag, n;
    f->start = p;
    if (varint(c, k, &p, end, &tag) != 0) return -1;
    f->number = tag >> 3;
    f->wire = (unsigned)(tag & 7);
    if (f->number == 0 || f->number > 0x1fffffff) return bad(c, f->start, k, "field number 0 or above 2^29");
    f->val = p;
    switch (f->wire) {
    case 0:
        if (varint(c, k, &p, end, &n) != 0) return -1;
        break;
    case 1:
    case 5:
        n = f->wire == 1 ? 8 : 4;
        if (end - p < n) return bad(c, f->start, k, "fixed-size value past the end of the message");
        p += n;
        break;
    case 2:
        if (varint(c, k, &p, end, &n) != 0) return -1;
        f->val = p;
        if (n > (uint64_t)(end - p)) return bad(c, f->start, k, "length past the end of the message");
        p += (size_t)n;
        break;
    default:
        return bad(c, f->start, k,
                   f->wire == 3 || f->wire == 4 ? "wire type 3 or 4 (groups, not in ONNX)" : "wire type 6 or 7 (none such)");
    }
    f->next = p;
    return 0;
}

/* Appends the input's bytes [off, off + n) (only counts them when out is
 * NULL). */
static int copy(sctx *c, uint8_t *out, size_t *pos, size_t off, size_t n)
{
    if (out && n) {
        if (c->mem) memcpy(out + *pos, c->mem + off, n);
        else if (off >= c->woff && off + n <= c->woff + c->wlen) memcpy(out + *pos, c->win + (off - c->woff), n);
        else if (read_at(c, out + *pos, n, off) != 0) return -1;
    }
    *pos += n;
    return 0;
}

static void put_varint(uint8_t *out, size_t *pos, uint64_t v)
{
    uint8_t b[10];
    size_t n = 0;
    do {
        b[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
        v >>= 7;
    } while (v);
    if (out) memcpy(out + *pos, b, n);
    *pos += n;
}

/* The message [p, end) of kind k, stripped, appended at out + *pos; when
 * out is NULL only counted, and the new length of every walked message
 * inside recorded for the writing pass (which thus reads every header
 * twice in all, at any depth). */
static int strip(sctx *c, enum kind k, size_t p, size_t end, uint8_t *out, size_t *pos, int depth)
{
    if (depth > ONNX_STRIP_MAX_DEPTH) return bad(c, p, k, "messages nested too deep");
    field f;
    int drop = 0;
    if (k == K_TENSOR) {
        size_t payload = 0; /* bounded by the message's length: no overflow */
        for (size_t q = p; q < end; q = f.next) {
            if (next_field(c, k, q, end, &f) != 0) return -1;
            if (payload_field(f.number)) payload += f.next - f.start;
        }
        drop = payload > c->threshold;
        if (drop && out) c->stripped++;
    }
    for (size_t q = p; q < end; q = f.next) {
        if (next_field(c, k, q, end, &f) != 0) return -1;
        enum kind ck = f.wire == 2 ? child(k, f.number) : K_NONE;
        if (drop && payload_field(f.number)) continue;
        if (ck == K_NONE) {
            if (copy(c, out, pos, f.start, f.next - f.start) != 0) return -1;
            continue;
        }
        if (!out) {
            if (c->nlens == c->caplens) {
                size_t cap = c->caplens ? 2 * c->caplens : 256;
                size_t *l = cap < SIZE_MAX / sizeof *l ? realloc(c->lens, cap * sizeof *l) : NULL;
                if (!l) {
                    snprintf(c->err, c->errsize, "out of memory (%zu nested messages)", c->nlens);
                    return -1;
                }
                c->lens = l;
                c->caplens = cap;
            }
            size_t slot = c->nlens++, inner = 0;
            if (strip(c, ck, f.val, f.next, NULL, &inner, depth + 1) != 0) return -1;
            c->lens[slot] = inner;
            put_varint(NULL, pos, f.number << 3 | 2);
            put_varint(NULL, pos, inner);
            *pos += inner;
            continue;
        }
        if (c->next >= c->nlens) return bad(c, f.start, k, "internal error: a message the count missed");
        size_t inner = c->lens[c->next++], from;
        put_varint(out, pos, f.number << 3 | 2);
        put_varint(out, pos, inner);
        from = *pos;
        if (strip(c, ck, f.val, f.next, out, pos, depth + 1) != 0) return -1;
        if (*pos - from != inner) return bad(c, f.start, k, "internal error: length changed");
    }
    return 0;
}

static int run(sctx *c, uint8_t **out, size_t *out_len, size_t *stripped)
{
    *out = NULL;
    *out_len = 0;
    *stripped = 0;
    size_t total = 0;
    if (strip(c, K_MODEL, 0, c->len, NULL, &total, 1) != 0) return -1;
    /* Lengths only shrink (a re-encoded length takes no more bytes than
     * the original), and a dropped payload takes at least one: the same
     * length means nothing is dropped, and the input is used as it is. */
    if (total == c->len) return 0;
    uint8_t *buf = malloc(total ? total : 1);
    if (!buf) {
        snprintf(c->err, c->errsize, "out of memory (%zu bytes for the model without its weights)", total);
        return -1;
    }
    size_t written = 0;
    if (strip(c, K_MODEL, 0, c->len, buf, &written, 1) != 0) {
        free(buf);
        return -1;
    }
    if (written != total) {
        free(buf);
        snprintf(c->err, c->errsize, "internal error: the stripped model's length changed");
        return -1;
    }
    if (c->stripped == 0) { /* only length varints shortened: decode the input itself */
        free(buf);
        return 0;
    }
    *out = buf;
    *out_len = total;
    *stripped = c->stripped;
    return 0;
}

/* From memory when mem is not NULL, else from fd. */
static int start(const uint8_t *mem, int fd, size_t len, size_t threshold, uint8_t **out, size_t *out_len,
                 size_t *stripped, char *err, size_t errsize)
{
    sctx *c = calloc(1, sizeof *c); /* the window is not for the stack */
    if (!c) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    c->mem = mem;
    c->fd = fd;
    c->len = len;
    c->threshold = threshold;
    c->err = err;
    c->errsize = errsize;
    int rc = run(c, out, out_len, stripped);
    free(c->lens);
    free(c);
    return rc;
}

int onnx_strip(const uint8_t *in, size_t len, size_t threshold, uint8_t **out, size_t *out_len,
               size_t *stripped, char *err, size_t errsize)
{
    static const uint8_t none[1];
    return start(in ? in : none, -1, len, threshold, out, out_len, stripped, err, errsize);
}

int onnx_strip_fd(int fd, size_t len, size_t threshold, uint8_t **out, size_t *out_len, size_t *stripped,
                  char *err, size_t errsize)
{
    return start(NULL, fd, len, threshold, out, out_len, stripped, err, errsize);
}
