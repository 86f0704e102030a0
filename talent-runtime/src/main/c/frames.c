/* frames.c: the call chain's frames. While unwinding (innermost frame first) it copies every saved
 * variable, since the frame dies when its function returns. While rebuilding from a checkpoint (outermost
 * frame first) it tells each function where to resume, binds its variables to their new addresses,
 * restores their values, and patches pointers whose target variable was bound later than the pointer was
 * restored; all of them are patched before the program resumes. Also restores the globals (GLOB). */
#include "diag.h"
#include "xalloc.h"
#include "checkpoint_read.h"
#include "frames.h"
#include "heap_restore.h"
#include "ahead.h"
#include "site.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- unwinding */

tl_saved_frame *tl_saved_frames;
tl_restore_stats tl_rstats;
size_t tl_nsaved_frames;
static size_t cap_saved_frames;
static tl_saved_frame *cur_saved;

void talent_frame_begin(unsigned function, unsigned point)
{
    if (!talent_unwinding)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_frame_begin(%u, %u) while no checkpoint is being taken",
               function, point);
    if (function >= talent_the_program.nfunctions || point >= talent_the_program.npoints)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_frame_begin(%u, %u): no such function or point", function,
               point);
    if (tl_nsaved_frames == cap_saved_frames) {
        cap_saved_frames = cap_saved_frames ? 2 * cap_saved_frames : 16;
        tl_saved_frames = tl_xrealloc(tl_saved_frames, cap_saved_frames * sizeof *tl_saved_frames);
    }
    cur_saved = &tl_saved_frames[tl_nsaved_frames++];
    memset(cur_saved, 0, sizeof *cur_saved);
    cur_saved->function = function;
    cur_saved->point = point;
}

static tl_saved_var *add_var(unsigned var, const char *name, const char *pos, const talent_type *t)
{
    tl_saved_var *v;
    if (!cur_saved)
        tl_die(TL_EXIT_SOFTWARE, "internal error: variable '%s' saved outside talent_frame_begin/end", name);
    if (cur_saved->nvars == cur_saved->cap) {
        cur_saved->cap = cur_saved->cap ? 2 * cur_saved->cap : 8;
        cur_saved->vars = tl_xrealloc(cur_saved->vars, cur_saved->cap * sizeof *cur_saved->vars);
    }
    v = &cur_saved->vars[cur_saved->nvars++];
    v->id = var;
    v->name = name;
    v->pos = pos;
    v->type = t;
    v->copy = tl_xcalloc(1, t->size);
    v->orig = NULL;
    return v;
}

static void need_kind(const talent_type *t, const char *name, const char *entry, int k1, int k2, int k3)
{
    if (t->kind != k1 && t->kind != k2 && t->kind != k3)
        tl_die(TL_EXIT_SOFTWARE, "internal error: %s used for '%s' of type '%s' (kind %d)", entry, name, t->name,
               t->kind);
}

void talent_save_sint(unsigned var, const char *name, const char *pos, long long v, const talent_type *t)
{
    need_kind(t, name, "talent_save_sint", TALENT_K_SINT, TALENT_K_UINT, TALENT_K_BOOL);
    tl_store_uint(add_var(var, name, pos, t)->copy, t->size, (uint64_t)v);
}

void talent_save_uint(unsigned var, const char *name, const char *pos, unsigned long long v, const talent_type *t)
{
    need_kind(t, name, "talent_save_uint", TALENT_K_SINT, TALENT_K_UINT, TALENT_K_BOOL);
    tl_store_uint(add_var(var, name, pos, t)->copy, t->size, t->kind == TALENT_K_BOOL ? (v != 0) : v);
}

void talent_save_f64(unsigned var, const char *name, const char *pos, double v, const talent_type *t)
{
    tl_saved_var *sv;
    need_kind(t, name, "talent_save_f64", TALENT_K_FLOAT, TALENT_K_FLOAT, TALENT_K_FLOAT);
    sv = add_var(var, name, pos, t);
    if (t->size == 4) {
        float f = (float)v;
        memcpy(sv->copy, &f, 4);
    } else
        memcpy(sv->copy, &v, 8);
}

void talent_save_ldouble(unsigned var, const char *name, const char *pos, long double v, const talent_type *t)
{
    need_kind(t, name, "talent_save_ldouble", TALENT_K_LDOUBLE, TALENT_K_LDOUBLE, TALENT_K_LDOUBLE);
    memcpy(add_var(var, name, pos, t)->copy, &v, sizeof v < t->size ? sizeof v : t->size);
}

void talent_save_ptr(unsigned var, const char *name, const char *pos, const void *v, const talent_type *t)
{
    need_kind(t, name, "talent_save_ptr", TALENT_K_PTR, TALENT_K_PTR, TALENT_K_PTR);
    memcpy(add_var(var, name, pos, t)->copy, &v, sizeof v);
}

void talent_save_fptr(unsigned var, const char *name, const char *pos, void (*v)(void), const talent_type *t)
{
    need_kind(t, name, "talent_save_fptr", TALENT_K_FUNCPTR, TALENT_K_FUNCPTR, TALENT_K_FUNCPTR);
    memcpy(add_var(var, name, pos, t)->copy, &v, sizeof v);
}

void talent_save_mem(unsigned var, const char *name, const char *pos, const void *addr, const talent_type *t,
                     int addr_taken)
{
    tl_saved_var *v = add_var(var, name, pos, t);
    memcpy(v->copy, addr, t->size);
    v->orig = addr_taken ? addr : NULL;
    v->open_end = addr_taken == 1;
}

void talent_frame_end(void)
{
    cur_saved = NULL;
}

void tl_frames_reset(void)
{
    size_t f, v;
    for (f = 0; f < tl_nsaved_frames; f++) {
        for (v = 0; v < tl_saved_frames[f].nvars; v++)
            free(tl_saved_frames[f].vars[v].copy);
        free(tl_saved_frames[f].vars);
    }
    tl_nsaved_frames = 0;
    cur_saved = NULL;
}

/* ---------------------------------------------------------------- rebuilding */

typedef struct fixup {
    void **slot;
    uint32_t frame, var;
    tl_path path;
    uint64_t byte_offset;
    int one_past;                   /* one past the end of the scalar the path reaches (file_one_past) */
    uint64_t below;                 /* TL_PTR_BELOW: this many elements below what the path names */
    char what[256];
} fixup;

static tl_checkpoint *rck;
static int kept;                    /* rebuilding from tl_saved_frames after a refused checkpoint (tl_restore_kept) */
static void (*resuming_hook)(const tl_checkpoint *ck);

void tl_frames_on_resuming(void (*hook)(const tl_checkpoint *ck))
{
    resuming_hook = hook;
}
static uint32_t next_frame;
static tl_ck_frame *cur_frame;
static uint32_t cur_index;
static char cur_where[512];
static fixup *fixups;
static size_t nfixups, capfixups;

void tl_restore_begin(tl_checkpoint *ck)
{
    rck = ck;
    kept = 0;
    next_frame = 0;
    cur_frame = NULL;
}

/* ---------------------------------------------------------------- rebuilding from the saved frames
 *
 * After a refused checkpoint (refusal.h) nothing was encoded to be restored, and nothing needs to be: the globals,
 * the heap and the descriptors were never changed, only the call chain was unwound. It is rebuilt from the copies
 * made while unwinding (tl_saved_frames, innermost first), each value copied back as it was saved. The chain is
 * the same functions called from the same place in main.c, so every frame lies where it lay: an address-taken
 * variable is bound where it was, and the pointers to it held by globals, heap blocks and other frames are right
 * as they are. A variable bound elsewhere (which would leave those pointers aimed at the old frame) ends the
 * process as an internal error rather than going on with them. */
static tl_saved_frame *kept_frame;

void tl_restore_kept(void)
{
    rck = NULL;
    kept = 1;
    next_frame = 0;
    cur_frame = NULL;
    kept_frame = NULL;
}

static tl_saved_var *kept_var(unsigned var)
{
    size_t i;
    for (i = 0; i < kept_frame->nvars; i++)
        if (kept_frame->vars[i].id == var)
            return &kept_frame->vars[i];
    return NULL;
}

/* The saved variable var of the frame being rebuilt, which must be there, of this size. */
static const void *kept_value(unsigned var, const talent_type *t)
{
    tl_saved_var *v;
    if (!kept_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: variable %u restored outside a frame being rebuilt", var);
    v = kept_var(var);
    if (!v || v->type->size != t->size)
        tl_die(TL_EXIT_SOFTWARE, "internal error: frame %s() saved no variable %u of type %s",
               talent_the_program.functions[kept_frame->function].name, var, t->name);
    return v->copy;
}

static unsigned kept_resume_point(unsigned function)
{
    if (next_frame >= tl_nsaved_frames)
        tl_die(TL_EXIT_SOFTWARE, "internal error: function %u asks where to resume, but no more frames were saved",
               function);
    kept_frame = &tl_saved_frames[tl_nsaved_frames - 1 - next_frame];
    if (kept_frame->function != function)
        tl_die(TL_EXIT_SOFTWARE, "internal error: saved frame %lu is function %u but the rebuilt call chain reached "
               "function %u", (unsigned long)next_frame, kept_frame->function, function);
    return kept_frame->point;
}

/* The length of the array depth levels below var's saved type (talent_restore_dim, talent_restore_count). */
static size_t kept_dim(unsigned var, unsigned depth)
{
    tl_saved_var *v = kept_frame ? kept_var(var) : NULL;
    const talent_type *t;
    unsigned d;
    if (!v)
        tl_die(TL_EXIT_SOFTWARE, "internal error: no variably modified variable %u was saved in the frame being "
               "rebuilt", var);
    t = v->type;
    for (d = 0; d < depth && t; d++)
        t = t->kind == TALENT_K_ARRAY || t->kind == TALENT_K_PTR ? t->elem : NULL;
    if (!t || t->kind != TALENT_K_ARRAY)
        tl_die(TL_EXIT_SOFTWARE, "internal error: variable '%s' has no array %u levels below its type", v->name,
               depth);
    return t->count;
}

static void kept_bind(unsigned var, void *addr)
{
    tl_saved_var *v;
    if (!kept_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_bind(%u) outside a frame being rebuilt", var);
    v = kept_var(var);
    if (v && v->orig && v->orig != addr)
        tl_die(TL_EXIT_SOFTWARE, "internal error: after a refused checkpoint, variable '%s' of frame %s() was rebuilt "
               "at another address than it had; the pointers to it cannot be followed", v->name,
               talent_the_program.functions[kept_frame->function].name);
}

static void kept_frame_restored(void)
{
    if (!kept_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_frame_restored() outside a frame being rebuilt");
    kept_frame = NULL;
    if (++next_frame == tl_nsaved_frames) {
        kept = 0;
        tl_frames_reset();
        talent_restoring = 0;
        tl_info("rebuilt %lu frames after the refused checkpoint; resuming", (unsigned long)next_frame);
        /* the last step before the program's code runs again */
        errno = tl_site_errno();
    }
}

static tl_ck_var *find_var(tl_ck_frame *fr, unsigned var)
{
    return tl_ck_frame_var(fr, var);
}

unsigned talent_resume_point(unsigned function)
{
    tl_ck_frame *fr;
    if (kept)
        return kept_resume_point(function);
    if (!rck || next_frame >= rck->nframes)
        tl_die(TL_EXIT_SOFTWARE, "internal error: function %u asks where to resume, but the checkpoint has no more "
               "frames", function);
    fr = &rck->frames[next_frame];
    if (fr->function_id != function)
        tl_die(TL_EXIT_SOFTWARE, "internal error: frame %lu of the checkpoint is %s() (function %lu) but the "
               "rebuilt call chain reached function %u (%s)", (unsigned long)next_frame, fr->function,
               (unsigned long)fr->function_id, function,
               function < talent_the_program.nfunctions ? talent_the_program.functions[function].name : "?");
    cur_index = next_frame;
    cur_frame = fr;
    snprintf(cur_where, sizeof cur_where, "frame %s() at %s", fr->function, fr->point_pos);
    tl_info("resuming %s() at point %lu (%s)", fr->function, (unsigned long)fr->point, fr->point_pos);
    return fr->point;
}

unsigned talent_current_point(void)
{
    if (kept && kept_frame)
        return kept_frame->point;
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_current_point() outside a frame being rebuilt");
    return cur_frame->point;
}

/* A VLA is declared again on the machine stack with this many elements: a checkpoint is hostile input, so
 * the count is that of an array the checkpoint holds, and the saved array may not exceed TL_VLA_MAX_BYTES
 * (elements differ in size between ISAs by a small factor at most). */
#define TL_VLA_MAX_BYTES ((size_t)64 << 20)

size_t talent_restore_count(unsigned var)
{
    tl_ck_var *v;
    const tl_ck_type *t;
    if (kept)
        return kept_dim(var, 0);
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_restore_count(%u) outside a frame being rebuilt", var);
    v = find_var(cur_frame, var);
    if (!v)
        tl_die(TL_EXIT_SOFTWARE, "internal error: the checkpoint has no variable-length array %u in frame %s() at %s",
               var, cur_frame->function, cur_frame->point_pos);
    t = &rck->types[v->type];
    if (t->kind != TALENT_K_ARRAY)
        tl_die(TL_EXIT_DATAERR, "checkpoint: variable '%s' of frame %s() is not an array, but the program declares "
               "a variable-length array there", v->name, cur_frame->function);
    if (t->count == 0 || t->size > TL_VLA_MAX_BYTES || t->count > TL_VLA_MAX_BYTES)
        tl_die(TL_EXIT_DATAERR, "checkpoint: variable-length array '%s' of frame %s() has %llu elements, more than "
               "talent declares on the stack (%lu bytes at most) or none", v->name, cur_frame->function,
               (unsigned long long)t->count, (unsigned long)TL_VLA_MAX_BYTES);
    return (size_t)t->count;
}

/* The saved length of the array DEPTH levels below variable VAR's type (an array of arrays, or a pointer to
 * one: a pointer is a level), by which a variably modified declaration is declared again with its saved
 * lengths. Bounded like talent_restore_count. */
size_t talent_restore_dim(unsigned var, unsigned depth)
{
    tl_ck_var *v;
    const tl_ck_type *t;
    unsigned d;
    if (kept)
        return kept_dim(var, depth);
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_restore_dim(%u) outside a frame being rebuilt", var);
    v = find_var(cur_frame, var);
    if (!v)
        tl_die(TL_EXIT_SOFTWARE, "internal error: the checkpoint has no variably modified variable %u in frame %s() at %s",
               var, cur_frame->function, cur_frame->point_pos);
    t = &rck->types[v->type];
    for (d = 0; d < depth; d++) {
        uint32_t next = t->kind == TALENT_K_ARRAY ? t->elem
                        : t->kind == TALENT_K_PTR ? t->pointee_type : 0xFFFFFFFFu;
        if (next >= rck->ntypes)
            tl_die(TL_EXIT_DATAERR, "checkpoint: variable '%s' of frame %s() has no array %u levels below its type "
                   "'%s', but the program declares a variably modified type there", v->name, cur_frame->function,
                   depth, t->name);
        t = &rck->types[next];
    }
    if (t->kind != TALENT_K_ARRAY)
        tl_die(TL_EXIT_DATAERR, "checkpoint: variable '%s' of frame %s() has no array %u levels below its type, "
               "but the program declares a variably modified type there", v->name, cur_frame->function, depth);
    if (t->count == 0 || t->size > TL_VLA_MAX_BYTES || t->count > TL_VLA_MAX_BYTES)
        tl_die(TL_EXIT_DATAERR, "checkpoint: variably modified variable '%s' of frame %s() has an array of %llu "
               "elements, more than talent declares (%lu bytes at most) or none", v->name, cur_frame->function,
               (unsigned long long)t->count, (unsigned long)TL_VLA_MAX_BYTES);
    return (size_t)t->count;
}

static tl_ck_var *restored_var(unsigned var, const talent_type *t, tl_value_ctx *ctx, tl_reader *r)
{
    tl_ck_var *v;
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: variable %u restored outside a frame being rebuilt", var);
    v = find_var(cur_frame, var);
    if (!v)
        tl_die(TL_EXIT_SOFTWARE, "internal error: the checkpoint has no variable %u (type %s) in frame %s() at %s",
               var, t->name, cur_frame->function, cur_frame->point_pos);
    memset(ctx, 0, sizeof *ctx);
    ctx->var_name = v->name;
    ctx->decl_pos = v->pos;
    ctx->where = cur_where;
    ctx->frame = 1;
    tl_reader_init(r, rck->fram_payload, rck->fram_len, rck->fram_base);
    r->pos = v->value_off;
    return v;
}

/* A TL_PTR_BELOW pointer: the start of what the path names (an element at the start of an array of type t, validated)
 * less below elements of this target's size; NULL or why not. */
static const char *below_offset(const talent_type *t, const tl_path *path, uint64_t below, size_t *start,
                                size_t *less)
{
    tl_path next = *path;
    size_t one;
    const char *why = tl_path_to_offset(t, path, 0, start);
    if (why)
        return why;
    next.idx[next.len - 1] = 1;       /* the next element: index count (one past the end) when there is one */
    why = tl_path_to_offset(t, &next, 0, &one);
    if (why)
        return why;
    if (one <= *start || below == 0 || below > TL_BELOW_START_BYTES || one - *start > SIZE_MAX / below)
        return "a pointer below an array's start does not fit this target";
    *less = (one - *start) * (size_t)below;
    return NULL;
}

static void apply_fixup(fixup *f, tl_ck_var *v)
{
    size_t off, less = 0;
    void *p;
    const char *why = f->below ? below_offset(v->bound_type, &f->path, f->below, &off, &less)
                      : f->one_past ? tl_path_to_end_offset(v->bound_type, &f->path, f->byte_offset, &off)
                                    : tl_path_to_offset(v->bound_type, &f->path, f->byte_offset, &off);
    if (why)
        tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' to '%s': %s", f->what, v->name, why);
    p = (char *)v->bound + off - less;
    memcpy(f->slot, &p, sizeof p);
}

void talent_bind(unsigned var, void *addr, const talent_type *t)
{
    tl_ck_var *v;
    size_t i;
    (void)t;
    if (kept) {
        kept_bind(var, addr);
        return;
    }
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_bind(%u) outside a frame being rebuilt", var);
    v = find_var(cur_frame, var);
    if (!v)
        return;     /* not saved: nothing can point to it */
    v->bound = addr;
    v->bound_type = t;
    for (i = 0; i < nfixups;) {
        if (fixups[i].frame == cur_index && fixups[i].var == var) {
            apply_fixup(&fixups[i], v);
            fixups[i] = fixups[--nfixups];
        } else
            i++;
    }
}

long long talent_restore_sint(unsigned var, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    unsigned char buf[8] = {0};
    uint64_t u;
    if (kept) {
        u = tl_load_uint(kept_value(var, t), t->size);
    } else {
        v = restored_var(var, t, &ctx, &r);
        if (t->size > sizeof buf)
            tl_die(TL_EXIT_SOFTWARE, "internal error: integer '%s' of %lu bytes", v->name, (unsigned long)t->size);
        tl_decode_value(&r, rck, v->type, t, buf, &ctx);
        u = tl_load_uint(buf, t->size);
    }
    if (t->size < 8 && (u >> (8 * t->size - 1)) & 1)
        u |= ~(uint64_t)0 << (8 * t->size);
    return (long long)u;
}

unsigned long long talent_restore_uint(unsigned var, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    unsigned char buf[8] = {0};
    if (kept)
        return tl_load_uint(kept_value(var, t), t->size);
    v = restored_var(var, t, &ctx, &r);
    if (t->size > sizeof buf)
        tl_die(TL_EXIT_SOFTWARE, "internal error: integer '%s' of %lu bytes", v->name, (unsigned long)t->size);
    tl_decode_value(&r, rck, v->type, t, buf, &ctx);
    return tl_load_uint(buf, t->size);
}

double talent_restore_f64(unsigned var, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    union { float f; double d; } u;
    if (kept) {
        memcpy(&u, kept_value(var, t), t->size == 4 ? 4 : 8);
    } else {
        v = restored_var(var, t, &ctx, &r);
        tl_decode_value(&r, rck, v->type, t, &u, &ctx);
    }
    return t->size == 4 ? (double)u.f : u.d;
}

long double talent_restore_ldouble(unsigned var, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    union { long double ld; unsigned char pad[32]; } u;
    if (t->size > sizeof u)
        tl_die(TL_EXIT_SOFTWARE, "internal error: long double of %lu bytes", (unsigned long)t->size);
    memset(&u, 0, sizeof u);
    if (kept) {
        memcpy(&u, kept_value(var, t), sizeof u.ld < t->size ? sizeof u.ld : t->size);
    } else {
        v = restored_var(var, t, &ctx, &r);
        tl_decode_value(&r, rck, v->type, t, &u, &ctx);
    }
    return u.ld;
}

void *talent_restore_ptr(unsigned var, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    void *p;
    if (kept) {
        memcpy(&p, kept_value(var, t), sizeof p);
        return p;
    }
    v = restored_var(var, t, &ctx, &r);
    tl_decode_value(&r, rck, v->type, t, &p, &ctx);
    return p;
}

void (*talent_restore_fptr(unsigned var, const talent_type *t))(void)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    void (*f)(void);
    if (kept) {
        memcpy(&f, kept_value(var, t), sizeof f);
        return f;
    }
    v = restored_var(var, t, &ctx, &r);
    tl_decode_value(&r, rck, v->type, t, &f, &ctx);
    return f;
}

void talent_restore_mem(unsigned var, void *addr, const talent_type *t)
{
    tl_value_ctx ctx;
    tl_reader r;
    tl_ck_var *v;
    if (kept) {
        memcpy(addr, kept_value(var, t), t->size);
        return;
    }
    v = restored_var(var, t, &ctx, &r);
    ctx.allow_fixups = 1;
    /* the decoder writes members and elements, not the padding between them: zeroed first, as a program's memset of
     * the object made it (memcmp of structs, a hash of the object's bytes), not whatever the rebuilt stack held */
    memset(addr, 0, t->size);
    tl_decode_value(&r, rck, v->type, t, addr, &ctx);
}

void talent_frame_restored(void)
{
    if (kept) {
        kept_frame_restored();
        return;
    }
    if (!cur_frame)
        tl_die(TL_EXIT_SOFTWARE, "internal error: talent_frame_restored() outside a frame being rebuilt");
    next_frame = cur_index + 1;
    cur_frame = NULL;
    if (next_frame == rck->nframes) {
        tl_restore_check_done();
        talent_restoring = 0;
        tl_heap_restore_done();
        tl_info("restored %lu frames; resuming", (unsigned long)rck->nframes);
        if (tl_verbose) {
            double now = tl_now_ms();
            /* one line per restore, parsed by the benchmark tooling (format in README.md) */
            tl_info("restored checkpoint %llu from %s: %.1f ms (%.1f MiB, %lu heap blocks; read+validate %.1f, heap "
                    "%.1f, globals+frames %.1f)", (unsigned long long)rck->sequence, rck->platform,
                    now - tl_rstats.start_ms, (double)rck->file_size / 1048576.0, (unsigned long)rck->nheap,
                    tl_rstats.loaded_ms - tl_rstats.start_ms, tl_rstats.heap_ms - tl_rstats.loaded_ms,
                    now - tl_rstats.heap_ms);
        }
        /* the last restore step: the program resumes after this frame's site when this returns */
        if (resuming_hook)
            resuming_hook(rck);
    }
}

void tl_restore_check_done(void)
{
    tl_boundary_checks_run(rck);
    if (nfixups > 0) {
        fixup *f = &fixups[0];
        tl_die(TL_EXIT_SOFTWARE, "internal error: pointer '%s' refers to variable %lu of frame %lu, which was never "
               "bound while the call chain was rebuilt (%lu such pointers)", f->what, (unsigned long)f->var,
               (unsigned long)f->frame, (unsigned long)nfixups);
    }
}

int tl_restored_object(const void *p, uintptr_t *base, size_t *size, const talent_type **type)
{
    uintptr_t a = (uintptr_t)p;
    uint32_t i, v;
    if (!rck)
        return 0;
    for (i = 0; i < rck->nglobals; i++) {
        const talent_global *g = rck->globals[i].target;
        if (g && !g->is_const && strncmp(rck->globals[i].key, "<libc>:", 7) != 0 && a >= (uintptr_t)g->addr &&
            a - (uintptr_t)g->addr < g->type->size) {
            *base = (uintptr_t)g->addr;
            *size = g->type->size;
            *type = g->type;
            return 1;
        }
    }
    for (i = 0; i < rck->nframes; i++)
        for (v = 0; v < rck->frames[i].nvars; v++) {
            const tl_ck_var *cv = &rck->frames[i].vars[v];
            if (cv->bound && cv->bound_type && a >= (uintptr_t)cv->bound && a - (uintptr_t)cv->bound < cv->bound_type->size) {
                *base = (uintptr_t)cv->bound;
                *size = cv->bound_type->size;
                *type = cv->bound_type;
                return 1;
            }
        }
    return 0;
}

/* 1 when (path, byte_offset) in an object of the file's type tid is one past the end of the scalar the path reaches:
 * byte_offset is the WRITER's size of that scalar (FORMAT.md "Pointers"), which this target's may not be (a pointer
 * or a long written on x86_64, read on i686); tid UINT32_MAX: an array of scalar_size-byte scalars (argv). The path
 * is walked from its step first (1 for a heap block: its first step is the element, tid the element's type). */
static int file_one_past_from(const tl_checkpoint *ck, uint32_t tid, uint32_t scalar_size, const tl_path *path,
                              uint16_t first, uint64_t byte_offset)
{
    uint16_t i;
    if (byte_offset == 0)
        return 0;
    if (tid == UINT32_MAX)
        return first == 0 && path->len == 1 && byte_offset == scalar_size;
    if (path->len < first)
        return 0;
    for (i = first; i < path->len; i++) {
        const tl_ck_type *ct;
        if (tid >= ck->ntypes)
            return 0;
        ct = &ck->types[tid];
        if (ct->kind == TALENT_K_ARRAY)
            tid = ct->elem;
        else if ((ct->kind == TALENT_K_STRUCT || ct->kind == TALENT_K_UNION) && path->idx[i] < ct->nfields)
            tid = ct->fields[path->idx[i]].type;
        else
            return 0;
    }
    if (tid >= ck->ntypes)
        return 0;
    {
        uint8_t k = ck->types[tid].kind;
        return k != TALENT_K_ARRAY && k != TALENT_K_STRUCT && k != TALENT_K_UNION && byte_offset == ck->types[tid].size;
    }
}

static int file_one_past(const tl_checkpoint *ck, uint32_t tid, uint32_t scalar_size, const tl_path *path,
                         uint64_t byte_offset)
{
    return file_one_past_from(ck, tid, scalar_size, path, 0, byte_offset);
}

void *tl_resolve_object(const tl_checkpoint *ck, int kind, uint32_t a, uint32_t b, const tl_path *path,
                        uint64_t byte_offset, void **slot, tl_value_ctx *ctx)
{
    int one_past = ctx->end_reading;
    const talent_type *t = NULL;
    char *base = NULL;
    const char *why;
    size_t off;
    char what[256];
    /* messages only: describing the variable on every pointer would cost more than resolving it */
#define DESCRIBE() tl_ctx_describe(ctx, what, sizeof what)
    switch (kind) {
    case TL_OBJ_GLOBAL:
        if (a >= ck->nglobals || !ck->globals[a].target)
            DESCRIBE(), tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): global %lu does not exist",
                   what, ctx->decl_pos, ctx->where, (unsigned long)a);
        base = ck->globals[a].target->addr;
        t = ck->globals[a].target->type;
        one_past = one_past || file_one_past(ck, ck->globals[a].type, 0, path, byte_offset);
        break;
    case TL_OBJ_FRAME: {
        tl_ck_var *v = NULL;
        if (a < ck->nframes)
            v = find_var(&ck->frames[a], b);
        if (!v)
            DESCRIBE(), tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): variable %lu of frame %lu "
                   "is not in the checkpoint", what, ctx->decl_pos, ctx->where, (unsigned long)b, (unsigned long)a);
        one_past = one_past || file_one_past(ck, v->type, 0, path, byte_offset);
        if (!v->bound) {
            fixup *f;
            DESCRIBE();
            if (!slot)
                tl_die(TL_EXIT_SOFTWARE, "internal error: pointer '%s' (declared at %s, %s) points to '%s' of frame "
                       "%s(), which is not rebuilt yet", what, ctx->decl_pos, ctx->where, v->name,
                       ck->frames[a].function);
            if (nfixups == capfixups) {
                capfixups = capfixups ? 2 * capfixups : 16;
                fixups = tl_xrealloc(fixups, capfixups * sizeof *fixups);
            }
            f = &fixups[nfixups++];
            f->slot = slot;
            f->frame = a;
            f->var = b;
            f->path = *path;
            f->byte_offset = byte_offset;
            f->one_past = one_past;
            f->below = ctx->below;
            snprintf(f->what, sizeof f->what, "%s", what);
            return NULL;
        }
        base = v->bound;
        t = v->bound_type;
        break;
    }
    case TL_OBJ_ARGV:
        base = (char *)tl_argv;
        t = tl_argv_array_type();
        one_past = one_past || file_one_past(ck, UINT32_MAX, ck->pointer_bits / 8u, path, byte_offset);
        break;
    case TL_OBJ_ARGSTR:
        if (a >= (uint32_t)tl_argc)
            DESCRIBE(), tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): argument %lu does not exist",
                   what, ctx->decl_pos, ctx->where, (unsigned long)a);
        base = (char *)tl_argv_string((int)a);
        t = tl_argv_string_type((int)a);
        break;
    case TL_OBJ_HEAP: {
        /* a block of elements: the path's first step is the element; an untyped block's bytes are one size
           everywhere */
        uint32_t elem = tl_heap_file_elem(ck, a);
        tl_heap_resolve(ck, a, &base, &t, ctx);
        one_past = one_past || (elem != UINT32_MAX && file_one_past_from(ck, elem, 0, path, 1, byte_offset));
        break;
    }
    default:
        DESCRIBE();
        tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s': unknown object kind %d", what, kind);
    }
    {
        size_t less = 0;
        why = ctx->below ? below_offset(t, path, ctx->below, &off, &less)
              : one_past ? tl_path_to_end_offset(t, path, byte_offset, &off)
                         : tl_path_to_offset(t, path, byte_offset, &off);
        if (why)
            DESCRIBE(), tl_die(TL_EXIT_DATAERR, "cannot restore pointer '%s' (declared at %s, %s): %s", what,
                               ctx->decl_pos, ctx->where, why);
        return base + off - less;
    }
#undef DESCRIBE
}

void *tl_string_constant(const tl_checkpoint *ck, uint32_t index, uint64_t offset)
{
    /* validated: index < nstrs, offset <= length; the copy is kept for the life of the process. A text that is one
     * of this binary's string literals is restored into that literal (restore, main.c), so that the program's
     * comparisons of literal addresses (p == "x", a sentinel kept in a variable) come out as before. */
    if (ck->str_lits && ck->str_lits[index])
        return (char *)(uintptr_t)ck->str_lits[index] + offset;
    return ck->strs[index] + offset;
}

/* ---------------------------------------------------------------- globals */

/* Matches the checkpoint's globals to this program's. Runs before the heap is restored, because heap blocks
 * may point into globals. (Validation already refused a file naming a global this program lacks.) */
void tl_bind_globals(tl_checkpoint *ck)
{
    long i = tl_match_globals(ck);
    if (i >= 0)
        tl_die(TL_EXIT_DATAERR, "cannot restore global '%s' (declared at %s): this program has no such global",
               ck->globals[i].key, ck->globals[i].pos);
}

void tl_restore_globals(tl_checkpoint *ck)
{
    uint32_t i;
    for (i = 0; i < ck->nglobals; i++) {
        const talent_global *g = ck->globals[i].target;
        tl_value_ctx ctx;
        tl_reader r;
        if (g->is_const)
            continue;
        /* a large array decoded ahead from the base this checkpoint's delta is against (ahead.c): only what changed */
        if (tl_ahead_restore_global(ck, i))
            continue;
        memset(&ctx, 0, sizeof ctx);
        ctx.var_name = g->name;
        ctx.decl_pos = g->decl_pos;
        ctx.where = "global";
        ctx.allow_fixups = 1;
        tl_reader_init(&r, ck->glob_payload, ck->glob_len, ck->glob_base);
        r.pos = ck->globals[i].value_off;
        tl_decode_value(&r, ck, ck->globals[i].type, g->type, g->addr, &ctx);
    }
    tl_ahead_finish();
}
