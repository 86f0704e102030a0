package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sync's archive is packed on a thread of its own while the upload reads it (AgentLink.whilePacking). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WhilePackingTest {
    /** Eight times the pipe: the packer blocks on a full pipe unless its reader goes on or the pipe is closed. */
    private static final int ARCHIVE = 8 << 20;

    private static void pack(java.io.OutputStream out) throws IOException {
        byte[] block = new byte[64 << 10];
        for (int i = 0; i < ARCHIVE / block.length; i++) out.write(block);
    }

    @Test
    void theReaderGetsEveryPackedByte() throws IOException {
        long n = AgentLink.whilePacking(WhilePackingTest::pack, in -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        assertThat(n).isEqualTo(ARCHIVE);
    }

    @Test
    void aReaderThatStopsEarlyEndsThePackerInsteadOfWaitingForIt() {
        // the destination refused the stream after its first bytes: before, the packer stayed blocked on the full
        // pipe and the sync waited for it forever
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThatThrownBy(() -> AgentLink.whilePacking(WhilePackingTest::pack, in -> {
            in.readNBytes(1000);
            throw new IOException("refused by the destination");
        })).isInstanceOf(IOException.class).hasMessage("refused by the destination"));
    }

    @Test
    void aPackerFailureIsThrownWhenTheReaderSucceeded() {
        assertThatThrownBy(() -> AgentLink.whilePacking(out -> {
            out.write(new byte[100]);
            throw new IOException("cannot read the working directory");
        }, in -> in.readAllBytes().length)).isInstanceOf(IOException.class).hasMessage("cannot read the working directory");
    }
}
