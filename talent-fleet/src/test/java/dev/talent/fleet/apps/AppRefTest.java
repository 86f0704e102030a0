package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code APP} and {@code APP@GENERATION} as the command line gives them: both parts end up in etcd keys. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AppRefTest {
    @Test
    void anAppAloneOrAnIncarnationAsStatusAllPrintsIt() {
        assertThat(AppRef.parse("svc")).isEqualTo(new AppRef("svc", Optional.empty()));
        assertThat(AppRef.parse("svc").toString()).isEqualTo("svc");
        AppRef full = AppRef.parse("svc@00000000000000000123");
        assertThat(full.app()).isEqualTo("svc");
        assertThat(full.generation()).contains("00000000000000000123");
        assertThat(full.toString()).isEqualTo("svc@00000000000000000123");
        // leading zeros may be left out: the same incarnation
        assertThat(AppRef.parse("svc@123")).isEqualTo(full);
        assertThat(AppRef.parse("my-app-2@9223372036854775807").generation()).contains("09223372036854775807");
        assertThat(AppRef.hasGeneration("svc@1")).isTrue();
        assertThat(AppRef.hasGeneration("svc")).isFalse();
    }

    @Test
    void whatCouldMakeAnotherKeyIsRefused() {
        for (String bad : new String[] {"", "Svc", "svc/x", "../svc", "-svc", "svc\n", "sv\u0000c", "s".repeat(41), "svc_1",
                "svc@", "@123", "svc@@1", "svc@1@2", "svc@12a", "svc@+1", "svc@-1", "svc@ 1", "svc@1/m/00000", "svc@1\n",
                "svc@\u0661\u0662", "svc@000000000000000000001", "svc@9223372036854775808", "svc/x@1", "sv\u001b[2Jc@1"}) {
            assertThatThrownBy(() -> AppRef.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .message().doesNotContain("\n").doesNotContain("\u0000").doesNotContain("\u001b");
        }
        assertThatThrownBy(() -> AppRef.parse("svc@12a")).hasMessageContaining("1 to 20 digits, as talent status --all prints it");
        assertThatThrownBy(() -> AppRef.parse("svc/x@1")).hasMessageContaining("'svc/x' is not an app name");
        assertThatThrownBy(() -> AppRef.parse("svc@9223372036854775808")).hasMessageContaining("beyond etcd's revisions");
        assertThatThrownBy(() -> new AppRef("svc", Optional.of("123"))).hasMessageContaining("not a generation");
    }
}
