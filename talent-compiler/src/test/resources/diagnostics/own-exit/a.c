/* A program's own exit (a freestanding-style shutdown): the C library's startup code links the library's exit, and
 * the static link failed with "multiple definition of 'exit'"; talent also wraps exit when it links. Now refused by
 * name at the definition. */
#include <stdio.h>
#include <unistd.h>
// BUG: Diagnostic contains: the program defines its own 'exit'
void exit(int status) { printf("own exit %d\n", status); fflush(stdout); _exit(status + 1); }
int main(void) { printf("work\n"); exit(3); }
