package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.talent.toolchain.Platform;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NetworkBenchTest {
    private static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    private static final long MS = 1_000_000;

    /** A log whose nanosecond clock reads 1 000 000 000 at T0. */
    private static PeerLog log() { return new PeerLog(1000 * MS, T0); }

    private static Instant at(long ms) { return T0.plusMillis(ms); }

    private static long nanos(long ms) { return 1000 * MS + ms * MS; }

    @Test
    void peerModesAreParsedByTheirLabelsAndBothNamesTheTwo() {
        assertThat(PeerMode.parse("stream")).isEqualTo(PeerMode.STREAM);
        assertThat(PeerMode.parse(" Request-Reply ")).isEqualTo(PeerMode.REQUEST_REPLY);
        assertThat(PeerMode.parseList("both")).containsExactly(PeerMode.STREAM, PeerMode.REQUEST_REPLY);
        assertThat(PeerMode.parseList("request-reply,stream,request-reply"))
                .containsExactly(PeerMode.REQUEST_REPLY, PeerMode.STREAM);
        assertThat(PeerMode.parseList("request-reply")).containsExactly(PeerMode.REQUEST_REPLY);
    }

    @Test
    void anUnknownOrEmptyPeerIsRefused() {
        assertThatThrownBy(() -> PeerMode.parse("request_reply")).hasMessageContaining("request-reply");
        assertThatThrownBy(() -> PeerMode.parseList("stream,")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerMode.parseList("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReplyNumbersTheRequestItRepeats() {
        assertThat(PeerLog.replyNumber("7 req-7")).isEqualTo(7);
        assertThat(PeerLog.replyNumber("7 req-8")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber("07 req-07")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber("-1 req--1")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber("0 req-0")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber("bye")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber(" req-")).isEqualTo(-1);
        assertThat(PeerLog.replyNumber("99999999999999999999 req-99999999999999999999")).isEqualTo(-1);
    }

    @Test
    void theLongestWaitIsTheLongestSpanOverlappingTheWindow() {
        PeerLog log = log();
        log.waited(nanos(0), nanos(1));
        log.waited(nanos(2), nanos(300)); // ends inside the window
        log.waited(nanos(400), nanos(420));
        log.waited(nanos(500), nanos(1500)); // starts after it
        log.waited(nanos(-900), nanos(90)); // ends before it

        PeerLog.Gap gap = log.largest(at(100), at(450));

        assertThat(gap.ms()).isCloseTo(298.0, within(1e-9));
        assertThat(gap.endNanos()).isEqualTo(nanos(300));
        assertThat(log.msBefore(gap.endNanos(), at(450))).isCloseTo(150.0, within(1e-9));
        // a span that covers the whole window counts too
        assertThat(log.largest(at(600), at(700)).ms()).isCloseTo(1000.0, within(1e-9));
    }

    @Test
    void withoutAnyWaitInTheWindowThePauseIsZeroEndingAtTheWindowsEnd() {
        PeerLog log = log();
        log.waited(nanos(0), nanos(10));

        PeerLog.Gap gap = log.largest(at(20), at(30));

        assertThat(gap.ms()).isZero();
        assertThat(gap.endNanos()).isEqualTo(nanos(30));
    }

    @Test
    void everyRequestAnsweredOnceInOrderIsNeitherLostNorDuplicated() {
        PeerLog log = log();
        for (long n = 1; n <= 5; n++) log.reply(n);

        assertThat(log.lost(5)).isZero();
        assertThat(log.duplicated(5)).isZero();
        assertThat(log.lost(6)).as("a request still unanswered").isEqualTo(1);
    }

    @Test
    void missingRepeatedReorderedAndForeignRepliesAreCounted() {
        PeerLog repeated = log();
        for (long n : new long[] {1, 2, 2, 3}) repeated.reply(n);
        assertThat(repeated.lost(3)).isZero();
        assertThat(repeated.duplicated(3)).isEqualTo(1);

        PeerLog missing = log();
        for (long n : new long[] {1, 3, 4}) missing.reply(n);
        assertThat(missing.lost(4)).isEqualTo(1);
        assertThat(missing.duplicated(4)).as("replies after the missing one are out of order").isEqualTo(2);

        PeerLog foreign = log();
        for (long n : new long[] {1, -1, 2, 9}) foreign.reply(n);
        assertThat(foreign.lost(2)).isZero();
        assertThat(foreign.duplicated(2)).as("a bad line and a reply to a request never sent").isEqualTo(2);
    }

    @Test
    void theReportGivesMediansAndP95sOfPauseDowntimeAndTheirDifference() {
        Platform x86 = Platform.parse("x86_64");
        NetworkBench.Scenario rr = new NetworkBench.Scenario("native -> native", PeerMode.REQUEST_REPLY, List.of(x86),
                List.of(30.0, 240.0, 25.0, 22.0), List.of(20.0, 25.0, 21.0, 19.0), List.of(1.0, 2.0, 3.0, 4.0),
                List.of(5.0, 6.0, 7.0, 8.0), 1, 4000, 0, 0);

        assertThat(NetworkBenchCommand.beyond(rr)).containsExactly(10.0, 215.0, 4.0, 3.0);
        String report = NetworkBenchCommand.report(List.of(rr));

        // pause median 27.5, p95 240; downtime 20.5 / 25; pause - downtime 7 / 215; net_ms 2.5 / 4
        assertThat(report).containsPattern(
                "native -> native +request-reply +4 +27\\.5 +240\\.0 +20\\.5 +25\\.0 +7\\.0 +215\\.0 +2\\.5 +4\\.0 +0 +0\n");
        assertThat(report).contains("native -> native, request-reply: 4000 requests, 1 failed migrations;"
                + " pause - downtime within 10 ms in 3 of 4; per migration (ms): 10 215 4 3;");
        assertThat(report).contains("(after the unlock): 5 6 7 8\n");
    }
}
