package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.env.ChangeJournal;
import dev.talent.env.Changes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a source's sync sends the working directory ({@link HostedApps#syncMode}). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SyncModeTest {
    @TempDir
    Path work;

    @Test
    void aJournalSyncSendsWhatTheJournalSaw() throws Exception {
        try (ChangeJournal j = ChangeJournal.watch(work)) {
            Files.writeString(work.resolve("a.txt"), "a");
            Changes c = j.drain();
            assertThat(c).isInstanceOf(Changes.Listed.class);
            assertThat(HostedApps.syncMode("journal", c, false)).isEqualTo("journal");
            assertThat(HostedApps.syncMode("mirror", c, false)).isEqualTo("mirror");
        }
    }

    /**
     * An adopted app's journal starts with the new agent: a file its program wrote while no agent watched is in no
     * journal (found by FleetAgentKillIT: three files written around an agent's kill -9 were missing from the working
     * directory at the end). Its next sync is a mirror, whatever the journal lists.
     */
    @Test
    void theFirstSyncAfterAnAdoptionIsAMirror() throws Exception {
        Files.writeString(work.resolve("written-while-no-agent-watched.txt"), "x");
        try (ChangeJournal j = ChangeJournal.watch(work)) {
            Files.writeString(work.resolve("seen.txt"), "y");
            Changes c = j.drain();
            assertThat(((Changes.Listed) c).paths()).noneMatch(p -> p.toString().contains("while-no-agent"));
            assertThat(HostedApps.syncMode("journal", c, true)).isEqualTo("mirror");
        }
    }
}
