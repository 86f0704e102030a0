/*
 * bigint.c -- talent migration corpus.
 * Exercises: multi-precision arithmetic on uint32_t limbs with uint64_t intermediate products and carries
 * (unsigned 64-bit arithmetic must be identical on 32- and 64-bit ISAs), a struct holding a limb array
 * and a length passed by pointer (to locals of main) through several chain functions, nested loops
 * (schoolbook multiplication), division by a small number for decimal conversion into a char buffer.
 * Computes 2^200, 60!, and Fibonacci(300) exactly.
 * Output: the decimal digits of every intermediate power/factorial/Fibonacci number along the way.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define LIMBS 40

typedef struct {
    uint32_t limb[LIMBS];     /* little-endian limbs, base 2^32 */
    int used;
} bignum;

static void set_small(bignum *x, uint32_t v) {
    memset(x->limb, 0, sizeof x->limb);
    x->limb[0] = v;
    x->used = v ? 1 : 0;
}

static void multiply_small(bignum *x, uint32_t factor) {
    uint64_t carry = 0;
    for (int k = 0; k < x->used; k++) {
        uint64_t product = (uint64_t)x->limb[k] * factor + carry;
        x->limb[k] = (uint32_t)product;
        carry = product >> 32;
    }
    if (carry && x->used < LIMBS) x->limb[x->used++] = (uint32_t)carry;
}

static void add(bignum *out, const bignum *a, const bignum *b) {
    uint64_t carry = 0;
    int used = a->used > b->used ? a->used : b->used;
    for (int k = 0; k < used; k++) {
        uint64_t sum = (uint64_t)a->limb[k] + b->limb[k] + carry;
        out->limb[k] = (uint32_t)sum;
        carry = sum >> 32;
    }
    out->used = used;
    if (carry && used < LIMBS) out->limb[out->used++] = (uint32_t)carry;
}

static void multiply(bignum *out, const bignum *a, const bignum *b) {
    uint32_t result[LIMBS] = {0};
    for (int i = 0; i < a->used; i++) {
        uint64_t carry = 0;
        for (int j = 0; j < b->used && i + j < LIMBS; j++) {
            uint64_t cur = (uint64_t)a->limb[i] * b->limb[j] + result[i + j] + carry;
            result[i + j] = (uint32_t)cur;
            carry = cur >> 32;
        }
        if (i + b->used < LIMBS) result[i + b->used] = (uint32_t)carry;
    }
    memcpy(out->limb, result, sizeof result);
    out->used = LIMBS;
    while (out->used > 0 && out->limb[out->used - 1] == 0) out->used--;
}

/* decimal digits of x into text (x is copied: the division destroys its copy) */
static void to_decimal(const bignum *x, char *text, size_t size) {
    bignum q = *x;
    char reversed[400];
    int n = 0;
    do {
        uint64_t rem = 0;
        for (int k = q.used - 1; k >= 0; k--) {
            uint64_t cur = (rem << 32) | q.limb[k];
            q.limb[k] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        while (q.used > 0 && q.limb[q.used - 1] == 0) q.used--;
        reversed[n++] = (char)('0' + rem);
    } while (q.used > 0 && n < (int)sizeof reversed);
    int k = 0;
    for (; k < n && k + 1 < (int)size; k++) text[k] = reversed[n - 1 - k];
    text[k] = '\0';
}

int main(void) {
    bignum a, b, c;
    char digits[400];
    set_small(&a, 1);
    for (int e = 1; e <= 200; e++) {
        multiply_small(&a, 2);
        if (e % 40 == 0) {
            to_decimal(&a, digits, sizeof digits);
            printf("2^%d = %s\n", e, digits);
        }
    }
    multiply(&b, &a, &a);
    to_decimal(&b, digits, sizeof digits);
    printf("2^400 = %s\n", digits);

    set_small(&a, 1);
    for (uint32_t f = 2; f <= 60; f++) {
        multiply_small(&a, f);
        if (f % 15 == 0) {
            to_decimal(&a, digits, sizeof digits);
            printf("%u! = %s (%d limbs)\n", f, digits, a.used);
        }
    }
    set_small(&a, 0);
    set_small(&b, 1);
    set_small(&c, 0);         /* limbs above `used` must be zero: add() reads up to the longer operand */
    for (int n = 1; n < 300; n++) {
        add(&c, &a, &b);
        a = b;
        b = c;
        if (n % 60 == 59) {
            to_decimal(&b, digits, sizeof digits);
            printf("fib(%d) = %s\n", n + 1, digits);
        }
    }
    return 0;
}
