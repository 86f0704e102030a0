#include <stdio.h>
// BUG: Diagnostic contains: thread-local variable 'seen'
_Thread_local int seen;
int main(void) { for (int i = 0; i < 3; i++) seen++; return seen; }
