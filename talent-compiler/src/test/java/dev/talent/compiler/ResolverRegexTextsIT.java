package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.toolchain.Isa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * glibc's texts of gai_strerror, hstrerror, herror and regerror on every platform (the runtime's errtexts.c): musl's
 * differ for every code that has a text, and regerror's result (the text's size) with them, so a program moved from
 * glibc to musl printed other texts with exit 0. The program prints every code's text, a loop between them (the
 * stops); its stdout and stderr must equal plain gcc's (glibc) run on every platform and through a chain that passes
 * musl.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ResolverRegexTextsIT {
    @TempDir
    Path work;

    /**
     * Before, on musl: "gai -2 Name does not resolve" for glibc's "Name or service not known", "h 1 Host not found"
     * for "Unknown host", regerror(REG_EBRACK) 12 "Missing ']'" for 31 "Unmatched [, [^, [:, [., or [=".
     */
    static final String TEXTS = """
            #include <netdb.h>
            #include <regex.h>
            #include <stdio.h>
            #include <string.h>
            static unsigned work(unsigned n) {
              unsigned h = n;
              for (unsigned i = 0; i < 50; i++) h = h * 31u + i;
              return h;
            }
            int main(void) {
              unsigned h = 0;
              for (int c = -110; c <= 2; c++) {
                h += work((unsigned)c);
                printf("gai %d %s | %u\\n", c, gai_strerror(c), h % 1000);
              }
              for (int c = -2; c <= 6; c++) {
                h += work((unsigned)c);
                printf("h %d %s\\n", c, hstrerror(c));
                fflush(stdout);
                h_errno = c;
                herror(c % 2 ? "herror" : NULL);
              }
              regex_t re;
              int bad = regcomp(&re, "a[b", 0);
              char msg[20];
              size_t need = regerror(bad, &re, msg, sizeof msg);
              printf("regcomp %d: %zu [%s]\\n", bad, need, msg);
              for (int c = 0; c <= 16; c++) {
                h += work((unsigned)c);
                char buf[64];
                memset(buf, 0, sizeof buf);
                size_t n = regerror(c, NULL, buf, (size_t)(c + 8));
                printf("reg %d %zu %zu [%s] %u\\n", c, n, regerror(c, NULL, NULL, 0), buf, h % 1000);
              }
              if (regcomp(&re, "^[a-z]+$", REG_EXTENDED) == 0) {
                int nomatch = regexec(&re, "A1", 0, NULL, 0);
                need = regerror(nomatch, &re, msg, sizeof msg);
                printf("regexec %d: %zu [%s]\\n", nomatch, need, msg);
                regfree(&re);
              }
              return 3;
            }
            """;

    /**
     * A program that defines strerror itself keeps its own (the wrapper forwards to it), and the runtime's messages
     * give the C library's texts all the same: before, they called strerror and printed the program's text
     * ("cannot read configuration file ...: own text 2").
     */
    @Test
    void theRuntimesMessagesDoNotCallTheProgramsOwnStrerror() throws Exception {
        Run plain = MigratesLikeGcc.plainGcc(work, "own", """
                #include <stdio.h>
                char *strerror(int e) { static char b[32]; snprintf(b, sizeof b, "own text %d", e); return b; }
                int main(void) {
                  unsigned h = 0;
                  for (int i = 0; i < 10; i++) h = h * 31u + (unsigned)i;
                  printf("%s %u\\n", strerror(2), h);
                  return 0;
                }
                """);
        assertThat(plain.out()).startsWith("own text 2 ");
        Path exe = link(Target.of(Isa.X86_64), MigratesLikeGcc.compiled(work, "own"), work.resolve("own.x86_64"));
        Run straight = run(List.of(exe.toString()), Map.of(), null);
        assertThat(straight.out()).isEqualTo(plain.out());
        Path missing = work.resolve("no-such.conf");
        Run configured = run(List.of(exe.toString()), Map.of("TALENT_CONFIG", missing.toString()), null);
        assertThat(configured.rc()).as(configured.err()).isNotZero();
        assertThat(configured.err()).contains("cannot read configuration file " + missing + ": No such file or directory")
                .doesNotContain("own text");
    }

    private static Target musl() {
        Assumptions.assumeTrue(MigratesLikeGcc.onPath("musl-gcc"), "musl-gcc is installed by talent's packages");
        return MigratesLikeGcc.musl();
    }

    @Test
    void everyTextIsGlibcsOnEveryPlatformAndThroughMusl() throws Exception {
        List<Target> platforms = List.of(Target.of(Isa.X86_64), musl(), Target.of(Isa.S390X), Target.of(Isa.I686));
        Run built = MigratesLikeGcc.plainGcc(work, "texts", TEXTS);
        assertThat(built.rc()).isEqualTo(3);
        Path orig = Files.createDirectories(work.resolve("gcc")).resolve("texts");
        Files.move(work.resolve("texts.orig"), orig);
        Run plain = run(List.of(orig.toString()), Map.of(), null);
        assertThat(plain.rc()).isEqualTo(3);
        assertThat(plain.out()).contains("gai -2 Name or service not known").contains("h 1 Unknown host")
                .contains("regcomp 7: 31 [Unmatched [, [^, [:]").contains("reg 14 36 36 [Premature end of regu]")
                .contains("regexec 1: 9 [No match]");
        assertThat(plain.err()).contains("herror: Unknown host\n").contains("Resolver Error 0 (no error)\n");
        CompileResult program = MigratesLikeGcc.compiled(work, "texts");
        List<Path> exes = new ArrayList<>();
        for (Target t : platforms) {
            exes.add(link(t, program, Files.createDirectories(work.resolve(t.name())).resolve("texts")));
        }
        // uninterrupted on each platform: glibc's texts wherever the program runs
        for (int i = 0; i < platforms.size(); i++) {
            Run straight = run(command(platforms.get(i), exes.get(i)), Map.of(), null);
            assertThat(straight.out()).as("stdout on " + platforms.get(i).name()).isEqualTo(plain.out());
            assertThat(straight.err()).as("stderr on " + platforms.get(i).name()).isEqualTo(plain.err());
            assertThat(straight.rc()).isEqualTo(3);
        }
        // x86_64 -> x86_64-musl -> s390x; work() is about 51 site visits, so the gai_strerror loop ends near visit
        // 5760, hstrerror's near 6220, regerror's near 7090: musl runs part of each loop in one of the rows
        MigratesLikeGcc.chainEqualsGccWithStderr(work, platforms.subList(0, 3), exes.subList(0, 3),
                new int[][] {{2000, 3900}, {5800, 800}, {100, 6300}, {6300, 700}}, plain);
    }
}
