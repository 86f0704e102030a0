package dev.talent.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program whose text differs between the ISAs is preprocessed, analysed and instrumented per ISA
 * (PerIsaCompilation); ISAs whose descriptions of the state agree share a fingerprint, the others are told apart
 * and their builds carry a note naming what differs (FormatDescription). docs/CODEGEN.md "Preprocessing".
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PerIsaPreprocessingTest {
    @TempDir
    Path dir;

    static final List<String> SIXTY_FOUR = List.of("x86_64", "aarch64", "s390x", "riscv64");

    /** The state's type depends on the width of long: a struct of one member on LP64, of two on ILP32. */
    static final String STATE_TYPE = """
            #include <stdio.h>
            #include <limits.h>
            #if ULONG_MAX == 0xffffffffffffffffUL
            typedef struct { unsigned long v; } state;
            #else
            typedef struct { unsigned long h, l; } state;
            #endif
            static state S;
            int main(void) {
              for (int i = 0; i < 100; i++) {
            #if ULONG_MAX == 0xffffffffffffffffUL
                S.v += (unsigned long)i << 33;
            #else
                S.h += (unsigned long)i << 1; S.l += (unsigned long)i;
            #endif
              }
              printf("%d\\n", (int)sizeof S);
              return 0;
            }
            """;

    /** Only code differs: the same state (a 64-bit word) on every ISA. */
    static final String CODE_ONLY = """
            #include <stdio.h>
            #include <stdint.h>
            #include <limits.h>
            #if ULONG_MAX == 0xffffffffffffffffUL
            #define ROT(x) (((x) << 7) | ((x) >> 57))
            #else
            #define ROT(x) ((uint64_t)(((uint32_t)((x) >> 25) | (uint32_t)((x) << 39 >> 32)) | ((uint64_t)(uint32_t)((x) >> 57 << 7) << 32)))
            #endif
            static uint64_t acc = 1;
            int main(void) {
              for (int i = 0; i < 100; i++) acc = ROT(acc) + (uint64_t)i;
              printf("%llu\\n", (unsigned long long)acc);
              return 0;
            }
            """;

    @Test
    void aStateWhoseTypeDiffersSplitsTheIsasAndNamesTheType() throws IOException {
        CompileResult r = CProgram.in(dir).file("m.c", STATE_TYPE).compile();
        assertThat(r.byIsa()).containsOnlyKeys("x86_64", "aarch64", "s390x", "riscv64", "i686");
        for (String isa : SIXTY_FOUR) assertThat(r.forIsa(isa).fingerprint()).isEqualTo(r.forIsa("x86_64").fingerprint());
        assertThat(r.forIsa("i686").fingerprint()).isNotEqualTo(r.forIsa("x86_64").fingerprint());
        // each ISA's own text
        assertThat(text(r.forIsa("x86_64").instrumentedSources().getFirst())).contains("S.v +=").doesNotContain("S.h +=");
        assertThat(text(r.forIsa("i686").instrumentedSources().getFirst())).contains("S.h +=").doesNotContain("S.v +=");
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .contains("does not move between x86_64, aarch64, s390x, riscv64 and i686")
                .contains("type 'state' of m.c is state { v: unsigned long } on x86_64,aarch64,s390x,riscv64 but "
                        + "state { h: unsigned long, l: unsigned long } on i686")
                .contains("global 'm.c:S'"));
        // the runtime's refusal names it too
        assertThat(text(r.forIsa("i686").programTable())).contains("talent_the_isa_note").contains("type 'state'");
        assertThat(text(r.forIsa("s390x").programTable())).contains("talent_the_isa_note");
        // what talent build writes to NAME.binding: the classes of ISAs a checkpoint moves between
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder() || b.pointerWidth()).isFalse();
            assertThat(b.isaClasses()).containsExactly(List.of("x86_64", "aarch64", "s390x", "riscv64"), List.of("i686"));
            assertThat(b.why()).contains("describe its state differently on i686 than on x86_64, aarch64, s390x, riscv64")
                    .contains("type 'state'");
        });
    }

    @Test
    void onlyCodeDiffersOneFingerprintAndNoNote() throws IOException {
        CompileResult r = CProgram.in(dir).file("m.c", CODE_ONLY).compile();
        assertThat(r.byIsa()).hasSize(5);
        assertThat(r.byIsa().values().stream().map(CompileResult::fingerprint).distinct()).hasSize(1);
        assertThat(r.forIsa("x86_64").programTable()).isNotEqualTo(r.forIsa("i686").programTable());
        assertThat(text(r.forIsa("i686").programTable())).doesNotContain("talent_the_isa_note");
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("does not move"));
        assertThat(r.binding()).isEmpty();
    }

    @Test
    void aVariableOnOneIsaOnlyIsNamedWithThatIsa() {
        CompileResult r = CProgram.in(dir).file("m.c", """
                #ifdef __s390x__
                int big_endian_marker;
                #endif
                int total;
                int main(void) { for (int i = 0; i < 10; i++) total += i; return total == 45 ? 0 : 1; }
                """).compile();
        assertThat(r.forIsa("s390x").fingerprint()).isNotEqualTo(r.forIsa("x86_64").fingerprint());
        assertThat(r.forIsa("i686").fingerprint()).isEqualTo(r.forIsa("x86_64").fingerprint());
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message())
                .contains("between x86_64, aarch64, riscv64, i686 and s390x")
                .contains("global 'big_endian_marker' is (none) on x86_64,aarch64,riscv64,i686 but int on s390x"));
    }

    @Test
    void aConstantTableOfAnotherSizeDoesNotSplitTheIsasButIsNoted() {
        // as zlib's crc32.c: braid tables of 8 words on LP64, of 4 on ILP32; a checkpoint never holds them
        CompileResult r = CProgram.in(dir).file("m.c", """
                #include <limits.h>
                #if ULONG_MAX == 0xffffffffffffffffUL
                #define W 8
                #else
                #define W 4
                #endif
                static const unsigned table[W][4] = {{1}};
                unsigned total;
                int main(void) { for (int i = 0; i < W; i++) total += table[i][0]; return 0; }
                """).compile();
        assertThat(r.forIsa("i686").fingerprint()).isEqualTo(r.forIsa("x86_64").fingerprint());
        assertThat(r.diagnostics()).anySatisfy(d -> assertThat(d.message()).startsWith("constant tables differ between")
                .contains("global 'm.c:table' is const unsigned int[8][4]"));
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("does not move"));
    }

    @Test
    void aVaListParameterIsNeverSavedAsX86sPointer() {
        // as zlib's gzvprintf: x86_64's clang sees the parameter as 'struct __va_list_tag *', which aarch64's gcc
        // rejected in the shared text when it was saved; now the function with the va_list parameter is a region
        // where no checkpoint is taken (VaListBrackets), and nothing saves a va_list on any ISA
        CProgram p = CProgram.in(dir).file("m.c", """
                #include <stdarg.h>
                #include <stdio.h>
                static int vsum(int n, va_list ap) { int t = 0; for (int i = 0; i < n; i++) t += va_arg(ap, int); return t; }
                static int sum(int n, ...) { va_list ap; va_start(ap, n); int t = vsum(n, ap); va_end(ap); return t; }
                int main(void) { printf("%d\\n", sum(3, 1, 2, 3)); return 0; }
                """);
        String out = p.instrumented("m.c");
        assertThat(out).doesNotContain("\"ap\"").contains("talent_va_enter(&__talent_vas, 1)");
        p.compilesWithGcc("m.c");
    }

    @Test
    void aLongHelpTextInATextThatDiffersPerIsaIsDescribed() throws IOException {
        // as pdlzip 1.12's show_help: printf of 3,000 characters in adjacent literals, in a program whose text
        // differs per ISA (SIZE_MAX / ULONG_MAX tests); the literal is a row of the unit's tables, and the
        // description of those tables read it with a regular expression that overflowed the stack
        String help = "  -x, --example                   a line of a help text with a \\\"quote\\\"\\n".repeat(400);
        CompileResult r = CProgram.in(dir).file("m.c", """
                #include <stdio.h>
                #include <limits.h>
                #if ULONG_MAX == 0xffffffffffffffffUL
                static unsigned long long acc = 1;
                #else
                static unsigned long long acc = 2;
                #endif
                int main(void) {
                  printf("%s");
                  for (int i = 0; i < 100; i++) acc = acc * 31 + (unsigned)i;
                  printf("%%llu\\n", acc);
                  return 0;
                }
                """.formatted(help)).compile();
        assertThat(r.byIsa()).hasSize(5);
        assertThat(r.forIsa("i686").fingerprint()).isEqualTo(r.forIsa("x86_64").fingerprint());
        assertThat(text(r.forIsa("x86_64").instrumentedSources().getFirst())).contains("a help text with");
    }

    @Test
    void theFastPathKeepsOneTextWhenNothingDependsOnTheIsa() {
        CompileResult r = CProgram.in(dir).file("m.c", """
                #include <limits.h>
                #if INT_MAX > 32767
                int x;
                #endif
                int main(void) { for (int i = 0; i < 3; i++) x += i; return 0; }
                """).compile();
        assertThat(r.byIsa()).isEmpty();
        assertThat(r.forIsa("i686")).isSameAs(r);
    }

    private static String text(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.ISO_8859_1);
    }
}
