package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import dev.talent.compiler.analysis.Point;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/** Blocking calls in functions that may checkpoint: hoisted, in a retry loop after their site (talent.h). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BlockingSitesTest {
    @TempDir
    Path dir;

    @Test
    void aBlockingCallIsASiteInsideItsRetryLoop() throws IOException {
        CProgram p = CProgram.in(dir).file("b.c", """
                #include <unistd.h>
                static char buf[4];
                int main(void) {
                  long n;
                  n = read(0, buf, sizeof buf);
                  if (write(1, buf, (unsigned long)n) < 0) return 1;
                  return 0;
                }
                """);
        List<String> lines = CProgram.originalLines(p.instrumented("b.c"));
        assertThat(lines.get(4)).isEqualTo("  for (;;) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) { "
                + "talent_frame_begin(0, 0); talent_frame_end(); return __talent_zret; } "
                + "if (0) { __talent_r0: ; talent_frame_restored(); } } "
                + "n = talent_read(0, buf, sizeof buf); if (!talent_blocking_retry()) break; }");
        assertThat(lines.get(5)).isEqualTo("  __typeof__(talent_write(1, buf, (unsigned long)n)) __talent_t1; "
                + "for (;;) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(1)) { "
                + "talent_frame_begin(0, 1); TALENT_SAVE_INT(0, \"n\", \"b.c:4:8\", n, &talent_td_0); talent_frame_end(); return __talent_zret; } "
                + "if (0) { __talent_r1: ; TALENT_RESTORE_INT(0, n, &talent_td_0); talent_frame_restored(); } } "
                + "__talent_t1 = talent_write(1, buf, (unsigned long)n); if (!talent_blocking_retry()) break; } "
                + "if (__talent_t1 < 0) return 1;");
        assertThat(lines.get(2)).contains("case 0: goto __talent_r0; case 1: goto __talent_r1;");
        String table = Files.readString(p.outputDir().resolve("talent_program.c"));
        assertThat(table).contains("  { 0, 1, \"b.c:5:7\" }, /* 0 */\n  { 0, 1, \"b.c:6:7\" }, /* 1 */\n");
    }

    @Test
    void aLoopConditionWithABlockingCallIsHoistedIntoTheLoop() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                int main(void) {
                  char line[64];
                  int n = 0;
                  while (fgets(line, sizeof line, stdin) != NULL) n++;
                  return n;
                }
                """);
        String out = p.instrumented("a.c");
        String loop = CProgram.originalLines(out).get(4);
        assertThat(loop).startsWith("  for (;;) { __typeof__(talent_fgets(line__talent_w.__talent_o, sizeof line__talent_w.__talent_o, stdin)) __talent_t1; for (;;) { "
                + "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(0)) {");
        assertThat(loop).contains("__talent_t1 = talent_fgets(line__talent_w.__talent_o, sizeof line__talent_w.__talent_o, stdin); if (!talent_blocking_retry()) break; } "
                + "if (!(__talent_t1 != NULL)) break; ");
        // the loop holds a blocking site, so it is not versioned (its labels would be duplicated)
        assertThat(loop).doesNotContain("!talent_pending, 1");
        // the loop as run has no resume label; its resume copy follows it on the same line
        assertThat(loop.substring(0, loop.indexOf(" if (0) { for (;;)"))).doesNotContain("__talent_r").endsWith(" n++; } }");
        assertThat(loop).contains("if (0) { __talent_r0: ;").contains("if (0) { __talent_r1: ;").endsWith(" n++; } } }");
    }

    @Test
    void liveVariablesAtABlockingSiteAreThoseOfTheCallStatement() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <time.h>
                #include <stdio.h>
                int main(void) {
                  struct timespec t = { 0, 1000 };
                  int unused = 3;
                  int rounds = 0;
                  for (int i = 0; i < 3; i++) {
                    unused = i;
                    nanosleep(&t, 0);
                    rounds++;
                  }
                  printf("%d\\n", rounds);
                  return 0;
                }
                """).analyze();
        List<Point> points = p.function("main").points;
        assertThat(points).hasSize(2);
        assertThat(points.get(0).isSite()).isTrue();
        assertThat(points.get(1).isBlockingSite()).isTrue();
        assertThat(p.saved("main", 1)).containsExactly("t", "rounds", "i");
    }

    @Test
    void aFunctionThatBlocksMayCheckpointAndSoDoItsCallers() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <unistd.h>
                static void nap(void) { sleep(0); }
                static int twice(int x) { return 2 * x; }
                int main(void) { nap(); return twice(1) - 2; }
                """).analyze();
        assertThat(p.function("nap").chain).isTrue();
        assertThat(p.function("main").chain).isTrue();
        assertThat(p.function("twice").chain).isFalse();
    }

    /**
     * Expression normalisation (docs/CODEGEN.md): a blocking call in a conditionally evaluated position, in a
     * do-while condition, a for increment or with a side effect in its arguments is a blocking site too.
     */
    @Test
    void aBlockingCallInAConditionalOrReEvaluatedPositionIsASiteToo() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <unistd.h>
                int main(void) {
                  char c; int n = 0, fd = 0;
                  if (n == 0 && read(fd, &c, 1) > 0) n++;
                  do n++; while (read(fd, &c, 1) > 0);
                  for (; n < 10; n += (int)read(fd, &c, 1)) { }
                  long r = read(fd++, &c, 1);
                  return n + (int)r;
                }
                """);
        CompileResult r = p.compile();
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        assertThat(lines.get(3)).startsWith("  int __talent_t1; __typeof__(talent_read(fd, &c__talent_w.__talent_o, 1)) __talent_t2; __talent_t1 = (n == 0) != 0; "
                + "if (__talent_t1) { for (;;) { if (__builtin_expect(talent_pending, 0)) {")
                .endsWith("__talent_t2 = talent_read(fd, &c__talent_w.__talent_o, 1); if (!talent_blocking_retry()) break; } __talent_t1 = (__talent_t2 > 0) != 0; } "
                        + "if (__talent_t1) n++;");
        assertThat(lines.get(4)).startsWith("  for (;;) { ").doesNotContain("__label__").contains("talent_blocking_retry")
                .contains("if (!(__talent_t3 > 0)) break; }");
        assertThat(lines.get(5)).contains("talent_blocking_retry").contains("(void)(n += (int)__talent_t4); }");
        assertThat(lines.get(6)).startsWith("  __typeof__(((void)0, (fd++))) __talent_t5; __typeof__(talent_read(__talent_t5, &c__talent_w.__talent_o, 1)) __talent_t6; "
                + "__talent_t5 = (fd++); for (;;) {").endsWith("long r = __talent_t6;");
        assertThat(r.diagnostics()).noneMatch(d -> d.message().contains("is not a blocking site"));
        p.compilesWithGcc("a.c");
    }

    @Test
    void aBlockingCallInAStatementExpressionIsOnlyRenamedWithANote() {
        // 3000000000 is a long on x86_64 and a long long on i686: the '?:' has no type spelled alike on every ISA, so the
        // statement expression stays (with 1L it moves since 2026-12-06, h/elvis)
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <unistd.h>
                int main(void) {
                  char c; int fd = 0;
                  long r = fd == 0 ? ({ unsigned k = (unsigned)read(fd, &c, 1); k; }) : 3000000000;
                  return (int)r;
                }
                """);
        CompileResult r = p.compile();
        List<String> lines = CProgram.originalLines(p.instrumented("a.c"));
        assertThat(lines.get(3)).isEqualTo("  long r = fd == 0 ? ({ unsigned k = (unsigned)talent_read(fd, &c__talent_w.__talent_o, 1); k; }) : 3000000000;");
        assertThat(r.diagnostics()).filteredOn(d -> d.severity() == Diagnostic.Severity.NOTE)
                .singleElement().satisfies(d -> {
                    assertThat(d.line()).isEqualTo(4);
                    assertThat(d.message()).contains("is not a blocking site").contains("statement expression");
                });
    }

    @Test
    void theGeneratedCodeCompilesWithoutWarnings() throws Exception {
        CProgram p = CProgram.in(dir).file("a.c", """
                #define _GNU_SOURCE
                #include <stdio.h>
                #include <stdlib.h>
                #include <fcntl.h>
                #include <unistd.h>
                #include <poll.h>
                #include <sys/select.h>
                #include <sys/wait.h>
                #include <time.h>
                int main(void) {
                  FILE *in = fopen("in", "r");
                  char *line = NULL; size_t cap = 0; long got;
                  while ((got = getline(&line, &cap, in)) > 0) { if (write(1, line, (size_t)got) < 0) break; }
                  int fd = open("in", O_RDONLY); char b[8];
                  long n = read(fd, b, sizeof b);
                  struct pollfd pf = { fd, POLLIN, 0 }; int ready = poll(&pf, 1, 0);
                  fd_set rs; FD_ZERO(&rs); struct timeval tv = { 0, 0 }; ready += select(fd + 1, &rs, 0, 0, &tv);
                  int st; pid_t w = waitpid(-1, &st, WNOHANG); w += wait(&st);
                  unsigned left = sleep(0); usleep(1);
                  FILE *out = fdopen(dup(1), "w"); fclose(out); close(fd); fclose(in); free(line);
                  return (int)n + ready + (int)w + (int)left;
                }
                """);
        p.compile();
        Path include = Path.of(System.getProperty("user.dir")).resolveSibling("talent-runtime").resolve("src/main/c/include");
        Process gcc = new ProcessBuilder("gcc", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-fsigned-char", "-c",
                "-I" + include, p.outputDir().resolve("a.c").toString(), "-o", dir.resolve("a.o").toString())
                .redirectErrorStream(true).start();
        String log = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(gcc.waitFor()).as(log).isZero();
    }
}
