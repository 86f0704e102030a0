package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.Command;

/** Main.SUMMARIES says what each subcommand's annotation says (HelpTextTest compares the rendered listing too). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ListingTableTest {

    @Test
    void eachSummaryIsTheFirstLineOfItsCommandsHeaderOrDescription() {
        for (Map.Entry<String, String> e : Main.SUMMARIES.entrySet()) {
            assertThat(Main.SUBCOMMANDS).as("a subcommand named %s", e.getKey()).containsKey(e.getKey());
            Command c = Main.SUBCOMMANDS.get(e.getKey()).getAnnotation(Command.class);
            String first = c.header().length > 0 ? c.header()[0] : c.description().length > 0 ? c.description()[0] : "";
            assertThat(e.getValue()).as("the summary of %s", e.getKey()).isEqualTo(first);
            assertThat(c.aliases()).as("aliases of %s (the table has none)", e.getKey()).isEmpty();
            assertThat(c.hidden()).as("%s is hidden (the table lists it)", e.getKey()).isFalse();
        }
    }
}
