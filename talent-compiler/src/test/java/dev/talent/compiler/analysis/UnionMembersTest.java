package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnionMembersTest {
    @TempDir
    Path dir;

    /** compress 4.2's hash key (ncompress, compress42.c:1360), reduced. */
    private static final String PUN = """
            #include <stdio.h>
            static long keys[64];
            static int nkeys;
            int main(void) {
              union { long code; struct { unsigned char c; unsigned short ent; } e; } f;
              long hits = 0;
              f.code = 0;
              for (int i = 0; i < 300; i++) {
                f.e.c = (unsigned char)(i % 10);
                f.e.ent = (unsigned short)(i % 7);
                int k;
                for (k = 0; k < nkeys && keys[k] != f.code; k++) { }
                if (k < nkeys) hits++; else keys[nkeys++] = f.code;
              }
              printf("%ld\\n", hits);
              return 0;
            }
            """;

    @Test
    void aUnionWrittenThroughAStructAndReadAsALongGivesBigEndianIsasAFingerprintOfTheirOwn() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", PUN).compile();
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("union 'union at a.c:5:3' in variable 'f' is written through member 'e'");
        });
        String table = Files.readString(r.programTable());
        assertThat(table).contains("#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__")
                .contains("\"" + r.fingerprint() + "-be\"").contains("\"" + r.fingerprint() + "\"")
                .contains("talent_the_isa_note = \"the program's values depend on the byte order (union 'union at a.c:5:3'"
                        + " in variable 'f' is written through member 'e' (a.c:9:5) and read through 'code' (a.c:12:41)")
                .contains("so a checkpoint moves only between ISAs of the byte order it was written on (write and read the"
                        + " same member of the union to migrate across byte orders)\"");
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(9);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs");
        });
    }

    @Test
    void aParserValueStackReadThroughOtherMembersThanWrittenIsNotReported() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                typedef union { char *s; int i; double d; } YYSTYPE;
                static YYSTYPE stack[16], yylval;
                static int top;
                static void shift(void) { stack[++top] = yylval; }
                int main(void) {
                  YYSTYPE yyval, other;
                  yylval.i = 4; shift();
                  yylval.s = "x"; shift();
                  yyval.d = stack[top - 1].i * 2.5;
                  other.i = 3;
                  printf("%s %g %d\\n", stack[top].s, yyval.d, other.i);
                  return 0;
                }
                """).compile();
        assertThat(Files.readString(r.programTable())).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
    }

    @Test
    void taggedUnionsAndSameSizedNumbersKeepOneFingerprint() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                union v { void *p; long i; double d; };
                union w { unsigned u; float f; };
                struct node { int tag; union { long n; struct node *next; } as; };
                int main(void) {
                  union v a; union w b; struct node x;
                  a.d = 2.5; a.i = 4; a.p = &a;
                  b.f = 1.5f;
                  x.tag = 0; x.as.n = 3;
                  printf("%ld %g %u %p %ld\\n", a.i, a.d, b.u, a.p, x.as.n);
                  return 0;
                }
                """).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
    }

    /** libyaml 0.2.5's yaml_document_delete (api.c:1130-1142), reduced: one member per case of a switch on the tag. */
    private static final String TAGGED = """
            #include <stdio.h>
            #include <stdlib.h>
            enum kind { SCALAR = 1, SEQUENCE, MAPPING };
            typedef struct {
              enum kind type;
              union {
                struct { char *value; size_t length; int style; } scalar;
                struct { struct { int *start, *end, *top; } items; int style; } sequence;
                struct { long pairs; } mapping;
              } data;
            } node_t;
            static node_t nodes[4];
            int main(void) {
              long freed = 0;
              for (int i = 0; i < 4; i++) {
                node_t node = nodes[i];
                switch (node.type) {
                  case SCALAR:
                    freed += node.data.scalar.length;
                    break;
                  case SEQUENCE:
                    node.data.sequence.items.start = node.data.sequence.items.top = 0;
                    break;
                  %s
                  default:
                    node.data.mapping.pairs = 0;
                }
                %s
              }
              printf("%%ld\\n", freed);
              return 0;
            }
            """;

    @Test
    void aTaggedUnionWrittenAndReadThroughOtherMembersInOtherArmsOfASwitchOnItsTagIsNotReported() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", TAGGED.formatted("", "")).compile();
        assertThat(r.binding()).isEmpty();
        assertThat(Files.readString(r.programTable())).doesNotContain("__BYTE_ORDER__");
    }

    @Test
    void anArmThatFallsThroughIntoTheReadingOneStillBindsTheByteOrder() throws Exception {
        // the SEQUENCE arm's write falls into MAPPING's, which reads the scalar's length
        CompileResult r = CProgram.in(dir).file("a.c", TAGGED.replace("items.top = 0;\n        break;", "items.top = 0;")
                .formatted("case MAPPING: freed += (long)node.data.scalar.length; break;", "")).compile();
        assertThat(r.binding()).hasValueSatisfying(b -> assertThat(b.why())
                .contains("is written through member 'sequence' (a.c:22:9) and read through 'scalar' (a.c:23:36)"));
    }

    @Test
    void aTagTheProgramChangesGuardsNothing() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", TAGGED.formatted("", "node.type = SCALAR; freed += node.data.scalar.style;"))
                .compile();
        assertThat(r.binding()).hasValueSatisfying(b -> assertThat(b.why())
                .contains("is written through member 'sequence'").contains("read through 'scalar'"));
    }

    @Test
    void anIfElseOnTheTagSeparatesItsArmsAsASwitchDoes() throws Exception {
        String ifs = """
                #include <stdio.h>
                struct val { int tag; union { long n; struct { short a, b; } pair; } u; };
                static struct val vals[8];
                int main(void) {
                  long s = 0;
                  for (int i = 0; i < 8; i++) {
                    struct val v = vals[i];
                    if (v.tag == 1) v.u.pair.a = 2;
                    else if (v.tag != 2) s += v.u.n;
                    s += v.tag;
                  }
                  printf("%ld\\n", s);
                  return 0;
                }
                """;
        CompileResult r = CProgram.in(dir).file("a.c", ifs).compile();
        assertThat(r.binding()).isEmpty();
        CompileResult pun = CProgram.in(Files.createDirectories(dir.resolve("pun"))).file("a.c",
                ifs.replace("else if (v.tag != 2) ", "")).compile();
        assertThat(pun.binding()).hasValueSatisfying(b -> assertThat(b.why())
                .contains("is written through member 'pair' (a.c:8:21) and read through 'n' (a.c:9:10)"));
    }
}
