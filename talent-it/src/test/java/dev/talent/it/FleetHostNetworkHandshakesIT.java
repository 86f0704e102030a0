package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Issue 12 on the fleet's remote path for an app on its hosts' own network (deployed without --net): the line server
 * (network/linecount.c) moves h1 -> h2 -> h1 on {@code lab up --hosts 2} while a client connects in a tight loop. A lab host is a network namespace, so the app's address is the address of the host it runs on; the
 * client knows both hosts and tries the one that answered last first, then the other (as a client of a name with an
 * address per host does). The source agent (protocol 8) drops new handshakes to the app's listeners from before the
 * stop until the destination listens: the client's SYN to the source is sent again a second later, is refused by
 * then, and the other host answers; none of the client's connections is reset or refused by both hosts, and each
 * move succeeds. Before (as with both agents capped at 7, which do what that release did) the listener closed with
 * the source: the source refused at once while the destination did not listen yet, and a stop with the client's
 * connection open failed the move. No table dropping handshakes is left in either host's namespace; the server's
 * count equals the answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(FleetLab.LOCK)
class FleetHostNetworkHandshakesIT {
    private static final String APP = "hostsyn";
    private static final int PORT = 8182;

    private TalentCli talent;
    private Path root, binary;
    private FleetLab lab;

    @BeforeAll
    void labUp() throws IOException {
        FleetLab.assumeLab(false);
        talent = TalentCli.get();
        root = FleetLab.workRoot("fleet-host-handshakes");
        binary = FleetLab.x86Server(talent, root, "linecount");
        lab = FleetLab.at(talent, root);
        lab.up(List.of(), "--hosts", "2");
    }

    @AfterAll
    void labDown() {
        if (lab != null) lab.down();
    }

    @Test
    void aClientConnectingInATightLoopIsNeverResetWhileAHostNetworkAppMovesHostToHost() throws Exception {
        lab.awaitAgents(2, Duration.ofSeconds(60));
        FleetLab.ok(lab.run("deploy", "--name", APP, "--platforms", "x86_64", binary.toString(), "--", Integer.toString(PORT)));
        if (!lab.status(APP).get("host").asText().equals("h1")) lab.migrate(APP, "h1/x86_64");
        List<InetSocketAddress> hosts = List.of(new InetSocketAddress(InetAddress.ofLiteral(lab.address(1)), PORT),
                new InetSocketAddress(InetAddress.ofLiteral(lab.address(2)), PORT));
        Loop loop = new Loop(hosts);
        List<String> moves = new ArrayList<>();
        try {
            loop.start();
            loop.awaitAnswers(20, Duration.ofMinutes(1));
            for (String to : List.of("h2", "h1")) {
                loop.takeLargestGapMillis();
                ProcessResult m = lab.run("migrate", APP, "--to", to + "/x86_64", "--json");
                JsonNode r = FleetLab.JSON.readTree(m.stdout());
                loop.awaitAnswers(loop.answered() + 20, Duration.ofMinutes(1));
                moves.add("to " + to + ": exit " + m.exitCode() + ", ok " + r.path("ok") + ", downtime " + r.path("downtime_ms")
                        + " ms, the client's largest gap between answers " + loop.takeLargestGapMillis() + " ms, "
                        + loop.failures().size() + " failures so far" + (m.exitCode() == 0 ? "" : ": " + r.path("error")));
            }
        } finally {
            loop.stop();
        }
        System.out.println("FleetHostNetworkHandshakesIT: " + moves);
        int n = loop.answered();
        assertThat(loop.failures()).as("what the client got instead of an answer in " + n + " connections while " + APP
                + " moved (" + moves + ")").isEmpty();
        assertThat(moves).as("the moves").allSatisfy(m -> assertThat(m).contains(": exit 0,"));
        assertThat(loop.answers()).as("every connection answered once, numbered in order").isEqualTo(numbered(n));
        assertThat(tables(1) + tables(2)).as("no table dropping handshakes left in a host's namespace").doesNotContain("talent_syn_");

        try (var last = new Socket()) {
            last.connect(hosts.get(0), 30_000);
            last.setSoTimeout(30_000);
            last.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(reader(last).readLine()).isEqualTo("bye");
        }
        FleetLab.ok(lab.run("wait", APP));
        assertThat(FleetLab.ok(lab.run("logs", APP)).stdoutText()).as("the server's count, as a native run's").isEqualTo("served " + n + "\n");
        FleetLab.ok(lab.run("undeploy", APP));
    }

    /** {@code nft list tables} in host {@code k}'s namespace. */
    private String tables(int k) {
        ProcessResult r = Processes.run(List.of("ip", "netns", "exec", lab.prefix() + "h" + k, "nft", "list", "tables"), root,
                Duration.ofSeconds(30));
        assertThat(r.exitCode()).withFailMessage(r::describe).isZero();
        return r.stdoutText();
    }

    /** "1 c-1" ... "n c-n": what the line server answers to one line per connection. */
    private static List<String> numbered(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 1; i <= n; i++) l.add(i + " c-" + i);
        return l;
    }

    /**
     * A client connecting in a tight loop (one connection at a time: connect, send "c-K", read the answer, close) to
     * the host that answered last, then to the other when that one refuses. A connection refused by both, reset or
     * cut is kept as a failure. The largest time between two answers is kept too.
     */
    private static final class Loop {
        private final List<InetSocketAddress> hosts;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<String> answers = Collections.synchronizedList(new ArrayList<>());
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private volatile long largestGapNanos;
        private Thread thread;

        Loop(List<InetSocketAddress> hosts) { this.hosts = hosts; }

        void start() {
            thread = Thread.ofPlatform().name("tight-loop-client").start(() -> {
                int first = 0;
                long last = System.nanoTime();
                for (int k = 1; !stop.get() && failures.size() <= 200; k++) {
                    List<String> refused = new ArrayList<>();
                    for (int t = 0; t < hosts.size(); t++) {
                        int h = (first + t) % hosts.size();
                        try (var s = new Socket()) {
                            // a SYN dropped while the server moves is sent again after 1 s, then 3 s...
                            s.connect(hosts.get(h), 30_000);
                            s.setSoTimeout(30_000);
                            s.getOutputStream().write(("c-" + k + "\n").getBytes(StandardCharsets.US_ASCII));
                            String a = reader(s).readLine();
                            if (a == null) failures.add("connection " + k + " to " + hosts.get(h) + ": end of stream, no answer");
                            else {
                                answers.add(a);
                                long now = System.nanoTime();
                                largestGapNanos = Math.max(largestGapNanos, now - last);
                                last = now;
                                first = h;
                            }
                            refused.clear();
                            break;
                        } catch (ConnectException e) {
                            refused.add(hosts.get(h) + ": " + e.getMessage());
                        } catch (IOException e) {
                            failures.add("connection " + k + " to " + hosts.get(h) + ": " + e);
                            refused.clear();
                            break;
                        }
                    }
                    if (!refused.isEmpty()) failures.add("connection " + k + " refused by every host: " + refused);
                }
            });
        }

        int answered() { return answers.size(); }

        List<String> answers() { return List.copyOf(answers); }

        List<String> failures() { return List.copyOf(failures); }

        /** The largest time between two answers since the last call. */
        long takeLargestGapMillis() {
            long g = largestGapNanos;
            largestGapNanos = 0;
            return TimeUnit.NANOSECONDS.toMillis(g);
        }

        void awaitAnswers(int n, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (answers.size() < n && System.nanoTime() < deadline && thread.isAlive()) Thread.sleep(10);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            if (thread != null) thread.join(Duration.ofMinutes(1));
        }
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    }
}
