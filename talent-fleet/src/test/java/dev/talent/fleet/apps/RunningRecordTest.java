package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RunningRecordTest {
    private static final String SHA = "ab".repeat(32);
    private static final long NOW = 1_800_000_000_000L;

    @TempDir Path tmp;

    private Path appDir(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name));
    }

    private static RunningRecord record(String app, String platform, String container) {
        return new RunningRecord(new AppsMessages.Start(app, platform, Map.of("x86_64", SHA, "aarch64", SHA), List.of("10", "40"), SHA, false),
                platform, container, NOW - 5000, null);
    }

    @Test
    void aRecordWrittenIsReadBackWithItsSerial() throws IOException {
        Path d = appDir("svc");
        RunningRecord r = record("svc", "x86_64", "svc-h1-x86_64-12");
        RunningRecord.write(d, r);
        assertThat(RunningRecord.read(d, "h1", NOW)).contains(r);
        assertThat(r.serial()).isEqualTo(12);
        RunningRecord ended = new RunningRecord(r.spec(), r.platform(), r.container(), r.since(), 3);
        RunningRecord.write(d, ended);
        assertThat(RunningRecord.read(d, "h1", NOW)).contains(ended);
        RunningRecord.write(d, new RunningRecord(r.spec(), r.platform(), r.container(), r.since(), 256));
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("impossible exit status");
        assertThat(Files.exists(d.resolve(RunningRecord.FILE + ".tmp"))).isFalse();
    }

    @Test
    void noRecordIsNoApp() throws IOException {
        assertThat(RunningRecord.read(appDir("svc"), "h1", NOW)).isEmpty();
    }

    @Test
    void aContainerIdNotOfThisHostsFormIsRefused() throws IOException {
        Path d = appDir("svc");
        for (String id : List.of("svc-h2-x86_64-1", "svc-h1-aarch64-1", "other-h1-x86_64-1", "svc-h1-x86_64-0", "svc-h1-x86_64-1/../x",
                "svc-h1-x86_64-1234567890")) {
            RunningRecord.write(d, record("svc", "x86_64", id));
            assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).as(id).isInstanceOf(IOException.class).hasMessageContaining("not this host's");
        }
    }

    @Test
    void anotherAppsRecordOrAPlatformWithoutBinaryIsRefused() throws IOException {
        Path d = appDir("svc");
        RunningRecord.write(d, record("evil", "x86_64", "evil-h1-x86_64-1"));
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("names another app");
        RunningRecord.write(d, record("svc", "s390x", "svc-h1-s390x-1"));
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("no binary for s390x");
        RunningRecord.write(d, record("svc", "pdp11", "svc-h1-pdp11-1"));
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("not a platform");
    }

    @Test
    void malformedOversizedLinkedOrTornFilesAreRefused() throws IOException {
        Path d = appDir("svc");
        Path f = d.resolve(RunningRecord.FILE);
        Files.writeString(f, "{\"spec\": {\"app\": \"svc\"}, \"platform\": \"x86_64\", \"container\": \"svc-h1-x86_64-1\", \"since\": 1, \"extra\": 1}");
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("unreadable");
        Files.writeString(f, "{\"spec\": {\"app\": \"svc\"");
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("unreadable");
        Files.write(f, new byte[RunningRecord.MAX_BYTES + 1]);
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("at most");
        Files.delete(f);
        Path elsewhere = tmp.resolve("elsewhere.json");
        RunningRecord.write(appDir("other"), record("svc", "x86_64", "svc-h1-x86_64-1"));
        Files.move(tmp.resolve("other").resolve(RunningRecord.FILE), elsewhere);
        Files.createSymbolicLink(f, elsewhere);
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("not a regular file");
    }

    @Test
    void badDigestsArgumentsOrTimesAreRefused() throws IOException {
        Path d = appDir("svc");
        RunningRecord bad = new RunningRecord(new AppsMessages.Start("svc", "x86_64", Map.of("x86_64", "../../etc/passwd"), List.of(), "", false),
                "x86_64", "svc-h1-x86_64-1", NOW, null);
        RunningRecord.write(d, bad);
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).isInstanceOf(IOException.class);
        RunningRecord future = new RunningRecord(record("svc", "x86_64", "svc-h1-x86_64-1").spec(), "x86_64", "svc-h1-x86_64-1", NOW + 10L * 86_400_000L, null);
        RunningRecord.write(d, future);
        assertThatThrownBy(() -> RunningRecord.read(d, "h1", NOW)).hasMessageContaining("impossible start time");
        assertThatThrownBy(() -> RunningRecord.read(appDir("Not_An_App"), "h1", NOW)).hasMessageContaining("not an app name");
    }
}
