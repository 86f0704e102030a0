package dev.talent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
        TightLoopClient loop = new TightLoopClient(hosts);
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
        assertThat(loop.answers()).as("every connection answered once, numbered in order").isEqualTo(TightLoopClient.numbered(n));
        assertThat(tables(1) + tables(2)).as("no table dropping handshakes left in a host's namespace").doesNotContain("talent_syn_");

        try (var last = new Socket()) {
            last.connect(hosts.get(0), 30_000);
            last.setSoTimeout(30_000);
            last.getOutputStream().write("quit\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(TightLoopClient.reader(last).readLine()).isEqualTo("bye");
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
}
