package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventChannelTest {

    private static void feed(EventChannel channel, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        channel.accept(bytes, bytes.length, 1);
    }

    private static List<RuntimeEvent> drain(EventChannel channel) throws InterruptedException {
        List<RuntimeEvent> events = new ArrayList<>();
        RuntimeEvent e;
        while ((e = channel.next(Duration.ofMillis(1))) != null) events.add(e);
        return events;
    }

    @Test
    void linesSplitAcrossReadsArriveWhole() throws InterruptedException {
        EventChannel channel = EventChannel.detached(Path.of("/s/hosts/x86_64/events"));
        feed(channel, "check");
        feed(channel, "point 3 ckpt-00");
        feed(channel, "0003.tck\nready 3 x86_64\n");
        assertThat(drain(channel)).containsExactly(new RuntimeEvent.CheckpointWritten(3, 1), new RuntimeEvent.Ready(3, "x86_64", 1));
        assertThat(channel.takeReport()).isEmpty();
    }

    @Test
    void anEndlessLineKeepsNoMoreThanTheLimitAndIsDroppedWhole() throws InterruptedException {
        EventChannel.LineSplitter splitter = new EventChannel.LineSplitter(RuntimeEvent.MAX_LINE_BYTES);
        List<String> lines = new ArrayList<>();
        List<Boolean> tooLong = new ArrayList<>();
        byte[] chunk = "checkpoint-failed ".repeat(4000).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 2000; i++) { // 144 MB without a newline
            splitter.feed(chunk, chunk.length, (l, t) -> { lines.add(l); tooLong.add(t); });
            assertThat(splitter.pending()).isLessThanOrEqualTo(RuntimeEvent.MAX_LINE_BYTES);
        }
        assertThat(lines).isEmpty();
        byte[] end = "\nexiting 0\n".getBytes(StandardCharsets.US_ASCII);
        splitter.feed(end, end.length, (l, t) -> { lines.add(l); tooLong.add(t); });
        assertThat(tooLong).containsExactly(true, false);
        assertThat(lines.get(1)).isEqualTo("exiting 0");

        EventChannel channel = EventChannel.detached(Path.of("/s/hosts/x86_64/events"));
        feed(channel, "x".repeat(100_000));
        feed(channel, "\nexiting 3\n");
        assertThat(drain(channel)).containsExactly(new RuntimeEvent.Exiting(3, 1));
        assertThat(channel.takeReport()).hasValueSatisfying(r -> assertThat(r).contains("1 longer than 256 bytes"));
    }

    @Test
    void malformedLinesAreDroppedCountedAndReportedEscapedAtMostEveryTenSeconds() throws InterruptedException {
        EventChannel channel = EventChannel.detached(Path.of("/s/hosts/aarch64/events"));
        feed(channel, "checkpoint 1 ../work/a/PWNED\n\u001b[31mforged\nready 1 aarch64\n");
        assertThat(drain(channel)).containsExactly(new RuntimeEvent.Ready(1, "aarch64", 1));
        assertThat(channel.takeReport()).hasValueSatisfying(r -> assertThat(r)
                .isEqualTo("ignored event lines from the program on aarch64: 2 malformed (first: \"checkpoint 1 ../work/a/PWNED\")"));
        feed(channel, "\u001b[31mforged\n");
        // within ten seconds of the last report: counted, told later (or at the end of the run)
        assertThat(channel.takeReport()).isEmpty();
        assertThat(channel.takeReport(true)).hasValue(
                "ignored event lines from the program on aarch64: 1 malformed (first: \"\\x1b[31mforged\")");
        assertThat(channel.takeReport(true)).isEmpty();
    }

    @Test
    void theQueueIsBoundedButTalentsOwnEventsAreNeverLost() throws InterruptedException {
        EventChannel channel = EventChannel.detached(Path.of("/s/hosts/s390x/events"));
        for (int i = 0; i < 10_000; i++) feed(channel, "started s390x\n");
        channel.post(new RuntimeEvent.ProcessExited("c", 75, 2));
        List<RuntimeEvent> events = drain(channel);
        assertThat(events).hasSize(EventChannel.QUEUE_CAPACITY - EventChannel.RESERVED + 1);
        assertThat(events.getLast()).isEqualTo(new RuntimeEvent.ProcessExited("c", 75, 2));
        assertThat(channel.takeReport()).hasValueSatisfying(r -> assertThat(r)
                .contains((10_000 - EventChannel.QUEUE_CAPACITY + EventChannel.RESERVED) + " beyond 240 waiting events"));

        for (int i = 0; i < EventChannel.QUEUE_CAPACITY; i++) channel.post(new RuntimeEvent.Started("s390x", 3));
        channel.post(new RuntimeEvent.ProcessExited("d", 0, 4));
        List<RuntimeEvent> after = drain(channel);
        assertThat(after).hasSize(EventChannel.QUEUE_CAPACITY).last().isEqualTo(new RuntimeEvent.ProcessExited("d", 0, 4));
    }

    @Test
    void escapingShowsControlCharactersInsteadOfSendingThem() {
        assertThat(Printable.escape("a\u001b[2J\\b\u00e9", 80)).isEqualTo("a\\x1b[2J\\\\b\\xe9");
        assertThat(Printable.escape("abcdef", 3)).isEqualTo("abc...");
    }
}
