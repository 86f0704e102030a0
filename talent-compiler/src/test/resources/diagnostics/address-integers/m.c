/* Addresses kept or used as integers: a restore moves the objects and relocates pointers only. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "set.h"
struct node { long val; struct node *next; };
static uintptr_t slots[40];
struct entry { uintptr_t key; int used; };

static uintptr_t key_of(struct node *n) {
  // BUG: Diagnostic contains: address 'n' converted to an integer (uintptr_t) and returned
  return (uintptr_t)n;
}

static uintptr_t last_key;
static void remember(uintptr_t k) { last_key = k; }

#pragma talent nocheckpoint
static unsigned hash_nocheckpoint(const void *p) {
  // an integer that holds only addresses is carried as one, but its value made a hash is not
  size_t h = (size_t)p;
  // BUG: Diagnostic contains: integer 'h' holding an address (size_t): used in arithmetic (>>)
  return (unsigned)(h >> 4);
}

int main(void) {
  long total = 0;
  struct entry tab[16] = {0};
  for (int i = 0; i < 40; i++) {
    struct node *nd = malloc(sizeof *nd);
    nd->val = i * 3;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and stored (=)
    slots[i] = (uintptr_t)nd;
    // a number stored in the same array: it may hold numbers, so no element is carried as an address
    slots[(i + 1) % 40] = (uintptr_t)i * 2654435761u;
    tab[i % 16].key = (uintptr_t)i * 40503u;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and its low bits (%) stored in 'b'
    unsigned b = (unsigned)((uintptr_t)nd % 16);
    tab[b].used = 1;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (unsigned long) and its low bits (&) used as an array index
    tab[(unsigned long)nd & 15].used++;
    // BUG: Diagnostic contains: address 'nd->next' converted to an integer (uintptr_t) and passed to 'remember', whose parameter 'k' is stored in 'last_key' (=) (m.c:16
    remember((uintptr_t)nd->next);
    remember(0x12345678u); // a number too: 'k' is no parameter that holds only addresses
    // BUG: Diagnostic contains: its low bits (&) stored (+=)
    total += (uintptr_t)nd & 7;
    // BUG: Diagnostic contains: address '&tab[1]' converted to an integer (uintptr_t) and stored in an initializer
    struct entry e = { (uintptr_t)&tab[1], 0 };
    // BUG: Diagnostic contains: compared with a value that is not a constant or an address
    if ((uintptr_t)nd > e.key) total++;
    char buf[32];
    // BUG: Diagnostic contains: passed to 'snprintf'
    snprintf(buf, sizeof buf, "%lx", (unsigned long)nd);
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and used in arithmetic (+)
    struct node *up = (struct node *)(((uintptr_t)nd + 15) & ~(uintptr_t)15);
    (void)up;
    // libdeflate's aligned malloc: each + of the chain named once
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and used in arithmetic (+, +, -) and its low bits (&) converted to void *
    void *aligned = (void *)(((uintptr_t)nd + sizeof(void *) + 64 - 1) & ~((uintptr_t)64 - 1));
    (void)aligned;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and its low bits (&) converted to struct node *
    struct node *down = (struct node *)((uintptr_t)nd & ~(uintptr_t)15);
    (void)down;
    // BUG: Diagnostic contains: address '&((struct node *)nd)->next' converted to an integer (size_t) and stored in 'off'
    size_t off = (size_t)&((struct node *)nd)->next;
    off += 8;
    (void)off;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and its low bits (&) stored in 'page'
    uintptr_t page = (uintptr_t)nd & ~(uintptr_t)4095;
    (void)page;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and used in arithmetic (+) and stored in 'plus'
    uintptr_t plus = (uintptr_t)nd + 16;
    (void)plus;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and stored in 'taken'
    uintptr_t taken = (uintptr_t)nd;
    uintptr_t *tp = &taken;
    (void)tp;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and stored in 'wide'
    uint64_t wide = (uintptr_t)nd;
    (void)wide;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and used in arithmetic (|)
    uintptr_t tag8 = (uintptr_t)nd | 8;
    (void)tag8;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and stored in 'viaStmtExpr'
    uintptr_t viaStmtExpr = ({ total++; (uintptr_t)nd; });
    (void)viaStmtExpr;
    // BUG: Diagnostic contains: address 'nd' converted to an integer (uintptr_t) and stored in 'mix'
    // BUG: Diagnostic contains: address 'up' converted to an integer (uintptr_t) and stored in 'mix'
    uintptr_t mix = (uintptr_t)nd | (uintptr_t)up;
    total += key_of(nd) != 0;
    total += hash_nocheckpoint(nd) + set_bucket(nd);
  }
  for (int r = 0; r < 200; r++)
    for (int i = 0; i < 40; i++) {
      struct node *nd = (struct node *)slots[i];
      nd->val += r;
      total += nd->val % 7;
    }
  printf("total=%ld\n", total);
  return 0;
}
