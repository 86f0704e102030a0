package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * frame_alloca.c against lists of alloca blocks as a hostile checkpoint could rebuild them (src/test/c/alloca_lists.c,
 * linked with the runtime built natively): valid lists are accepted and adopted by their frame; a block named twice,
 * a pointer into a block, a block malloc allocated, one list held by two frames and a frame variable that points to
 * something else than a list each end the process with exit 65 and a message, before anything is freed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AllocaListsIT {
    static final Path SRC = Path.of("src/main/c").toAbsolutePath();

    @TempDir
    static Path build;
    static Path driver;

    @BeforeAll
    static void buildDriver() throws Exception {
        List<String> link = new ArrayList<>(List.of("gcc", "-static", "-o", build.resolve("alloca_lists").toString()));
        try (Stream<Path> files = Files.list(SRC)) {
            for (Path c : files.filter(f -> f.toString().endsWith(".c")).sorted().toList()) {
                String o = build.resolve(c.getFileName().toString().replace(".c", ".o")).toString();
                // main.c's main is renamed away: the driver has its own
                compile(c, o, c.getFileName().toString().equals("main.c") ? List.of("-Dmain=tl_unused_main") : List.of());
                link.add(o);
            }
        }
        String o = build.resolve("alloca_lists_driver.o").toString();
        compile(Path.of("src/test/c/alloca_lists.c").toAbsolutePath(), o, List.of());
        link.add(o);
        link.add("-lm");
        mustRun(link);
        driver = build.resolve("alloca_lists");
    }

    private static void compile(Path c, String o, List<String> extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(CheckpointValidationIT.CFLAGS);
        cmd.addAll(extra);
        cmd.addAll(List.of("-I" + SRC.resolve("include"), "-I" + SRC, "-c", c.toString(), "-o", o));
        mustRun(cmd);
    }

    private static void mustRun(List<String> cmd) throws Exception {
        Result r = run(cmd);
        assertThat(r.rc()).as("%s%n%s", cmd, r.err()).isZero();
    }

    record Result(int rc, String out, String err) {}

    private static Result run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TALENT_"));
        Path out = Files.createTempFile(build, "out", ".txt");
        Path err = Files.createTempFile(build, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within 60 s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private static Result run(String which) throws Exception {
        return run(List.of(driver.toString(), which));
    }

    @Test
    void validListsAreAcceptedAndAdoptedByTheirFrame() throws Exception {
        Result r = run("valid");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("ok\n");
    }

    @Test
    void alignedBlocksAreAlignedAcceptedAndTheirPositionsAlignmentIsParsedAsHostileInput() throws Exception {
        Result r = run("aligned");
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("ok\n");
    }

    @Test
    void eachForgedListIsRefusedWithExit65() throws Exception {
        Map<String, String> cases = Map.of(
                "duplicate", "one alloca block is in two lists, or twice in one",
                "interior", "names memory that is not the start of a heap block",
                "foreign", "names the heap block allocated at m.c:5:9, which alloca did not allocate",
                "shared", "two frames share one list of alloca blocks",
                "notalist", "does not point to such a list",
                "badalign", "names the heap block allocated at alloca@48:m.c:3:9, which alloca did not allocate");
        for (var c : cases.entrySet()) {
            Result r = run(c.getKey());
            assertThat(r.rc()).as(c.getKey() + ": " + r.err()).isEqualTo(65);
            assertThat(r.err()).as(c.getKey()).contains("the checkpoint is not valid").contains(c.getValue());
            assertThat(r.out()).as(c.getKey()).isEmpty();
        }
    }
}
