/* encode.h: the checkpoint's primitive encodings: byte buffer and bounds-checked reader (encode.c). */
#ifndef TALENT_ENCODE_H
#define TALENT_ENCODE_H

#include "base.h"

/* A large array of plain numbers appended to a buffer that allows it (tl_buf.refer): not copied into the
 * buffer, but named where it stands in the program's memory, to be encoded as the buffer is written
 * (checkpoint_write.c streams it through a small buffer; tl_buf_materialize, bulk.h, copies it in). Its n scalars of
 * `size` bytes each go before the byte at offset `at` of data. */
typedef struct tl_buf_ref {
    size_t at;
    const unsigned char *src;
    unsigned size;
    size_t n;
} tl_buf_ref;

typedef struct tl_buf {
    unsigned char *data;
    size_t len, cap;            /* bytes in data; the buffer's content is len + ref_bytes bytes */
    int refer;                  /* large plain arrays may be referred to instead of copied (tl_bulk_encode) */
    tl_buf_ref *refs;
    size_t nrefs, ref_cap, ref_bytes;
} tl_buf;

/* The buffer's content's size: its bytes and those of the arrays it refers to. */
static inline size_t tl_buf_size(const tl_buf *b) { return b->len + b->ref_bytes; }

void tl_buf_put(tl_buf *b, const void *p, size_t n);
/* Appends n bytes the caller fills in: returns where they go. */
unsigned char *tl_buf_grow(tl_buf *b, size_t n);
void tl_buf_u8(tl_buf *b, uint8_t v);
void tl_buf_u16(tl_buf *b, uint16_t v);
void tl_buf_u32(tl_buf *b, uint32_t v);
void tl_buf_u64(tl_buf *b, uint64_t v);
void tl_buf_i64(tl_buf *b, int64_t v);
void tl_buf_str(tl_buf *b, const char *s);
void tl_buf_strn(tl_buf *b, const char *s, size_t n);
void tl_buf_free(tl_buf *b);

/* n bytes (1, 2, 4 or 8) of v, big-endian, at d */
static inline void tl_put_be_n(unsigned char *d, uint64_t v, unsigned n)
{
    /* byte by byte, the same on either host byte order (gcc makes a byte swap and one store of it) */
    switch (n) {
    case 8:
        d[0] = (unsigned char)(v >> 56);
        d[1] = (unsigned char)(v >> 48);
        d[2] = (unsigned char)(v >> 40);
        d[3] = (unsigned char)(v >> 32);
        d[4] = (unsigned char)(v >> 24);
        d[5] = (unsigned char)(v >> 16);
        d[6] = (unsigned char)(v >> 8);
        d[7] = (unsigned char)v;
        break;
    case 4:
        d[0] = (unsigned char)(v >> 24);
        d[1] = (unsigned char)(v >> 16);
        d[2] = (unsigned char)(v >> 8);
        d[3] = (unsigned char)v;
        break;
    case 2:
        d[0] = (unsigned char)(v >> 8);
        d[1] = (unsigned char)v;
        break;
    default:
        d[0] = (unsigned char)v;
        break;
    }
}


/* Bounds-checked big-endian reader over one byte range. On the first overrun it records an error (with
 * the file offset: base + position) and every later read returns 0. */
typedef struct tl_reader {
    const unsigned char *data;
    size_t len, pos;
    size_t base;                    /* file offset of data[0], for messages */
    int failed;
    char err[320];
} tl_reader;

void tl_reader_init(tl_reader *r, const unsigned char *data, size_t len, size_t base);
void tl_reader_fail(tl_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
uint8_t tl_rd_u8(tl_reader *r);
uint16_t tl_rd_u16(tl_reader *r);
uint32_t tl_rd_u32(tl_reader *r);
uint64_t tl_rd_u64(tl_reader *r);
int64_t tl_rd_i64(tl_reader *r);
/* Reads a str (FORMAT.md: valid UTF-8 without NUL, refused otherwise); returns a malloc'ed NUL-terminated
 * copy (never NULL; "" after a failure). */
char *tl_rd_str(tl_reader *r);
/* Skips a str (checked like tl_rd_str); returns its bytes in place (not NUL-terminated) and its length. */
const unsigned char *tl_rd_str_ref(tl_reader *r, uint32_t *len);
/* Skips a bytes value (any bytes); returns them in place and their length. */
const unsigned char *tl_rd_bytes_ref(tl_reader *r, uint32_t *len);
/* Reads a bytes value that holds a C string (argv, STRS, FILE path): refused when it contains a NUL. */
char *tl_rd_cbytes(tl_reader *r);
uint64_t tl_rd_uint_n(tl_reader *r, unsigned nbytes);

#endif /* TALENT_ENCODE_H */
