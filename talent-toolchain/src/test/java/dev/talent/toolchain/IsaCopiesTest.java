package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Isa} is the ISA table. Three test tables cannot depend on it and keep a copy: talent-it's Isa (its tests run
 * the built jar with no talent module on the classpath), talent-format's FormatCrossIsaIT (talent-format is below
 * talent-toolchain) and talent-runtime's run-handwritten.sh. This test reads each copy and fails when an ISA, its
 * compiler, emulator, flags, word size or byte order differs from {@link Isa}. (talent-compiler's ITs use
 * {@link Isa} itself.)
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class IsaCopiesTest {

    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    /** The compiler command line of an ISA as the tests write it: gcc natively for x86_64, else the cross gcc. */
    private static String compiler(Isa isa) {
        return isa == Isa.X86_64 ? "gcc" : isa.gccCommand();
    }

    private static String emulator(Isa isa) {
        return isa == Isa.X86_64 ? null : isa.qemuCommand();
    }

    record Row(String id, String compiler, String emulator, List<String> rest) {}

    /** The enum constants {@code NAME("id", "compiler", "emulator"|null, more...)} of a Java source. */
    static List<Row> javaRows(String source) {
        Matcher m = Pattern.compile("^\\s*[A-Z0-9_]+\\(\"([^\"]+)\", \"([^\"]+)\", (null|\"[^\"]+\")((?:, [^,()]+)*)\\)[,;]",
                Pattern.MULTILINE).matcher(source);
        List<Row> rows = new ArrayList<>();
        while (m.find()) {
            String emulator = m.group(3).equals("null") ? null : m.group(3).replace("\"", "");
            List<String> rest = m.group(4).isEmpty() ? List.of()
                    : List.of(m.group(4).substring(2).replace("\"", "").split(", "));
            rows.add(new Row(m.group(1), m.group(2), emulator, rest));
        }
        return rows;
    }

    @Test
    void talentItsIsaListsEveryIsaWithItsCompilerAndEmulator() throws IOException {
        List<Row> rows = javaRows(Files.readString(ROOT.resolve("talent-it/src/test/java/dev/talent/it/Isa.java")));

        assertThat(rows).extracting(Row::id).containsExactlyInAnyOrderElementsOf(ids());
        for (Row r : rows) {
            Isa isa = Isa.fromId(r.id()).orElseThrow();
            assertThat(r.compiler()).as(r.id()).isEqualTo(compiler(isa));
            assertThat(r.emulator()).as(r.id()).isEqualTo(emulator(isa));
        }
    }

    @Test
    void formatCrossIsaItAgreesOnCompilerEmulatorWordSizeByteOrderAndFlags() throws IOException {
        List<Row> rows = javaRows(Files.readString(ROOT.resolve("talent-format/src/test/java/dev/talent/format/FormatCrossIsaIT.java")));

        // x86_64-musl is the one extra: the same ISA with another C library
        assertThat(rows).extracting(Row::id).containsExactlyInAnyOrderElementsOf(withMusl(ids()));
        for (Row r : rows) {
            if (r.id().equals("x86_64-musl")) continue;
            Isa isa = Isa.fromId(r.id()).orElseThrow();
            assertThat(r.compiler()).as(r.id()).isEqualTo(compiler(isa));
            assertThat(r.emulator()).as(r.id()).isEqualTo(emulator(isa));
            assertThat(r.rest().get(0)).as(r.id() + " pointer bits").isEqualTo(Integer.toString(isa.pointerBits()));
            assertThat(r.rest().get(1)).as(r.id() + " big-endian").isEqualTo(Boolean.toString(isa.byteOrder() == ByteOrder.BIG_ENDIAN));
            assertThat(r.rest().subList(2, r.rest().size())).as(r.id() + " flags").isEqualTo(isa.requiredCFlags());
        }
    }

    @Test
    void runHandwrittenShAgreesOnIsasCompilersAndEmulators() throws IOException {
        String script = Files.readString(ROOT.resolve("talent-runtime/src/test/run-handwritten.sh"));

        Matcher isas = Pattern.compile("^ISAS=\"([^\"]*)\"", Pattern.MULTILINE).matcher(script);
        assertThat(isas.find()).isTrue();
        assertThat(List.of(isas.group(1).split(" "))).containsExactlyInAnyOrderElementsOf(ids());
        for (Isa isa : Isa.values()) {
            String cc = String.join(" ", concat(compiler(isa), isa.requiredCFlags()));
            assertThat(script).as("cc_for " + isa).contains("    " + isa.id() + ") echo " + (cc.contains(" ") ? "\"" + cc + "\"" : cc) + " ;;");
            if (isa != Isa.X86_64) {
                assertThat(script).as("run " + isa).contains("    " + isa.id() + ") " + emulator(isa) + " \"$WORK/bin/$prog.$isa\"");
            }
        }
    }

    @Test
    void aCopyWithAnotherEmulatorIsSeen() {
        List<Row> rows = javaRows("    S390X(\"s390x\", \"s390x-linux-gnu-gcc\", \"qemu-s390-static\"),\n");

        assertThat(rows).singleElement().extracting(Row::emulator).isNotEqualTo(emulator(Isa.S390X));
    }

    private static List<String> ids() {
        return List.of(Isa.values()).stream().map(Isa::id).toList();
    }

    private static List<String> withMusl(List<String> ids) {
        List<String> all = new ArrayList<>(ids);
        all.add("x86_64-musl");
        return all;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
