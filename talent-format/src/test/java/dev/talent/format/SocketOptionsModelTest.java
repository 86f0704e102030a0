package dev.talent.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12: the {@code SOPT} entries as a model ({@link SocketOptions}): the reader decodes them, the writer writes
 * them (a round trip is the identity), and {@code talent inspect} shows each option by name with its value and a
 * listener's backlog, or that its backlog is unknown and the restore listens with {@code SOMAXCONN}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SocketOptionsModelTest {
    private static Checkpoint written() {
        return SocketOptionsCorpus.written(ForgedCorpus.base());
    }

    @Test
    void theJavaWriterWritesSoptAndTheReaderReadsBackTheSameEntries() throws Exception {
        Checkpoint c = written();
        byte[] bytes = CheckpointWriter.write(c);
        assertThat(Sections.of(bytes).sections()).anyMatch(x -> x.tag().equals(Wire.SOPT));
        Checkpoint back = CheckpointReader.read(bytes, "written.tck");
        assertThat(back.socketOptions()).isEqualTo(SocketOptionsCorpus.writtenEntries());
        assertThat(back).isEqualTo(c);
        // and again: what the reader returns is written to the same bytes
        assertThat(CheckpointWriter.write(back)).isEqualTo(bytes);
    }

    @Test
    void aCheckpointWithoutEntriesHasNoSoptSection() {
        assertThat(Sections.of(CheckpointWriter.write(ForgedCorpus.base())).sections()).noneMatch(x -> x.tag().equals(Wire.SOPT));
    }

    @Test
    void theReaderDecodesTheRuntimesEntries() throws Exception {
        // the corpus file whose SOPT payload is spliced in as the C runtime writes it
        Checkpoint c = CheckpointReader.read(ForgedCorpus.valid().get("connection-options.tck"), "connection-options.tck");
        assertThat(c.socketOptions()).containsExactly(
                new SocketOptions(6, OptionalInt.of(16), List.of(SocketOptions.Option.of(RuntimeContract.SOPT_KEEPALIVE, 1),
                        SocketOptions.Option.of(RuntimeContract.SOPT_RCVBUF, 65536),
                        new SocketOptions.Option(RuntimeContract.SOPT_LINGER, 1, 5),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_KEEPIDLE, 30),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_DEFER_ACCEPT, 7),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_FASTOPEN, 8))),
                new SocketOptions(40, OptionalInt.empty(), List.of(SocketOptions.Option.of(RuntimeContract.SOPT_SNDBUF, 40000),
                        new SocketOptions.Option(RuntimeContract.SOPT_LINGER, 1, 7),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_USER_TIMEOUT, 12345),
                        SocketOptions.Option.of(RuntimeContract.SOPT_IP_TOS, 16),
                        SocketOptions.Option.of(RuntimeContract.SOPT_TCP_NOTSENT_LOWAT, 16384))));
        assertThat(c.socketOptions(40)).map(SocketOptions::backlog).contains(OptionalInt.empty());
        assertThat(c.socketOptions(7)).isEmpty();
    }

    @Test
    void entriesTheWriterWritesButFileContradictsAreRefusedByTheReaderForTheirReason() {
        var forged = SocketOptionsCorpus.forged(ForgedCorpus.base());
        assertThat(refusal(forged.get("sopt-written-backlog-on-udp.tck"))).contains("socket 41: a backlog on a UDP socket");
        assertThat(refusal(forged.get("sopt-written-tcp-option-on-udp.tck")))
                .contains("socket 41: option TCP_NODELAY does not apply to a UDP IPv6 socket");
        assertThat(refusal(forged.get("sopt-written-entries-out-of-order.tck"))).contains("socket 6: descriptor out of range or not in increasing order");
        assertThat(refusal(forged.get("sopt-written-ipv4-option-on-ipv6.tck")))
                .contains("socket 41: option IP_TOS does not apply to a UDP IPv6 socket");
    }

    private static String refusal(byte[] file) {
        try {
            CheckpointReader.read(file, "forged.tck");
        } catch (CorruptCheckpointException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void theModelRefusesWhatNoReaderAccepts() {
        assertThatThrownBy(() -> SocketOptions.Option.of(0, 1)).hasMessageContaining("option code 0 unknown");
        assertThatThrownBy(() -> SocketOptions.Option.of(RuntimeContract.SOPT_MAX_CODE + 1, 1)).hasMessageContaining("unknown");
        assertThatThrownBy(() -> SocketOptions.Option.of(RuntimeContract.SOPT_TCP_KEEPCNT, 128))
                .hasMessageContaining("option TCP_KEEPCNT value 128, 0 out of range");
        assertThatThrownBy(() -> SocketOptions.Option.of(RuntimeContract.SOPT_RCVBUF, 0)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new SocketOptions.Option(RuntimeContract.SOPT_RCVTIMEO, 1, 1_000_000))
                .hasMessageContaining("out of range");
        assertThatThrownBy(() -> new SocketOptions.Option(RuntimeContract.SOPT_LINGER, 1, -1)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new SocketOptions.Option(RuntimeContract.SOPT_KEEPALIVE, 1, 1)).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new SocketOptions(6, OptionalInt.empty(), List.of(SocketOptions.Option.of(RuntimeContract.SOPT_RCVBUF, 9),
                SocketOptions.Option.of(RuntimeContract.SOPT_KEEPALIVE, 1)))).hasMessageContaining("not in increasing order");
        assertThatThrownBy(() -> new SocketOptions(0x8000_0000L, OptionalInt.empty(), List.of())).hasMessageContaining("out of range");
    }

    @Test
    void inspectShowsEachOptionByNameWithItsValueAndEachListenersBacklog() {
        String text = InspectRenderer.text(written());
        assertThat(text).contains("fd 6 listening socket \"tcp:127.0.0.1:8080\", read-write, non-blocking, backlog -1, 6 options set (SOPT)")
                .contains("""
                        SO_REUSEADDR 1
                        SO_SNDTIMEO 2.250000 s
                        TCP_NODELAY 1
                        TCP_MAXSEG 1400
                        IP_TTL 32
                        TCP_NOTSENT_LOWAT 2147483647
                """)
                .contains("""
                        SO_KEEPALIVE 1
                        SO_RCVBUF 1073741823
                        SO_LINGER off, 30 s
                        TCP_KEEPCNT 127
                        IP_TOS 184
                """)
                .contains("""
                        SO_BROADCAST 1
                        SO_PRIORITY 6
                        IPV6_TCLASS 255
                        IPV6_UNICAST_HOPS 1
                """)
                .contains("\"tcp:0.0.0.0:9090\", read-write, backlog unknown (listen() not seen), SOMAXCONN at restore, 1 option set (SOPT)")
                .contains("        TCP_FASTOPEN 16\n");
        // a UDP socket has no backlog
        assertThat(text.lines().filter(l -> l.contains("udp6:")).findFirst().orElseThrow()).doesNotContain("backlog");
        // a listener without an entry (every file written before SOPT, or a socket with default options) listens with SOMAXCONN
        assertThat(InspectRenderer.text(ForgedCorpus.base()))
                .contains("\"tcp:127.0.0.1:8080\", read-write, non-blocking, backlog unknown (listen() not seen), SOMAXCONN at restore   (site");
    }

    @Test
    void inspectJsonHasEachSocketsBacklogAndOptions() throws Exception {
        JsonNode files = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .readTree(InspectRenderer.json(written())).get("files");
        JsonNode listener = byFd(files, 6).get("socketOptions");
        assertThat(listener.get("backlog").asInt()).isEqualTo(-1);
        assertThat(listener.get("options")).hasSize(6);
        JsonNode timeout = listener.get("options").get(1);
        assertThat(timeout.get("code").asInt()).isEqualTo(RuntimeContract.SOPT_SNDTIMEO);
        assertThat(timeout.get("name").asText()).isEqualTo("SO_SNDTIMEO");
        assertThat(timeout.get("seconds").asInt()).isEqualTo(2);
        assertThat(timeout.get("microseconds").asInt()).isEqualTo(250_000);
        assertThat(timeout.get("text").asText()).isEqualTo("2.250000 s");
        assertThat(listener.get("options").get(5).get("value").asLong()).isEqualTo(0x7FFF_FFFFL);
        JsonNode connection = byFd(files, 40);
        assertThat(connection.get("flags").get("options").asBoolean()).isTrue();
        assertThat(connection.get("socketOptions").has("backlog")).as("a connection has no backlog").isFalse();
        JsonNode linger = connection.get("socketOptions").get("options").get(2);
        assertThat(linger.get("name").asText()).isEqualTo("SO_LINGER");
        assertThat(linger.get("on").asBoolean()).isFalse();
        assertThat(linger.get("seconds").asInt()).isEqualTo(30);
        assertThat(byFd(files, 41).get("socketOptions").has("backlog")).as("a UDP socket has no backlog").isFalse();
        assertThat(byFd(files, 41).get("socketOptions").get("options").get(2).get("name").asText()).isEqualTo("IPV6_TCLASS");
        assertThat(byFd(files, 42).get("socketOptions").get("backlog").isNull()).as("listen() not seen").isTrue();
        // a file that is no socket has no such key
        assertThat(byFd(files, 3).has("socketOptions")).isFalse();
    }

    private static JsonNode byFd(JsonNode files, long fd) {
        for (JsonNode f : files) if (f.get("fd").asLong() == fd) return f;
        throw new AssertionError("no fd " + fd + " in " + files);
    }
}
