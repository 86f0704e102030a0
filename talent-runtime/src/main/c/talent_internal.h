/*
 * talent_internal.h: declarations shared by the runtime's subsystems (not part of the contract with
 * generated code, which is include/talent.h). Every runtime symbol outside the contract starts with tl_.
 */
#ifndef TALENT_INTERNAL_H
#define TALENT_INTERNAL_H

/* 64-bit file offsets and inode numbers on i686 too: without it readdir() fails with EOVERFLOW on file
 * systems with 64-bit inode numbers, and the checkpoint directory looks empty. */
#ifndef _FILE_OFFSET_BITS
#define _FILE_OFFSET_BITS 64
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include "talent.h"

/* exit statuses, TALENT_* keys, event words, checkpoint names, pointer tags, object kinds */
#include "contract.h"

/* ---------------------------------------------------------------- diag.c */
extern int tl_verbose;
void tl_die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void tl_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tl_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes s into out (outlen bytes, NUL-terminated, cut short if need be) with control characters and DEL
 * escaped as \xNN and a backslash as \\; returns the length written. Every message goes through it. */
size_t tl_escape(const char *s, char *out, size_t outlen);
/* Called by tl_die (once) before the message is printed, while set: a restore in progress uses it to fall
 * back to an older checkpoint (main.c). */
extern void (*tl_die_hook)(int code, const char *message);
/* Always printed, without the "warning: " prefix. */
void tl_message(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Called by tl_die just before exit, while set: events.c marks the exit as the runtime's own (no `exiting`). */
extern void (*tl_die_exit_hook)(void);
/* Name of the platform this binary runs as (TALENT_PLATFORM or compile-time default). */
extern const char *tl_platform;
const char *tl_default_platform(void);
/* Fault injection for the orchestrator's tests (config key fault / TALENT_FAULT, README.md). */
#define TL_FAULT_NONE 0
#define TL_FAULT_CHECKPOINT_WRITE 1 /* every checkpoint write fails as if write() returned EIO */
#define TL_FAULT_RESTORE 2          /* a restart fails with exit 65 before the program resumes */
extern int tl_fault;
/* Monotonic clock in milliseconds (for the TALENT_VERBOSE timing lines). */
double tl_now_ms(void);

/* ---------------------------------------------------------------- heap_track.c: the runtime's own memory */
/* Never NULL (exit 70 when out of memory), never tracked as the program's heap. */
void *tl_xmalloc(size_t n);
void *tl_xcalloc(size_t n, size_t size);
void *tl_xrealloc(void *p, size_t n);
char *tl_xstrdup(const char *s);
char *tl_xstrndup(const char *s, size_t n);

/* ---------------------------------------------------------------- crc32c.c */
/* zlib-style: pass 0 to start, the previous result to continue. */
uint32_t tl_crc32c(uint32_t crc, const void *data, size_t n);

/* ---------------------------------------------------------------- encode.c */
typedef struct tl_buf {
    unsigned char *data;
    size_t len, cap;
} tl_buf;

void tl_buf_put(tl_buf *b, const void *p, size_t n);
/* Asks for transparent huge pages on the 2 MiB-aligned part of a large buffer (4 MiB or more): a checkpoint of
 * hundreds of MiB otherwise spends a visible share of its time in page faults, on virtual machines especially. */
void tl_hugepages(void *p, size_t n);
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

/* ---------------------------------------------------------------- types.c */
/* Distinct descriptors (by pointer identity) in dependency order; the index is the type id. */
typedef struct tl_typeset {
    const talent_type **v;
    uint32_t n, cap;
} tl_typeset;

uint32_t tl_types_add(tl_typeset *s, const talent_type *t);
uint32_t tl_types_id(const tl_typeset *s, const talent_type *t);
void tl_types_write(tl_buf *b, const tl_typeset *s);
void tl_types_free(tl_typeset *s);
int tl_is_aggregate(const talent_type *t);
/* 1 if a pointer with this pointee spelling addresses chars ("char", "const char", "unsigned char"...). */
int tl_pointee_is_char(const char *pointee);

/* ---------------------------------------------------------------- objects.c */
/* object kinds: TL_OBJ_* of contract.h */

typedef struct tl_object {
    uintptr_t base;
    size_t size;
    const talent_type *type;
    int kind;
    uint32_t a, b;
} tl_object;

#define TL_MAX_PATH 64
typedef struct tl_path {
    uint16_t len;
    uint64_t idx[TL_MAX_PATH];
} tl_path;

/* The registry of pointer targets while a checkpoint is written. */
void tl_objects_clear(void);
void tl_objects_add(uintptr_t base, const talent_type *type, int kind, uint32_t a, uint32_t b);
/* Sorts the registry; call after the last add and before any find. */
void tl_objects_seal(void);
const tl_object *tl_objects_find(uintptr_t addr);
/* Address -> path inside an object of type t; returns NULL or a reason why the offset is not addressable. */
const char *tl_offset_to_path(const talent_type *t, size_t off, tl_path *path, uint64_t *byte_offset);
/* Path -> offset inside an object of this target's type t; NULL or a reason. */
const char *tl_path_to_offset(const talent_type *t, const tl_path *path, uint64_t byte_offset, size_t *off);
int tl_is_readonly_data(const void *p);
/* String constants restored from a checkpoint (heap copies of STRS entries). */
void tl_strings_add(const char *base, size_t len);
const char *tl_strings_find(const void *p, size_t *len);

/* argv of this process (the original one, or the one rebuilt from a checkpoint). */
extern int tl_argc;
extern char **tl_argv;
void tl_argv_set(int argc, char **argv);
const char *tl_argv_string(int i);  /* argv[i] as main received it */
void tl_argv_register(void);        /* adds argv array + strings to the registry */
const talent_type *tl_argv_array_type(void);
const talent_type *tl_argv_string_type(int i);

/* ---------------------------------------------------------------- checkpoint model (read side) */
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
    const unsigned char *heap_payload;
    size_t heap_len, heap_base;
    /* FILE (optional): open files and descriptors; WAIT (optional): time left of an interrupted sleep */
    uint32_t nfiles;
    struct tl_ck_file *files;
    int has_wait;
    uint64_t wait_ns;
    /* validation: values the file may still expand to (FORMAT.md "Validation"), and whether pointer targets
     * are checked (the second pass, once every section is parsed) */
    uint64_t node_budget;
    int check_targets;
} tl_checkpoint;

/* One entry of the FILE section (FORMAT.md). */
typedef struct tl_ck_file {
    uint32_t fd;
    uint8_t kind;                   /* TL_FILE_* */
    uint32_t description;
    char *path;
    uint8_t access, flags, std_source;
    char *mode;
    uint64_t offset, size;
    char *site;
} tl_ck_file;

#define TL_FILE_DESCRIPTOR 1
#define TL_FILE_STREAM 2
#define TL_FILE_LISTEN 3
#define TL_FILE_STDIN 4
#define TL_FILE_STD_DUP 5
#define TL_FILE_TCP 6                /* an established TCP connection, handed over to talent (tcp_handoff.c) */
#define TL_FILE_FLAG_APPEND 1u
#define TL_FILE_FLAG_CLOEXEC 2u
#define TL_FILE_FLAG_NONBLOCK 4u

typedef struct tl_ck_block {
    uint32_t id, elem;              /* block id, element type id */
    uint8_t flags;                  /* bit 0: untyped */
    uint32_t pos_len, tail_len;
    size_t pos_off;                 /* alloc_pos: bytes in the HEAP payload */
    size_t value_off, tail_off;     /* in the HEAP payload */
    uint64_t count;
    void *addr;                     /* restore: the new block */
    const talent_type *desc;        /* restore: this target's element type (NULL: untyped) */
} tl_ck_block;

/* flags: TL_HEAP_UNTYPED of contract.h */

/* ---------------------------------------------------------------- checkpoint_read.c */
/* Limits of FORMAT.md "Validation", shared with the Java reader. */
#define TL_MAX_TYPE_DEPTH 256
#define TL_MAX_CHECKPOINT_BYTES 2147483583u  /* 2^31 - 65: what the Java reader maps */
/* The variable of frame f with var_id id, or NULL (after validation has indexed the frame). */
tl_ck_var *tl_ck_frame_var(const tl_ck_frame *f, uint32_t id);
/* Binds each checkpoint global to this program's global of the same key; returns the index of the first
 * one this program does not have, or -1. */
long tl_match_globals(tl_checkpoint *ck);
/* Checks a pointer's OBJECT target against the parsed checkpoint (FORMAT.md "Pointers"); NULL or why not. */
const char *tl_check_target(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                            uint64_t byte_offset, char *buf, size_t buflen);
/* Parses and validates one file completely. Returns 0, or -1 with a message in err ("section TYPE at
 * offset 1234: ..."). *fingerprint_mismatch is set when the only problem is the program fingerprint. */
int tl_checkpoint_load(const char *path, tl_checkpoint *ck, char *err, size_t errlen, int *fingerprint_mismatch);
/* The same for a checkpoint image in memory (malloc'ed; ck owns it from now on, even on failure); name
 * stands for the file in messages. */
int tl_checkpoint_load_buffer(const char *name, unsigned char *data, size_t size, tl_checkpoint *ck, char *err,
                              size_t errlen, int *fingerprint_mismatch);
/* Exactly the checkpoint file path (restore_file): exits 66 with the reader's message when it is not valid
 * (65 when it belongs to another program); no fallback. */
void tl_checkpoint_load_exact(const char *path, tl_checkpoint *ck);
/* Newest valid checkpoint of dir (with a sequence below `below` unless it is 0: a restore of that one
 * failed); warns about each damaged newer one; exits 65/66 when there is none. */
void tl_checkpoint_load_newest(const char *dir, tl_checkpoint *ck, uint64_t below);

/* ---------------------------------------------------------------- checkpoint_write.c */
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
} tl_write_result;
/* Encodes and writes the checkpoint. Returns 0 when the file is in place (the `checkpoint` event is
 * written), -1 when an I/O error (or TALENT_FAULT=checkpoint-write) prevented it: the temporary file is
 * removed and res->err/image are set. A state that cannot be checkpointed still exits 70. */
int tl_checkpoint_write(const tl_write_request *req, tl_write_result *res);
/* Frees what a restore does not hand over to the program (the file bytes, the parsed sections). */
void tl_checkpoint_release(tl_checkpoint *ck);

/* ---------------------------------------------------------------- values.c */
/* Strings kept in STRS while a checkpoint is written. */
typedef struct tl_strtab {
    char **s;
    size_t *len;
    uint32_t n, cap;
} tl_strtab;
uint32_t tl_strtab_add(tl_strtab *t, const char *s, size_t n);
void tl_strtab_free(tl_strtab *t);

/* Pointer tag TL_PTR_INDETERMINATE (FORMAT.md): a pointer that pointed nowhere talent knew; restored as this
 * address, in the first page, which no platform maps (a use faults instead of reading something else). */
#define TL_INDETERMINATE_ADDRESS ((uintptr_t)0xDEAD)

/* Describes the variable being encoded/decoded, for messages. */
typedef struct tl_value_ctx {
    const char *var_name;
    const char *decl_pos;
    const char *where;              /* "global" or "frame f() at a.c:3:4" */
    int allow_fixups;               /* decoding into the variable's own memory: unbound targets are patched later */
    /* A heap block's values (FORMAT.md HEAP): heap_mode TL_CTX_HEAP_WRITE or TL_CTX_HEAP_READ, and the block
     * id. var_name, decl_pos and where are then filled in by tl_ctx_describe (only messages need them). */
    int heap_mode;
    uint32_t heap_block;
    /* set with heap_mode: describes the heap block's value for messages (tl_heap_describe of heap_write.c) */
    void (*describe)(struct tl_value_ctx *ctx, char *out, size_t outlen);
    /* element path below the variable, formatted only for messages */
    int depth;
    struct { const char *field; uint64_t index; } steps[TL_MAX_PATH];
} tl_value_ctx;

void tl_encode_value(tl_buf *b, const talent_type *t, const void *addr, tl_value_ctx *ctx, tl_strtab *strs);
/* Skips one value of file type id (validation). Returns 0 or -1 with r->failed set. */
int tl_skip_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, int depth);
/* 1 when s (n bytes) is long double text as FORMAT.md allows: C99 hex notation, inf, -inf, nan, -nan. */
int tl_ldouble_text_valid(const unsigned char *s, size_t n);
/* Whether this program has a function of that name a pointer can name (FUNCPTR). */
int tl_function_known(const unsigned char *name, uint32_t len);
/* Decodes one value of file type id into memory of this target's type t at addr. */
void tl_decode_value(tl_reader *r, const tl_checkpoint *ck, uint32_t type_id, const talent_type *t, void *addr,
                     tl_value_ctx *ctx);
/* Native integers of 1, 2, 4 or 8 bytes (the low bytes of v). */
void tl_store_uint(void *addr, size_t size, uint64_t v);
uint64_t tl_load_uint(const void *addr, size_t size);
/* Formats the variable and element path for a message; call it before using ctx->decl_pos and ctx->where
 * (for heap blocks it fills them in). */
void tl_ctx_describe(tl_value_ctx *ctx, char *out, size_t outlen);
/* Highest OPEN_STREAM index met while validating values (checked against FILE after parsing). */
extern long tl_max_stream_ref;
#define TL_CTX_HEAP_WRITE 1
#define TL_CTX_HEAP_READ 2

/* What a pointer value names belongs to the subsystems above values.c: the heap blocks (heap_write.c), the
 * frames and string constants of a restore (frames.c), the open streams (files.c), the checkpoint being
 * validated (checkpoint_read.c). values.c reaches them through this table of operations (CRIU's fdtype_ops
 * pattern) instead of calling up into them (issue 14: no call cycle between runtime files); each owner
 * installs its entries before values of that kind are encoded, validated or decoded, and a missing entry is
 * an internal error (exit 70), never a guess. */
typedef struct tl_value_ops {
    /* writing (checkpoint_write.c installs them) */
    long (*stream_index)(const void *p);
    int (*heap_object)(uintptr_t p, const talent_type *pointee, tl_value_ctx *ctx, tl_object *out);
    /* validating (checkpoint_read.c) */
    const char *(*check_target)(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                                uint64_t byte_offset, char *buf, size_t buflen);
    /* decoding (main.c, before a restore decodes anything) */
    void *(*resolve_object)(const tl_checkpoint *ck, int kind, uint32_t a, uint32_t b, const tl_path *path,
                            uint64_t byte_offset, void **slot, tl_value_ctx *ctx);
    void *(*string_constant)(const tl_checkpoint *ck, uint32_t index, uint64_t offset);
    void *(*stream)(uint32_t i);
} tl_value_ops;
extern tl_value_ops tl_value_hooks;

/* ---------------------------------------------------------------- frames.c */
/* Unwinding side: frames saved so far, innermost first. */
typedef struct tl_saved_var {
    unsigned id;
    const char *name, *pos;
    const talent_type *type;
    void *copy;                     /* t->size bytes in this target's layout */
    const void *orig;               /* address of the variable itself when addr_taken, else NULL */
} tl_saved_var;

typedef struct tl_saved_frame {
    unsigned function, point;
    tl_saved_var *vars;
    size_t nvars, cap;
} tl_saved_frame;

extern tl_saved_frame *tl_saved_frames;
extern size_t tl_nsaved_frames;

/* Restoring side. */
void tl_restore_begin(tl_checkpoint *ck);
/* Resolves an OBJECT pointer while decoding; when the target frame object is not bound yet and slot is
 * non-NULL, records a fixup and returns NULL. */
void *tl_resolve_object(const tl_checkpoint *ck, int kind, uint32_t a, uint32_t b, const tl_path *path,
                        uint64_t byte_offset, void **slot, tl_value_ctx *ctx);
void *tl_string_constant(const tl_checkpoint *ck, uint32_t index, uint64_t offset);
void tl_bind_globals(tl_checkpoint *ck);
void tl_restore_globals(tl_checkpoint *ck);
void tl_restore_check_done(void);

/* ---------------------------------------------------------------- heap: heap_track.h, heap_write.h, heap_restore.h */

/* Timings of a restore, printed with TALENT_VERBOSE=1 when the innermost frame is restored. */
typedef struct tl_restore_stats {
    double start_ms, loaded_ms, heap_ms;
} tl_restore_stats;
extern tl_restore_stats tl_rstats;

/* Frees the saved frames of the last unwinding (before a checkpoint is restored in-process). */
void tl_frames_reset(void);

void tl_strings_clear(void);

/* ---------------------------------------------------------------- config.c */
typedef struct tl_config {
    const char *dir;
    const char *event_file;         /* NULL: no events */
    const char *restore_file;       /* NULL: the newest valid checkpoint of dir */
    uint64_t stop_after;            /* 0: never */
    int restart;
    unsigned keep;
    uint64_t every_visits;          /* 0: never */
    double every_seconds;           /* 0: never */
    int precopy;                    /* 1: SIGURG starts a pre-copy round (precopy.c) */
} tl_config;
/* Key fsync (README.md "Configuration"): ALWAYS fsyncs every checkpoint file and its directory; RECOVERY
 * only those the process keeps running after (periodic, SIGUSR2), which are what a crash falls back to; a
 * checkpoint that ends the process for a migration is still written atomically (temporary file, rename) but
 * not fsynced, since the destination reads it right away and the orchestrator keeps its own durable copy. */
#define TL_FSYNC_ALWAYS 0
#define TL_FSYNC_RECOVERY 1
extern int tl_fsync_policy;
/* talent.conf (or $TALENT_CONFIG), then TALENT_<KEY> variables; malformed -> exit 64. Sets tl_verbose and
 * tl_platform too. */
void tl_config_read(tl_config *c);
/* NULL when a file (want_dir 0) or directory (1) with this status may be trusted: of the right type, owned by
 * this user or root, not writable by group or others; else why not. */
struct stat;
const char *tl_untrusted(const struct stat *st, int want_dir);

/* ---------------------------------------------------------------- site.c */
#define TL_AFTER_EXIT 1             /* the checkpoint ends the process (exit 75) */
#define TL_AFTER_CONTINUE 2         /* the process restores it in-process and keeps running */
void tl_site_init(const tl_config *c);
uint64_t tl_site_visits(void);
unsigned tl_site_checkpoint_point(void);
const char *tl_site_reason(void);
extern int64_t tl_site_taken_ns;
/* state.c: TL_AFTER_* of the checkpoint being taken (set by site.c when it takes one) */
int tl_site_after(void);
void tl_site_set_after(int then);
/* After a checkpoint that keeps running: counting starts again for every_visits. */
void tl_site_checkpoint_done(void);
/* After a checkpoint that could not be written: the request is served (stop_after is not retried). */
void tl_site_checkpoint_failed(void);

/* ---------------------------------------------------------------- signals.c */
/* Requests set by the signal handlers (SIGUSR1: migrate, SIGUSR2: checkpoint and continue, the periodic
 * timer); read and cleared by talent_site_slow. */
extern volatile sig_atomic_t tl_req_migrate, tl_req_continue, tl_req_periodic;
extern const char tl_program_marker[];   /* signals.c: what `talent checkpoint` looks for in the binary */
extern volatile int64_t tl_req_time_ns;     /* CLOCK_REALTIME of the first pending request (0: none) */
int tl_request_pending(void);
void tl_signals_init(double every_seconds);
int64_t tl_realtime_ns(void);
/* ---------------------------------------------------------------- blocking.c */
/* The remaining time of the sleep a checkpoint interrupted (written to WAIT), and the one a restore gives to
 * the first timed call. */
int tl_wait_saved(uint64_t *ns);
void tl_wait_clear(void);
void tl_wait_resume(int has, uint64_t ns);

/* ---------------------------------------------------------------- files.c */
/* Flushes every output stream and checks that every descriptor talent knows can be carried (exit 70
 * naming it otherwise); builds the stream index pointers are written with. */
void tl_files_collect(void);
/* Why the checkpoint just collected cannot be written (a descriptor talent cannot carry), or NULL. */
const char *tl_files_refusal(void);
/* A connection carried from listener's backlog, returned by the next accept on it (its fd, or -1); whether
 * one waits. */
int tl_files_pending_take(int listener);
int tl_files_pending(int listener);
/* Hands the connections the checkpoint carries to talent (before the file is written); 0 or -1 with err. */
int tl_files_handoff(char *err, size_t nerr);
/* The FILE section payload (after tl_files_collect). */
void tl_files_write(tl_buf *b);
/* Stream index of a FILE * for the pointer tag OPEN_STREAM, or -1. */
long tl_files_stream_index(const void *p);
/* FILE section parser (checkpoint_read.c); validates every field. */
int tl_files_parse(tl_reader *r, tl_checkpoint *ck);
/* Reopens the checkpoint's files at their descriptor numbers and offsets (in_process: they are still
 * open; only the stream identities are mapped). Call before the heap is restored. */
void tl_files_restore(tl_checkpoint *ck, int in_process);
/* The connections of the checkpoint (FILE kind 6), taken from talent at the very end of a restart's restore: the
 * network lock ends when they are taken, so nothing that can still fail comes after. */
void tl_files_restore_connections(const tl_checkpoint *ck);
/* The FILE * of stream entry i of the restored checkpoint. */
void *tl_files_stream(uint32_t i);
/* A descriptor passed to a blocking wrapper (read, accept...): checked at the next checkpoint. */
void tl_files_notice(int fd, const char *how);

/* ---------------------------------------------------------------- events.c */
/* path: the event file (NULL: events off). Registers the atexit handler that reports `exiting`. */
void tl_events_init(const char *path);
int tl_events_on(void);
/* Appends one line (formatted, made printable ASCII, '\n' added); never blocks for long, never fails. */
void tl_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* `exiting <status>` once, when main returned. */
void tl_events_exiting(int status);
/* The runtime ends the process itself (exit 75, a fatal error): no `exiting` event from atexit. */
void tl_events_exit_owned(void);

/* How the restore in progress came about (main.c sets it; frames.c acts on it when the innermost frame is
 * restored: the `ready` event, the restore fault). */
#define TL_RESTORE_RESTART 1        /* a new process restarted from a checkpoint file */
#define TL_RESTORE_IN_PROCESS 2     /* a keep-running checkpoint, written and read back in this process */
#define TL_RESTORE_UNWRITTEN 3      /* a checkpoint that could not be written, restored from memory */
extern int tl_restore_kind;
/* What runs once the call chain is completely rebuilt, just before the program resumes (main.c registers it):
 * a hook rather than a call from frames.c up into main.c, which would tie the frame code to the process's
 * start-up (issue 14: the runtime's call graph has no cycle through main.c). */
void tl_frames_on_resuming(void (*hook)(const tl_checkpoint *ck));

#endif /* TALENT_INTERNAL_H */
