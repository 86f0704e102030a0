package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.migrate.RunEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The progress of the first full copy of the working directory: on a terminal only, one line rewritten in place. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class RunEventRendererTest {

    private static String render(boolean quiet, boolean terminal, RunEvent... events) {
        StringWriter out = new StringWriter();
        RunEventRenderer r = new RunEventRenderer(new PrintWriter(out), quiet, terminal);
        for (RunEvent e : events) r.render(e);
        return out.toString();
    }

    @Test
    void aLongCopyIsShownOnATerminalAndEndsWithItsTotal() {
        String shown = render(false, true, new RunEvent.Copying(1200, 35_000_000, false), new RunEvent.Copying(15000, 1_250_000_000, false),
                new RunEvent.Copying(15321, 1_300_000_000, true), new RunEvent.Warning("next"));
        assertThat(shown).isEqualTo("\rtalent run: copying the working directory: 1200 files, 35 MB"
                + "\rtalent run: copying the working directory: 15000 files, 1250 MB"
                + "\rtalent run: copied the working directory: 15321 files, 1300 MB \n"
                + "talent run: warning: next\n");
    }

    @Test
    void nothingWhenNotATerminalQuietOrTooShortToReport() {
        RunEvent going = new RunEvent.Copying(10, 1000, false);
        RunEvent done = new RunEvent.Copying(10, 1000, true);
        assertThat(render(false, false, going, done)).isEmpty();
        assertThat(render(true, true, going, done)).isEmpty();
        assertThat(render(false, true, done)).isEmpty();
        assertThat(render(false, true, new RunEvent.Copying(1, 0, false))).isEqualTo("\rtalent run: copying the working directory: 1 file, 0 MB");
    }

    @Test
    void aRemovedLeftoverIsSaidEvenWhenQuietItsTextEscaped() {
        RunEvent removed = new RunEvent.LeftoverRemoved("the nft table talent_syn_1_2_3", "its talent process 1\u001b[2J no longer runs");
        assertThat(render(true, false, removed)).isEqualTo("talent run: removed the nft table talent_syn_1_2_3: its talent process 1"
                + dev.talent.format.SafeText.escape("\u001b[2J") + " no longer runs\n");
    }
}
