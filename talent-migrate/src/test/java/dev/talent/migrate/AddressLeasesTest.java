package dev.talent.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AddressLeasesTest {

    @TempDir Path dir;

    private final NetworkConfig config = NetworkConfig.of("tb0", "10.5.0.0/29", null);

    private Path run(String name, boolean live) throws IOException {
        Path state = Files.createDirectories(dir.resolve(name));
        if (live) Files.writeString(state.resolve(RunState.RUN_FILE), "{}");
        return state;
    }

    @Test
    void eachRunGetsTheLowestFreeAddressAndKeepsIt() throws IOException {
        AddressLeases leases = new AddressLeases(dir.resolve("leases"), config);
        Path a = run("a", true), b = run("b", true);
        assertThat(leases.acquire(Optional.empty(), a)).hasToString("10.5.0.2");
        assertThat(leases.acquire(Optional.empty(), b)).hasToString("10.5.0.3");
        // a resumed run asks for its own address again
        assertThat(leases.acquire(Optional.of(Ipv4.parse("10.5.0.2")), a)).hasToString("10.5.0.2");
        assertThatThrownBy(() -> leases.acquire(Optional.of(Ipv4.parse("10.5.0.3")), a))
                .hasMessageContaining("address 10.5.0.3 is held by the talent run in " + b);
        leases.release(Ipv4.parse("10.5.0.3"), a); // not a's: kept
        assertThatThrownBy(() -> leases.acquire(Optional.of(Ipv4.parse("10.5.0.3")), a)).hasMessageContaining("held");
        leases.release(Ipv4.parse("10.5.0.3"), b);
        assertThat(leases.acquire(Optional.empty(), run("c", true))).hasToString("10.5.0.3");
    }

    /** A bridge's lease directory went with its last lease (one was left per bridge, after NetworkMigrationIT 47 of them). */
    @Test
    void theLastReleaseRemovesTheBridgesDirectoryAndATakeMakesItAgain() throws IOException {
        AddressLeases one = new AddressLeases(dir.resolve("leases"), config), two = new AddressLeases(dir.resolve("leases"), config);
        Path a = run("a", true), b = run("b", true);
        Ipv4 first = one.acquire(Optional.empty(), a), second = two.acquire(Optional.empty(), b);
        one.release(first, a);
        assertThat(dir.resolve("leases/tb0")).isDirectory();
        two.release(second, b);
        assertThat(dir.resolve("leases/tb0")).doesNotExist();
        // the other instance (made before the removal) takes an address again
        assertThat(one.acquire(Optional.empty(), run("c", true))).hasToString("10.5.0.2");
        assertThat(dir.resolve("leases/tb0/10.5.0.2")).isRegularFile();
    }

    @Test
    void aLeaseOfARunThatEndedIsTakenOverOnlyAfterTheGraceTime() throws IOException {
        AddressLeases leases = new AddressLeases(dir.resolve("leases"), config);
        Path ended = run("ended", false);
        assertThat(leases.acquire(Optional.empty(), ended)).hasToString("10.5.0.2");
        Path next = run("next", true);
        assertThat(leases.acquire(Optional.empty(), next)).as("a just-started run's lease is respected").hasToString("10.5.0.3");
        Files.setLastModifiedTime(dir.resolve("leases/tb0/10.5.0.2"),
                FileTime.from(Instant.now().minus(AddressLeases.GRACE).minusSeconds(1)));
        assertThat(leases.acquire(Optional.empty(), run("later", true))).hasToString("10.5.0.2");
    }

    @Test
    void theSubnetRunsOut() throws IOException {
        AddressLeases leases = new AddressLeases(dir.resolve("leases"), config);
        for (int i = 0; i < 5; i++) leases.acquire(Optional.empty(), run("r" + i, true)); // .2 to .6
        assertThatThrownBy(() -> leases.acquire(Optional.empty(), run("r5", true)))
                .hasMessageContaining("no free address left in 10.5.0.0/29");
        assertThatThrownBy(() -> leases.acquire(Optional.of(Ipv4.parse("10.5.0.1")), run("gw", true)))
                .hasMessageContaining("not a free host address");
    }
}
