package dev.talent.compiler;

import static dev.talent.compiler.MigrationHops.HOPS;
import static dev.talent.compiler.MigrationHops.command;
import static dev.talent.compiler.MigrationHops.link;
import static dev.talent.compiler.MigrationHops.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.compiler.MigrationHops.Run;
import dev.talent.compiler.MigrationHops.Target;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.EventPoll;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * epoll instances migrated hop after hop over the five ISAs (issue 12), without containers: resources/epoll/epolludp.c
 * watches two UDP sockets (carried by the FILE section) with two epoll instances, the second watched by the first;
 * one socket edge-triggered with data.ptr naming a heap block that only the registration points to (its counter
 * goes on across hops), the other level-triggered with data.fd. Each hop receives four datagrams, then SIGUSR1 stops
 * it while it waits in epoll_wait and the next ISA restarts; the output must equal that of the program built by gcc
 * and fed the same datagrams without interruption.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EpollMigrationIT {
    private static final Path SOURCE = Path.of(System.getProperty("user.dir")).resolve("src/test/resources/epoll/epolludp.c");

    @TempDir
    Path work;

    @Test
    void epollInstancesAndTheirDataSurviveEveryIsa() throws Exception {
        int port = FreePorts.udpPair();
        Path original = work.resolve("epolludp.orig");
        Run cc = run(List.of("gcc", "-O2", "-fsigned-char", "-o", original.toString(), SOURCE.toString()), Map.of(), null);
        assertThat(cc.rc()).as(cc.err()).isZero();

        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(SOURCE), List.of(), work.resolve("out"),
                "epolludp"));
        Path ck = Files.createDirectories(work.resolve("ck"));
        StringBuilder migrated = new StringBuilder();
        int lines = 1;                          // "ready"
        for (int hop = 0; hop <= HOPS.size(); hop++) {
            boolean last = hop == HOPS.size();
            Target t = HOPS.get(last ? 0 : hop);
            Path exe = work.resolve("epolludp." + t.name());
            if (!Files.exists(exe)) link(t, r, exe);
            Path out = work.resolve("hop-" + hop + ".out");
            ProcessBuilder pb = new ProcessBuilder(command(t, exe)).redirectOutput(out.toFile())
                    .redirectError(work.resolve("hop-" + hop + ".err").toFile());
            pb.command().add(Integer.toString(port));
            pb.environment().put("TALENT_CHECKPOINT_DIR", ck.toString());
            pb.environment().put("TALENT_RESTART", hop == 0 ? "0" : "1");
            pb.environment().put("TALENT_VERBOSE", "1");
            Process p = pb.start();
            try {
                if (hop == 0) awaitLines(p, out, 1);
                else awaitReady(p, work.resolve("hop-" + hop + ".err"));
                if (last) {
                    send(port + 1, "quit");
                } else {
                    feed(p, out, port, t.name());
                    lines += 4;
                    Thread.sleep(100);      // back in epoll_wait
                    assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor()).isZero();
                }
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            String err = Files.readString(work.resolve("hop-" + hop + ".err"), StandardCharsets.ISO_8859_1);
            assertThat(p.exitValue()).as("hop " + hop + " on " + t.name() + ":\n" + err).isEqualTo(last ? 0 : 75);
            migrated.append(Files.readString(out, StandardCharsets.ISO_8859_1));
            if (hop == 0) {
                // the checkpoint holds both instances, the inner one with the data.ptr registration
                Checkpoint c = CheckpointDirectory.newestValid(ck).newest().orElseThrow().checkpoint();
                assertThat(c.epoll()).hasSize(2);
                assertThat(c.epoll()).flatExtracting(EventPoll::registrations).extracting(EventPoll.Registration::data)
                        .hasAtLeastOneElementOfType(EventPoll.Pointer.class).hasAtLeastOneElementOfType(EventPoll.Int32.class);
            }
        }
        assertThat(lines).isEqualTo(1 + 4 * HOPS.size());

        // the uninterrupted run, fed the same datagrams
        Path refOut = work.resolve("reference.out");
        Process ref = new ProcessBuilder(original.toString(), Integer.toString(port)).redirectOutput(refOut.toFile()).start();
        try {
            awaitLines(ref, refOut, 1);
            for (int hop = 0; hop < HOPS.size(); hop++) {
                feed(ref, refOut, port, HOPS.get(hop).name());
            }
            send(port + 1, "quit");
            assertThat(ref.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            ref.destroyForcibly();
        }
        String expected = Files.readString(refOut, StandardCharsets.ISO_8859_1);
        assertThat(migrated.toString()).isEqualTo(expected).contains("edge 10 c-riscv64\nlevel 10 d-riscv64\n");
    }

    /**
     * An EPOLLONESHOT registration (data.u64) that fired and was not re-armed stays disarmed across x86_64 -> s390x:
     * a datagram that arrives after the restore is not reported until the program's EPOLL_CTL_MOD, as without the
     * migration; data.u64 comes back in the destination's byte order.
     */
    @Test
    void aDisarmedOneShotRegistrationStaysDisarmed() throws Exception {
        int port = FreePorts.udpPair();
        Path source = SOURCE.resolveSibling("oneshot.c");
        CompileResult r = new CheckpointCompiler().compile(new CompileRequest(List.of(source), List.of(), work.resolve("one"),
                "oneshot"));
        Path ck = Files.createDirectories(work.resolve("ck-one"));
        StringBuilder out = new StringBuilder();
        for (int hop = 0; hop < 2; hop++) {
            Target t = HOPS.get(hop);
            Path exe = link(t, r, work.resolve("oneshot." + t.name()));
            Path stdout = work.resolve("one-" + hop + ".out");
            Path stderr = work.resolve("one-" + hop + ".err");
            ProcessBuilder pb = new ProcessBuilder(command(t, exe)).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            pb.command().add(Integer.toString(port));
            pb.environment().put("TALENT_CHECKPOINT_DIR", ck.toString());
            pb.environment().put("TALENT_RESTART", hop == 0 ? "0" : "1");
            pb.environment().put("TALENT_VERBOSE", "1");
            Process p = pb.start();
            try {
                if (hop == 0) {
                    Thread.sleep(500);
                    send(port, "one");
                    awaitLines(p, stdout, 1);
                    Thread.sleep(300);      // round 1 waits, disarmed
                    assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor()).isZero();
                } else {
                    awaitReady(p, stderr);
                    send(port, "two");
                    awaitLines(p, stdout, 2);
                    send(port, "three");
                }
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue()).as(Files.readString(stderr, StandardCharsets.ISO_8859_1)).isEqualTo(hop == 0 ? 75 : 0);
            out.append(Files.readString(stdout, StandardCharsets.ISO_8859_1));
        }
        assertThat(out.toString()).isEqualTo("""
                round 0: 1 event data 1122334455667788: one
                round 1: no event (disarmed)
                round 1: 1 event data 1122334455667788: two
                round 2: no event (disarmed)
                round 2: 1 event data 1122334455667788: three
                """);
    }

    /** Two datagrams to each socket, alternating, each answered before the next is sent (one order of lines). */
    private static void feed(Process p, Path out, int port, String isa) throws Exception {
        String[] words = {"a-", "b-", "c-", "d-"};
        for (int i = 0; i < words.length; i++) {
            int before = lines(out);
            send(port + i % 2, words[i] + isa);
            awaitLines(p, out, before + 1);
        }
    }

    private static void send(int port, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket()) {
            s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), port));
        }
    }

    private static int lines(Path out) throws IOException {
        return (int) Files.readString(out, StandardCharsets.ISO_8859_1).chars().filter(c -> c == '\n').count();
    }

    private static void awaitLines(Process p, Path out, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lines(out) < n && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(lines(out)).as("lines of " + out.getFileName()).isGreaterThanOrEqualTo(n);
    }

    /** A restart says on stderr (TALENT_VERBOSE) when it restored the checkpoint. */
    private static void awaitReady(Process p, Path err) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && System.nanoTime() < deadline
                && !Files.readString(err, StandardCharsets.ISO_8859_1).contains("restored")) {
            Thread.sleep(10);
        }
        assertThat(p.isAlive()).as("restarted: " + Files.readString(err, StandardCharsets.ISO_8859_1)).isTrue();
        Thread.sleep(300);      // from the restore to epoll_wait
    }
}
