/* streammodes.h: the buffering mode (setvbuf, setbuf, setbuffer, setlinebuf) and the orientation (fwide) of the
 * program's streams, carried as the global TL_STREAMS_KEY (streammodes.c). */
#ifndef TALENT_STREAMMODES_H
#define TALENT_STREAMMODES_H

#include "base.h"
#include "values.h"

/* The stream was closed or reopened (fclose, freopen: the C library resets its mode and orientation then). */
void tl_streammodes_forget(void *stream);
/* At a checkpoint, after tl_files_collect (the stream indexes are known): fills the global, refusing with tl_refuse
 * what it cannot carry; whether there is anything to carry (the global is written then). */
int tl_streammodes_collect(void);
/* At a checkpoint, once the registry of pointer targets is sealed (objects.c): refuses, naming it, a buffer of the
 * program's own (setvbuf(f, buf, ...)) that is not wholly in one carried object of bytes (a char array, a heap block of
 * them or untyped). */
void tl_streammodes_check_buffers(void);
/* The global's object and descriptor (libc_state.c). */
void tl_streammodes_global(void **addr, const talent_type **type);
/* After the globals are restored: NULL, or why the carried modes cannot be used (checked at load too). */
const char *tl_streammodes_restored(void);
/* The object of the program holding p in a restarted process (a global, a rebuilt frame's variable, a heap block): its
 * start, size and type (NULL: a heap block untyped where it was allocated); 0 when there is none. */
typedef int (*tl_object_extent)(const void *p, uintptr_t *base, size_t *size, const talent_type **type);
/* In a restarted process once the call chain is rebuilt (a local array of main is bound only then): NULL, or why a
 * carried buffer of the program's cannot be used: [buf, buf + size) not wholly in the object of bytes extent finds. */
const char *tl_streammodes_buffers_restored(tl_object_extent extent);
/* As a restart's last steps, before the program resumes: each carried mode and orientation set again, with the
 * program's own buffer at its restored address (checked by tl_streammodes_buffers_restored before). */
const char *tl_streammodes_apply(void);
/* In a restarted process, before bytes carried unwritten are put back into stream (pending.c): a stream whose mode the
 * C library chooses and that is not a terminal made fully buffered, as the C library would make it at its first write. */
void tl_streammodes_settle(void *stream);

#endif /* TALENT_STREAMMODES_H */
