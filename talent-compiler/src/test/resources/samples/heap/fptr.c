/* Function pointers: a global table of operations, a heap array of pointers to functions, a struct on
 * the heap holding one, a local one live across checkpoints, and a library function (abs) taken by address. */
#include <stdio.h>
#include <stdlib.h>

typedef int (*binop)(int, int);

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) {
    int r = 0;
    for (int k = 0; k < b % 8; k++) r = (r + a) % 1009;   /* a site: called through pointers, suspended */
    return r;
}
int maxi(int a, int b) { return a > b ? a : b; }

struct op {
    const char *name;
    binop fn;
};

static struct op ops[] = {{"add", add}, {"sub", sub}, {"mul", mul}, {"max", maxi}};

struct machine {
    binop current;
    int (*unary)(int);
    int acc;
};

int main(void) {
    binop *program = malloc(64 * sizeof *program);
    for (int i = 0; i < 64; i++) program[i] = ops[(i * 7 + i / 5) % 4].fn;
    struct machine *m = malloc(sizeof *m);
    m->unary = abs;
    m->acc = 1;
    binop last = NULL;
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < 64; i++) {
            m->current = program[i];
            m->acc = m->unary(m->current(m->acc, i + round));
            last = m->current;
        }
        for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
            if (ops[k].fn == last) printf("round %d: acc %d, last op %s\n", round, m->acc, ops[k].name);
        }
    }
    return 0;
}
