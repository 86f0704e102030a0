package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.fleet.Records;
import dev.talent.migrate.control.ControlJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What etcd keeps of ended apps: which archives the retention drops, and the summary read back as hostile input. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AppArchiveTest {
    private static final long DAY = 86_400_000L;

    private static AppArchive.Entry entry(String app, long generation) {
        return new AppArchive.Entry(app, AppArchive.generation(generation));
    }

    @Test
    void keepsTheNewestByCountThenDropsTheOldByAge() throws Exception {
        List<AppArchive.Entry> entries = List.of(entry("c", 30), entry("a", 10), entry("b", 20), entry("d", 40));
        Map<String, Long> archived = Map.of("a", 1 * DAY, "b", 2 * DAY, "c", 3 * DAY, "d", 4 * DAY);
        List<String> asked = new java.util.ArrayList<>();
        AppArchive.AgeOf age = e -> {
            asked.add(e.app());
            return archived.get(e.app());
        };
        // by count: the lowest generations (the oldest) go, without reading any time
        assertThat(AppArchive.expired(entries, new AppArchive.Retention(2, 100 * DAY), 5 * DAY, age))
                .extracting(AppArchive.Entry::app).containsExactly("a", "b");
        // then by age, oldest first, reading times only until one is young enough
        asked.clear();
        assertThat(AppArchive.expired(entries, new AppArchive.Retention(3, DAY + DAY / 2), 5 * DAY, age))
                .extracting(AppArchive.Entry::app).containsExactly("a", "b", "c");
        assertThat(asked).containsExactly("b", "c", "d");
        asked.clear();
        assertThat(AppArchive.expired(entries, new AppArchive.Retention(10, 10 * DAY), 5 * DAY, age)).isEmpty();
        assertThat(asked).containsExactly("a");
        // keep 0: every one goes
        assertThat(AppArchive.expired(entries, new AppArchive.Retention(0, 10 * DAY), 5 * DAY, age)).hasSize(4);
        assertThatThrownBy(() -> new AppArchive.Retention(-1, DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AppArchive.Retention(AppArchive.Retention.MAX_KEEP + 1, DAY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AppArchive.Retention(1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generationsSortInRevisionOrder() {
        assertThat(AppArchive.generation(9)).isEqualTo("00000000000000000009");
        assertThat(AppArchive.generation(10).compareTo(AppArchive.generation(9))).isPositive();
    }

    private static AppRecords.AppRecord spec(String name) {
        Map<String, String> bins = new HashMap<>();
        bins.put("x86_64", "%064x".formatted(1));
        return new AppRecords.AppRecord(name, bins, List.of(), null, false, null, List.of("x86_64"), null, null, null, 1, true);
    }

    private static String summary(Object placement, Object ended, int records, int events) throws Exception {
        return summary(spec("svc"), placement, ended, records, events);
    }

    private static String summary(AppRecords.AppRecord spec, Object placement, Object ended, int records, int events) throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("app", "svc");
        m.put("generation", AppArchive.generation(42));
        m.put("archived_ms", 5);
        m.put("spec", spec);
        m.put("placement", placement);
        m.put("ended", ended);
        m.put("records", records);
        m.put("events", events);
        return ControlJson.MAPPER.writeValueAsString(m);
    }

    @Test
    void aSummaryIsValidatedWhenRead() throws Exception {
        Records.Placement here = new Records.Placement("svc", "h1", "x86_64", 1, null, 0, 0);
        AppRecords.Ended ended = new AppRecords.Ended("svc", "h1", "x86_64", 0, null, 3);
        AppArchive.Archived a = ControlJson.MAPPER.readValue(summary(here, ended, 3, 2), AppArchive.Archived.class);
        assertThat(a.placement()).isEqualTo(here);
        assertThat(a.ended()).isEqualTo(ended);
        // forged: another app's placement or end, a host name with a terminal escape, counts beyond what an app keeps
        for (String forged : List.of(
                summary(new Records.Placement("other", "h1", "x86_64", 1, null, 0, 0), null, 0, 0),
                summary(null, new AppRecords.Ended("other", "h1", "x86_64", 0, null, 3), 0, 0),
                summary(new Records.Placement("svc", "h1\u001b[2J", "x86_64", 1, null, 0, 0), null, 0, 0),
                summary(null, new AppRecords.Ended("svc", "h1", "x86_64", null, "x".repeat(9000), 3), 0, 0),
                summary(null, null, AppRecords.KEEP_RECORDS + 1, 0),
                summary(null, null, 0, FleetHistory.KEEP + 1),
                summary(null, null, -1, 0),
                summary(null, null, 0, 0).replace("\"generation\":\"00000000000000000042\"", "\"generation\":\"../42\""),
                summary(null, null, 0, 0).replace("\"app\":\"svc\"", "\"app\":\"Svc/../x\""))) {
            assertThatThrownBy(() -> ControlJson.MAPPER.readValue(forged, AppArchive.Archived.class))
                    .as(forged).isInstanceOf(java.io.IOException.class);
        }
        // the spec must be the app's own
        String other = summary(spec("other"), null, null, 0, 0);
        assertThatThrownBy(() -> ControlJson.MAPPER.readValue(other, AppArchive.Archived.class)).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void copiesAreCutByCountAndBytes() {
        List<io.etcd.jetcd.op.Op> ops = new java.util.ArrayList<>();
        List<Integer> sizes = new java.util.ArrayList<>();
        for (int i = 0; i < 250; i++) {
            ops.add(io.etcd.jetcd.op.Op.delete(dev.talent.fleet.Etcd.bytes("k" + i), io.etcd.jetcd.options.DeleteOption.DEFAULT));
            sizes.add(100);
        }
        assertThat(AppArchive.batches(ops, sizes)).extracting(List::size).containsExactly(100, 100, 50);
        // values of 64 KiB: 8 fit in 512 KiB
        List<Integer> big = java.util.Collections.nCopies(20, 64 * 1024);
        assertThat(AppArchive.batches(ops.subList(0, 20), big)).extracting(List::size).containsExactly(8, 8, 4);
        // one value over the limit goes alone
        List<Integer> huge = List.of(10, AppArchive.TXN_BYTES + 1, 10);
        assertThat(AppArchive.batches(ops.subList(0, 3), huge)).extracting(List::size).containsExactly(1, 1, 1);
        assertThat(AppArchive.batches(List.of(), List.of())).isEmpty();
    }
}
