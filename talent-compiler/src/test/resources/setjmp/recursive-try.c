#include <setjmp.h>
#include <stdio.h>
static jmp_buf bufs[16];
static int top;
static unsigned h;
void *savetry(void) { return bufs[top++]; }
void endtry(void) { top--; }
void throwit(void) { longjmp(bufs[--top], 1); }
static void walk(int d) {
  if (d > 0) {
    int i = d;
    if (setjmp(savetry())) {
      h += 7;
      throwit();
    }
    h = h * 3 + (unsigned)i;
    walk(d - 1);
    if (d % 5 == 0) throwit();
    endtry();
  }
}
int main(void) {
  for (int r = 0; r < 300; r++) {
    if (setjmp(savetry())) { h += 11; continue; }
    walk(r % 7);
    endtry();
  }
  printf("h=%u\n", h);
  return 0;
}
