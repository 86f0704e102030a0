/* frames.h: the call chain: saved frames while unwinding, restored frames and globals (frames.c). */
#ifndef TALENT_FRAMES_H
#define TALENT_FRAMES_H

#include "base.h"
#include "values.h"
#include "checkpoint.h"

/* Unwinding side: frames saved so far, innermost first. */
typedef struct tl_saved_var {
    unsigned id;
    const char *name, *pos;
    const talent_type *type;
    void *copy;                     /* t->size bytes in this target's layout */
    const void *orig;               /* address of the variable itself when addr_taken, else NULL */
    int open_end;                   /* addr_taken 1: another frame variable may start where it ends */
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
/* After a refused checkpoint: the call chain is rebuilt from the frames saved while unwinding, each value copied
 * back as saved (globals, heap and descriptors were never changed); the saved frames are freed once it is. */
void tl_restore_kept(void);
/* Resolves an OBJECT pointer while decoding; when the target frame object is not bound yet and slot is
 * non-NULL, records a fixup and returns NULL. */
void *tl_resolve_object(const tl_checkpoint *ck, int kind, uint32_t a, uint32_t b, const tl_path *path,
                        uint64_t byte_offset, void **slot, tl_value_ctx *ctx);
void *tl_string_constant(const tl_checkpoint *ck, uint32_t index, uint64_t offset);
void tl_bind_globals(tl_checkpoint *ck);
void tl_restore_globals(tl_checkpoint *ck);
void tl_restore_check_done(void);
/* Once the call chain is rebuilt: the global of the checkpoint (not the C library's) or the rebuilt frame's variable
 * holding p, its start, size and type; 0 when none does (heap blocks are not looked at). */
int tl_restored_object(const void *p, uintptr_t *base, size_t *size, const talent_type **type);


/* Timings of a restore, printed with TALENT_VERBOSE=1 when the innermost frame is restored. */
typedef struct tl_restore_stats {
    double start_ms, loaded_ms, heap_ms;
} tl_restore_stats;
extern tl_restore_stats tl_rstats;

/* Frees the saved frames of the last unwinding (before a checkpoint is restored in-process). */
void tl_frames_reset(void);

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

#endif /* TALENT_FRAMES_H */
