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
/* The global's object and descriptor (libc_state.c). */
void tl_streammodes_global(void **addr, const talent_type **type);
/* After the globals are restored: NULL, or why the carried modes cannot be used (checked at load too). */
const char *tl_streammodes_restored(void);
/* As a restart's last steps, before the program resumes: each carried mode and orientation set again. */
const char *tl_streammodes_apply(void);
/* In a restarted process, before bytes carried unwritten are put back into stream (pending.c): a stream whose mode the
 * C library chooses and that is not a terminal made fully buffered, as the C library would make it at its first write. */
void tl_streammodes_settle(void *stream);

#endif /* TALENT_STREAMMODES_H */
