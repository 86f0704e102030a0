/* Loop shapes around resume copies (docs/CODEGEN.md "Resume labels and resume copies"): loops a restart
 * finishes in their copy, and loops that keep their labels because they cannot appear twice. */
#include <stdio.h>

static unsigned long acc = 1;

/* a chain function (it has a loop): calls of it are resume points */
static int mix(int v) {
    int r = v;
    for (int k = 0; k < 3; k++) r = r * 7 + k;
    return r & 1023;
}

/* not static: a copy of the loop calling it does not keep gcc from inlining it */
int more(int *left) {
    int x = mix(*left);
    (*left)--;
    return *left > 0 && x >= 0;
}

/* static and called once: the loop calling it keeps its labels, so that gcc can still inline it */
static int settle(int v) {
    int r = 0;
    for (int k = 0; k < v % 5; k++) r += k * v;
    return r;
}

int main(void) {
    int total = 0;
    int left = 40;
    /* a chain call in the condition: the loop becomes for (;;) { ... if (!(c)) break; ... } and is copied */
    while (more(&left)) {
        for (int i = 0; i < 5; i++) total += mix(i + left);
    }
    for (int i = 0; i < 12; i++) total += settle(i + total % 7);
    /* a label inside: this loop keeps its labels, the loop inside it is copied */
    for (int r = 0; r < 6; r++) {
        if (r == 3) goto skip;
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < i; j++) acc = acc * 31 + (unsigned long)(i * j + r);
            total += mix(i);
        }
    skip:
        total++;
    }
    /* the branch of an if (loop and copy are braced together), a do-while with a chain call */
    if (total > 0)
        for (int i = 0; i < 3; i++) {
            int d = 0;
            do {
                d++;
                total += mix(d);
            } while (d < 4);
        }
    /* a switch inside the loop: its case labels are copied with it */
    for (int i = 0; i < 30; i++) {
        switch (i % 3) {
        case 0: total += mix(i); break;
        case 1: total -= i; break;
        default: for (int j = 0; j < i; j++) acc += (unsigned long)j; break;
        }
    }
    /* case labels of a switch outside the loop (Duff's device): the loop keeps its labels */
    int count = 4, out = 0;
    switch (13 % 4) {
    case 0: do { out += mix(count);
    case 3:      out++;
    case 2:      out++;
    case 1:      out++;
            } while (--count > 0);
    }
    /* the same without a chain call: a leaf loop, but not versioned either */
    count = 3;
    switch (11 % 3) {
    case 0: do { out += 3;
    case 2:      out *= 5;
    case 1:      out %= 1000;
            } while (--count > 0);
    }
    printf("total=%d acc=%lu out=%d\n", total, acc, out);
    return 0;
}
