/* Uses of an address as an integer that stay correct after a restore moves the objects: no diagnostic. */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
struct node { long val; uintptr_t next; };
struct region { uintptr_t addr; size_t len; };
static uintptr_t slots[8];
struct pair { int a; long b[4]; };
#define OFFSET_OF(T, m) ((size_t)&((T *)0)->m)
enum { ALIGN = 8 };

#pragma talent nocheckpoint
static int before(const void *a, const void *b) {
  return (uintptr_t)a < (uintptr_t)b ? -1 : (uintptr_t)a > (uintptr_t)b;
}

int main(void) {
  long total = 0;
  struct node *first = malloc(sizeof *first);
  char *buf = malloc(64);
  for (int i = 0; i < 40; i++) {
    struct node *nd = malloc(sizeof *nd);
    nd->val = i;
    if ((uintptr_t)nd) total++;
    if (!(uintptr_t)nd || (uintptr_t)nd == 0) return 1;
    if ((uintptr_t)nd == (uintptr_t)first) total--;
    if ((uintptr_t)nd % 8 == 0) total++;
    assert(((uintptr_t)nd & 7) == 0);
    if (((uintptr_t)nd & (ALIGN - 1)) != 0) return 2;
    if ((uintptr_t)nd & 3) return 3;
    if ((((uintptr_t)nd | (uintptr_t)buf | (uintptr_t)first) & 7) != 0) return 4;
    while ((uintptr_t)nd > 0xffffffffffffULL) break;
    total += ((uintptr_t)&buf[9] - (uintptr_t)buf) + (long)((unsigned long)(buf + 5) - (unsigned long)buf);
    total += before(nd, first) + (((uintptr_t)nd & 15) == ((uintptr_t)first & 15));
    total += (int)sizeof((uintptr_t)nd);
    switch ((uintptr_t)buf & 1) { case 0: total++; break; default: break; }
    (void)(uintptr_t)nd;
    total += (long)OFFSET_OF(struct pair, b[2]) + (long)(size_t)&((struct pair *)0)->a;
    void *back = (void *)(uintptr_t)nd;
    total += back == nd;
    if (i == 39) fprintf(stderr, "last at %lx\n", (unsigned long)nd);
    /* integer objects that hold only addresses (AddressObjects): carried as addresses */
    uintptr_t base = (uintptr_t)buf;
    struct region r = { (uintptr_t)buf, 64 };
    r.addr = base;
    total += ((char *)r.addr)[3] + *(char *)(base + 5) + (long)(r.addr - base) + (r.addr == base) + (base > (uintptr_t)nd);
    slots[i % 8] = (uintptr_t)first | (uintptr_t)(i & 1);
    first->next = i % 3 ? slots[i % 8] : 0;
    first->next |= 1;
    if (first->next & 1) total += ((struct node *)(first->next & ~(uintptr_t)1))->val;
    free(nd);
  }
  printf("total=%ld\n", total);
  free(first);
  free(buf);
  return 0;
}
