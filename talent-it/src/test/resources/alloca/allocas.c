/* alloca in functions that may checkpoint (AllocaMigrationIT): blocks that live across sites, typed by a cast,
 * allocated anew at each iteration of a loop, passed to callees that checkpoint, and left behind by longjmp. */
#include <alloca.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

struct cell { int key; long weight; struct cell *next; };

static jmp_buf escape;
static unsigned long checksum;

/* a callee with a site, writing through the pointer it is given */
static unsigned long fill(char *buf, int n, int salt) {
  unsigned long h = 0;
  for (int i = 0; i < n; i++) { buf[i] = (char)('a' + (i * salt) % 26); h = h * 31 + (unsigned char)buf[i]; }
  return h % 100003;
}

/* a linked list in alloca'd cells: pointers from one block into another */
static long chain(int n) {
  struct cell *head = 0;
  for (int i = 0; i < n; i++) {
    struct cell *c = (struct cell *) alloca(sizeof(struct cell));
    c->key = i; c->weight = (long)i * i - 7; c->next = head; head = c;
  }
  long s = 0;
  for (struct cell *c = head; c; c = c->next) s += c->key * 3 + c->weight;
  return s;
}

static void bail(int k) {
  char *scratch = alloca(32);
  memset(scratch, k, 32);
  for (int i = 0; i < 32; i++) checksum += (unsigned char)scratch[i];
  if (k % 4 == 0) longjmp(escape, k);
}

static long work(int n) {
  char *buf = alloca(n + 1);
  long *sq = (long *) alloca(n * sizeof(long));
  long acc = 0;
  for (int i = 0; i < n; i++) sq[i] = (long)i * i - 3;
  for (int r = 0; r < 12; r++) {
    int *tmp = alloca(4 * sizeof(int));
    tmp[0] = r; tmp[3] = r * 3;
    acc += (long)fill(buf, n, r + 1) + tmp[0] + tmp[3] + chain(r + 2);
    for (int i = 0; i < n; i++) acc += sq[i] % 11;
  }
  buf[n] = 0;
  printf("  buf=%s\n", buf);
  return acc;
}

static void guarded(int k) {
  if (setjmp(escape) == 0) bail(k);
}

int main(void) {
  long total = 0;
  for (int k = 1; k <= 8; k++) {
    total += work(6 + 3 * k);
    guarded(k);
    printf("k=%d total=%ld checksum=%lu\n", k, total, checksum);
  }
  return 0;
}
