package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.toolchain.Platform;
import java.util.List;
import org.junit.jupiter.api.Test;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DemoNetworkTest {

    private static final Platform X86 = Platform.parse("x86_64");
    private static final Platform ARM = Platform.parse("aarch64");
    private static final Platform S390 = Platform.parse("s390x");
    private static final Platform RISCV = Platform.parse("riscv64");

    @Test
    void everythingThereMeansNothingMissing() {
        assertThat(DemoNetworkCheck.missing(new DemoNetworkCheck.Facts(0, true, true, true))).isEmpty();
    }

    @Test
    void whatIsMissingIsSaidPrecisely() {
        assertThat(DemoNetworkCheck.missing(new DemoNetworkCheck.Facts(1000, true, true, true)))
                .hasValue("root (network namespaces, a bridge and TCP repair need it; this is uid 1000)");
        assertThat(DemoNetworkCheck.missing(new DemoNetworkCheck.Facts(0, false, true, false)))
                .hasValue("apt-get install runc nftables");
        assertThat(DemoNetworkCheck.missing(new DemoNetworkCheck.Facts(-1, true, false, true)))
                .hasValue("root (network namespaces, a bridge and TCP repair need it; this is uid unknown); apt-get install iproute2");
    }

    @Test
    void hopsGoToAtMostTwoOthersAndBackHome() {
        assertThat(DemoNetwork.hops(List.of(X86, ARM, S390, RISCV))).containsExactly(ARM, S390, X86);
        assertThat(DemoNetwork.hops(List.of(X86, ARM))).containsExactly(ARM, X86);
    }

    @Test
    void networkEventsRender() {
        assertThat(DemoCommand.render(new DemoEvent.NetSkipped("apt-get install runc")))
                .isEqualTo("network: step skipped (talent run --net needs apt-get install runc)\n");
        assertThat(DemoCommand.render(new DemoEvent.NetStarted("10.214.0.12", 7000, "tndemo0", X86, List.of(ARM, X86))))
                .contains("at 10.214.0.12:7000 (bridge tndemo0)").endsWith("while it hops x86_64 -> aarch64 -> x86_64\n");
        assertThat(DemoCommand.render(new DemoEvent.NetHop(2, "aarch64", "s390x", 398.8, null, 2, 634.2)))
                .isEqualTo("net hop 2: aarch64  -> s390x    downtime 398.8 ms (network -), 2 sockets carried, "
                        + "the client waited at most 634 ms\n");
        assertThat(DemoCommand.render(new DemoEvent.NetCompared(1565, 1564, X86, false)))
                .isEqualTo("network: 1565 lines sent, 1564 replies vs an uninterrupted run on x86_64: every reply once, "
                        + "in order, identical: NO\n");
    }
}
