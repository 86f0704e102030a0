package dev.talent.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CsmithBenchTest {
    @Test
    void aRestoreRefusalIsCountedByItsReasonNotByTheWarningBeforeIt() {
        String err = """
                talent: warning: checkpoint /k/ckpt-000001.tck cannot be used: it was written by program 'p' with fingerprint f, but this is program 'p' with fingerprint f-be; no older checkpoint left
                talent: no checkpoint in /k can be restored by this program (...); the program's values depend on the byte order
                """;
        assertThat(CsmithBench.refusal(err)).startsWith("talent: no checkpoint in /k can be restored")
                .contains("depend on the byte order");
    }

    @Test
    void aRefusalOfWarningsOnlyIsItsFirstLine() {
        assertThat(CsmithBench.refusal("talent: warning: a\ntalent: warning: b\n")).isEqualTo("talent: warning: a");
        assertThat(CsmithBench.refusal("talent: cannot restore 'g_77'\n")).isEqualTo("talent: cannot restore 'g_77'");
    }
}
