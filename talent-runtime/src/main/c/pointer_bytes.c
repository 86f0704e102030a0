/* pointer_bytes.c: memcpy/memmove calls that copy the bytes of a pointer into memory of a non-pointer type. The
 * compiler renames such a call (emit.PointerByteCopies) when the source's type holds a pointer and the destination's
 * is an integer or floating type other than a character; the copy then makes every later checkpoint refused, by the
 * call's position and what it copied (pointer_bytes.h). A store of a pointer through a cast into such memory
 * (*(char **)(code + 2) = s) passes the cast's operand through talent_pointer_store_at, to the same effect. Character
 * destinations are left to heap_write.c's scan of blocks carried as bytes. */
#include "pointer_bytes.h"
#include "refusal.h"
#include <stdint.h>
#include <string.h>

/* The first such copy the process ran: its position and what it copied (static strings of the generated code). */
static const char *copied_at;
static const char *copied_what;

static void note(const char *pos, const char *what)
{
    if (copied_at)
        return;
    copied_at = pos ? pos : "?";
    copied_what = what ? what : "?";
}

void *talent_pointer_memcpy(void *dst, const void *src, size_t n, const char *pos, const char *what)
{
    note(pos, what);
    return memcpy(dst, src, n);
}

void *talent_pointer_memmove(void *dst, const void *src, size_t n, const char *pos, const char *what)
{
    note(pos, what);
    return memmove(dst, src, n);
}

void *talent_pointer_store_at(const void *p, const char *pos, const char *what)
{
    note(pos, what);
    return (void *)(uintptr_t)p;
}

void tl_pointer_bytes_check(void)
{
    if (copied_at)
        tl_refuse("cannot checkpoint: the program copied the bytes of a pointer into memory of a non-pointer type "
                  "(%.200s, at %.200s): a checkpoint carries that memory as numbers, so after a restore it would "
                  "still hold the old address (and on another ISA a pointer has another size and byte order); talent "
                  "cannot tell when the copy is gone, so every checkpoint after it is refused; keep the pointer in "
                  "memory of a pointer type (a union with a pointer member, or an array of pointers)",
                  copied_what, copied_at);
}
