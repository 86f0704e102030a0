package dev.talent.compiler.emit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sites with LoopVersioning and StripMinedLoops, in the order UnitRewriter runs them (OneEmitter): where each site
 * goes and which loops are versioned; the header rules: LeafLoopsTest, ShortLoopsTest, StripMiningTest.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SitesTest {
    @TempDir
    Path dir;

    private static String site(int point, int function) {
        return "if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(" + point + ")) { talent_frame_begin(" + function
                + ", " + point + "); talent_frame_end(); return; } if (0) { __talent_r" + point + ": ; talent_frame_restored(); } }";
    }

    @Test
    void sitesOfLoopsAndOfAPragma() {
        var e = OneEmitter.of(dir, """
                int g, a[64];
                void spin(void) { while (g < 100) g++; }
                void spin2(void) { while (g < 100) { g++; } }
                void outer(void) { for (; g < 5; g++) { while (a[g] < 9) a[g]++; } }
                void marked(void) {
                  g = 1;
                  #pragma talent checkpoint
                  g = 2;
                }
                void strip(int n) { for (int i = 0; i < n; i++) { for (int j = 0; j < n; j++) a[j] += i; } }
                void nest(void) { for (int i = 0; i < 4; i++) { for (int j = 0; j < g; j++) a[j] += i; } }
                int main(void) { spin(); spin2(); outer(); marked(); strip(3); nest(); return g; }
                """);
        LoopVersioning versioning = new LoopVersioning(e.plan, e.unit.graph());
        StripMinedLoops strips = new StripMinedLoops(e.unit.tu(), e.plan, e.resumeCopies);
        Sites sites = new Sites(e.plan, e.unit.graph(), e.siteCode(), versioning, strips);
        for (var f : e.unit.functions()) {
            if (!f.chain) continue;
            var nests = versioning.shortNestsAsWritten(f);
            sites.emit(f);
            versioning.versionShortNests(nests);
            strips.emit();
        }
        var lines = e.lines();
        String pending = "if (__builtin_expect(!talent_pending, 1)) { ";
        // a leaf loop is versioned; a body that is not a block gets braces around the site and the statement
        assertThat(lines.get(1)).isEqualTo("void spin(void) { " + pending + "while (g < 100) g++; } else { while (g < 100) { "
                + site(0, 0) + " g++; } } }");
        assertThat(lines.get(2)).isEqualTo("void spin2(void) { " + pending + "while (g < 100) { g++; } } else { while (g < 100) { "
                + site(1, 1) + " g++; } } }");
        // the outer loop's body starts with a versioned leaf loop: the outer site goes into its instrumented copy
        assertThat(lines.get(3)).isEqualTo("void outer(void) { for (; g < 5; g++) { " + pending + "while (a[g] < 9) a[g]++; } "
                + "else { " + site(2, 2) + " while (a[g] < 9) { " + site(3, 2) + " a[g]++; } } } }");
        // a pragma's line is replaced by the site
        assertThat(lines.subList(4, 9)).containsExactly("void marked(void) {", "  g = 1;", site(4, 3), "  g = 2;", "}");
        // a strip-mined loop: its increment leaves the header; the site goes into the one-iteration branch only
        assertThat(lines.get(9)).startsWith("void strip(int n) { for (int i = 0; i < n; ) { " + pending)
                .contains("int __talent_o256; for (__talent_o256 = 1; __talent_o256; __talent_o256 = 0, i++) { if (__builtin_expect(talent_pending, 0)) "
                        + "{ if (talent_site_slow(5)) {");
        // a short nest is versioned as a whole: the copy that runs while nothing is pending is the nest as written
        assertThat(lines.get(10)).startsWith("void nest(void) { " + pending + "for (int i = 0; i < 4; i++) { for (int j = 0; j < g; j++) "
                + "a[j] += i; } } else { for (int i = 0; i < 4; i++) { if (__builtin_expect(talent_pending, 0)) { if (talent_site_slow(7))");
        assertThat(lines.get(11)).isEqualTo("int main(void) { spin(); spin2(); outer(); marked(); strip(3); nest(); return g; }");
    }
}
