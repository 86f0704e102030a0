package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.CProgram;
import dev.talent.compiler.analysis.Diagnostics;
import dev.talent.compiler.analysis.Globals;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tables appended to one file, from its analysis alone (no other emitter runs). */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UnitTablesTest {
    @TempDir
    Path dir;

    @Test
    void globalsAllocationSitesAliasesAndTheUnitRecord() {
        var u = CProgram.in(dir).file("a.c", """
                static const double scale = 2.0;
                int count;
                static int twice(int x) { return 2 * x; }
                int main(void) { int (*f)(int) = twice; return f(count) + (int)scale; }
                """).analyze().unit("a.c");
        Diagnostics diags = new Diagnostics();
        UnitTables tables = new UnitTables(u.tu(), 3, u.graph(), new TypeDescriptors(u.types()), diags);
        Map<String, String> allocSites = new LinkedHashMap<>();
        allocSites.put("a.c:9:9", "&talent_td_7");
        String out = tables.text(Globals.find(u.tu(), u.types(), u.statics(), diags), allocSites, u.functions());
        assertThat(out.lines()).containsExactly(
                "",
                UnitTables.MARK,
                "static const talent_type talent_td_0 = TALENT_FLOAT_TYPE(double, \"double\");",
                "static const talent_type talent_td_1 = TALENT_INT_TYPE(int, \"int\");",
                "static const talent_global talent_unit_3_globals[] = {",
                "  { \"a.c:scale\", \"scale\", \"a.c:1:21\", (void *)&scale, &talent_td_0, 1 },",
                "  { \"count\", \"count\", \"a.c:2:5\", (void *)&count, &talent_td_1, 0 },",
                "};",
                "static const talent_alloc_site talent_unit_3_alloc_sites[] = {",
                "  { \"a.c:9:9\", &talent_td_7 },",
                "};",
                // only the function whose address is taken; main is not
                "extern __typeof__(twice) talent_fn_0 __attribute__((alias(\"twice\")));",
                "const talent_unit talent_unit_3 = { \"a.c\", talent_unit_3_globals, sizeof talent_unit_3_globals / sizeof "
                        + "talent_unit_3_globals[0], talent_unit_3_alloc_sites, sizeof talent_unit_3_alloc_sites / sizeof "
                        + "talent_unit_3_alloc_sites[0], 0, 0 };");
        assertThat(diags.all()).isEmpty();
    }

    @Test
    void aFileWithoutGlobalsOrSitesHasAnEmptyUnitRecord() {
        var u = CProgram.in(dir).file("a.c", "int main(void) { return 0; }\n").analyze().unit("a.c");
        Diagnostics diags = new Diagnostics();
        String out = new UnitTables(u.tu(), 0, u.graph(), new TypeDescriptors(u.types()), diags)
                .text(Globals.find(u.tu(), u.types(), u.statics(), diags), Map.of(), u.functions());
        assertThat(out).isEqualTo("\n" + UnitTables.MARK + "\nconst talent_unit talent_unit_0 = { \"a.c\", 0, 0, 0, 0, 0, 0 };\n");
    }

    @Test
    void stringLiteralsAreListedOnceEachAsClangSpellsThem() {
        var u = CProgram.in(dir).file("a.c", """
                static const char *const NONE = "(none)";
                char buf[] = "arr";
                int main(void) {
                  const char *s = "(none)";
                  const char *e = "x\\001y\\n\\"q" "cat";
                  const void *w = L"wide";
                  return (s == NONE) + (e[0] == 'x') + (w != 0) + buf[0];
                }
                """).analyze().unit("a.c");
        Diagnostics diags = new Diagnostics();
        String out = new UnitTables(u.tu(), 0, u.graph(), new TypeDescriptors(u.types()), diags)
                .text(Globals.find(u.tu(), u.types(), u.statics(), diags), Map.of(), u.functions());
        // the array initialiser "arr" is listed too (harmless: one more literal object); the wide one is a global
        assertThat(out).contains("""
                static const talent_literal talent_unit_0_literals[] = {
                  { "(none)", sizeof "(none)" - 1 },
                  { "arr", sizeof "arr" - 1 },
                  { "x\\001y\\n\\"qcat", sizeof "x\\001y\\n\\"qcat" - 1 },
                };
                """);
        assertThat(out).endsWith(", talent_unit_0_literals, sizeof talent_unit_0_literals / sizeof talent_unit_0_literals[0] };\n");
    }

    /**
     * Wide and unicode literals are const globals of the unit (is_const 2), once each, keyed by the unit and clang's
     * spelling: a pointer into one is carried as the literal and an element path, whatever the ISA's byte order and
     * wchar_t. Without them such a pointer was saved as indeterminate and the restart crashed (docs/COVERAGE.md "wstr").
     */
    @Test
    void wideAndUnicodeLiteralsAreConstGlobalsOfTheUnit() {
        var u = CProgram.in(dir).file("w.c", """
                #include <wchar.h>
                #include <uchar.h>
                static const wchar_t *ws = L"h\\u00e9llo";
                const char16_t *h16 = u"ab";
                int main(void) {
                  const char32_t *c = U"x\\U0001F600";
                  const char *n = u8"caf\\u00e9";
                  return (ws != L"h\\u00e9llo" + 1) + (h16 != 0) + (c != 0) + n[0];
                }
                """).analyze().unit("w.c");
        Diagnostics diags = new Diagnostics();
        String out = new UnitTables(u.tu(), 0, u.graph(), new TypeDescriptors(u.types()), diags)
                .text(Globals.find(u.tu(), u.types(), u.statics(), diags), Map.of(), u.functions());
        assertThat(diags.all()).isEmpty();
        assertThat(out.lines().filter(l -> l.endsWith(", 2 },")).toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("  { \"w.c:L\\\"h\\\\351llo\\\"\", \"L\\\"h\\\\351llo\\\"\", \"w.c:3:28\", "
                        + "(void *)&L\"h\\351llo\", &talent_td_"),
                l -> assertThat(l).startsWith("  { \"w.c:u\\\"ab\\\"\", \"u\\\"ab\\\"\", \"w.c:4:23\", (void *)&u\"ab\", &talent_td_"),
                l -> assertThat(l).startsWith("  { \"w.c:U\\\"x\\\\U0001F600\\\"\", \"U\\\"x\\\\U0001F600\\\"\", \"w.c:6:23\", "
                        + "(void *)&U\"x\\U0001F600\", &talent_td_"));
        // u8"..." is char[N] in C17: a narrow literal, carried by its text
        assertThat(out).contains("  { u8\"caf\\303\\251\", sizeof u8\"caf\\303\\251\" - 1 },");
        // the descriptor of each is its array type (the elements' kind is clang's, as for the pointers into it)
        assertThat(out).contains("TALENT_ARRAY_TYPE(int[6], ", "TALENT_ARRAY_TYPE(unsigned short[3], ",
                "TALENT_ARRAY_TYPE(unsigned int[3], ");
    }

    /**
     * A narrow literal holding a NUL byte before its terminating one (indent's {@code "-nbad\0-bap\0..."}, walked option
     * by option) is a const global of the unit of its whole type, as the wide ones are, and not in the literal table:
     * carried by its text up to the first NUL, a pointer past that NUL read other bytes after a restart.
     */
    @Test
    void literalsHoldingANulAreConstGlobalsOfTheirWholeType() {
        var u = CProgram.in(dir).file("n.c", """
                static const char *set = "a\\0bb\\0ccc\\0";
                int main(void) {
                  const char *x = "\\x00z", *end = "q\\0", *bs = "\\\\0", *oct = "\\1000", *hex = "\\x10";
                  return set[2] + x[1] + end[0] + bs[0] + oct[0] + hex[0];
                }
                """).analyze().unit("n.c");
        Diagnostics diags = new Diagnostics();
        String out = new UnitTables(u.tu(), 0, u.graph(), new TypeDescriptors(u.types()), diags)
                .text(Globals.find(u.tu(), u.types(), u.statics(), diags), Map.of(), u.functions());
        assertThat(diags.all()).isEmpty();
        assertThat(out.lines().filter(l -> l.endsWith(", 2 },")).toList()).satisfiesExactly(
                l -> assertThat(l).startsWith("  { \"n.c:\\\"a\\\\000bb\\\\000ccc\\\\000\\\"\", "
                        + "\"\\\"a\\\\000bb\\\\000ccc\\\\000\\\"\", \"n.c:1:26\", (void *)&\"a\\000bb\\000ccc\\000\", &talent_td_"),
                l -> assertThat(l).contains("(void *)&\"\\000z\", &talent_td_"),
                l -> assertThat(l).contains("(void *)&\"q\\000\", &talent_td_"));
        // their whole arrays, the embedded and the terminating NULs counted
        assertThat(out).contains("TALENT_ARRAY_TYPE(char[10], ", "TALENT_ARRAY_TYPE(char[3], ");
        // a backslash before 0, "\1000" (\100 then '0') and "\x10" hold no NUL: C strings, in the literal table
        assertThat(out).contains("  { \"\\\\0\", sizeof \"\\\\0\" - 1 },", "  { \"@0\", sizeof \"@0\" - 1 },",
                "  { \"\\020\", sizeof \"\\020\" - 1 },");
        assertThat(out).doesNotContain("{ \"a\\000");
        assertThat(UnitTables.holdsNul("\"a\\000b\"")).isTrue();
        assertThat(UnitTables.holdsNul("u8\"\\x000\"")).isTrue();
        assertThat(UnitTables.holdsNul("\"\\\\000\"")).isFalse();
        assertThat(UnitTables.holdsNul("\"\\0011\"")).isFalse();
        assertThat(UnitTables.holdsNul("\"\\n\\t\"")).isFalse();
    }

    @Test
    void symbolsNamedByTheProgramTable() {
        assertThat(UnitTables.unitSymbol(2)).isEqualTo("talent_unit_2");
        assertThat(UnitTables.functionAlias(5)).isEqualTo("talent_fn_5");
    }
}
