/* Benchmark kernel: a linked-list workload (allocation-heavy): a queue of records pushed and popped, with a walk
 * over the live list every so often; the argument is the number of operations. */
#include <stdio.h>
#include <stdlib.h>

struct rec { struct rec *next; long key; double weight; };

int main(int argc, char **argv) {
    long ops = argc > 1 ? atol(argv[1]) : 6000000;
    struct rec *head = NULL, *tail = NULL;
    long live = 0, total = 0;
    unsigned long x = 88172645463325252UL;
    for (long i = 0; i < ops; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        if (live < 64 || ((x & 3) != 0 && live < 200000)) {
            struct rec *r = malloc(sizeof *r);
            if (!r) return 1;
            r->next = NULL;
            r->key = (long)(x % 1000);
            r->weight = (double)(x & 255) / 16.0;
            if (tail) tail->next = r; else head = r;
            tail = r;
            live++;
        } else {
            struct rec *r = head;
            head = r->next;
            if (!head) tail = NULL;
            total += r->key;
            free(r);
            live--;
        }
        if ((i & 65535) == 0) {
            double w = 0;
            for (struct rec *r = head; r; r = r->next) w += r->weight;
            total += (long)w;
        }
    }
    while (head) {
        struct rec *r = head;
        head = r->next;
        total += r->key;
        free(r);
    }
    printf("%ld %ld\n", total, live);
    return 0;
}
