package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TypeDescriptorsTest {
    @TempDir
    Path dir;

    @Test
    void fileScopeTypesGetSharedDescriptorsWithTargetComputedLayout() {
        String out = CProgram.in(dir).file("a.c", """
                typedef struct { double x, y; } Point;
                struct node { int v; unsigned flags : 3; struct node *next; };
                struct node nodes[4];
                Point origin;
                const char *names[2];
                int main(void) { return nodes[0].v + (int)origin.x + (names[0] != 0); }
                """).instrumented("a.c");
        assertThat(out).contains("TALENT_FIELD(Point, x, &talent_td_")
                .contains("TALENT_STRUCT_TYPE(Point, \"Point\", ")
                .contains("TALENT_FIELD(struct node, v, &talent_td_")
                .contains("TALENT_BITFIELD(flags, &talent_td_")
                .contains("TALENT_ARRAY_TYPE(struct node[4], \"struct node[4]\", __typeof__((*(__typeof__(struct node[4]) *)0)[0]), &talent_td_")
                .contains("TALENT_PTR_TYPE_TO(struct node *, \"struct node *\", \"struct node\", &talent_td_")
                .contains("TALENT_PTR_TYPE_TO(const char *, \"const char *\", \"const char\", &talent_td_")
                .contains("static unsigned long long talent_td_")
                .contains("(const void *o) { return (unsigned long long)(long long)((const struct node *)o)->flags; }");
        // no number computed on the host: sizes and offsets only through the macros
        assertThat(out.substring(out.indexOf("/* ---- talent: tables"))).doesNotContainPattern("[^_a-z0-9]8[,}]");
    }

    @Test
    void aUnionMemberTheProgramNamesNowhereIsMarkedForTheRuntime() {
        // the union's object is defined in a.c, its members named in b.c (an access, a designated initialiser) and
        // never (f3, f5); the first member counts as named without a mention (an initialiser without a designator's)
        String out = CProgram.in(dir).file("u.h", """
                union U0 { unsigned char f0; long f1; double f2; unsigned f3 : 4; int f4; short f5; };
                extern union U0 g;
                extern union U0 h;
                """).file("a.c", """
                #include "u.h"
                union U0 g, h;
                int use(void);
                int main(void) { return use(); }
                """).file("b.c", """
                #include "u.h"
                static union U0 k = { .f4 = 3 };
                int use(void) { return (int)g.f1 + (int)h.f2 + k.f4; }
                """).instrumented("a.c");
        assertThat(out).contains("TALENT_FIELD(union U0, f0, &talent_td_")
                .contains("TALENT_FIELD(union U0, f1, &talent_td_")
                .contains("TALENT_FIELD(union U0, f2, &talent_td_")
                .contains("TALENT_UNNAMED_BITFIELD(f3, &talent_td_")
                .contains("TALENT_FIELD(union U0, f4, &talent_td_")
                .contains("TALENT_UNNAMED_FIELD(union U0, f5, &talent_td_");
    }

    @Test
    void localAnonymousTypesAreDescribedWithTypeofWhereUsed() {
        String out = CProgram.in(dir).file("a.c", """
                int main(void) {
                  struct { int hits; char tag[4]; } stats = { 0, "abc" };
                  for (int i = 0; i < 3; i++) stats.hits++;
                  return stats.hits;
                }
                """).instrumented("a.c");
        String loop = CProgram.originalLines(out).get(2);
        assertThat(loop).contains("static const talent_field talent_ltd_")
                .contains("TALENT_FIELD(__typeof__(stats), hits, &talent_td_")
                .contains("TALENT_FIELD(__typeof__(stats), tag, &talent_td_")
                .contains("TALENT_STRUCT_TYPE(__typeof__(stats), \"struct (anonymous)\", talent_ltd_");
    }

    @Test
    void aLocalStructWithBitFieldsLiveAtASiteIsRejected() {
        var d = CProgram.in(dir).file("a.c", """
                int main(void) {
                  struct { unsigned a : 3; } bits = { 1 };
                  for (int i = 0; i < 3; i++) bits.a++;
                  return bits.a;
                }
                """).rejection();
        assertThat(d).singleElement().satisfies(e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.message()).contains("bit-field");
        });
    }

    @Test
    void theCLibrarysReservedTypedefsAreNotSpelledOut() {
        // clang's AST is glibc's: struct timespec's tv_sec is a __time_t there, a name musl does not have
        String out = CProgram.in(dir).file("a.c", """
                #include <time.h>
                struct timespec pause_for;
                int main(void) {
                  for (int i = 0; i < 3; i++) pause_for.tv_sec += i;
                  return (int)pause_for.tv_sec;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(tables).doesNotContain("TALENT_INT_TYPE(__time_t").doesNotContain("TALENT_INT_TYPE(__syscall_slong_t")
                .contains("TALENT_FIELD(struct timespec, tv_sec, &talent_");
    }

    /** sigset_t and struct sigaction: the runtime's descriptors (sigtypes.c), never the C library's private members. */
    @Test
    void signalSetsAndSigactionsAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <signal.h>
                #include <string.h>
                struct server { sigset_t blocked; int fd; };
                struct server srv;
                int main(void) {
                  struct sigaction sa;
                  sigset_t set, *pset = &set;
                  memset(&sa, 0, sizeof sa);
                  sigemptyset(&set);
                  for (int i = 0; i < 3; i++) sigaddset(pset, SIGINT + i);
                  sigaction(SIGTERM, &sa, 0);
                  return srv.fd;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).contains("&talent_sigaction_type").contains("&talent_sigset_type")
                .doesNotContain("__sigaction_handler").doesNotContain("__val");
        assertThat(tables).contains("TALENT_FIELD(struct server, blocked, &talent_sigset_type)")
                .contains("\"type:sigset_t\", &talent_sigset_type");
    }

    /**
     * Socket addresses: the members in network byte order as bytes, struct in6_addr as 16 bytes, struct
     * sockaddr_storage by the runtime (sockaddrtype.c); never glibc's private __in6_u or __ss_padding.
     */
    @Test
    void socketAddressesAreDescribedByTheirBytes() {
        String out = CProgram.in(dir).file("a.c", """
                #include <netinet/in.h>
                #include <sys/socket.h>
                struct peer { struct sockaddr_in v4; struct sockaddr_in6 v6; struct sockaddr_storage any; };
                struct peer p;
                int main(void) {
                  int n = 0;
                  for (int i = 0; i < 3; i++) n += p.v4.sin_port + p.v6.sin6_scope_id + p.any.ss_family;
                  return n;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).doesNotContain("__in6_u").doesNotContain("__ss_padding");
        assertThat(tables).contains("TALENT_FIELD(struct peer, any, &talent_sockaddr_storage_type)")
                .containsPattern("sin_port_bytes = \\{ TALENT_K_ARRAY, \"in_port_t\"")
                .containsPattern("s_addr_bytes = \\{ TALENT_K_ARRAY, \"in_addr_t\"")
                .containsPattern("sin6_flowinfo_bytes = \\{ TALENT_K_ARRAY, \"uint32_t\"")
                .containsPattern("\\{ TALENT_K_ARRAY, \"struct in6_addr\", sizeof\\(struct in6_addr\\)")
                .containsPattern("TALENT_FIELD\\(struct sockaddr_in6, sin6_scope_id, &talent_td_\\d+\\)");
    }

    /** fd_set: the runtime's descriptor (fdsettype.c), never glibc's __fds_bits or musl's fds_bits. */
    @Test
    void descriptorSetsAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <sys/select.h>
                struct conn { fd_set want; int fd; };
                struct conn c;
                fd_set all;
                int main(void) {
                  fd_set r, *pr = &r;
                  FD_ZERO(&r);
                  for (int i = 0; i < 3; i++) FD_SET(i, pr);
                  all = r;
                  return select(3, &r, 0, 0, 0) + c.fd;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).contains("&talent_fdset_type").doesNotContain("fds_bits");
        assertThat(tables).contains("TALENT_FIELD(struct conn, want, &talent_fdset_type)")
                .contains("(void *)&all, &talent_fdset_type");
    }

    /**
     * pthread_mutex_t (glibc: a union of the private __data and bytes): the runtime's descriptor (mutextype.c), for a
     * global, a function-local static and a struct member; the build refused it before (qrencode's RSECC_mutex).
     */
    @Test
    void mutexesAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <pthread.h>
                struct guarded { pthread_mutex_t m; int n; };
                struct guarded g;
                static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
                int main(void) {
                  static pthread_mutex_t local = PTHREAD_MUTEX_INITIALIZER;
                  int n = 0;
                  for (int i = 0; i < 3; i++) {
                    pthread_mutex_lock(&lock); pthread_mutex_lock(&local); n += i + g.n;
                    pthread_mutex_unlock(&local); pthread_mutex_unlock(&lock);
                  }
                  return n;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).doesNotContain("__data").doesNotContain("__size");
        assertThat(tables).contains("TALENT_FIELD(struct guarded, m, &talent_mutex_type)")
                .contains("&lock, &talent_mutex_type").contains("&talent_mutex_type");
    }

    /**
     * pthread_cond_t (glibc: a union of the private __data and bytes): the runtime's descriptor (condtype.c), for a
     * global, a function-local static and a struct member of a heap block; the build refused it before ("private
     * member '__data'").
     */
    @Test
    void conditionVariablesAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <pthread.h>
                #include <stdlib.h>
                struct queue { pthread_mutex_t m; pthread_cond_t nonempty; int n; };
                static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
                int main(void) {
                  static pthread_cond_t local = PTHREAD_COND_INITIALIZER;
                  struct queue *q = malloc(sizeof *q);
                  int n = 0;
                  pthread_cond_init(&q->nonempty, 0);
                  for (int i = 0; i < 3; i++) {
                    pthread_cond_signal(&ready); pthread_cond_broadcast(&local); pthread_cond_signal(&q->nonempty);
                    n += i;
                  }
                  return n;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).doesNotContain("__data").doesNotContain("__size");
        assertThat(tables).contains("TALENT_FIELD(struct queue, nonempty, &talent_cond_type)")
                .contains("&ready, &talent_cond_type").contains("&__talent_s_main_local, &talent_cond_type");
    }

    /**
     * pthread_rwlock_t and pthread_barrier_t (glibc: unions of private members and bytes) and pthread_spinlock_t (an
     * int of each C library's own values): the runtime's descriptors (rwlocktype.c, barriertype.c, spintype.c), for
     * globals, a function-local static, struct members and an array; the build refused the first two before ("private
     * member '__data'"), and carried the spin lock as its int (unlocked on x86_64, locked on s390x and musl).
     */
    @Test
    void readWriteLocksBarriersAndSpinLocksAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <pthread.h>
                #include <stdlib.h>
                struct table { pthread_rwlock_t lock; pthread_spinlock_t spin; int n; };
                typedef pthread_spinlock_t my_spin;
                static pthread_rwlock_t cache = PTHREAD_RWLOCK_INITIALIZER;
                static pthread_barrier_t step;
                static my_spin spins[4];
                int main(void) {
                  static pthread_rwlock_t local = PTHREAD_RWLOCK_INITIALIZER;
                  struct table *t = malloc(sizeof *t);
                  int n = 0;
                  pthread_rwlock_init(&t->lock, 0);
                  pthread_spin_init(&t->spin, 0);
                  pthread_barrier_init(&step, 0, 1);
                  for (int i = 0; i < 3; i++) {
                    pthread_rwlock_rdlock(&cache); pthread_rwlock_wrlock(&local); pthread_spin_lock(&spins[i]);
                    n += i + pthread_barrier_wait(&step);
                    pthread_spin_unlock(&spins[i]); pthread_rwlock_unlock(&local); pthread_rwlock_unlock(&cache);
                  }
                  return n;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).doesNotContain("__data").doesNotContain("__size");
        assertThat(tables).contains("TALENT_FIELD(struct table, lock, &talent_rwlock_type)")
                .contains("TALENT_FIELD(struct table, spin, &talent_spinlock_type)")
                .contains("&cache, &talent_rwlock_type").contains("&__talent_s_main_local, &talent_rwlock_type")
                .contains("&step, &talent_barrier_type").contains("&talent_spinlock_type");
    }

    /** A program's own type named as one of the threads library's: described by its members, as any struct. */
    @Test
    void aProgramsOwnTypesOfThoseNamesAreItsOwn() {
        String out = CProgram.in(dir).file("a.c", """
                typedef struct { int readers; } pthread_rwlock_t;
                typedef int pthread_spinlock_t;
                static pthread_rwlock_t mine;
                static pthread_spinlock_t spin;
                int main(void) {
                  int n = 0;
                  for (int i = 0; i < 3; i++) { mine.readers += i; spin += i; n += mine.readers + spin; }
                  return n;
                }
                """).instrumented("a.c");
        assertThat(out).doesNotContain("talent_rwlock_type").doesNotContain("talent_spinlock_type").contains("readers");
    }

    /**
     * regex_t: the runtime's descriptor (regexes.c: the pattern is carried and compiled again), never glibc's
     * __buffer, which refused the build before (GNU ed's global 'store').
     */
    @Test
    void compiledRegularExpressionsAreDescribedByTheRuntime() {
        String out = CProgram.in(dir).file("a.c", """
                #include <regex.h>
                #include <stdlib.h>
                struct finder { regex_t re; int used; };
                regex_t store;
                int main(void) {
                  struct finder *f = malloc(sizeof *f);
                  regcomp(&store, "a+b", REG_EXTENDED);
                  regcomp(&f->re, "c", 0);
                  return regexec(&store, "aab", 0, 0, 0) + f->used;
                }
                """).instrumented("a.c");
        String tables = out.substring(out.indexOf("/* ---- talent: tables"));
        assertThat(out).contains("&talent_regex_type").doesNotContain("__buffer");
        assertThat(tables).contains("TALENT_FIELD(struct finder, re, &talent_regex_type)")
                .contains("(void *)&store, &talent_regex_type");
    }

    /** A program's own type named like the C library's is described as any of its types. */
    @Test
    void aProgramsOwnSigsetTIsItsOwnStruct() {
        String out = CProgram.in(dir).file("a.c", """
                typedef struct { unsigned long bits; } sigset_t;
                sigset_t mine;
                int main(void) { for (int i = 0; i < 3; i++) mine.bits |= 1ul << i; return (int)mine.bits; }
                """).instrumented("a.c");
        assertThat(out).doesNotContain("talent_sigset_type").contains("TALENT_FIELD(sigset_t, bits, &talent_td_");
    }

    /** Csmith seeds 118, 129, 219: 'volatile unsigned : 0;' pads a struct; it is no member and holds no value. */
    @Test
    void unnamedBitFieldsAreLeftOutOfTheDescriptor() {
        String out = CProgram.in(dir).file("a.c", """
                struct S0 { signed f0 : 5; volatile unsigned : 0; unsigned f1 : 7; int : 3; int f2; };
                static struct S0 g = {1, 2, 3};
                int main(void) { int s = 0; for (int i = 0; i < 4; i++) s += g.f0 + g.f1 + g.f2; return s; }
                """).instrumented("a.c");
        assertThat(out).contains("TALENT_BITFIELD(f0, ").contains("TALENT_BITFIELD(f1, ").contains("TALENT_FIELD(struct S0, f2, ")
                .contains("{ \"a.c:g\", \"g\", ");
    }
}
