/*
 * vm.c -- talent migration corpus.
 * Exercises: `while (step(&s))` -- a chain call in a loop condition (hoisted by the compiler) taking the
 * address of a local struct of main; a `#pragma talent checkpoint` site inside step; a small stack
 * machine whose state is a struct with arrays, an enum, a `const char *` into a const global table of
 * string literals and 64-bit counters; a const global program table; switch dispatch; do/while.
 * The bytecode computes the primes below 40 by trial division, then Collatz chain lengths.
 * Output: every value the program prints, plus a trace line every 25 instructions.
 */
#include <stdio.h>

enum opcode { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, DUP, JZ, JMP, LT, PRINT, HALT };

struct insn { enum opcode op; int arg; };

struct machine {
    int pc;
    int sp;
    long long stack[16];
    long long mem[8];
    unsigned long long executed;
    enum opcode last;
    const char *last_name;
    _Bool halted;
};

static const char *const op_names[] = {"push", "load", "store", "add", "sub", "mul", "mod",
                                       "dup",  "jz",   "jmp",   "lt",  "print", "halt"};

/* mem[0] = n, mem[1] = d; for n in 2..39: d = 2; while d*d <= n && n % d: d++; print n if d*d > n */
static const struct insn primes_program[] = {
    {PUSH, 2}, {STORE, 0},                                  /* 0: n = 2 */
    {LOAD, 0}, {PUSH, 40}, {LT, 0}, {JZ, 34},               /* 2: while n < 40 */
    {PUSH, 2}, {STORE, 1},                                  /* 6: d = 2 */
    {LOAD, 1}, {LOAD, 1}, {MUL, 0}, {LOAD, 0}, {PUSH, 1},   /* 8: d*d < n+1 */
    {ADD, 0}, {LT, 0}, {JZ, 27},
    {LOAD, 0}, {LOAD, 1}, {MOD, 0}, {JZ, 29},               /* 16: n % d == 0 -> composite */
    {LOAD, 1}, {PUSH, 1}, {ADD, 0}, {STORE, 1}, {JMP, 8},   /* 20: d++ */
    {HALT, 0}, {HALT, 0},                                   /* 25: unused */
    {LOAD, 0}, {PRINT, 0},                                  /* 27: prime */
    {LOAD, 0}, {PUSH, 1}, {ADD, 0}, {STORE, 0},             /* 29: n++ */
    {JMP, 2},
    {HALT, 0},                                              /* 34 */
};

static int step(struct machine *m) {
    struct insn in = primes_program[m->pc];
    long long a, b;
#pragma talent checkpoint
    m->executed++;
    m->last = in.op;
    m->last_name = op_names[in.op];
    m->pc++;
    switch (in.op) {
    case PUSH: m->stack[m->sp++] = in.arg; break;
    case LOAD: m->stack[m->sp++] = m->mem[in.arg]; break;
    case STORE: m->mem[in.arg] = m->stack[--m->sp]; break;
    case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
    case ADD: case SUB: case MUL: case MOD: case LT:
        b = m->stack[--m->sp];
        a = m->stack[--m->sp];
        m->stack[m->sp++] = in.op == ADD ? a + b : in.op == SUB ? a - b : in.op == MUL ? a * b
                          : in.op == MOD ? a % b : (long long)(a < b);
        break;
    case JZ: if (m->stack[--m->sp] == 0) m->pc = in.arg; break;
    case JMP: m->pc = in.arg; break;
    case PRINT: printf("vm prints %lld (after %llu instructions)\n", m->stack[--m->sp], m->executed); break;
    case HALT: m->halted = 1; return 0;
    }
    if (m->executed % 25 == 0)
        printf("  trace pc=%d sp=%d last=%s mem=%lld,%lld\n", m->pc, m->sp, m->last_name, m->mem[0], m->mem[1]);
    return 1;
}

static int collatz_length(long long n) {
    int length = 0;
    do {
        n = n % 2 ? 3 * n + 1 : n / 2;
        length++;
    } while (n != 1);
    return length;
}

int main(void) {
    struct machine s = {0};
    s.last_name = "none";
    while (step(&s))
        ;
    printf("halted=%d after %llu instructions, last=%s, pc=%d\n", (int)s.halted, s.executed, s.last_name, s.pc);
    int best = 0;
    long long best_n = 0;
    for (long long n = 2; n < 300; n += 7) {
        int len = collatz_length(n);
        if (len > best) {
            best = len;
            best_n = n;
            printf("collatz(%lld) = %d\n", n, len);
        }
    }
    printf("longest below 300 step 7: %lld with %d\n", best_n, best);
    return 0;
}
