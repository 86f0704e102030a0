package dev.talent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.toolchain.Platform;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FactsProbeTest {
    @Test
    void readsTheProbesLinesAndRefusesOthers() throws Exception {
        Platform p = Platform.parse("s390x");
        var said = FactsProbe.parse("""
                word_bits=64
                byte_order=big
                libc=glibc
                libc_version=2.36
                machine=s390x
                kernel=Linux 6.1.0
                host=box
                """, p);
        assertThat(said).containsEntry("byte_order", "big").containsEntry("kernel", "Linux 6.1.0");
        assertThatThrownBy(() -> FactsProbe.parse("word_bits=64\n\u001b[2Jforged\n", p)).isInstanceOf(PolicyException.class)
                .hasMessageContaining("not a fact");
        assertThatThrownBy(() -> FactsProbe.parse("x=".repeat(3000), p)).hasMessageContaining("wrote too much");
        assertThat(FactsProbe.probeSource()).isNotEmpty();
    }

    @Test
    void factsAreValidated() {
        assertThatThrownBy(() -> new PlatformFacts("x86_64", "x86_64", 48, "little", "glibc", "2.36", "Linux", "h"))
                .hasMessageContaining("word size 48");
        assertThatThrownBy(() -> new PlatformFacts("x86_64", "x86_64", 64, "middle", "glibc", "2.36", "Linux", "h"))
                .hasMessageContaining("byte order");
        assertThatThrownBy(() -> new PlatformFacts("x86_64", "x86_64", 64, "little", "glibc", "2.36\n", "Linux", "h"))
                .hasMessageContaining("not a usable platform fact");
    }
}
