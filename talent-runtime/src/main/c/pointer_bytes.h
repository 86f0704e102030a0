/* pointer_bytes.h: pointers whose bytes the program copied into memory of a non-pointer type (pointer_bytes.c). */
#ifndef TALENT_POINTER_BYTES_H
#define TALENT_POINTER_BYTES_H

#include "base.h"

/* At a checkpoint: refuses it, naming the first such copy, once the program has copied the bytes of a pointer into
 * integer or floating storage (talent_pointer_memcpy, talent_pointer_memmove: an interpreter's bytecode that keeps a
 * string's address in its instruction words). A checkpoint carries such storage as numbers: the pointer in it would
 * still hold the old address after a restore (the heap is rebuilt elsewhere) and has another size and byte order on
 * another ISA, so the restarted program would read through a wild pointer. talent cannot tell when the copy is gone,
 * so every later checkpoint of the process is refused; the program goes on. */
void tl_pointer_bytes_check(void);

#endif /* TALENT_POINTER_BYTES_H */
