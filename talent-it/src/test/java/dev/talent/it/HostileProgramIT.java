package dev.talent.it;

import static dev.talent.it.EnvApp.read;
import static dev.talent.it.EnvApp.records;
import static dev.talent.it.EnvApp.tree;
import static dev.talent.it.EnvApp.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.talent.it.EnvApp.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code talent run} against a program that attacks it from inside its container (issue 10), with the host
 * checked afterwards: hostile.c forges event lines, writes an endless one, plants links to a host directory and
 * a secret in its working directory and turns one into a real directory after a move, deletes and replaces its
 * own checkpoints, and writes a sparse 1 GiB file. Also {@code talent run} killed with SIGKILL: the leftovers are
 * refused by a new run and adopted by {@code --resume}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class HostileProgramIT {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(4);
    private static final String PLATFORMS = "x86_64,aarch64";

    private Path root;
    private Path hostile;
    private Path envapp;
    private Path hostDir;
    private Path secretFile;
    private String secret;

    @BeforeAll
    void build() throws IOException {
        assumeTrue(Isa.onPath("runc").isPresent() || Files.isExecutable(Path.of("/usr/sbin/runc")),
                "runc is not installed (apt-get install runc)");
        assumeTrue("0".equals(uid()), "talent run needs root (runc without a user namespace)");
        Isa.X86_64.assumeAvailable();
        Isa.AARCH64.assumeAvailable();
        root = ItPaths.workRoot().resolve("hostile");
        ItPaths.deleteRecursively(root);
        Files.createDirectories(root);
        for (String name : List.of("hostile/hostile.c", "migration/envapp.c")) {
            try (var in = HostileProgramIT.class.getResourceAsStream("/" + name)) {
                Files.copy(in, root.resolve(Path.of(name).getFileName()));
            }
            ProcessResult built = TalentCli.get().run(root, Duration.ofMinutes(5), List.of("build", "-o", "build", "--isa",
                    PLATFORMS, root.resolve(Path.of(name).getFileName()).toString()));
            assertThat(built.exitCode()).withFailMessage(built::describe).isZero();
        }
        hostile = root.resolve("build/hostile");
        envapp = root.resolve("build/envapp");
        hostDir = Files.createDirectories(root.resolve("host-dir"));
        secret = "TOP-SECRET-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        secretFile = Files.writeString(root.resolve("secret.txt"), secret + "\n");
    }

    @Test
    void whatTheProgramTriesStaysInItsContainerAndTheRunRollsBackAndFinishes() throws IOException {
        Path work = Files.createDirectories(root.resolve("attack-work"));
        Path state = root.resolve("attack-state");
        Path log = root.resolve("attack.jsonl");
        List<String> args = List.of("run", "--name", "hostile-attack", "--state-dir", state.toString(), "--platforms", PLATFORMS,
                "--every", "1s..1500ms", "--migrations", "2", "--inject-fault", "sync", "--workdir", work.toString(),
                "--log", log.toString(), hostile.toString(), "--", "600", "10", hostDir.toString(), secretFile.toString());
        // a small heap: the 256 MiB event line must not be kept
        ProcessResult run = Processes.run(withHeap(TalentCli.get().commandLine(args), "-Xmx128m"), root, RUN_TIMEOUT);

        assertThat(run.exitCode()).withFailMessage(run::describe).isZero();
        assertThat(run.stdoutText()).isEqualTo("hostile done: steps 600 sum " + expectedSum(600) + "\n");
        String err = run.stderrText();
        // the forged and the endless lines were dropped and counted, shown escaped
        assertThat(err).as(run.describe()).contains("ignored event lines from the program on x86_64: ")
                .contains("(first: \"checkpoint 77 ../work/a/PWNED\")").contains("longer than 256 bytes")
                .doesNotContain("\u001b");
        // the injected failure after the stop rolled back to talent's copy of the checkpoint, later moves worked
        List<JsonNode> records = records(log);
        assertThat(records).as(err).hasSizeGreaterThanOrEqualTo(3);
        assertThat(records.getFirst().get("ok").asBoolean()).isFalse();
        assertThat(records.getFirst().get("failed_step").asText()).isEqualTo("sync");
        assertThat(records.stream().filter(r -> r.get("ok").asBoolean()).count()).isEqualTo(2);
        assertThat(err).contains("running again on x86_64").contains("hostile: now on talent-aarch64")
                .contains("hostile: /work/shadow is out of reach").doesNotContain("READ THROUGH");

        // the host: nothing written through the links, the secret nowhere, the links still links
        try (Stream<Path> entries = Files.list(hostDir)) {
            assertThat(entries).as("the host directory the program linked to").isEmpty();
        }
        assertThat(run.stdoutText() + err).doesNotContain(secret);
        assertThat(filesContaining(root, secret)).as("files holding the secret").containsExactly(secretFile);
        assertThat(Files.isSymbolicLink(work.resolve("shadow"))).as("work/shadow came home as a link").isTrue();
        assertThat(Files.readString(work.resolve("a/inside.txt"))).isEqualTo("written inside the container\n");
        assertThat(work.resolve("a/PWNED")).doesNotExist();
        try (Stream<Path> walk = Files.walk(root)) {
            assertThat(walk.filter(p -> p.getFileName().toString().equals("PWNED")).toList()).isEmpty();
        }
        // the sparse file stays sparse: its 1 GiB is not written out in the workdir or any replica
        assertThat(Files.size(work.resolve("sparse"))).isEqualTo((1L << 30) + 1);
        assertThat(allocatedKiB(work) + allocatedKiB(state)).as("disk use of the workdir and the state directory, KiB")
                .isLessThan(64 * 1024);
        // nothing is left to resume, no container is left
        assertThat(state.resolve("run.json")).doesNotExist();
        assertThat(state.resolve("accepted/hostile-attack")).doesNotExist();
        assertThat(runcContainers(state)).isEmpty();
    }

    /**
     * With 2 migrations, the next destination is prepared after the first: started ahead, its runtime waits for its go
     * when talent run is killed. --resume must not take it for the program (it never ran): it is removed unasked.
     */
    @ParameterizedTest(name = "--migrations {0}")
    @ValueSource(ints = {1, 2})
    void aKilledRunIsRefusedToANewRunAndResumedFromTheCheckpointOfTheOrphan(int migrations) throws Exception {
        String app = "envapp-killed" + migrations + "-" + ProcessHandle.current().pid();
        Path work = inputDir("killed" + migrations + "-work");
        Path state = root.resolve("killed" + migrations + "-state");
        Path log = root.resolve("killed" + migrations + ".jsonl");
        Reference ref = reference("killed" + migrations, 1500, 10);
        List<String> args = List.of("run", "--name", app, "--state-dir", state.toString(), "--platforms", PLATFORMS,
                // with 2, the second migration comes only after the kill
                "--every", migrations == 1 ? "300ms..500ms" : "4s..5s", "--migrations", Integer.toString(migrations),
                "--workdir", work.toString(),
                "--log", log.toString(), envapp.toString(), "--", "1500", "10");
        Path out1 = root.resolve("killed" + migrations + "-1.stdout");
        Path err1 = root.resolve("killed" + migrations + "-1.stderr");
        Process first = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out1.toFile()).redirectError(err1.toFile()).start();
        try {
            awaitLine(log, "\"ok\":true", Duration.ofMinutes(2), err1);
            Thread.sleep(500); // the program runs on aarch64 for a while, unsupervised from now on
            if (migrations == 2) {
                // the next destination (x86_64) is prepared: started ahead, it waits for its go
                long by = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (runcContainers(state).stream().filter(c -> c.contains("running")).count() < 2
                        && System.nanoTime() < by) {
                    Thread.sleep(50);
                }
                assertThat(runcContainers(state)).as("the program and the destination waiting for its go")
                        .filteredOn(c -> c.contains("running")).hasSize(2);
            }
        } finally {
            first.destroyForcibly(); // SIGKILL of talent run itself: its containers stay
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(runcContainers(state)).as("the orphan still runs").anySatisfy(c -> assertThat(c).contains("running"));

        ProcessResult again = TalentCli.get().run(root, Duration.ofMinutes(2), args);
        assertThat(again.exitCode()).withFailMessage(again::describe).isEqualTo(64);
        assertThat(again.stderrText()).contains("did not end").contains("talent run --resume " + app);
        assertThat(again.stdout()).isEmpty();

        ProcessResult resumed = TalentCli.get().run(root, RUN_TIMEOUT, List.of("run", "--resume", app, "--state-dir",
                state.toString()));
        assertThat(resumed.exitCode()).withFailMessage(resumed::describe).isZero();
        assertThat(resumed.stderrText()).contains("the program ran unsupervised on aarch64").contains("stopped it at checkpoint");
        assertThat(resumed.stderrText()).as("a destination waiting for its go is not the program")
                .doesNotContain("unsupervised on x86_64");
        // the orphan's output up to the checkpoint it was stopped at, then the resumed run's: one run's output
        assertThat(read(out1) + resumed.stdoutText()).isEqualTo(ref.stdout());
        assertThat(tree(work)).isEqualTo(ref.files());
        assertThat(runcContainers(state)).isEmpty();
        assertThat(state.resolve("run.json")).doesNotExist();
        ProcessResult nothing = TalentCli.get().run(root, Duration.ofMinutes(1), List.of("run", "--resume", app, "--state-dir",
                state.toString()));
        assertThat(nothing.exitCode()).isEqualTo(64);
        assertThat(nothing.stderrText()).contains("nothing to resume");
    }

    @Test
    void aRunKilledWithItsProgramResumesFromTalentsCopyNotFromWhatTheProgramLeft() throws Exception {
        String app = "hostile-crashed-" + ProcessHandle.current().pid();
        Path work = Files.createDirectories(root.resolve("crashed-work"));
        Path state = root.resolve("crashed-state");
        Path log = root.resolve("crashed.jsonl");
        List<String> args = List.of("run", "--name", app, "--state-dir", state.toString(), "--platforms", PLATFORMS,
                "--every", "1s..1500ms", "--migrations", "1", "--workdir", work.toString(), "--log", log.toString(),
                hostile.toString(), "--", "1500", "10", hostDir.toString(), secretFile.toString());
        Path out1 = root.resolve("crashed-1.stdout");
        Path err1 = root.resolve("crashed-1.stderr");
        Process first = new ProcessBuilder(TalentCli.get().commandLine(args)).directory(root.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(out1.toFile()).redirectError(err1.toFile()).start();
        try {
            awaitLine(log, "\"ok\":true", Duration.ofMinutes(2), err1);
            // after the move the program deletes the checkpoint it was restored from and plants links and garbage
            // (sequence 1 was its own keep-running checkpoint, 2 the one it was stopped at for the move)
            awaitLine(err1, "hostile: deleted /talent/ck/ckpt-000002.tck", Duration.ofMinutes(1), err1);
        } finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        // the machine "crashes" for the program too
        for (String id : runcIds(state)) runc(state, "kill", id, "KILL");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (runcContainers(state).stream().anyMatch(c -> c.contains("running")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Path ck = state.resolve("hosts/aarch64/ck");
        try (Stream<Path> left = Files.list(ck)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("what the program left").contains("ckpt-999999.tck")
                    .noneMatch(n -> n.matches("ckpt-00000[0-9]\\.tck"));
        }

        ProcessResult resumed = Processes.run(withHeap(TalentCli.get().commandLine(List.of("run", "--resume", app,
                "--state-dir", state.toString())), "-Xmx128m"), root, RUN_TIMEOUT);
        assertThat(resumed.exitCode()).withFailMessage(resumed::describe).isZero();
        assertThat(resumed.stdoutText()).isEqualTo("hostile done: steps 1500 sum " + expectedSum(1500) + "\n");
        assertThat(resumed.stderrText()).contains("running again on aarch64")
                .contains("had stopped (its exit status is lost with the killed run); the program goes on from the newest "
                        + "checkpoint talent accepted (")
                // the planted links are not even candidates (checkpoint directories list regular files only, without
                // following links); the planted garbage file is refused with its reason
                .doesNotContain("ckpt-999999.tck").doesNotContain("ckpt-999998.tck")
                .contains("ckpt-999997.tck is not a valid checkpoint")
                .doesNotContain("READ THROUGH").doesNotContain(secret);
        try (Stream<Path> entries = Files.list(hostDir)) {
            assertThat(entries).isEmpty();
        }
        assertThat(filesContaining(root, secret)).containsExactly(secretFile);
        assertThat(runcContainers(state)).isEmpty();
    }

    // ---- helpers

    private static long expectedSum(int steps) {
        long sum = 0;
        for (int step = 0; step < steps; step++) sum += (long) (step % 97) * (step + 3);
        return sum;
    }

    private static List<String> withHeap(List<String> command, String heap) {
        List<String> c = new ArrayList<>(command);
        c.add(1, heap);
        return c;
    }

    /** Regular files below {@code dir} (links not followed, files over 64 MiB skipped) that contain {@code text}. */
    private static List<Path> filesContaining(Path dir, String text) throws IOException {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > (64 << 20)) continue;
                if (new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1)
                        .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                    found.add(p);
                }
            }
        }
        return found;
    }

    private static long allocatedKiB(Path dir) {
        ProcessResult du = Processes.run(List.of("du", "-sk", dir.toString()), dir.getParent(), Duration.ofMinutes(1));
        assertThat(du.exitCode()).withFailMessage(du::describe).isZero();
        return Long.parseLong(du.stdoutText().split("\\s+", -1)[0]);
    }

    private static ProcessResult runc(Path state, String... args) {
        List<String> command = new ArrayList<>(List.of(runcPath(), "--root", state.resolve("runc").toString()));
        command.addAll(List.of(args));
        return Processes.run(command, state, Duration.ofMinutes(1));
    }

    private static String runcPath() {
        return Isa.onPath("runc").map(Path::toString).orElse("/usr/sbin/runc");
    }

    /** {@code runc list} lines ("id pid status ...") of the state directory's runc root. */
    private static List<String> runcContainers(Path state) {
        if (!Files.isDirectory(state.resolve("runc"))) return List.of();
        ProcessResult list = runc(state, "list");
        assertThat(list.exitCode()).withFailMessage(list::describe).isZero();
        return list.stdoutText().lines().skip(1).filter(l -> !l.isBlank()).toList();
    }

    private static List<String> runcIds(Path state) {
        return runcContainers(state).stream().map(l -> l.split("\\s+", -1)[0]).toList();
    }

    private static void awaitLine(Path file, String text, Duration timeout, Path stderr) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && read(file).contains(text)) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no \"" + text + "\" in " + file + " within " + timeout + "; talent run's stderr:\n"
                + read(stderr));
    }

    private Path inputDir(String label) throws IOException {
        return EnvApp.inputDir(root.resolve(label));
    }

    /** One uninterrupted run of the x86_64 build, in a fresh copy of the input. */
    private Reference reference(String label, int steps, int ms) throws IOException {
        return EnvApp.reference(root.resolve("build/envapp.x86_64"), inputDir(label + "-reference"), steps, ms);
    }
}
