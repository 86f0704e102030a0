/* checkpoint_read.h: parsing and validating a checkpoint (checkpoint_read.c). */
#ifndef TALENT_CHECKPOINT_READ_H
#define TALENT_CHECKPOINT_READ_H

#include "base.h"
#include "objects.h"
#include "checkpoint.h"
#include "encode.h"

/* The variable of frame f with var_id id, or NULL (after validation has indexed the frame). */
tl_ck_var *tl_ck_frame_var(const tl_ck_frame *f, uint32_t id);
/* Binds each checkpoint global to this program's global of the same key; returns the index of the first
 * one this program does not have, or -1. */
long tl_match_globals(tl_checkpoint *ck);
/* Checks a pointer's OBJECT target against the parsed checkpoint (FORMAT.md "Pointers"); NULL or why not. */
const char *tl_check_target(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                            uint64_t byte_offset, char *buf, size_t buflen);
/* Checks a TL_PTR_BELOW pointer (its OBJECT payload checked by tl_check_target): an element at the start of a global,
 * frame variable or heap block, count elements of the writer's size below it, 1 to TL_BELOW_START_BYTES bytes in all
 * (FORMAT.md "Pointers"); NULL or why not. */
const char *tl_check_below(const tl_checkpoint *ck, uint8_t kind, uint32_t a, uint32_t b, const tl_path *path,
                           uint64_t byte_offset, uint64_t count);
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

/* Frees what a restore does not hand over to the program (the file bytes, the parsed sections). */
void tl_checkpoint_release(tl_checkpoint *ck);

#endif /* TALENT_CHECKPOINT_READ_H */
