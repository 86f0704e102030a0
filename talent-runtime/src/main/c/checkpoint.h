/* checkpoint.h: the in-memory model of a parsed checkpoint, shared by the reader and the restore. */
#ifndef TALENT_CHECKPOINT_H
#define TALENT_CHECKPOINT_H

#include "base.h"

typedef struct tl_ck_field {
    char *name;
    uint32_t type;
    uint8_t bit_width;
} tl_ck_field;

typedef struct tl_ck_type {
    uint8_t kind;
    char *name;
    uint32_t size;
    uint8_t bits;                   /* SINT, UINT, FLOAT */
    char *pointee;
    uint32_t pointee_type;
    uint32_t elem;
    uint64_t count;
    uint32_t nfields;
    tl_ck_field *fields;
    uint64_t min_encoded;           /* lower bound of an encoded value's size (validation) */
    uint64_t nodes;                 /* values one value of this type expands to (saturating; FORMAT.md) */
    uint32_t depth;                 /* nesting depth (a scalar is 1) */
    int has_ptr;                    /* a data pointer occurs in its encoding (its targets need checking) */
    int plain;                      /* encoded in exactly min_encoded bytes, any bit pattern valid: integers and
                                     * floats, arrays and structs (no bit-field) of them, a union of such a first
                                     * member (validation skips arrays of them in one step) */
} tl_ck_type;

typedef struct tl_ck_var {
    uint32_t var_id;
    char *name, *pos;
    uint32_t type;
    size_t value_off;               /* offset of the value in the section payload */
    void *bound;                    /* restore: address bound by talent_bind, or NULL */
    const talent_type *bound_type;
} tl_ck_var;

typedef struct tl_ck_frame {
    char *function;
    uint32_t function_id, point;
    char *point_pos;
    uint32_t nvars;
    tl_ck_var *vars;
    uint32_t *by_id;                /* variable indexes sorted by var_id (validation) */
} tl_ck_frame;

typedef struct tl_ck_global {
    char *key, *name, *pos;
    uint32_t type;
    size_t value_off;
    const talent_global *target;    /* the global of this binary with the same key */
} tl_ck_global;

typedef struct tl_checkpoint {
    char *path;
    unsigned char *file;
    size_t file_size;
    int file_mapped;    /* file is a read-only mapping (tl_checkpoint_map_file), else malloc'ed */
    /* META */
    char *fingerprint, *program, *platform;
    uint8_t pointer_bits, big_endian;
    int64_t time_ns;
    uint64_t sequence;
    char *reason;
    uint64_t visits;
    uint32_t point;
    char *point_pos, *function;
    uint32_t argc;
    char **argv;
    /* TYPE */
    uint32_t ntypes;
    tl_ck_type *types;
    /* STRS */
    uint32_t nstrs;
    char **strs;
    uint32_t *str_lens;
    const char **str_lits;          /* restore: entry i as a string literal of this binary (main.c), or NULL */
    /* GLOB */
    uint32_t nglobals;
    tl_ck_global *globals;
    const unsigned char *glob_payload;
    size_t glob_len, glob_base;
    /* FRAM */
    uint32_t nframes;
    tl_ck_frame *frames;
    const unsigned char *fram_payload;
    size_t fram_len, fram_base;
    /* HEAP */
    uint32_t nheap;
    struct tl_ck_block *heap;
    uint32_t *heap_by_id;           /* block indexes sorted by id; NULL when block i has id i */
    uint32_t *heap_order;           /* HORD: block indexes by increasing old address; NULL: HEAP's order is it */
    const unsigned char *heap_payload;
    size_t heap_len, heap_base;
    /* FILE (optional): open files and descriptors; WAIT (optional): time left of an interrupted sleep */
    uint32_t nfiles;
    struct tl_ck_file *files;
    int has_wait;
    uint64_t wait_ns;
    /* EPOL (optional): epoll instances and their registrations (epoll.c) */
    uint32_t nepoll;
    struct tl_ck_epoll *epoll;
    const unsigned char *epol_payload;
    size_t epol_len, epol_base;
    /* SIGS (optional): the program's signal dispositions (sigdisp.c) */
    uint32_t nsigs;
    struct tl_ck_sig {
        uint8_t sig, kind, flags;   /* generic signal number, TL_SIGS_IGNORE/HANDLER, TL_SIGS_FLAG_* */
        uint64_t mask;              /* bit n-1: signal n blocked while the handler runs */
        void (*handler)(void);      /* TL_SIGS_HANDLER: the program's function, found by its name */
    } sigs[TL_SIGS_MAX_SIGNAL];
    /* ENVI (optional): environment variables the program set or removed, locale categories it set (env.c) */
    uint32_t nenv;
    struct tl_ck_env *env;
    uint32_t nlocale;
    struct tl_ck_locale *locale;
    /* ERRN (optional, format major 2): the program's errno at the checkpoint, this C library's value (0 without it) */
    int program_errno;
    /* SOPT (optional): the backlog and options of the sockets of FILE kinds 3 and 6, by increasing fd (sockopts.c) */
    uint32_t nsockopts;
    struct tl_ck_sockopts *sockopts;
    /* EDUP (optional): the instances' other descriptors, by increasing fd (epoll.c) */
    uint32_t nepoll_copies;
    struct tl_ck_epoll_copy *epoll_copies;
    /* validation: values the file may still expand to (FORMAT.md "Validation"), and whether pointer targets
     * are checked (the second pass, once every section is parsed) */
    uint64_t node_budget;
    int check_targets;
    /* format major 3: every union value begins with the number of the member that carries it (FORMAT.md "Values") */
    int union_members;
    /* format major 4: a data pointer may be TL_PTR_BOUNDARY (FORMAT.md "Pointers") */
    int boundary_ptrs;
    /* format major 5: a data pointer may be TL_PTR_BELOW (FORMAT.md "Pointers") */
    int below_ptrs;
    /* format major 6: a data pointer may be TL_PTR_NUMBER (FORMAT.md "Pointers") */
    int number_ptrs;
} tl_checkpoint;

typedef struct tl_ck_sig tl_ck_sig;
/* One variable of the ENVI section: set to value (op TL_ENV_SET) or removed (TL_ENV_UNSET, value ""). */
typedef struct tl_ck_env {
    uint8_t op;
    char *name, *value;
} tl_ck_env;

/* One locale category of the ENVI section: its format number (TL_LOCALE_*) and the name it was set to. */
typedef struct tl_ck_locale {
    uint8_t category;
    char *name;
} tl_ck_locale;

/* One entry of the FILE section (FORMAT.md). */
/* One registration of an EPOL instance (FORMAT.md "EPOL"). */
typedef struct tl_ck_epoll_reg {
    uint32_t fd, events;            /* events: Linux's EPOLL* bits, the same on every ISA */
    uint8_t flags, kind;            /* TL_EPOLL_REG_*, TL_EPOLL_DATA_* */
    uint64_t value;                 /* kinds INT32, U64 */
    size_t value_off;               /* kind POINTER: its encoding, in the EPOL payload */
} tl_ck_epoll_reg;

/* One entry of the EDUP section (FORMAT.md "EDUP"): another descriptor of an EPOL instance. */
typedef struct tl_ck_epoll_copy {
    uint32_t fd, instance;          /* instance: the EPOL instance's fd */
    uint8_t flags;                  /* TL_EPOLL_FLAG_* (its own close-on-exec) */
} tl_ck_epoll_copy;

typedef struct tl_ck_epoll {
    uint32_t fd;
    uint8_t flags;                  /* TL_EPOLL_FLAG_* */
    uint32_t nregs;
    tl_ck_epoll_reg *regs;
} tl_ck_epoll;

typedef struct tl_ck_file {
    uint32_t fd;
    uint8_t kind;                   /* TL_FILE_* */
    uint32_t description;
    char *path;
    uint8_t access, flags, std_source;
    char *mode;
    uint64_t offset, size;
    char *site;
    /* TL_FILE_FLAG_CONTENTS: its TMPF entry's bytes (in the mapped file), once TMPF is read */
    const unsigned char *contents;
    int has_contents;
} tl_ck_file;

/* its kind, access and flag codes (TL_FILE_*) are in contract.h */

/* One entry of the SOPT section (sockopts.c): the listen backlog and the options of the FILE kind 3 or 6 socket fd. */
typedef struct tl_ck_sockopts {
    uint32_t fd;
    uint8_t flags;                  /* TL_SOPT_FLAG_BACKLOG */
    int32_t backlog;                /* the program's listen() argument (0 without the flag) */
    uint8_t n;                      /* options, by increasing code */
    struct {
        uint8_t code;               /* TL_SOPT_* */
        int32_t a, b;               /* the value; b only for LINGER, RCVTIMEO, SNDTIMEO (else 0) */
    } opt[TL_SOPT_MAX_CODE];
} tl_ck_sockopts;

/* One per block of a million-block heap: offsets are 32-bit (parse_heap refuses a HEAP payload of 2^32 bytes or
 * more; a file is at most TL_MAX_CHECKPOINT_BYTES), so that the array is 56 bytes a block, not 72 (fresh memory). */
typedef struct tl_ck_block {
    uint32_t id, elem;              /* block id, element type id */
    uint32_t pos_len, tail_len;
    uint32_t pos_off;               /* alloc_pos: bytes in the HEAP payload */
    uint32_t value_off, tail_off;   /* in the HEAP payload */
    uint8_t flags;                  /* bit 0: untyped */
    uint64_t count;
    void *addr;                     /* restore: the new block */
    const talent_type *desc;        /* restore: this target's element type (NULL: untyped) */
} tl_ck_block;

/* flags: TL_HEAP_UNTYPED of contract.h */

/* Limits of FORMAT.md "Validation", shared with the Java reader. */
#define TL_MAX_TYPE_DEPTH 256
#define TL_MAX_CHECKPOINT_BYTES 2147483583u  /* 2^31 - 65: what the Java reader maps */

/* A checkpoint to write (checkpoint_write.c, precopy.c) and what became of it. */
typedef struct tl_write_request {
    const char *dir;
    uint64_t sequence;
    const char *reason;
    uint64_t visits;
    unsigned point;
    unsigned keep;
} tl_write_request;
/* What became of a checkpoint: written (path), or not written because of an I/O error (err), in which
 * case image holds the complete encoded checkpoint (malloc'ed, image_len bytes) so that the program can
 * go on from it. */
typedef struct tl_write_result {
    char path[4096];
    char err[1024];
    unsigned char *image;
    size_t image_len;
    /* 1: the program's state cannot be carried (refusal.h): nothing was encoded to the end or written, image is
     * NULL, err holds the first reason, and the program goes on from its untouched state (main.c) */
    int refused;
} tl_write_result;

#endif /* TALENT_CHECKPOINT_H */
