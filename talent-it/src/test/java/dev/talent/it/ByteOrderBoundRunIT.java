package dev.talent.it;

import static dev.talent.it.EnvApp.records;
import static dev.talent.it.EnvApp.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code talent run} of a program whose checkpoints are bound to one byte order (a heap block used through a
 * {@code uint32_t *} and a {@code uint16_t *} at once, allocated through a function pointer as bzip2's {@code bzalloc}
 * does, carried as raw bytes: docs/FORMAT.md "Byte order only", bzip2's compression work area). Among x86_64, s390x and aarch64, once talent has read such a checkpoint it migrates between
 * the little-endian ones only and never hands a checkpoint to s390x: no restore is refused there, every migration but
 * possibly the first (drawn before any checkpoint existed, refused before its hand-over) succeeds, the records say
 * why s390x was left out, and the output equals plain gcc's uninterrupted run.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ByteOrderBoundRunIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(6);

    static final String PROGRAM = """
            #define _POSIX_C_SOURCE 200809L
            #include <stdio.h>
            #include <stdlib.h>
            #include <stdint.h>
            #include <time.h>
            typedef void *(*alloc_fn)(void *opaque, int n, int m);
            typedef struct state { uint32_t *arr1; uint16_t *mtfv; uint32_t *ptr; int n; alloc_fn bzalloc; void *opaque; } state;
            static void *my_alloc(void *opaque, int n, int m) { (void)opaque; return malloc((size_t)n * (size_t)m); }
            __attribute__((noinline)) static uint32_t sort_phase(state *s, uint32_t seed) {
              uint32_t h = 0;
              for (int i = 0; i < s->n; i++) s->ptr[i] = ((uint32_t)i * 2654435761u ^ seed) % 65521u;
              for (int i = 0; i < s->n; i++) h = h * 31u + s->arr1[i];
              return h;
            }
            __attribute__((noinline)) static uint32_t mtf_phase(state *s, uint32_t h) {
              for (int i = 0; i < s->n; i++) {
                h = h * 33u + s->mtfv[i];
                s->mtfv[i] = (uint16_t)(s->mtfv[i] * 7u + (uint32_t)i);
              }
              return h;
            }
            static void pause_ms(int ms) {
              struct timespec ts;
              ts.tv_sec = ms / 1000;
              ts.tv_nsec = (long)(ms % 1000) * 1000000L;
              nanosleep(&ts, NULL);
            }
            int main(int argc, char **argv) {
              int rounds = argc > 1 ? atoi(argv[1]) : 10;
              int ms = argc > 2 ? atoi(argv[2]) : 0;
              state st;
              st.bzalloc = my_alloc;
              st.opaque = NULL;
              st.n = 600;
              st.arr1 = st.bzalloc(st.opaque, st.n, (int)sizeof(uint32_t));
              st.mtfv = (uint16_t *)st.arr1;
              st.ptr = st.arr1;
              uint32_t total = 0;
              for (int round = 0; round < rounds; round++) {
                uint32_t a = sort_phase(&st, (uint32_t)round * 40503u);
                uint32_t b = mtf_phase(&st, a);
                total = total * 1000003u + b;
                printf("round %d: %u %u\\n", round, (unsigned)a, (unsigned)b);
                fflush(stdout);
                pause_ms(ms);
              }
              uint32_t w = 0;
              for (int i = 0; i < st.n; i++) w = w * 131u + st.mtfv[i];
              printf("total=%u w=%u\\n", (unsigned)total, (unsigned)w);
              free(st.arr1);
              return 0;
            }
            """;

    @Test
    void migrationsStayAmongTheLittleEndianPlatformsAndSaySoWithOutputAsPlainGcc() throws IOException {
        Prepared p = prepare("byte-order-run", "mixed", PROGRAM, true, "120", "40");
        Path root = p.root();
        List<String> args = p.args();
        ProcessResult reference = p.reference();

        Path log = root.resolve("run.jsonl");
        ProcessResult run = TalentCli.get().run(root, RUN_TIMEOUT, List.of("run", "--name", "byte-order", "--state-dir",
                root.resolve("state").toString(), "--platforms", "x86_64,s390x,aarch64", "--every", "150ms..300ms",
                "--migrations", "6", "--workdir", root.resolve("work").toString(), "--log", log.toString(), "--seed", "3",
                root.resolve("build/mixed").toString(), "--", args.get(0), args.get(1)));

        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run\n" + run.describe()).isEqualTo(reference.stdoutText());
        List<JsonNode> records = records(log);
        String all = records.toString() + "\n" + run.describe();
        assertThat(records).as(all).hasSizeGreaterThanOrEqualTo(3);
        assertThat(records).as("no checkpoint goes to s390x to be refused there\n" + all)
                .noneSatisfy(r -> assertThat(r.get("ok").asBoolean() && r.get("to").asText().equals("s390x")).isTrue())
                .noneSatisfy(r -> assertThat(r.path("failed_step").asText()).isEqualTo("restore"));
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            if (r.get("ok").asBoolean()) {
                assertThat(r.get("to").asText()).as(all).isIn("x86_64", "aarch64");
                if (i > 0) {
                    assertThat(r.get("choice").asText()).as("the record says why s390x was not drawn\n" + all)
                            .contains("little-endian only").contains("s390x left out");
                }
            } else {
                // only a destination drawn before talent had read any checkpoint of the program
                assertThat(i).as("only the first migration may fail\n" + all).isZero();
                assertThat(r.get("to").asText()).isEqualTo("s390x");
                assertThat(r.get("failed_step").asText()).isEqualTo("checkpoint");
                assertThat(r.get("error").asText()).contains("bound to the little-endian byte order")
                        .contains("not handed to");
            }
        }
        assertThat(records.stream().filter(r -> r.get("ok").asBoolean()).count()).as(all).isGreaterThanOrEqualTo(3);
        assertThat(run.stderrText()).as("talent run says why").contains("bound to the little-endian byte order");
    }

    /** A program bound to its byte order at build time: it keeps numbers in network byte order (NetworkOrderIntegers). */
    static final String NETWORK_ORDER_PROGRAM = """
            #define _POSIX_C_SOURCE 200809L
            #include <arpa/inet.h>
            #include <stdint.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            struct config { uint16_t port; uint32_t addr; };
            static struct config cfg;
            static uint16_t listen_port;
            __attribute__((noinline)) static unsigned long long work(int n, unsigned long long h) {
              for (int i = 0; i < n; i++) h = h * 31u + (unsigned)i;
              return h;
            }
            static void pause_ms(int ms) {
              struct timespec ts;
              ts.tv_sec = ms / 1000;
              ts.tv_nsec = (long)(ms % 1000) * 1000000L;
              nanosleep(&ts, NULL);
            }
            int main(int argc, char **argv) {
              int rounds = argc > 1 ? atoi(argv[1]) : 10;
              int ms = argc > 2 ? atoi(argv[2]) : 0;
              listen_port = htons(8080);
              cfg.port = htons(9090);
              cfg.addr = inet_addr("10.1.2.3");
              unsigned long long h = 7;
              for (int r = 0; r < rounds; r++) {
                h = work(20000, h);
                struct in_addr a;
                a.s_addr = cfg.addr;
                printf("round %d h=%llu listen %u cfg %u %s\\n", r, h % 100000u, (unsigned)ntohs(listen_port),
                       (unsigned)ntohs(cfg.port), inet_ntoa(a));
                fflush(stdout);
                pause_ms(ms);
              }
              return 0;
            }
            """;

    /**
     * A program the build binds to its byte order (the build's binding, {@code build/NAME.binding}): talent run knows it
     * from the start, so not even the first migration is drawn to s390x (without it, s390x is drawn in the first round
     * and its restore refused, exit 65, and rolled back); every migration succeeds and the output equals plain gcc's.
     */
    @Test
    void aProgramBoundAtBuildTimeIsNeverDrawnToTheOtherByteOrder() throws IOException {
        Prepared p = prepare("byte-order-build-run", "netord", NETWORK_ORDER_PROGRAM, true, "80", "40");
        Path root = p.root();
        List<String> args = p.args();
        ProcessResult reference = p.reference();
        assertThat(reference.stdoutText()).contains("listen 8080 cfg 9090 10.1.2.3");
        assertThat(Files.readString(root.resolve("build/netord.binding"))).as("the build's binding, next to the binaries")
                .startsWith("talent-binding 1\nbyte-order yes\npointer-width no\nwhy ").contains("listen_port");

        Path log = root.resolve("run.jsonl");
        ProcessResult run = TalentCli.get().run(root, RUN_TIMEOUT, List.of("run", "--name", "byte-order-build", "--state-dir",
                root.resolve("state").toString(), "--platforms", "x86_64,s390x,aarch64", "--every", "150ms..300ms",
                "--migrations", "4", "--workdir", root.resolve("work").toString(), "--log", log.toString(), "--seed", "3",
                root.resolve("build/netord").toString(), "--", args.get(0), args.get(1)));

        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as("stdout of the migrated run\n" + run.describe()).isEqualTo(reference.stdoutText());
        List<JsonNode> records = records(log);
        String all = records.toString() + "\n" + run.describe();
        assertThat(records).as(all).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode r : records) {
            assertThat(r.get("ok").asBoolean()).as("no migration fails: none is attempted to s390x\n" + all).isTrue();
            assertThat(r.get("to").asText()).as(all).isIn("x86_64", "aarch64");
            assertThat(r.get("choice").asText()).as("the record says why s390x was not drawn\n" + all)
                    .contains("little-endian only, by the build (").contains("s390x left out");
        }
        assertThat(run.stderrText()).as("talent run says why at the start")
                .contains("the build binds the app's checkpoints to the little-endian byte order of x86_64")
                .contains("(s390x left out)");
    }

    /**
     * The same build-bound program with {@code --platforms x86_64,s390x}: no other platform of its byte order, so talent
     * run says so at the start and never stops it; the output equals plain gcc's and no migration is recorded.
     */
    @Test
    void aBuildBoundProgramWithNoOtherPlatformOfItsByteOrderIsNotMigratedAndSaysWhy() throws IOException {
        Prepared p = prepare("byte-order-build-alone", "netord", NETWORK_ORDER_PROGRAM, false, "30", "40");
        Path root = p.root();
        List<String> args = p.args();
        ProcessResult reference = p.reference();

        Path log = root.resolve("run.jsonl");
        ProcessResult run = TalentCli.get().run(root, RUN_TIMEOUT, List.of("run", "--name", "byte-order-alone", "--state-dir",
                root.resolve("state").toString(), "--platforms", "x86_64,s390x", "--every", "150ms..300ms",
                "--migrations", "2", "--workdir", root.resolve("work").toString(), "--log", log.toString(), "--seed", "3",
                root.resolve("build/netord").toString(), "--", args.get(0), args.get(1)));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).as(run.describe()).isEqualTo(reference.stdoutText());
        assertThat(run.stderrText()).as("talent run says why at the start")
                .contains("the build binds the app's checkpoints to the little-endian byte order of x86_64 ('listen_port'")
                .contains("and every other platform of --platforms (s390x) has another byte order: not migrating");
        assertThat(Files.exists(log) ? records(log) : List.<JsonNode>of()).as("no migration attempted\n" + run.describe()).isEmpty();
    }

    /** A test's directory, its program's run by plain gcc (the reference) and its build for x86_64, s390x (and aarch64). */
    private record Prepared(Path root, List<String> args, ProcessResult reference) {}

    /**
     * Skips without runc, root or the emulators; writes {@code program} as {@code NAME.c} in a fresh directory, runs
     * plain gcc's build of it with {@code args}, and builds it with talent into {@code build/} for x86_64 and s390x
     * (and aarch64 with {@code arm}).
     */
    private static Prepared prepare(String dir, String name, String program, boolean arm, String... args) throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (apt-get install runc)");
        assumeTrue("0".equals(uid()), "talent run needs root (runc without a user namespace)");
        if (arm) Isa.AARCH64.assumeAvailable();
        Isa.S390X.assumeAvailable();
        Path root = ItPaths.workRoot().resolve(dir);
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root.resolve("work"));
        Path source = root.resolve(name + ".c");
        Files.writeString(source, program);
        Path plain = root.resolve(name + ".plain");
        ProcessResult compiled = Processes.run(List.of("gcc", "-std=c99", "-O2", "-fsigned-char", "-o", plain.toString(),
                source.toString()), root, Duration.ofMinutes(1));
        assertThat(compiled.exitCode()).withFailMessage(compiled::describe).isZero();
        List<String> command = new java.util.ArrayList<>(List.of(plain.toString()));
        command.addAll(List.of(args));
        ProcessResult reference = Processes.run(command, root, Duration.ofMinutes(1));
        assertThat(reference.exitCode()).withFailMessage(reference::describe).isZero();
        ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa",
                arm ? "x86_64,s390x,aarch64" : "x86_64,s390x", source.toString()));
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        return new Prepared(root, List.of(args), reference);
    }
}
