package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class InstructionCounterTest {

    @Test
    void readsTheTotalOfCachegrindsSummary() {
        String output = """
                ==12560== Cachegrind, a high-precision tracing profiler
                ==12560== Command: ./primes 20
                ==12560==
                ==12560== I   refs:      57,702,101
                ==12560==
                ==12560== Branches:      20,335,324  (20,335,230 cond +          94 ind)
                """;
        assertThat(InstructionCounter.parse(output)).hasValue(57_702_101L);
    }

    @Test
    void noSummaryIsNoCount() {
        assertThat(InstructionCounter.parse("valgrind: ./primes: No such file or directory\n")).isEmpty();
        assertThat(InstructionCounter.parse("==1== I   refs:\n")).isEmpty();
    }
}
