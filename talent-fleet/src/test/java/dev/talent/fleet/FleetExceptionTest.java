package dev.talent.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A fleet error's message is the reason a command prints: never null, blank or "null", whatever caused it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class FleetExceptionTest {
    @Test
    void aMessageIsKeptAndAMissingOneSaysItsCause() {
        assertThat(new FleetException("etcd is down").getMessage()).isEqualTo("etcd is down");
        assertThat(new FleetException(null, new IllegalStateException("closed")).getMessage()).isEqualTo("closed");
        assertThat(new FleetException(" ", new RuntimeException(new java.io.IOException("reset"))).getMessage())
                .isEqualTo("java.io.IOException: reset");
        assertThat(new FleetException(null, new NullPointerException()).getMessage()).isEqualTo("java.lang.NullPointerException");
        assertThat(new FleetException(null).getMessage()).isNotBlank().doesNotContain("null");
    }

    @Test
    void theReasonOfAnExceptionWithoutAMessageNamesItsTypeAndCause() {
        assertThat(FleetException.reason(new IllegalArgumentException("bad"))).isEqualTo("bad");
        assertThat(FleetException.reason(new RuntimeException((String) null, new IllegalStateException())))
                .isEqualTo("java.lang.RuntimeException: java.lang.IllegalStateException");
        assertThat(FleetException.reason(new RuntimeException((String) null, new IllegalStateException("closed"))))
                .isEqualTo("java.lang.RuntimeException: closed");
        assertThat(FleetException.reason(null)).isEqualTo("no reason given");
    }

    @Test
    void anEtcdCallThatFailedWithoutAMessageSaysWhatFailed() {
        assertThatThrownBy(() -> Etcd.await(CompletableFuture.failedFuture(new IllegalStateException()), "read /talent/apps/"))
                .isInstanceOf(FleetException.class)
                .hasMessage("etcd: read /talent/apps/ failed: java.lang.IllegalStateException");
    }
}
