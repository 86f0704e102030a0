package dev.talent.compiler.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.CompileResult;
import dev.talent.compiler.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ByteCopiesTest {
    @TempDir
    Path dir;

    private static String program(String type, String copy) {
        return """
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                static unsigned char buf[256];
                static char text[64];
                static void *(*copy)(void *, const void *, size_t) = memmove;
                int main(void) {
                  TYPE v = 7;
                  size_t n = 0;
                  for (int i = 0; i < 10; i++) {
                    COPY;
                    n += sizeof v;
                  }
                  memcpy(text, "abc", 4);
                  copy(buf, &v, sizeof v); /* through a pointer: not seen */
                  printf("%zu %s\\n", n, text);
                  return 0;
                }
                """.replace("TYPE", type).replace("COPY", copy);
    }

    @Test
    void anIntCopiedIntoCharacterStorageGivesBigEndianIsasAFingerprintOfTheirOwn() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("uint32_t", "memcpy(buf + n, &v, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__")
                .contains("\"" + r.fingerprint() + "-be\"").doesNotContain("-32\"")
                .contains("the bytes of a uint32_t are copied into character storage at a.c:11:5");
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("the bytes of a uint32_t are copied into character storage at a.c:11:5");
        });
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(11);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs");
        });
    }

    @Test
    void aLongReadOutOfCharacterStorageAlsoBindsThePointerWidth() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("long", "memcpy(&v, buf + n, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").contains("#elif __SIZEOF_POINTER__ == 4")
                .contains("\"" + r.fingerprint() + "-32\"").contains("the bytes of a long are copied out of character storage");
        assertThat(r.binding()).hasValueSatisfying(b -> assertThat(b.byteOrder() && b.pointerWidth()).isTrue());
    }

    /**
     * A double's bytes in {@code unsigned short} words (mujs's bytecode keeps numbers so): each side is carried in its
     * own units, so across byte orders the words come back swapped one by one and the double reads as another number
     * with exit 0. Bound to the byte order, both ways named.
     */
    @Test
    void aDoubleCopiedIntoShortWordsAndBackBindsTheByteOrder() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <string.h>
                static unsigned short code[16];
                int main(void) {
                  double d = 1.5, e;
                  memcpy(code + 4, &d, sizeof d);
                  memcpy(&e, code + 4, sizeof e);
                  printf("%g\\n", e);
                  return 0;
                }
                """).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").doesNotContain("-32\"")
                .contains("the program's memory holds numbers")
                .contains("the bytes of a double are copied into unsigned short storage at a.c:6:3")
                .contains("the bytes of an unsigned short are copied into double storage at a.c:7:3");
    }

    /** Copies that keep every value's bytes in units of its own size move across byte orders. */
    @Test
    void copiesBetweenOneTypeOrScalarsOfOneSizeDoNotBind() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                struct p { int x; double y; };
                static double grid[8], copy[8];
                static struct p a, b;
                int main(void) {
                  float f = 2.5f; uint32_t bits; int64_t i; double d = 3.0;
                  memcpy(&bits, &f, sizeof f);
                  memcpy(&i, &d, sizeof d);
                  memcpy(copy, grid, sizeof grid);
                  memmove(&b, &a, sizeof a);
                  const double *src = grid; memcpy(copy, src, sizeof copy);
                  printf("%u %lld %g %d\\n", bits, (long long) i, copy[0], b.x);
                  return 0;
                }
                """).compile();
        assertThat(Files.readString(r.programTable())).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
    }

    /** A struct's bytes in an int array: bound (its members are not carried as ints); and the pointer width when it needs it. */
    @Test
    void aStructCopiedIntoAnIntArrayBindsTheByteOrderAndItsWidth() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", """
                #include <string.h>
                struct rec { short tag; long n; };
                static int words[16];
                int main(void) {
                  struct rec r = {1, 2};
                  memcpy(words, &r, sizeof r);
                  return words[0] == 0;
                }
                """).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").contains("\"" + r.fingerprint() + "-32\"")
                .contains("the bytes of a struct rec are copied into int storage at a.c:6:3");
    }

    @Test
    void charactersCopiedIntoCharacterStorageAreNotReported() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", program("char", "memcpy(buf + n, &v, sizeof v)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
    }

    private static String io(String decls, String body) {
        return """
                #include <stdio.h>
                #include <stdint.h>
                #include <unistd.h>
                DECLS
                int main(void) {
                  FILE *f = fopen("/dev/null", "wb");
                  if (!f) return 1;
                  BODY;
                  fclose(f);
                  return 0;
                }
                """.replace("DECLS", decls).replace("BODY", body);
    }

    @Test
    void intsWrittenWithFwriteBindTheByteOrderNamingTheCallAndTheBuffer() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", io("static int v[64];", "fwrite(v, sizeof v[0], 64, f)")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").doesNotContain("-32\"")
                .contains("'fwrite' writes the bytes of 'v' (int) to a file or socket at a.c:8:3")
                .contains("the program's files or sockets hold numbers in this ISA's representation");
        assertThat(r.diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(8);
            assertThat(d.message()).contains("does not move between big-endian (s390x) and little-endian ISAs")
                    .contains("'fwrite' writes the bytes of 'v'");
            assertThat(d.remedy()).contains("fixed order");
        });
    }

    @Test
    void aStructOfRecordsReadWithFreadAlsoBindsThePointerWidth() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", io("struct record { int id; long total; char name[8]; };\n"
                + "static struct record recs[16];", "if (fread(&recs[2], sizeof recs[0], 1, f) != 1) return 2")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).contains("\"" + r.fingerprint() + "-be\"").contains("\"" + r.fingerprint() + "-32\"")
                .contains("'fread' reads the bytes of '&recs[2]' (struct record) from a file or socket at a.c:9:7");
    }

    @Test
    void aDoubleInsideAStructBindsTheWidthButADoubleAloneOnlyTheByteOrder() throws Exception {
        CompileResult inside = CProgram.in(Files.createDirectories(dir.resolve("s"))).file("a.c", io("struct p { int n; double x; } pt;",
                "fwrite(&pt, sizeof pt, 1, f)")).compile();
        assertThat(Files.readString(inside.programTable())).contains("-be\"").contains("-32\"");
        CompileResult alone = CProgram.in(Files.createDirectories(dir.resolve("d"))).file("a.c", io("static double x = 1.5;",
                "fwrite((char *) &x, sizeof x, 1, f)")).compile();
        assertThat(Files.readString(alone.programTable())).contains("-be\"").doesNotContain("-32\"")
                .contains("'fwrite' writes the bytes of '&x' (double)");
    }

    @Test
    void writeAndReadOfANumberThroughVoidCastsAreSeen() throws Exception {
        CompileResult r = CProgram.in(dir).file("a.c", io("static int fds[2];",
                "pid_t pid = getpid(); if (write(fds[1], (const void *) &pid, sizeof pid) < 0) return 3;"
                        + " if (read(fds[0], (void *) &pid, sizeof pid) < 0) return 4")).compile();
        assertThat(Files.readString(r.programTable())).contains("-be\"")
                .contains("'write' writes the bytes of '&pid' (pid_t)").contains("'read' reads the bytes of '&pid' (pid_t)");
    }

    @Test
    void bytesTextVoidBuffersAndStructsOfCharactersAreNotBound() throws Exception {
        // a compressor's header, put together with shifts in an unsigned char buffer; text; a generic buffer; a tar-like
        // header of character fields; a program's own function named write
        CompileResult r = CProgram.in(dir).file("a.c", io("""
                struct tarhdr { char name[100]; char mode[8]; unsigned char flag; };
                static struct tarhdr th;
                static unsigned char hdr[4];
                static uint8_t body[64];
                static _Bool done;
                static int my_write(const char *s, int n) { return n + (s != 0); }
                """, """
                uint32_t n = 1234; hdr[0] = n >> 24; hdr[1] = n >> 16; hdr[2] = n >> 8; hdr[3] = n;
                fwrite(hdr, 1, sizeof hdr, f); fwrite(body, 1, sizeof body, f); fwrite(&th, sizeof th, 1, f);
                fwrite("text\\n", 1, 5, f); fwrite(&done, 1, 1, f);
                void *any = body; fwrite(any, 1, 4, f); fwrite((void *) body, 1, 4, f);
                char line[80]; if (read(0, line, sizeof line) < 0) return 5;
                my_write(line, 3)""")).compile();
        String table = Files.readString(r.programTable());
        assertThat(table).doesNotContain("__BYTE_ORDER__").doesNotContain("talent_the_isa_note");
        assertThat(r.diagnostics()).noneSatisfy(d -> assertThat(d.message()).contains("big-endian"));
    }

    @Test
    void anIovecPointingToANumberBindsAndOnePointingToTextDoesNot() throws Exception {
        String decls = """
                #include <sys/uio.h>
                struct hdr { uint16_t kind; uint16_t len; };
                static struct hdr h = { 1, 5 };
                static char text[8] = "hello";
                static uint32_t seq = 7;
                """;
        CompileResult bound = CProgram.in(Files.createDirectories(dir.resolve("b"))).file("a.c", io(decls, """
                struct iovec iov[2]; iov[0].iov_base = &h; iov[0].iov_len = sizeof h;
                iov[1].iov_base = text; iov[1].iov_len = 5;
                struct iovec more[1] = { { &seq, sizeof seq } };
                if (writev(1, iov, 2) < 0 || writev(1, more, 1) < 0) return 6""")).compile();
        assertThat(Files.readString(bound.programTable())).contains("-be\"").doesNotContain("-32\"")
                .contains("an iovec's 'iov_base' points to the bytes of '&h' (struct hdr) for a file or socket at a.c:13:")
                .contains("'&seq' (uint32_t)").doesNotContain("'text'");
        CompileResult text = CProgram.in(Files.createDirectories(dir.resolve("t"))).file("a.c", io(decls, """
                struct iovec iov = { text, 5 };
                if (writev(1, &iov, 1) < 0) return 6""")).compile();
        assertThat(Files.readString(text.programTable())).doesNotContain("__BYTE_ORDER__");
    }

    private static String words(String decls, String copy) {
        return """
                #include <stdio.h>
                #include <string.h>
                #include <stdint.h>
                struct ref { const char *s; int n; };
                static unsigned short code[64];
                static unsigned char bytes[64];
                DECLS
                int main(void) {
                  const char *str = "abc";
                  struct ref r = { "de", 2 };
                  int k = 3;
                  double d = 1.5;
                  (void)r; (void)k; (void)d; (void)str;
                  for (int i = 0; i < 4; i++) {
                    COPY;
                  }
                  printf("%u %u\\n", code[0], bytes[0]);
                  return 0;
                }
                """.replace("DECLS", decls).replace("COPY", copy);
    }

    @Test
    void aPointerCopiedIntoInstructionWordsIsRenamedAndWarned() throws Exception {
        CProgram p = CProgram.in(dir).file("a.c", words("", "memcpy(code + 4 * i, &str, sizeof str)"));
        String out = p.instrumented("a.c");
        // (str is renamed: a local with a gap after it, emit.FrameGaps)
        assertThat(out).contains("talent_pointer_memcpy(code + 4 * i, &str").contains(", \"a.c:15:5\", "
                + "\"'&str' (const char *) copied by memcpy into 'code + 4 * i' (unsigned short)\");");
        p.compilesWithGcc("a.c");
        assertThat(p.compile().diagnostics()).anySatisfy(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.WARNING);
            assertThat(d.line()).isEqualTo(15);
            assertThat(d.message()).contains("every checkpoint after this call has run is refused");
        });
    }

    @Test
    void aStructHoldingAPointerMovedIntoLongWordsIsRenamed() throws Exception {
        String out = CProgram.in(dir).file("a.c", words("static uint64_t q[8];", "memmove(q, &r, sizeof r)"))
                .instrumented("a.c");
        assertThat(out).contains("talent_pointer_memmove(q, &r").contains(", \"a.c:15:5\", \"'&r' (struct ref) copied by memmove"
                + " into 'q' (unsigned long)\");");
    }

    @Test
    void numbersIntoWordsAndPointersIntoCharactersOrThroughVoidAreNotRenamed() throws Exception {
        String out = CProgram.in(dir).file("a.c", words("static void *any = code;",
                "memcpy(code, &k, sizeof k); memcpy(code + 2, &d, sizeof d); memcpy(bytes, &str, sizeof str);"
                        + " memcpy(any, &str, sizeof str)")).instrumented("a.c");
        assertThat(out).doesNotContain("talent_pointer_mem");
    }

    /**
     * The checked copies of a fortified build or of a project's own {@code memcpy} macro take a fourth argument (the
     * destination's size) the runtime's copy functions do not: the copy is noted through its destination instead, which
     * is evaluated just before the copy runs.
     */
    @Test
    void aCheckedCopyOfAPointerIntoWordsIsNotedThroughItsDestination() throws Exception {
        CProgram p = CProgram.in(dir).file("a.c", words(
                "#define PUT_IN(d, s, n) __builtin___memcpy_chk(d, s, n, __builtin_object_size(d, 0))",
                "PUT_IN(code + 4 * i, &str, sizeof str); __builtin___memmove_chk(code, &r, sizeof r, sizeof code);"
                        + " __builtin___memcpy_chk(code, &k, sizeof k, sizeof code)"));
        String out = p.instrumented("a.c");
        assertThat(out).contains("__builtin___memcpy_chk(talent_pointer_store_at((code + 4 * i), \"a.c:15:5\", \"'&str'"
                        + " (const char *) copied by __builtin___memcpy_chk into 'code + 4 * i' (unsigned short)\"), &str")
                .contains("__builtin___memmove_chk(talent_pointer_store_at((code), \"a.c:15:")
                .contains("__builtin___memcpy_chk(code, &k")
                .doesNotContain("talent_pointer_memcpy").doesNotContain("talent_pointer_memmove");
        p.compilesWithGcc("a.c");
        assertThat(p.compile().diagnostics()).filteredOn(d -> d.message().contains("every checkpoint after this call"))
                .hasSize(2);
    }

    /**
     * The same hiding without a call: a pointer stored through a cast into {@code unsigned long} words (a restored
     * program read through the old address and crashed, on x86_64 -> x86_64 too), or through a pointer the cast made
     * and the program kept. The cast's operand is passed through talent_pointer_store_at (noted when the cast runs);
     * casts of character storage, of {@code void *} and to pointers to numbers are left alone.
     */
    @Test
    void aCastThatMakesIntegerWordsHoldPointersIsNoted() throws Exception {
        CProgram p = CProgram.in(dir).file("a.c", """
                #include <stdlib.h>
                static unsigned long *code;
                static unsigned char bytes[64];
                static void *slot;
                int main(void) {
                  char *s = malloc(8);
                  code = malloc(8 * sizeof *code);
                  *(char **)(code + 2) = s;
                  ((char **)code)[3] = s;
                  char **kept = (char **)(code + 5);
                  *kept = s;
                  *(char **)(bytes + 8) = s;
                  *(char **)slot = s;
                  *(double *)(code + 4) = 1.5;
                  free(s);
                  return kept == 0;
                }
                """);
        String out = p.instrumented("a.c");
        assertThat(out).contains("*(char **)talent_pointer_store_at(((code + 2)), \"a.c:8:4\", \"'s' (char *) copied by a store"
                + " through '(char **)' into 'code + 2' (unsigned long)\") = s;")
                .contains("((char **)talent_pointer_store_at((code), \"a.c:9:4\", ")
                .contains("(char **)talent_pointer_store_at(((code + 5)), \"a.c:10:17\", \"'code + 5' (unsigned long) cast to"
                        + " 'char **', through which pointers may be stored\")")
                .contains("*(char **)(bytes + 8) = s;").contains("*(char **)slot = s;").contains("*(double *)(code + 4) = 1.5;");
        p.compilesWithGcc("a.c");
        assertThat(p.compile().diagnostics()).filteredOn(d -> d.message().contains("every checkpoint after this cast"))
                .extracting(Diagnostic::line).containsExactly(8, 9, 10);
    }

    @Test
    void aPointerCopyWrittenInAMacroIsRenamedToo() {
        // the program's macros are expanded in the text talent instruments (docs/CODEGEN.md "Preprocessing")
        String out = CProgram.in(dir).file("a.c", words("#define PUT(p) memcpy(code, &(p), sizeof(p))", "PUT(str)"))
                .instrumented("a.c");
        assertThat(out).contains("talent_pointer_memcpy(code, &(str").contains("copied by memcpy into 'code' (unsigned short)");
    }
    /**
     * A number's bytes read through a character pointer ({@code (const unsigned char *)&k}, uthash's Jenkins hash over
     * an int key): the hash depends on the byte order, so the build is bound to it (a long's also to the width). A
     * struct pointer cast to {@code char *} for offset arithmetic ({@code container_of}) reads no bytes and binds nothing.
     */
    @Test
    void aNumbersBytesReadThroughACharacterPointerBindTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stddef.h>
                struct item { int key; struct link { struct link *next; } l; };
                static unsigned hash(TYPE k) {
                  const unsigned char *b = (const unsigned char *)&k;
                  unsigned h = 0;
                  for (unsigned i = 0; i < sizeof k; i++) h = h * 31 + b[i];
                  return h;
                }
                int main(void) {
                  struct item it = { 5, { 0 } };
                  struct link *lp = &it.l;
                  struct item *back = (struct item *)((char *)lp - offsetof(struct item, l));
                  unsigned s = 0;
                  for (int i = 0; i < 10; i++) s += hash((TYPE)i) + (unsigned)back->key;
                  printf("%u\\n", s);
                  return 0;
                }
                """;
        for (String d : new String[] {"int", "long", "none"}) Files.createDirectories(dir.resolve(d));
        CompileResult r = CProgram.in(dir.resolve("int")).file("a.c", src.replace("TYPE", "int")).compile();
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("the bytes of an int are read through 'const unsigned char *' at a.c:5:28")
                    .doesNotContain("struct");
        });
        CompileResult l = CProgram.in(dir.resolve("long")).file("a.c", src.replace("TYPE", "long")).compile();
        assertThat(l.binding()).hasValueSatisfying(b -> assertThat(b.byteOrder() && b.pointerWidth()).isTrue());
        CompileResult none = CProgram.in(dir.resolve("none")).file("a.c", src.replace("TYPE", "char")).compile();
        assertThat(none.binding()).isEmpty();
    }

    /**
     * A number array's or a number's bytes seen through {@code char *} and kept where the function does not show its
     * reads (a global, a struct member) or read as characters in it: after a restart on the other byte order the
     * program read the other byte ({@code view[0]} printed 1 for gcc's 4 on x86_64 -> s390x, exit 0), so the build is
     * bound. A {@code char *} kept in a local and read through another cast ({@code *(double *)p}, a byte pointer for
     * offset arithmetic) binds nothing, nor does a character array's.
     */
    @Test
    void aCharViewKeptBeyondTheFunctionOrReadAsCharactersBindsTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                unsigned x[4] = {0x01020304u, 5, 6, 7};
                double d = 1.5;
                char text[8] = "abc";
                char *view;
                struct holder { char *bytes; } hold;
                static void setup(void) { VIEW; }
                int main(void) {
                  char *p = (char *)&d;
                  setup();
                  *(double *)p += 1.0;
                  READ
                  printf("%.1f\\n", d);
                  return 0;
                }
                """;
        String[][] bound = {
            {"global", "view = (char *)x", "printf(\"%d\\n\", view[0]);", "a.c:7:34"},
            {"member", "hold.bytes = (char *)&x[1]", "printf(\"%d\\n\", hold.bytes[0]);", "a.c:7:40"},
            {"read", "(void)0", "char *b = (char *)&x[2]; int h = 0; for (int i = 0; i < 4; i++) h = h * 31 + b[i]; printf(\"%d\\n\", h);", "a.c:12:"},
        };
        for (String[] c : bound) {
            Files.createDirectories(dir.resolve(c[0]));
            CompileResult r = CProgram.in(dir.resolve(c[0])).file("a.c", src.replace("VIEW", c[1]).replace("READ", c[2])).compile();
            assertThat(r.binding()).as(c[0]).hasValueSatisfying(b -> {
                assertThat(b.byteOrder()).isTrue();
                assertThat(b.why()).contains("are read through 'char *' at " + c[3]);
            });
        }
        String[][] free = {
            {"local", "char *q = (char *)x; (void)q", "printf(\"%d\\n\", text[0]);"},
            {"text", "view = (char *)text", "printf(\"%d\\n\", view[0]);"},
        };
        for (String[] c : free) {
            Files.createDirectories(dir.resolve(c[0]));
            CompileResult r = CProgram.in(dir.resolve(c[0])).file("a.c", src.replace("VIEW", c[1]).replace("READ", c[2])).compile();
            assertThat(r.binding()).as(c[0]).isEmpty();
        }
    }

    /**
     * {@code memcmp} over numbers whose result's sign is used (a sort's comparator, {@code < 0}): the order follows the
     * byte order, so the build is bound. Equality ({@code == 0}, {@code !memcmp}, a condition) and character buffers
     * bind nothing.
     */
    @Test
    void memcmpOfNumbersWhoseSignIsUsedBindsTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                static unsigned keys[8] = {0x0100ffu, 0x010000u, 7, 9, 0x2000000u, 3, 5, 1};
                static char names[8][4] = {"b", "a"};
                static int cmp(const void *a, const void *b) {
                  const unsigned *x = a, *y = b;
                  USE
                }
                int main(void) {
                  qsort(keys, 8, sizeof keys[0], cmp);
                  printf("%u %d\\n", keys[0], memcmp(names[0], names[1], 4) < 0);
                  return 0;
                }
                """;
        String[][] bound = {
            {"returned", "return memcmp(x, y, sizeof *x);"},
            {"less", "if (memcmp(x, y, sizeof *x) < 0) return -1; return *x != *y;"},
        };
        for (String[] c : bound) {
            Files.createDirectories(dir.resolve(c[0]));
            CompileResult r = CProgram.in(dir.resolve(c[0])).file("a.c", src.replace("USE", c[1])).compile();
            assertThat(r.binding()).as(c[0]).hasValueSatisfying(b -> {
                assertThat(b.byteOrder()).isTrue();
                assertThat(b.why()).contains("the bytes of 'x' (const unsigned int) are ordered by memcmp at a.c:8:");
            });
        }
        String[][] free = {
            {"equal", "if (memcmp(x, y, sizeof *x) == 0) return 0; return *x < *y ? -1 : 1;"},
            {"not", "if (!memcmp(x, y, sizeof *x)) return 0; return *x < *y ? -1 : 1;"},
            {"condition", "if (memcmp(x, y, sizeof *x)) return *x < *y ? -1 : 1; return 0;"},
        };
        for (String[] c : free) {
            Files.createDirectories(dir.resolve(c[0]));
            CompileResult r = CProgram.in(dir.resolve(c[0])).file("a.c", src.replace("USE", c[1])).compile();
            assertThat(r.binding()).as(c[0]).isEmpty();
        }
    }

    /**
     * A generic comparator, {@code memcmp(a, b, n)} over its own {@code void *} parameters with the sign used, orders by
     * the representation of what it is given: given an array of numbers by qsort or bsearch, or stored where what it is
     * given is not seen (a global function pointer, a variable), the build is bound. Given an array of characters, or
     * comparing for equality only, it binds nothing.
     */
    @Test
    void aGenericMemcmpComparatorBindsWhereWhatItIsGivenIsNumbersOrNotSeen() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stdlib.h>
                #include <string.h>
                static unsigned keys[8] = {0x0100ffu, 0x010000u, 7, 9, 0x2000000u, 3, 5, 1};
                static char names[8][4] = {"b", "a", "d", "c"};
                static int cmp(const void *a, const void *b) {
                  BODY
                }
                SETUP
                int main(void) {
                  USE
                  printf("%u %s\\n", keys[0], names[0]);
                  return 0;
                }
                """;
        String ordered = "return memcmp(a, b, 4);";
        String[][] bound = {
            {"qsort", ordered, "", "qsort(keys, 8, sizeof keys[0], cmp);", "given 'keys' orders by the bytes of what it is given (unsigned int) at a.c:11:"},
            {"bsearch", ordered, "", "unsigned k = 7; printf(\"%d\\n\", bsearch(&k, keys, 8, 4, cmp) != NULL);", "(unsigned int) at a.c:11:"},
            {"global", ordered, "static int (*by)(const void *, const void *) = cmp;", "qsort(names, 8, 4, by);", "(not seen) at a.c:9:"},
            {"variable", ordered, "", "int (*by)(const void *, const void *) = cmp; qsort(names, 8, 4, by);", "(not seen) at a.c:11:"},
            {"called", "int c = memcmp(a, b, 4); return c < 0 ? -1 : c > 0;", "", "printf(\"%d\\n\", cmp(&keys[0], &keys[1]));", "(unsigned int) at a.c:11:"},
        };
        for (String[] c : bound) {
            Files.createDirectories(dir.resolve("g-" + c[0]));
            CompileResult r = CProgram.in(dir.resolve("g-" + c[0]))
                    .file("a.c", src.replace("BODY", c[1]).replace("SETUP", c[2]).replace("USE", c[3])).compile();
            assertThat(r.binding()).as(c[0]).hasValueSatisfying(b -> {
                assertThat(b.byteOrder()).isTrue();
                assertThat(b.why()).contains("the comparator 'cmp' (memcmp at a.c:7:").contains(c[4]);
            });
        }
        String[][] free = {
            {"names", ordered, "", "qsort(names, 8, sizeof names[0], cmp);"},
            {"equal", "return memcmp(a, b, 4) != 0;", "static int (*by)(const void *, const void *) = cmp;", "qsort(keys, 8, 4, by);"},
            {"unused", ordered, "", "qsort(names, 4, 4, cmp);"},
        };
        for (String[] c : free) {
            Files.createDirectories(dir.resolve("g-" + c[0]));
            CompileResult r = CProgram.in(dir.resolve("g-" + c[0]))
                    .file("a.c", src.replace("BODY", c[1]).replace("SETUP", c[2]).replace("USE", c[3])).compile();
            assertThat(r.binding()).as(c[0]).isEmpty();
        }
    }

    /**
     * An array of numbers seen as bytes through a pointer of its own type (bzip2's {@code s->block = (UChar *)s->arr2},
     * an array of UInt32 written and read byte by byte) binds nothing at build time: bzip2's decompression migrated
     * across byte orders before and must still (DebianSourcesIT); the heap binds a block with both views at run time.
     */
    @Test
    void aBufferOfNumbersSeenAsBytesThroughItsPointerBindsNothing() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stdlib.h>
                int main(void) {
                  unsigned *arr = calloc(64, sizeof *arr);
                  unsigned char *block = (unsigned char *)arr;
                  unsigned s = 0;
                  for (int i = 0; i < 256; i++) block[i] = (unsigned char)(i * 7);
                  for (int i = 0; i < 256; i++) s = s * 31 + block[i];
                  printf("%u\\n", s);
                  free(arr);
                  return 0;
                }
                """;
        Files.createDirectories(dir.resolve("view"));
        CompileResult r = CProgram.in(dir.resolve("view")).file("a.c", src).compile();
        assertThat(r.binding()).isEmpty();
    }

    /**
     * A CRC over the bytes of a number array ({@code crc((const unsigned char *)words, sizeof words)}) or of a heap
     * buffer of numbers passed at once to a function of the program that computes from its bytes: the CRC kept across
     * a stop is the other byte order's after a restart on s390x, so the build is bound. A program's own byte copy of
     * such an array ({@code copy((unsigned char *)dst, (const unsigned char *)words, n)}, loads only stored) and a
     * buffer of numbers kept as a byte view in a struct (bzip2's {@code s->block = (UChar *)s->arr2}) bind nothing.
     */
    @Test
    void aNumberArraysBytesComputedFromBindTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stdint.h>
                #include <stdlib.h>
                static uint32_t words[16], other[16];
                struct state { uint32_t *arr; unsigned char *block; };
                static uint32_t crc(const unsigned char *p, size_t n) {
                  uint32_t c = 0;
                  for (size_t i = 0; i < n; i++) c = c * 31 + p[i];
                  return c;
                }
                static void copy(unsigned char *d, const unsigned char *s, size_t n) { for (size_t i = 0; i < n; i++) d[i] = s[i]; }
                int main(void) {
                  uint32_t *heap = calloc(16, sizeof *heap);
                  struct state st = { heap, 0 };
                  st.block = (unsigned char *)st.arr;
                  for (int i = 0; i < 16; i++) words[i] = heap[i] = (uint32_t)i * 2654435761u;
                  copy((unsigned char *)other, (const unsigned char *)words, sizeof words);
                  VIEWS
                  printf("%u\\n", (unsigned)other[3] + st.block[1]);
                  free(heap);
                  return 0;
                }
                """;
        for (String d : new String[] {"array", "heap", "none"}) Files.createDirectories(dir.resolve(d));
        CompileResult r = CProgram.in(dir.resolve("array")).file("a.c", src.replace("VIEWS",
                "printf(\"%u\\n\", (unsigned)crc((const unsigned char *)words, sizeof words));")).compile();
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("the bytes of an unsigned int are read through 'const unsigned char *' at a.c:18:")
                    .doesNotContain("a.c:17:").doesNotContain("a.c:15:");
        });
        CompileResult h = CProgram.in(dir.resolve("heap")).file("a.c", src.replace("VIEWS",
                "printf(\"%u\\n\", (unsigned)crc((uint8_t *)heap, 16 * sizeof *heap));")).compile();
        assertThat(h.binding()).hasValueSatisfying(b -> assertThat(b.why())
                .contains("the bytes of an unsigned int are read through 'uint8_t *' at a.c:18:"));
        CompileResult none = CProgram.in(dir.resolve("none")).file("a.c", src.replace("VIEWS", "")).compile();
        assertThat(none.binding()).isEmpty();
    }

    /**
     * A named character array read as numbers through a cast ({@code *(int *)(T + a + 256 * (b & 31))}, fairymax
     * 5.0b's hash keys): bound to the byte order, naming the array; a {@code long} also to the width; a {@code char *}
     * parameter read so, and a character array read as characters, bind nothing.
     */
    @Test
    void aCharacterArrayReadAsNumbersBindsTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                #define K(A, B) *(TYPE *)(T + (A) + 256 * ((B) & 31))
                static signed char T[8200];
                struct s { char bytes[16]; } st;
                static int viaPointer(const char *p) { return *(const int *)(p + 4); }
                int main(void) {
                  for (int i = 0; i < 8200; i++) T[i] = (signed char)(i * 37);
                  long h = VIEW;
                  printf("%ld %d %d\\n", h, viaPointer((const char *)st.bytes), T[5]);
                  return 0;
                }
                """;
        for (String d : new String[] {"int", "long", "member", "none"}) Files.createDirectories(dir.resolve(d));
        CompileResult i = CProgram.in(dir.resolve("int")).file("a.c", src.replace("TYPE", "int").replace("VIEW", "K(3, 7)"))
                .compile();
        assertThat(i.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("the character array 'T' is read as an int at a.c:8:").doesNotContain("a.c:5:");
        });
        CompileResult l = CProgram.in(dir.resolve("long")).file("a.c", src.replace("TYPE", "long").replace("VIEW", "K(3, 7)"))
                .compile();
        assertThat(l.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isTrue();
        });
        CompileResult m = CProgram.in(dir.resolve("member")).file("a.c", src.replace("TYPE", "int")
                .replace("VIEW", "*(unsigned short *)&st.bytes[2]")).compile();
        assertThat(m.binding()).hasValueSatisfying(b -> assertThat(b.why())
                .contains("the character array 'st.bytes' is read as an unsigned short at a.c:8:"));
        CompileResult none = CProgram.in(dir.resolve("none")).file("a.c", src.replace("TYPE", "int")
                .replace("VIEW", "T[3] + *(T + 4)")).compile();
        assertThat(none.binding()).isEmpty();
    }

    /**
     * A hash over {@code const void *} ({@code hash(&key, sizeof key)}, the callee reading the bytes through
     * {@code const unsigned char *b = data}, or passing them on to a function that does): bound by the call, a
     * {@code long} also to the width; a program's own memcpy through {@code void *} (loads only stored) binds nothing.
     */
    @Test
    void aNumbersBytesHashedThroughAVoidPointerBindTheByteOrder() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stddef.h>
                static unsigned fnv(const void *data, size_t n) {
                  const unsigned char *b = data;
                  unsigned h = 2166136261u;
                  for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 16777619u;
                  return h;
                }
                static unsigned hash(const void *key, size_t n) { return fnv(key, n) % 64; }
                static void *copy(void *dst, const void *src, size_t n) {
                  unsigned char *d = dst; const unsigned char *s = src;
                  while (n--) *d++ = *s++;
                  return dst;
                }
                int main(void) {
                  TYPE key = 7, back = 0;
                  copy(&back, &key, sizeof key);
                  USE
                  printf("%d\\n", (int)back);
                  return 0;
                }
                """;
        for (String d : new String[] {"int", "long", "none"}) Files.createDirectories(dir.resolve(d));
        CompileResult r = CProgram.in(dir.resolve("int")).file("a.c", src.replace("TYPE", "int")
                .replace("USE", "printf(\"%u\\n\", hash(&key, sizeof key));")).compile();
        assertThat(r.binding()).hasValueSatisfying(b -> {
            assertThat(b.byteOrder()).isTrue();
            assertThat(b.pointerWidth()).isFalse();
            assertThat(b.why()).contains("the bytes of an int are read as characters ('&key' passed to 'hash') at a.c:18:")
                    .doesNotContain("'copy'");
        });
        CompileResult l = CProgram.in(dir.resolve("long")).file("a.c", src.replace("TYPE", "long")
                .replace("USE", "printf(\"%u\\n\", hash(&key, sizeof key));")).compile();
        assertThat(l.binding()).hasValueSatisfying(b -> assertThat(b.byteOrder() && b.pointerWidth()).isTrue());
        CompileResult none = CProgram.in(dir.resolve("none")).file("a.c", src.replace("TYPE", "int").replace("USE", "")).compile();
        assertThat(none.binding()).isEmpty();
    }

    /**
     * A pointer's own bytes computed from (uthash's {@code HASH_ADD_PTR}: a hash of an address kept in a table) are
     * wrong after any restart, even on the same ISA: refused at build time, naming each place, through a cast or a
     * {@code const void *} hash; a pointer copied byte by byte (no byte computed from) is not refused.
     */
    @Test
    void aPointersBytesComputedFromAreRefusedByName() throws Exception {
        String src = """
                #include <stdio.h>
                #include <stddef.h>
                static unsigned fnv(const void *data, size_t n) {
                  unsigned h = 2166136261u;
                  for (size_t i = 0; i < n; i++) h = (h ^ ((const unsigned char *)data)[i]) * 16777619u;
                  return h;
                }
                static void copy(void *dst, const void *src, size_t n) {
                  for (size_t i = 0; i < n; i++) ((unsigned char *)dst)[i] = ((const unsigned char *)src)[i];
                }
                static int x, *p = &x, *q;
                int main(void) {
                  copy(&q, &p, sizeof p);
                  HASH
                  printf("%d\\n", *q);
                  return 0;
                }
                """;
        for (String d : new String[] {"cast", "void", "none"}) Files.createDirectories(dir.resolve(d));
        List<Diagnostic> cast = CProgram.in(dir.resolve("cast")).file("a.c", src.replace("HASH",
                "const unsigned char *b = (const unsigned char *)&p; unsigned h = 0;"
                        + " for (size_t i = 0; i < sizeof p; i++) h = h * 31 + b[i]; printf(\"%u\\n\", h % 2);")).rejection();
        assertThat(cast).singleElement().satisfies(d -> {
            assertThat(d.severity()).isEqualTo(Diagnostic.Severity.ERROR);
            assertThat(d.line()).isEqualTo(14);
            assertThat(d.message()).startsWith("the bytes of the pointer '&p' (int *) are read through 'const unsigned char *'")
                    .contains("after any restart, even on this ISA");
        });
        List<Diagnostic> passed = CProgram.in(dir.resolve("void")).file("a.c", src.replace("HASH",
                "printf(\"%u\\n\", fnv(&p, sizeof p) % 2);")).rejection();
        assertThat(passed).singleElement().satisfies(d -> {
            assertThat(d.line()).isEqualTo(14);
            assertThat(d.message()).startsWith("the bytes of the pointer '&p' (int *) are passed to 'fnv'");
        });
        CompileResult none = CProgram.in(dir.resolve("none")).file("a.c", src.replace("HASH", "")).compile();
        assertThat(none.diagnostics()).noneMatch(d -> d.severity() == Diagnostic.Severity.ERROR);
        assertThat(none.binding()).isEmpty();
    }
}
