package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Every command's --help renders: picocli reads descriptions as format strings, so a lone % breaks them. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HelpTextTest {

    @Test
    void everyCommandsHelpRendersWithoutAPicocliWarning() {
        CommandLine root = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<CommandLine> all = new ArrayList<>();
        collect(root, all);
        assertThat(all.size()).as("talent and its subcommands").isGreaterThan(10);
        PrintStream saved = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli's tracer writes here
        try {
            for (CommandLine c : all) {
                String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
                assertThat(usage).as(c.getCommandName()).contains("Usage: ").doesNotContain("%n");
            }
        } finally {
            System.setErr(saved);
        }
        assertThat(warnings.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    /** A line that names no subcommand runs on the listing-only command line: same output, same status. */
    @Test
    void theListingCommandLineSaysWhatTheFullOneSays() {
        String[][] lines = {{"--help"}, {"-h"}, {}, {"--version"}, {"-V"}, {"nosuch"}, {"statsu", "--json"}, {"--nosuch"},
                {"-h", "-V"}};
        for (String[] line : lines) {
            assertThat(Main.namesNoSubcommand(line)).as(String.join(" ", line)).isTrue();
            assertThat(render(line, true)).as(String.join(" ", line)).isEqualTo(render(line, false));
        }
        assertThat(render(new String[] {"--help"}, true)).contains("Commands:", "status", "exec", "undeploy", "help");
        // on a terminal too (picocli colours the names): the listing is rendered by a section renderer of its own
        PrintWriter sink = new PrintWriter(new StringWriter());
        String coloured = Main.listingCommandLine(sink, sink).getUsageMessage(CommandLine.Help.Ansi.ON);
        assertThat(coloured).contains("\u001B[").isEqualTo(Main.commandLine(sink, sink).getUsageMessage(CommandLine.Help.Ansi.ON));
        assertThat(Main.namesNoSubcommand("-V", "status")).isFalse();
        assertThat(Main.namesNoSubcommand("--help", "help")).isFalse();
    }

    private static String render(String[] line, boolean listing) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintWriter o = new PrintWriter(out);
        PrintWriter e = new PrintWriter(err);
        CommandLine cli = listing ? Main.listingCommandLine(o, e) : Main.commandLine(o, e);
        int status = cli.execute(line);
        o.flush();
        e.flush();
        return "status " + status + "\nout:\n" + out + "err:\n" + err;
    }

    private static void collect(CommandLine c, List<CommandLine> into) {
        into.add(c);
        for (CommandLine sub : c.getSubcommands().values()) if (!into.contains(sub)) collect(sub, into);
    }
}
