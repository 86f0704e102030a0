package dev.talent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C reader against the shared validation corpus of docs/FORMAT.md ("Validation"), which talent-format generates
 * and checks against the Java reader: every forged file refused, every valid one accepted (src/test/c/corpus_driver.c
 * runs tl_checkpoint_load and tl_checkpoint_load_buffer on them). Then, with the runtime built natively, what a
 * restart does with hostile checkpoint directories: a FIFO or a link named like a checkpoint, a newest checkpoint
 * that only its restore finds wrong (it falls back to the previous one), stale or planted temporary files, and
 * configuration files and directories that are not trusted.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CheckpointValidationIT {
    static final Path SRC = Path.of("src/main/c").toAbsolutePath();
    static final Path CORPUS = Path.of("../talent-format/src/test/resources/corpus").toAbsolutePath().normalize();
    static final List<String> CFLAGS = List.of("-std=c99", "-O2", "-D_POSIX_C_SOURCE=200809L", "-Wall", "-Wextra",
            "-Werror", "-ffp-contract=off", "-fsigned-char");

    @TempDir
    static Path build;
    static Path driver;
    static Path narrow;

    record Result(int rc, String out, String err) {}

    @BeforeAll
    static void buildRuntime() throws Exception {
        List<String> objects = new ArrayList<>();
        try (Stream<Path> files = Files.list(SRC)) {
            for (Path c : files.filter(f -> f.toString().endsWith(".c")).sorted().toList()) {
                String o = build.resolve(c.getFileName().toString().replace(".c", ".o")).toString();
                compile(c, o);
                objects.add(o);
            }
        }
        // the driver: every runtime object but main.o, whose main is renamed away
        compile(SRC.resolve("main.c"), build.resolve("main-nomain.o").toString(), "-Dmain=tl_unused_main");
        compile(Path.of("src/test/c/corpus_driver.c").toAbsolutePath(), build.resolve("corpus_driver.o").toString());
        List<String> link = new ArrayList<>(List.of("gcc", "-static", "-o", build.resolve("corpus_driver").toString()));
        objects.stream().filter(o -> !o.endsWith("/main.o")).forEach(link::add);
        link.add(build.resolve("main-nomain.o").toString());
        link.add(build.resolve("corpus_driver.o").toString());
        link.add("-lm");
        mustRun(link);
        driver = build.resolve("corpus_driver");
        List<String> prog = new ArrayList<>(List.of("gcc", "-std=c99", "-O2", "-Wno-type-limits", "-fsigned-char", "-static",
                "-I" + SRC.resolve("include"), Path.of("src/test/c/narrow.c").toAbsolutePath().toString()));
        prog.addAll(objects);
        prog.addAll(List.of("-lm", "-o", build.resolve("narrow").toString()));
        mustRun(prog);
        narrow = build.resolve("narrow");
    }

    private static void compile(Path c, String o, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("gcc"));
        cmd.addAll(CFLAGS);
        cmd.addAll(List.of(extra));
        cmd.addAll(List.of("-I" + SRC.resolve("include"), "-I" + SRC, "-c", c.toString(), "-o", o));
        mustRun(cmd);
    }

    private static void mustRun(List<String> cmd) throws Exception {
        mustRun(cmd, 60);
    }

    /** {@code cmd} must end with status 0 within {@code seconds}. */
    private static void mustRun(List<String> cmd, int seconds) throws Exception {
        Result r = run(cmd, Map.of(), null, seconds);
        assertThat(r.rc()).as("%s%n%s", cmd, r.err()).isZero();
    }

    static Result run(List<String> cmd, Map<String, String> env, Path dir) throws Exception {
        return run(cmd, env, dir, 60);
    }

    private static Result run(List<String> cmd, Map<String, String> env, Path dir, int seconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("TALENT_"));
        pb.environment().putAll(env);
        if (dir != null) pb.directory(dir.toFile());
        Path out = Files.createTempFile(build, "out", ".txt");
        Path err = Files.createTempFile(build, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not finish within " + seconds + " s; stderr: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    private static List<String> corpus(String dir) throws IOException {
        try (Stream<Path> files = Files.list(CORPUS.resolve(dir))) {
            return files.filter(f -> f.toString().endsWith(".tck")).map(Path::toString).sorted().toList();
        }
    }

    private static List<String> driverLines(String mode, List<String> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(driver.toString()));
        if (mode != null) cmd.add(mode);
        cmd.addAll(files);
        Result r = run(cmd, Map.of(), null);
        assertThat(r.rc()).as(r.err()).isZero();
        return r.out().lines().toList();
    }

    @Test
    void everyForgedFileOfTheSharedCorpusIsRefusedByTheCReader() throws Exception {
        List<String> files = new ArrayList<>(corpus("forged"));
        files.addAll(corpus("forged-for-program"));
        assertThat(files).hasSizeGreaterThan(60);
        for (String mode : new String[] {null, "--buffer"}) {
            List<String> lines = driverLines(mode, files);
            assertThat(lines).hasSize(files.size());
            for (int i = 0; i < files.size(); i++) {
                assertThat(lines.get(i)).as("C reader on %s", files.get(i)).startsWith("REFUSE " + files.get(i) + ": ");
            }
        }
    }

    /** docs/FORMAT.md "Delta": the shared delta corpus (talent-format's DeltaCorpus) through the C restart path. */
    @Test
    void deltasOfTheSharedCorpusAreJudgedLikeTheJavaReaderDoes() throws Exception {
        List<String> files;
        try (Stream<Path> s = Files.list(CORPUS.resolve("delta"))) {
            files = s.filter(f -> f.toString().endsWith(".tdl")).map(Path::toString).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThan(20);
        List<String> lines = driverLines(null, files);
        assertThat(lines).hasSize(files.size());
        for (int i = 0; i < files.size(); i++) {
            String f = files.get(i);
            if (Path.of(f).getFileName().toString().startsWith("valid-")) {
                assertThat(lines.get(i)).isEqualTo("ACCEPT " + f);
            } else {
                assertThat(lines.get(i)).as("C reader on %s", f).startsWith("REFUSE " + f + ": ");
            }
        }
    }

    @Test
    void everyValidFileOfTheSharedCorpusIsAcceptedByTheCReader() throws Exception {
        List<String> files = corpus("valid");
        assertThat(files).isNotEmpty();
        assertThat(driverLines(null, files)).containsExactlyElementsOf(files.stream().map(f -> "ACCEPT " + f).toList());
    }

    /**
     * The same corpus through a driver built with AddressSanitizer and UndefinedBehaviorSanitizer (dynamically
     * linked; both load paths): the same verdicts, and no sanitizer report for any file, forged or valid.
     */
    @Test
    void theCorpusUnderAddressAndUndefinedBehaviorSanitizers(@TempDir Path dir) throws Exception {
        String[] sanitize = {"-fsanitize=address,undefined", "-fno-sanitize-recover=undefined", "-fno-omit-frame-pointer", "-g"};
        List<String> link = new ArrayList<>(List.of("gcc", sanitize[0], "-o", dir.resolve("corpus_driver").toString()));
        try (Stream<Path> sources = Files.list(SRC)) {
            for (Path c : sources.filter(f -> f.toString().endsWith(".c")).sorted().toList()) {
                String o = dir.resolve(c.getFileName().toString().replace(".c", ".o")).toString();
                if (c.getFileName().toString().equals("main.c")) {
                    compile(c, o, concat(sanitize, "-Dmain=tl_unused_main"));
                } else {
                    compile(c, o, sanitize);
                }
                link.add(o);
            }
        }
        String driverObject = dir.resolve("corpus_driver_main.o").toString();
        compile(Path.of("src/test/c/corpus_driver.c").toAbsolutePath(), driverObject, sanitize);
        link.add(driverObject);
        link.add("-lm");
        mustRun(link);
        List<String> forged = new ArrayList<>(corpus("forged"));
        forged.addAll(corpus("forged-for-program"));
        List<String> valid = corpus("valid");
        // Leaks are not checked: the reader's allocations outlive a refusal until the process ends (by design).
        Map<String, String> env = Map.of("ASAN_OPTIONS", "detect_leaks=0:exitcode=99", "UBSAN_OPTIONS", "exitcode=99");

        for (String mode : new String[] {null, "--buffer"}) {
            List<String> cmd = new ArrayList<>(List.of(dir.resolve("corpus_driver").toString()));
            if (mode != null) cmd.add(mode);
            cmd.addAll(forged);
            cmd.addAll(valid);
            Result r = run(cmd, env, null);

            assertThat(r.err()).as("sanitizer reports (%s)", mode).isEmpty();
            assertThat(r.rc()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(forged.size() + valid.size());
            for (int i = 0; i < forged.size(); i++) assertThat(lines.get(i)).startsWith("REFUSE " + forged.get(i) + ": ");
            for (int i = 0; i < valid.size(); i++) assertThat(lines.get(forged.size() + i)).isEqualTo("ACCEPT " + valid.get(i));
        }
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }

    /**
     * Differential check: every single-byte change of a valid file, its CRC recomputed, gets the same verdict from
     * the C reader as from the Java reader, except where only the runtime can judge (its program's fingerprint,
     * globals, functions and points: rule 11).
     */
    @Test
    void theCAndJavaReadersAgreeOnEveryResealedByteChange(@TempDir Path dir) throws Exception {
        byte[] valid = Files.readAllBytes(CORPUS.resolve("valid/edge-pointers.tck"));
        ByteBuffer b = ByteBuffer.wrap(valid);
        Map<String, Boolean> javaAccepts = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (int pos = 24; pos < valid.length; ) {
            int length = (int) b.getLong(pos + 4);
            for (int at = pos + 12; at < pos + 12 + length; at++) {
                for (int mask : new int[] {0x01, 0x80, 0xFF}) {
                    byte[] file = valid.clone();
                    file[at] ^= (byte) mask;
                    CRC32C crc = new CRC32C();
                    crc.update(file, pos, 12 + length);
                    ByteBuffer.wrap(file).putInt(pos + 12 + length, (int) crc.getValue());
                    Path f = dir.resolve("m" + at + "-" + mask + ".tck");
                    Files.write(f, file);
                    files.add(f.toString());
                    boolean accepted;
                    try {
                        dev.talent.format.CheckpointReader.read(file);
                        accepted = true;
                    } catch (dev.talent.format.CorruptCheckpointException e) {
                        accepted = false;
                    }
                    javaAccepts.put(f.toString(), accepted);
                }
            }
            pos += 16 + length;
        }
        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        for (int from = 0; from < files.size(); from += 1000) {
            List<String> batch = files.subList(from, Math.min(files.size(), from + 1000));
            List<String> lines = driverLines(null, batch);
            assertThat(lines).hasSize(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                String line = lines.get(i);
                boolean cAccepts = line.startsWith("ACCEPT ");
                boolean programOnly = line.contains("this program") || line.contains("fingerprint");
                boolean java = javaAccepts.get(batch.get(i));
                if (!java) refused++;
                if (cAccepts != java && !(java && programOnly)) disagreements.add(line + " (Java " + (java ? "accepts" : "refuses") + ")");
            }
        }
        assertThat(refused).isGreaterThan(files.size() / 2);
        assertThat(disagreements).as("verdicts of %d changed files", files.size()).isEmpty();
    }

    /**
     * The corpus again through the reader built with ASan and UBSan (any report aborts it): the same verdicts, by file
     * and by buffer, and the fallback of a restart over a directory of forged files, without a sanitizer report.
     */
    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void theCorpusRunsCleanUnderAddressAndUndefinedBehaviourSanitizers(@TempDir Path dir) throws Exception {
        List<String> flags = new ArrayList<>(List.of("gcc", "-std=c99", "-g", "-O1", "-D_POSIX_C_SOURCE=200809L", "-fsigned-char",
                "-ffp-contract=off", "-fno-omit-frame-pointer", "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
                "-I" + SRC.resolve("include"), "-I" + SRC, "-o", dir.resolve("asan_driver").toString()));
        try (Stream<Path> files = Files.list(SRC)) {
            files.filter(f -> f.toString().endsWith(".c") && !f.endsWith("main.c")).sorted().forEach(f -> flags.add(f.toString()));
        }
        // main.c's main renamed away, as for the plain driver: one translation unit per command is enough here
        Path mainNoMain = Files.writeString(dir.resolve("main_nomain.c"), "#define main tl_unused_main\n#include \"" + SRC.resolve("main.c") + "\"\n");
        flags.add(mainNoMain.toString());
        flags.add(Path.of("src/test/c/corpus_driver.c").toAbsolutePath().toString());
        flags.add("-lm");
        // the whole runtime instrumented in one gcc: over 60 s on 2 cores shared with the talent-it lane
        mustRun(flags, 480);
        // no leak check: the reader keeps a checkpoint's types and strings for the restored program's life (see
        // tl_checkpoint_release); the C fuzz target frees them and checks for leaks
        List<String> files = new ArrayList<>(corpus("forged"));
        files.addAll(corpus("forged-for-program"));
        files.addAll(corpus("valid"));
        for (String mode : new String[] {null, "--buffer"}) {
            List<String> cmd = new ArrayList<>(List.of(dir.resolve("asan_driver").toString()));
            if (mode != null) cmd.add(mode);
            cmd.addAll(files);
            Result r = run(cmd, Map.of("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1"), null);
            assertThat(r.err()).doesNotContain("ERROR: AddressSanitizer").doesNotContain("runtime error:");
            assertThat(r.rc()).as(r.err()).isZero();
            assertThat(r.out().lines().toList()).containsExactlyElementsOf(driverLines(mode, files));
        }
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Files.copy(CORPUS.resolve("valid/base.tck"), ck.resolve("ckpt-000003.tck"));   // META says sequence 3
        int seq = 4;
        for (String f : corpus("forged")) Files.copy(Path.of(f), ck.resolve(String.format("ckpt-%06d.tck", seq++)));
        Result r = run(List.of(dir.resolve("asan_driver").toString(), "--newest", ck.toString()),
                Map.of("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1"), null);
        assertThat(r.err()).doesNotContain("ERROR: AddressSanitizer").doesNotContain("runtime error:");
        assertThat(r.out()).as(r.err()).isEqualTo("SELECTED 3\n");
    }

    /**
     * Inputs the fuzzers found (corpus/found, raw: CRCs as found; see talent bench fuzz): whatever they are, the C
     * reader gives the Java reader's verdict, by file and by buffer, and does not crash on them.
     */
    @Test
    void foundInputsGetTheJavaReadersVerdictFromTheCReader() throws Exception {
        if (!Files.isDirectory(CORPUS.resolve("found"))) return;
        List<String> files;
        try (Stream<Path> all = Files.list(CORPUS.resolve("found"))) {
            files = all.filter(Files::isRegularFile).map(Path::toString).sorted().toList();
        }
        for (String mode : new String[] {null, "--buffer"}) {
            List<String> lines = driverLines(mode, files);
            assertThat(lines).hasSize(files.size());
            for (int i = 0; i < files.size(); i++) {
                boolean java;
                try {
                    dev.talent.format.CheckpointReader.read(Files.readAllBytes(Path.of(files.get(i))));
                    java = true;
                } catch (dev.talent.format.CorruptCheckpointException e) {
                    java = false;
                }
                String line = lines.get(i);
                boolean programOnly = line.contains("this program") || line.contains("fingerprint");
                assertThat(line.startsWith("ACCEPT ")).as("%s (Java %s)", line, java ? "accepts" : "refuses")
                        .isEqualTo(java && !programOnly);
            }
        }
    }

    @Test
    void aFifoOrALinkNamedLikeTheNewestCheckpointIsSkipped(@TempDir Path dir) throws Exception {
        Files.copy(CORPUS.resolve("valid/base.tck"), dir.resolve("ckpt-000003.tck"));
        mustRun(List.of("mkfifo", dir.resolve("ckpt-000009.tck").toString()));
        Files.createSymbolicLink(dir.resolve("ckpt-000010.tck"), dir.resolve("ckpt-000003.tck"));
        Files.copy(CORPUS.resolve("forged/pointer-mid-struct.tck"), dir.resolve("ckpt-000008.tck"));
        Result r = run(List.of(driver.toString(), "--newest", dir.toString()), Map.of(), null);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("SELECTED 3\n");
        assertThat(r.err()).contains("ckpt-000010.tck cannot be used: cannot open: it is a symbolic link")
                .contains("ckpt-000009.tck cannot be used: not a regular file")
                .contains("ckpt-000008.tck cannot be used: section GLOB")
                .contains("falling back to the previous checkpoint");
    }

    /** narrow: sum_up's frame holds rounds (var 0), total (1), i (2); two periodic checkpoints. */
    private static Path twoCheckpoints(Path dir) throws Exception {
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Result r = run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_EVERY_VISITS", "3"), dir);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(ck.resolve("ckpt-000001.tck")).exists();
        assertThat(ck.resolve("ckpt-000002.tck")).exists();
        return ck;
    }

    @Test
    void aCheckpointThatOnlyItsRestoreFindsWrongFallsBackToThePreviousOne(@TempDir Path dir) throws Exception {
        Path ck = twoCheckpoints(dir);
        // variable i (id 2) of sum_up renamed to id 7: the file is consistent, but the resumed function asks for id 2
        Path newest = ck.resolve("ckpt-000002.tck");
        byte[] forged = resealed(Files.readAllBytes(newest), "FRAM", new byte[] {0, 0, 0, 2, 0, 0, 0, 1, 'i'},
                new byte[] {0, 0, 0, 7, 0, 0, 0, 1, 'i'});
        Files.write(newest, forged);
        Result r = run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), dir);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("checkpoint 2 could not be restored: internal error: the checkpoint has no variable 2")
                .contains("falling back to the previous checkpoint")
                .contains("ckpt-000002.tck is skipped: a restore from checkpoint 2 failed");
        // resumed from checkpoint 1 (the third visit): rounds 2..7 again, then the result; rounds 0 and 1 were still in
        // stdout's buffer then (a pipe: fully buffered), carried unwritten by the checkpoint (pending.c) and written by
        // the restarted process, as the first process had not written them when the checkpoint was taken
        assertThat(r.out()).startsWith("round 0 total 500000000\nround 1 total 1000000000\nround 2 total 1500000000\n")
                .endsWith("result 4000000000\n");
    }

    @Test
    void aNewerFifoDoesNotHangARestart(@TempDir Path dir) throws Exception {
        Path ck = twoCheckpoints(dir);
        mustRun(List.of("mkfifo", ck.resolve("ckpt-000009.tck").toString()));
        Result r = run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_RESTART", "1"), dir);
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("ckpt-000009.tck cannot be used: not a regular file");
        assertThat(r.out()).endsWith("result 4000000000\n");
    }

    @Test
    void temporaryFilesAreNewPrivateFilesAndStaleOnesAreRemoved(@TempDir Path dir) throws Exception {
        Path ck = Files.createDirectories(dir.resolve("ck"));
        Path victim = Files.writeString(dir.resolve("victim"), "precious");
        Files.writeString(ck.resolve(".ckpt-000007.tck.tmp"), "left by a killed writer");
        // the name the next write uses, planted as a link: it must be replaced, never written through
        Files.createSymbolicLink(ck.resolve(".ckpt-000001.tck.tmp"), victim);
        Result r = run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", ck.toString(), "TALENT_STOP_AFTER", "2"), dir);
        assertThat(r.rc()).as(r.err()).isEqualTo(75);
        assertThat(Files.readString(victim)).isEqualTo("precious");
        try (Stream<Path> files = Files.list(ck)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).containsExactly("ckpt-000001.tck");
        }
        assertThat(Files.getPosixFilePermissions(ck.resolve("ckpt-000001.tck")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        // a directory the runtime creates is private too
        Path fresh = dir.resolve("fresh");
        assertThat(run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", fresh.toString(), "TALENT_STOP_AFTER", "2"),
                dir).rc()).isEqualTo(75);
        assertThat(Files.getPosixFilePermissions(fresh)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void configurationIsObeyedOnlyFromTrustedFilesAndNeverRestarts(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("talent.conf"), "stop_after = 2\ncheckpoint_dir = ck\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-rw-rw-"));
        Result r = run(List.of(narrow.toString()), Map.of(), dir);
        assertThat(r.rc()).isEqualTo(64);
        assertThat(r.err()).contains("configuration file talent.conf is not trusted: it is writable by group or others");
        assertThat(r.out()).isEmpty();

        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r--r--"));
        r = run(List.of(narrow.toString()), Map.of(), dir);
        assertThat(r.rc()).as(r.err()).isEqualTo(75);

        Files.writeString(conf, "restart = 1\ncheckpoint_dir = ck\n");
        r = run(List.of(narrow.toString()), Map.of(), dir);
        assertThat(r.rc()).isEqualTo(64);
        assertThat(r.err()).contains("talent.conf:1: key 'restart' cannot be set in a configuration file");
        Files.delete(conf);

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.createSymbolicLink(other.resolve("talent.conf"), dir);
        r = run(List.of(narrow.toString()), Map.of("TALENT_CONFIG", other.resolve("talent.conf").toString()), dir);
        assertThat(r.rc()).isEqualTo(64);
        assertThat(r.err()).contains("is not trusted: it is not a regular file");
    }

    @Test
    void aRestartTrustsOnlyAPrivateCheckpointDirectoryAndEscapesItsName(@TempDir Path dir) throws Exception {
        Path ck = twoCheckpoints(dir);
        Path shared = dir.resolve("shared\u001b[2Jdir");
        Files.move(ck, shared);
        Set<PosixFilePermission> open = PosixFilePermissions.fromString("rwxrwxrwx");
        Files.setPosixFilePermissions(shared, open);
        Result r = run(List.of(narrow.toString()), Map.of("TALENT_CHECKPOINT_DIR", shared.toString(), "TALENT_RESTART", "1"), dir);
        assertThat(r.rc()).isEqualTo(64);
        assertThat(r.err()).contains("shared\\x1b[2Jdir is not trusted for a restart: it is writable by group or others")
                .doesNotContain("\u001b");
    }

    /** Replaces {@code find} by {@code with} in section {@code tag}'s payload and recomputes that section's CRC32C. */
    static byte[] resealed(byte[] file, String tag, byte[] find, byte[] with) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int pos = 24;
        while (pos < file.length) {
            String t = new String(file, pos, 4, StandardCharsets.US_ASCII);
            int length = (int) b.getLong(pos + 4);
            if (t.equals(tag)) {
                int at = indexOf(file, find, pos + 12, pos + 12 + length);
                System.arraycopy(with, 0, file, at, with.length);
                CRC32C crc = new CRC32C();
                crc.update(file, pos, 12 + length);
                b.putInt(pos + 12 + length, (int) crc.getValue());
                return file;
            }
            pos += 16 + length;
        }
        throw new IllegalArgumentException("no section " + tag);
    }

    private static int indexOf(byte[] data, byte[] find, int from, int to) {
        outer:
        for (int k = from; k + find.length <= to; k++) {
            for (int j = 0; j < find.length; j++) if (data[k + j] != find[j]) continue outer;
            return k;
        }
        throw new IllegalArgumentException("pattern not found");
    }

    @SuppressWarnings("unused")
    private static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }
}
