package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class IoCallsTest {
    @TempDir
    Path dir;

    @Test
    void fileCallsBecomeWrappersWithTheirPosition() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <fcntl.h>
                #include <unistd.h>
                #pragma talent nocheckpoint
                int main(void) {
                  FILE *f = fopen("x.txt", "w");
                  FILE *g = fdopen(1, "w"); f = freopen("y.txt", "a", f);
                  int fd = open("z", O_WRONLY | O_CREAT, 0644), fd2 = open("z", O_RDONLY);
                  int fd3 = creat("w", 0600);
                  dup2(dup(fd), fd3); close(fd); close(fd2);
                  return fclose(f) + fclose(g);
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(5)).isEqualTo("  FILE *f = talent_fopen(\"x.txt\", \"w\", \"a.c:6:13\");");
        assertThat(lines.get(6)).isEqualTo("  FILE *g = talent_fdopen(1, \"w\", \"a.c:7:13\"); f = talent_freopen(\"y.txt\", \"a\", f, \"a.c:7:33\");");
        assertThat(lines.get(7)).isEqualTo("  int fd = talent_open(\"z\", O_WRONLY | O_CREAT, 0644, \"a.c:8:12\"), "
                + "fd2 = talent_open(\"z\", O_RDONLY, 0, \"a.c:8:55\");");
        assertThat(lines.get(8)).isEqualTo("  int fd3 = talent_creat(\"w\", 0600, \"a.c:9:13\");");
        assertThat(lines.get(9)).isEqualTo("  talent_dup2(talent_dup(fd), fd3); talent_close(fd); talent_close(fd2);");
        assertThat(lines.get(10)).isEqualTo("  return talent_fclose(f) + talent_fclose(g);");
    }

    @Test
    void pcloseAndClosedirBecomeWrappersWithoutAPosition() {
        String out = CProgram.in(dir).file("a.c", """
                #define _GNU_SOURCE
                #include <dirent.h>
                #include <stdio.h>
                #pragma talent nocheckpoint
                int main(void) {
                  FILE *p = popen("true", "r"); DIR *d = opendir(".");
                  return pclose(p) + closedir(d);
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(5)).isEqualTo("  FILE *p = talent_popen(\"true\", \"r\", \"a.c:6:13\"); DIR *d = talent_opendir(\".\", \"a.c:6:42\");");
        assertThat(lines.get(6)).isEqualTo("  return talent_pclose(p) + talent_closedir(d);");
    }

    @Test
    void callsMakingADescriptorWithoutAPathGetTheirPosition() {
        String out = CProgram.in(dir).file("a.c", """
                #define _GNU_SOURCE
                #include <sys/eventfd.h>
                #include <sys/inotify.h>
                #include <sys/socket.h>
                #include <unistd.h>
                #pragma talent nocheckpoint
                int main(void) {
                  int sv[2], pp[2];
                  int r = socketpair(AF_UNIX, SOCK_STREAM, 0, sv) + pipe(pp) + pipe2(pp, 0);
                  int e = eventfd(0, 0), i = inotify_init(), s = socket(AF_INET, SOCK_DGRAM, 0);
                  return r + e + i + s;
                }
                """).instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(8)).isEqualTo("  int r = talent_socketpair(AF_UNIX, SOCK_STREAM, 0, sv, \"a.c:9:11\") + "
                + "talent_pipe(pp, \"a.c:9:53\") + talent_pipe2(pp, 0, \"a.c:9:64\");");
        assertThat(lines.get(9)).isEqualTo("  int e = talent_eventfd(0, 0, \"a.c:10:11\"), i = talent_inotify_init(\"a.c:10:30\"), "
                + "s = talent_socket(AF_INET, SOCK_DGRAM, 0, \"a.c:10:50\");");
    }

    @Test
    void blockingCallsOfANocheckpointFunctionAreOnlyRenamed() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <unistd.h>
                #include <time.h>
                #pragma talent nocheckpoint
                int main(void) {
                  char b[8]; struct timespec t = { 0, 1 };
                  while (read(0, b, sizeof b) > 0) { sleep(0); usleep(1); nanosleep(&t, 0); }
                  return fgets(b, sizeof b, stdin) != 0;
                }
                """);
        String out = p.instrumented("a.c");
        List<String> lines = CProgram.originalLines(out);
        assertThat(lines.get(6)).isEqualTo("  while (talent_read(0, b, sizeof b) > 0) { talent_sleep(0); talent_usleep(1); talent_nanosleep(&t, 0); }");
        assertThat(lines.get(7)).isEqualTo("  return talent_fgets(b, sizeof b, stdin) != 0;");
        assertThat(out).doesNotContain("talent_blocking_retry").doesNotContain("talent_site_slow");
    }

    @Test
    void aUserFunctionNamedLikeALibraryCallIsLeftAlone() {
        String out = CProgram.in(dir).file("a.c", """
                #include <stddef.h>
                static int calls;
                long read(int fd, void *buf, size_t n) { (void)fd; (void)buf; calls++; return (long)n; }
                int close(int fd) { return fd; }
                int main(void) { char b[4]; long n = read(0, b, 4); return (int)n + close(3) + calls; }
                """).instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(4))
                .isEqualTo("int talent_user_main(void) { char b[4]; long n = read(0, b, 4); return (int)n + close(3) + calls; }");
        assertThat(out).doesNotContain("talent_read").doesNotContain("talent_close").doesNotContain("talent_blocking_retry");
    }

    @Test
    void aPrototypeOutsideSystemHeadersIsNotTheLibraryFunction() {
        CProgram p = CProgram.in(dir).file("io.h", """
                long read(int fd, void *buf, unsigned long n);
                """).file("a.c", """
                #include "io.h"
                int main(void) { char b[4]; return (int)read(0, b, 4); }
                """);
        String out = p.instrumented("a.c");
        assertThat(out).doesNotContain("talent_read");
    }

    /** The unit is preprocessed: a call written in a macro of the program is handled like any other. */
    @Test
    void callsWrittenInTheProgramsMacrosAreHandledLikeOthers() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <unistd.h>
                #define OPEN_LOG() fopen("log", "a")
                #define READ1(b) read(0, b, 1)
                int main(void) {
                  FILE *f = OPEN_LOG();
                  char c;
                  long n = READ1(&c);
                  return f != 0 && n > 0;
                }
                """);
        CompileResult r = p.compile();
        String out = p.instrumented("a.c");
        assertThat(CProgram.originalLines(out).get(5)).isEqualTo("  FILE *f = talent_fopen(\"log\", \"a\", \"a.c:6:13\");");
        assertThat(CProgram.originalLines(out).get(7)).doesNotContain("READ1");
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("macro expansion"));
    }
}
