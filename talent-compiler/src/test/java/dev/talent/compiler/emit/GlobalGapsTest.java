package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GlobalGaps alone: input, expected output. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GlobalGapsTest {
    @TempDir
    Path dir;

    private String gapped(String source) {
        var e = OneEmitter.of(dir, source);
        new GlobalGaps(e.unit.tu(), e.plan).emitFileScope();
        return e.text();
    }

    @Test
    void eachObjectOfADeclarationGetsItsOwnDeclarationAndAGapAfterIt() {
        assertThat(gapped("""
                static int a[4], *b = a, (*c)[2];
                const char *const names[2] = { "x", "y" }, *const *n = names;
                int main(void) { return a[0] + (b == a) + (c == 0) + (n == names); }
                """)).isEqualTo("""
                static int a[4]; TALENT_GAP(__talent_gap0) static int *b = a; TALENT_GAP(__talent_gap1) static int (*c)[2]; \
                TALENT_GAP(__talent_gap2)
                const char *const names[2] = { "x", "y" }; TALENT_GAP(__talent_gap3) const char *const *n = names; \
                TALENT_GAP(__talent_gap4)
                int main(void) { return a[0] + (b == a) + (c == 0) + (n == names); }
                """);
    }

    @Test
    void aDeclaratorRightAfterItsCommaIsKeptApartFromTheSpecifiers() {
        // fairymax 5.0b: `int M=136,S=256,...,GT,` / `BW,BH,...;` became `int M=136; TALENT_GAP(..) intS=256; ...`,
        // and gcc rejected the generated file (`intS` undeclared type, every global after it undeclared)
        assertThat(gapped("""
                int M=136,S=256,
                BW,*p=&M;
                int main(void) { return M + S + BW + *p; }
                """)).isEqualTo("""
                int M=136; TALENT_GAP(__talent_gap0) int S=256; TALENT_GAP(__talent_gap1) int
                BW; TALENT_GAP(__talent_gap2) int *p=&M; TALENT_GAP(__talent_gap3)
                int main(void) { return M + S + BW + *p; }
                """);
    }

    @Test
    void aDeclarationWhoseInitialiserIsAnIncludedFileGetsItsGapAfterItsSemicolon() {
        // bc 1.07.1's global.c: the gap came right after the header's last token, before the `;` (gcc: "expected ','
        // or ';' before 'static'")
        var e = OneEmitter.of(dir.resolve(""), source("""
                const char *lib[] =
                #include "lib.h"
                ;
                int main(void) { return lib[0][0] != 'x'; }
                """));
        new GlobalGaps(e.unit.tu(), e.plan).emitFileScope();
        assertThat(e.text()).containsPattern("\\{ \"x\", 0 \\}\n#line 3 \"[^\"]*a\\.c\"\n; TALENT_GAP\\(__talent_gap0\\)\n")
                .doesNotContain("0 } TALENT_GAP");
    }

    private String source(String text) {
        try {
            java.nio.file.Files.writeString(dir.resolve("lib.h"), "{ \"x\", 0 }\n");
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        return text;
    }

    @Test
    void aDeclarationWhoseInitialisersAreMacrosIsSplitToo() {
        // bc 1.07.1's util.c: `static char *arglist1 = NULL, *arglist2 = NULL;` stayed one declaration, its objects
        // side by side (NULL is a system header's macro, which the unit's preprocessing leaves as written)
        assertThat(gapped("""
                #include <stddef.h>
                static char *a1 = NULL, *a2 = NULL;
                int main(void) { return a1 == a2; }
                """)).contains("static char *a1 = NULL; TALENT_GAP(__talent_gap0) static char *a2 = NULL; TALENT_GAP(__talent_gap1)");
    }

    @Test
    void aDeclarationThatDefinesATaggedTypeIsSplitNamingTheTag() {
        // gsm 1.0.22's toast: `struct fmtdesc { ... } f_audio = {...}, f_ulaw = {...}, ...;` stayed one declaration,
        // its objects side by side on i686, and a restart there refused `&f_alaw` as also one past the end of f_ulaw
        assertThat(gapped("""
                static const struct fmt { const char *name; int (*in)(int); } fa = { "a", 0 }, fb = { "b", 0 };
                int main(void) { return fa.name[0] + fb.name[0]; }
                """)).isEqualTo("""
                static const struct fmt { const char *name; int (*in)(int); } fa = { "a", 0 }; TALENT_GAP(__talent_gap0) \
                static const struct fmt fb = { "b", 0 }; TALENT_GAP(__talent_gap1)
                int main(void) { return fa.name[0] + fb.name[0]; }
                """);
    }

    @Test
    void aDeclarationThatDefinesATypeKeepsItsObjectsTogetherWithAGapAfter() {
        assertThat(gapped("""
                struct { int x; } p, q;
                extern int e;
                int e = 3;
                int main(void) { return p.x + q.x + e; }
                """)).isEqualTo("""
                struct { int x; } p, q; TALENT_GAP(__talent_gap0)
                extern int e;
                int e = 3; TALENT_GAP(__talent_gap1)
                int main(void) { return p.x + q.x + e; }
                """);
    }

    @Test
    void aDeclarationAMacroWritesIsSplitOnceTheMacroIsExpanded() {
        // the unit's state-declaring macros are expanded before the analysis (UnitPreprocessor)
        assertThat(gapped("""
                #define STATE(T, x, y) static T x[6], y[4];
                STATE(int, c, b)
                int main(void) { return c[0] + b[0]; }
                """)).contains("static int c[6]; TALENT_GAP(__talent_gap0) static int b[4]; TALENT_GAP(__talent_gap1)");
    }
}
