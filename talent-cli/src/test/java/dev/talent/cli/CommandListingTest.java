package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.Command;

/** The listing read from a class file is what reflection reads from the {@code @Command} annotation. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CommandListingTest {

    @Test
    void everySubcommandsListingIsItsAnnotations() {
        for (Map.Entry<String, Class<?>> e : Main.SUBCOMMANDS.entrySet()) {
            if (Main.BUILT.containsKey(e.getKey())) continue;
            Command c = e.getValue().getAnnotation(Command.class);
            assertThat(CommandListing.of(e.getValue())).as(e.getKey())
                    .contains(new CommandListing(List.of(c.aliases()), List.of(c.header()), List.of(c.description()), c.hidden()));
        }
    }

    @Test
    void aHiddenCommandWithAliasesAndHeader() {
        assertThat(CommandListing.of(Hidden.class)).contains(new CommandListing(List.of("h1", "h2"), List.of("the header"),
                List.of("one", "two"), true));
    }

    @Test
    void noAnnotationOrNoClassFileIsEmpty() {
        assertThat(CommandListing.of(CommandListingTest.class)).isEmpty();
        assertThat(CommandListing.of(String.class)).isEmpty();
        assertThat(CommandListing.parse(new byte[] {(byte) 0xca, (byte) 0xfe, 0, 1})).isEmpty();
        assertThat(CommandListing.parse(new byte[0])).isEmpty();
    }

    @Command(name = "hidden", aliases = {"h1", "h2"}, header = "the header", description = {"one", "two"}, hidden = true)
    static final class Hidden {}
}
