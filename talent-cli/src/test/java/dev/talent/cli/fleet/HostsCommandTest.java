package dev.talent.cli.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.policy.PlatformFacts;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The short form of a host's facts under its line in `talent hosts`. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class HostsCommandTest {
    @Test
    void oneLineNamesTheHostAndKernelOnceWhenThePlatformsAgree() {
        PlatformFacts x86 = new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36", "Linux 6.1.0", "tfh1");
        PlatformFacts s390x = new PlatformFacts("s390x", "s390x", 64, "big", "glibc", "2.36", "Linux 6.1.0", "tfh1");
        PlatformFacts i686 = new PlatformFacts("i686-musl", "i686", 32, "little", "musl", "1.2.3", "Linux 6.1.0", "other");
        assertThat(HostsCommand.shortFacts(List.of())).isEmpty();
        assertThat(HostsCommand.shortFacts(List.of(x86, s390x)))
                .isEqualTo("tfh1, Linux 6.1.0: x86_64 (x86_64 64 le glibc-2.36), s390x (s390x 64 be glibc-2.36)");
        assertThat(HostsCommand.shortFacts(List.of(x86, i686)))
                .isEqualTo("x86_64 (x86_64 64 le glibc-2.36, tfh1 Linux 6.1.0), i686-musl (i686 32 le musl-1.2.3, other Linux 6.1.0)");
    }

    @Test
    void anAgentThatIsNotUpIsNamedAsTheReasonForTheExitStatus() {
        java.util.function.Function<String, dev.talent.fleet.HostStatus> host = agent -> new dev.talent.fleet.HostStatus(
                agent.equals("up") ? "h1" : "h2", "10.0.0.1", List.of("x86_64"), agent, List.of(), false, null, false, List.of());
        assertThat(HostsCommand.down(List.of(host.apply("up")))).isEmpty();
        assertThat(HostsCommand.down(List.of(host.apply("up"), host.apply("down")))).contains(
                "the agent of h2 (down) is not up (its lease is gone or it does not answer over mutual TLS)");
    }
}
