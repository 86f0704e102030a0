package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.Diagnostic;
import dev.talent.toolchain.RuntimeLibrary;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class WrappedNamesTest {
    @TempDir
    Path dir;

    @Test
    void theCompilerKnowsEveryNameTheLinkWraps() {
        assertThat(WrappedNames.WRAPPED).containsExactlyInAnyOrderElementsOf(
                Stream.concat(RuntimeLibrary.WRAPPED_ALLOCATOR.stream(), RuntimeLibrary.WRAPPED_OTHER.stream()).toList());
    }

    @Test
    void aVariableUsedInItsOwnFileOnlyOrALocalOfTheNameElsewhereIsAccepted() {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                int getopt = 3;
                int twice(int);
                int main(void) { getopt++; printf("%d\\n", twice(getopt)); return 0; }
                """).file("b.c", """
                int twice(int getopt) { int ctime = getopt; return 2 * ctime; }
                """);
        p.compile();
        List<Diagnostic> d = p.analyze().diagnostics();
        assertThat(d).noneSatisfy(x -> assertThat(x.message()).contains("wraps"));
    }

    @Test
    void aVariableDefinedInOneFileAndUsedInAnotherIsRefusedNamingBoth() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                long ctime;
                void tick(void);
                int main(void) { tick(); printf("%ld\\n", ctime); return 0; }
                """).file("b.c", """
                extern long ctime;
                void tick(void) { ctime += 2; }
                """).rejection();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("global variable 'ctime'").contains("-Wl,--wrap=ctime").contains("(b.c:2:")
                    .contains("'__wrap_ctime'");
        });
    }
    @Test
    void aProgramDefiningItsOwnInetNtoaIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                struct in_addr { unsigned s_addr; };
                char *inet_ntoa(struct in_addr a) { static char b[16]; sprintf(b, "%u", a.s_addr); return b; }
                int main(void) { struct in_addr a = { 7 }; puts(inet_ntoa(a)); return 0; }
                """).rejection();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.line()).isEqualTo(3);
            assertThat(x.message()).contains("defines its own 'inet_ntoa'").contains("-Wl,--wrap=inet_ntoa");
        });
    }

    @Test
    void theLinkWrapsEveryFunctionThatGivesAnErrorText() {
        assertThat(RuntimeLibrary.LINK_FLAGS.get(1).split(",")).contains("--wrap=strerror", "--wrap=strerror_l",
                "--wrap=strerror_r", "--wrap=__xpg_strerror_r", "--wrap=strsignal", "--wrap=psignal", "--wrap=gai_strerror",
                "--wrap=hstrerror", "--wrap=herror", "--wrap=regerror");
    }

    /** strerror_r's form depends on the C library's headers (GNU or XSI): a program's own is refused, naming it. */
    @Test
    void aProgramDefiningItsOwnStrerrorRIsRefused() {
        List<Diagnostic> d = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                int strerror_r(int e, char *b, unsigned long n) { return snprintf(b, n, "error %d", e) < 0; }
                int main(void) { char b[32]; strerror_r(2, b, sizeof b); puts(b); return 0; }
                """).rejection();
        assertThat(d).anySatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(x.line()).isEqualTo(2);
            assertThat(x.message()).contains("defines its own 'strerror_r'").contains("-Wl,--wrap=strerror_r");
        });
    }
}
