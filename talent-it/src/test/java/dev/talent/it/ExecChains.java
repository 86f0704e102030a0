package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A bundled C program checked through {@code talent exec} chains: its plain gcc output, its talent build, and chains
 * of segments (an ISA and the site visit to stop at, the last one run to completion) whose joined output must equal
 * plain gcc's. Directories are fresh per label under one prefix of the IT work root.
 */
final class ExecChains {
    private final Path source;
    private final String prefix;

    /** {@code resource}: the program's class-path resource; {@code prefix}: its directories' name in the work root. */
    ExecChains(String resource, String prefix) {
        try {
            this.source = Path.of(ExecChains.class.getResource(resource).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        this.prefix = prefix;
    }

    Path source() {
        return source;
    }

    /** An empty directory for label. */
    Path fresh(String label) throws IOException {
        Path dir = ItPaths.workRoot().resolve(prefix + "-" + ProcessHandle.current().pid()).resolve(label);
        ItPaths.deleteRecursively(dir);
        return Files.createDirectories(dir);
    }

    /** What the program built by plain gcc prints, run in dir (exit 0 checked). */
    String plainGcc(Path dir) {
        Path binary = dir.resolve(prefix + ".plain");
        ProcessResult compiled = Processes.run(List.of("gcc", "-std=c99", "-O2", "-fsigned-char", "-o", binary.toString(),
                source.toString()), dir, Duration.ofMinutes(1));
        assertThat(compiled.exitCode()).withFailMessage(compiled::describe).isZero();
        ProcessResult run = Processes.run(List.of(binary.toString()), dir, Duration.ofSeconds(30));
        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        return run.stdoutText();
    }

    /** Builds the program as {@code name} for isas in a fresh directory; returns the base of its binaries. */
    Path build(TalentCli talent, String name, List<Isa> isas) throws IOException {
        Path build = fresh("build");
        ProcessResult built = talent.build(build, name, isas, List.of(source), List.of());
        assertThat(built.exitCode()).withFailMessage(() -> "talent build failed\n" + built.describe()).isZero();
        return build.resolve(name);
    }

    /**
     * Runs each chain (ISA, stop, ISA, stop, ..., ISA) from base in work, with checkpoints in a fresh directory per
     * chain: every segment but the last writes a checkpoint (exit 75), the last ends with 0, and the joined output
     * equals expected.
     */
    void assertChainsPrint(TalentCli talent, Path work, Path base, List<List<Object>> chains, String expected)
            throws IOException {
        for (List<Object> chain : chains) {
            Path checkpoints = fresh("ckpt-" + chains.indexOf(chain));
            StringBuilder out = new StringBuilder();
            StringBuilder log = new StringBuilder();
            for (int i = 0; i < chain.size(); i += 2) {
                Isa isa = (Isa) chain.get(i);
                Long stop = i + 1 < chain.size() ? (Long) chain.get(i + 1) : null;
                ProcessResult r = talent.exec(work, isa, base, checkpoints, stop, i > 0, List.of());
                log.append("--- ").append(isa.id).append(stop == null ? "" : "@" + stop).append('\n').append(r.describe());
                assertThat(r.exitCode()).withFailMessage(log::toString)
                        .isEqualTo(stop == null ? 0 : TalentCli.EXIT_CHECKPOINT_WRITTEN);
                out.append(new String(r.stdout(), StandardCharsets.UTF_8));
            }
            assertThat(out.toString()).as("chain %s\n%s", chain, log).isEqualTo(expected);
        }
    }
}
