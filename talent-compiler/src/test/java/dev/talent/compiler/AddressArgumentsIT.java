package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Addresses passed as integers to a function of the program that only compares and prints them (Unity's
 * {@code TEST_ASSERT_EQUAL_PTR} shape, issue 11): accepted at build time (refused before), and stopped while the
 * callee holds the integers (in a call that may checkpoint between their comparison and their last use, a
 * comparison with a constant) then restarted on s390x, the output is plain gcc's.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AddressArgumentsIT {
    @TempDir
    Path work;

    static final String ASSERTS = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>
            static int checks, failures;
            static unsigned long spin(int n) {
              unsigned long s = 0;
              for (int i = 0; i < n; i++) s = s * 31 + (unsigned long)i;
              return s;
            }
            static void print_dec(unsigned long long n) {
              unsigned long long d = 1;
              while (n / d > 9) d *= 10;
              do { putchar((char)('0' + n / d % 10)); d /= 10; } while (d > 0);
            }
            static void check_equal_ptr(long long expected, long long actual, int line) {
              checks++;
              if (expected != actual) {
                failures++;
                printf("line %d: expected ", line);
                print_dec((unsigned long long)expected);
                printf(" was ");
                print_dec((unsigned long long)actual);
                putchar('\\n');
              }
              unsigned long s = spin(40 + line % 7);
              if (expected == 0) printf("line %d: null,", line);
              printf("line %d: %lu\\n", line, s % 1000);
            }
            #define CHECK_EQUAL_PTR(e, a, line) check_equal_ptr((long long)(intptr_t)(e), (long long)(intptr_t)(a), line)
            struct node { int v; struct node *next; };
            int main(void) {
              struct node *head = NULL;
              for (int i = 0; i < 30; i++) {
                struct node *n = malloc(sizeof *n);
                n->v = i;
                n->next = head;
                head = n;
              }
              int line = 0;
              for (struct node *p = head; p; p = p->next) {
                struct node *q = head;
                while (q && q != p) q = q->next;
                check_equal_ptr((long long)(intptr_t)q, (long long)(intptr_t)p, ++line);
                CHECK_EQUAL_PTR(p->next ? p->next->next == p ? p : NULL : NULL, NULL, ++line);
              }
              printf("checks %d failures %d\\n", checks, failures);
              while (head) { struct node *n = head->next; free(head); head = n; }
              return failures != 0;
            }
            """;

    @Test
    void anAddressComparedAndPrintedByTheCalleeMigratesMidCall() throws Exception {
        String out = MigratesLikeGcc.checkEveryStop(work, "asserts", ASSERTS, 2, 1, 45, 700, 2100);
        assertThat(out).contains("line 2: null,line 2:").endsWith("checks 60 failures 0\n");
    }
}
