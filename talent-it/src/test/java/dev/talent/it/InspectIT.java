package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code talent inspect} on a real checkpoint taken deep inside the recursive flood fill of recursion.c
 * (about 300 frames of {@code flood} on the chain), in text and JSON, and on damaged copies of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class InspectIT {
    /** Site visit 3900 of recursion.c lies in flood() at recursion depth ~340 (recursive functions have entry sites). */
    private static final long STOP_INSIDE_FLOOD = 3900;
    private static final int MIN_FLOOD_FRAMES = 200;

    private final CorpusProgram program = Corpus.program("recursion");
    private Path workDir;
    private Path checkpoint;
    private byte[] checkpointBytes;

    @BeforeAll
    void takeCheckpoint() throws IOException {
        Isa.X86_64.assumeAvailable();
        CorpusRuns.Built built = CorpusRuns.built(program);
        workDir = Corpus.freshWorkDir(program, "inspect");
        Path checkpointDir = Corpus.emptyDir(program, "inspect-checkpoints");
        ProcessResult stopped = TalentCli.get().exec(workDir, Isa.X86_64, built.base(), checkpointDir, STOP_INSIDE_FLOOD,
                false, program.args());
        assertThat(stopped.exitCode()).withFailMessage(() -> "recursion with --stop-after " + STOP_INSIDE_FLOOD
                + " should exit 75\n" + stopped.describe()).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
        List<Path> written = MigrationChain.checkpoints(checkpointDir);
        assertThat(written).as("checkpoints written").hasSize(1);
        checkpoint = written.getFirst();
        checkpointBytes = Files.readAllBytes(checkpoint);
    }

    @Test
    void checkpointFramingFollowsTheFormatSpec() {
        CheckpointFile file = CheckpointFile.parse(checkpointBytes);
        List<String> tags = new ArrayList<>(List.of("META", "TYPE", "STRS", "GLOB", "FRAM", "HEAP", "FILE", "WAIT"));
        // version 2.0 with the program's errno last when it is not 0 at the stop, else 1.0 (FORMAT.md "Major versions")
        if (file.major() == 2) tags.add("ERRN");
        else assertThat(file.major()).isEqualTo(1);
        assertThat(file.sections()).extracting(CheckpointFile.Section::tag)
                // the six required sections in order, then the open files and the pending wait (FORMAT.md)
                .containsExactlyElementsOf(tags);
    }

    @Test
    void textShowsProgramFramesAndVariables() {
        ProcessResult result = TalentCli.get().inspect(workDir, checkpoint, false);
        assertThat(result.exitCode()).withFailMessage(result::describe).isZero();
        assertThat(result.stdoutText()).as("talent inspect output")
                .contains("recursion")            // program
                .contains("x86_64")               // platform that wrote it
                .contains("main").contains("flood")
                .contains("depth")                // a parameter of flood
                .contains("visited_count");       // a global
    }

    @Test
    void jsonParsesAndHoldsEveryFrame() throws IOException {
        ProcessResult result = TalentCli.get().inspect(workDir, checkpoint, true);
        assertThat(result.exitCode()).withFailMessage(result::describe).isZero();
        JsonNode json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(result.stdout());
        assertThat(json.isObject()).as("inspect --json prints one JSON object").isTrue();
        List<String> texts = new ArrayList<>();
        collectTexts(json, texts);
        assertThat(texts).as("string values in the JSON").contains("main", "flood", "depth", "visited_count", "x86_64");
        assertThat(texts.stream().filter("flood"::equals).count()).as("frames of flood in the JSON")
                .isGreaterThanOrEqualTo(MIN_FLOOD_FRAMES);
    }

    @Test
    void damagedSectionIsReportedWithItsTag() throws IOException {
        CheckpointFile.Section frames = CheckpointFile.parse(checkpointBytes).section("FRAM");
        byte[] damaged = checkpointBytes.clone();
        damaged[frames.payloadOffset() + frames.length() / 2] ^= 0x5A;
        Path file = workDir.resolve("damaged-crc.tck");
        Files.write(file, damaged);
        ProcessResult result = TalentCli.get().inspect(workDir, file, false);
        assertThat(result.exitCode()).withFailMessage(() -> "inspect of a checkpoint with a damaged FRAM section "
                + "must fail\n" + result.describe()).isNotZero();
        assertThat(result.stderrText()).as("error for a damaged FRAM section").contains("FRAM").containsIgnoringCase("crc");
        assertNoStackTrace(result);
    }

    @Test
    void truncatedFileIsReportedWithTheSectionItEndsIn() throws IOException {
        CheckpointFile.Section frames = CheckpointFile.parse(checkpointBytes).section("FRAM");
        Path file = workDir.resolve("truncated.tck");
        Files.write(file, Arrays.copyOf(checkpointBytes, frames.payloadOffset() + frames.length() / 2));
        ProcessResult result = TalentCli.get().inspect(workDir, file, false);
        assertThat(result.exitCode()).withFailMessage(() -> "inspect of a truncated checkpoint must fail\n"
                + result.describe()).isNotZero();
        assertThat(result.stderrText()).as("error for a file cut inside FRAM").contains("FRAM");
        assertNoStackTrace(result);
    }

    @Test
    void fileThatIsNoCheckpointIsRefused() throws IOException {
        Path file = workDir.resolve("not-a-checkpoint.tck");
        Files.writeString(file, "this is not a talent checkpoint, just text long enough for a header\n");
        ProcessResult result = TalentCli.get().inspect(workDir, file, false);
        assertThat(result.exitCode()).withFailMessage(result::describe).isNotZero();
        assertThat(result.stderrText()).as("error for a wrong magic").containsIgnoringCase("magic");
        assertNoStackTrace(result);
    }

    /**
     * The EPOL section of a real checkpoint (issue 12): resources/inspect/epollheld.c stopped in epoll_wait, its
     * instance and both registrations shown in text and in JSON, the data.ptr like any pointer (a heap block).
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void epollInstancesAreShownInTextAndJson() throws IOException {
        Path dir = Corpus.emptyDir(program, "inspect-epoll");
        Path source = dir.resolve("epollheld.c");
        try (var in = InspectIT.class.getResourceAsStream("/inspect/epollheld.c")) {
            Files.copy(java.util.Objects.requireNonNull(in), source);
        }
        ProcessResult built = TalentCli.get().build(dir.resolve("build"), "epollheld", List.of(Isa.X86_64), List.of(source),
                List.of());
        assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        Path checkpoints = Files.createDirectories(dir.resolve("ck"));
        ProcessResult stopped = TalentCli.get().exec(dir, Isa.X86_64, dir.resolve("build/epollheld"), checkpoints, 5L,
                false, List.of());
        assertThat(stopped.exitCode()).withFailMessage(stopped::describe).isEqualTo(TalentCli.EXIT_CHECKPOINT_WRITTEN);
        Path file = MigrationChain.checkpoints(checkpoints).getFirst();
        assertThat(CheckpointFile.parse(Files.readAllBytes(file)).sections()).extracting(CheckpointFile.Section::tag)
                .contains("EPOL");

        ProcessResult text = TalentCli.get().inspect(dir, file, false);
        assertThat(text.exitCode()).withFailMessage(text::describe).isZero();
        assertThat(text.stdoutText()).containsPattern("\\nepoll instances: 1\\n    instance fd (\\d+), close-on-exec, "
                        + "2 registrations\\n        fd \\d+ EPOLLIN\\|EPOLLET, data\\.ptr &heap#\\d+\\n        fd \\d+ "
                        + "EPOLLIN\\|EPOLLRDHUP, data\\.u64 1234605616436508552 \\(0x1122334455667788\\)\\n");

        ProcessResult json = TalentCli.get().inspect(dir, file, true);
        assertThat(json.exitCode()).withFailMessage(json::describe).isZero();
        JsonNode doc = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json.stdout());
        JsonNode instance = doc.get("epoll").get(0);
        assertThat(doc.get("epoll")).hasSize(1);
        assertThat(instance.get("flags").get("closeOnExec").asBoolean()).isTrue();
        JsonNode regs = instance.get("registrations");
        assertThat(regs).hasSize(2);
        assertThat(regs.get(0).get("eventNames")).extracting(JsonNode::asText).containsExactly("EPOLLIN", "EPOLLET");
        assertThat(regs.get(0).get("data").get("kind").asText()).isEqualTo("ptr");
        assertThat(regs.get(0).get("data").get("value").get("object").asText()).isEqualTo("heap-block");
        assertThat(regs.get(1).get("events").asLong()).isEqualTo(0x2001);
        assertThat(regs.get(1).get("data").get("value").asLong()).isEqualTo(0x1122334455667788L);
        // the registered descriptors are the two sockets the FILE section carries
        List<Long> files = new ArrayList<>();
        doc.get("files").forEach(f -> files.add(f.get("fd").asLong()));
        assertThat(files).contains(regs.get(0).get("fd").asLong(), regs.get(1).get("fd").asLong());
    }

    private static void assertNoStackTrace(ProcessResult result) {
        assertThat(result.stderrText()).as("a user-facing error, not a stack trace")
                .doesNotContain("Exception in thread").doesNotContainPattern("\\n\\s+at [\\w.$]+\\(");
    }

    private static void collectTexts(JsonNode node, List<String> out) {
        if (node.isTextual()) out.add(node.asText());
        node.forEach(child -> collectTexts(child, out));
    }
}
