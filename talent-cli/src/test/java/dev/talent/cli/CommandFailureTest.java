package dev.talent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.FleetException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A command that fails says why, whatever it threw: an exception without a message, a fleet error that escaped the
 * command, an {@link Error} that picocli's handler never sees. Never an exit status with nothing on stderr.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class CommandFailureTest {
    /** Throws what it is given. */
    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        final Throwable thrown;

        Boom(Throwable thrown) { this.thrown = thrown; }

        @Override
        public Integer call() throws Exception {
            if (thrown instanceof Exception e) throw e;
            throw (Error) thrown;
        }
    }

    private record Ran(int status, String out, String err) {}

    private static Ran run(Throwable thrown) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        PrintWriter o = new PrintWriter(out), e = new PrintWriter(err);
        CommandLine cli = Main.configure(new CommandLine(Main.topSpec()), Map.of("boom", new Boom(thrown)), o, e);
        int status = Main.execute(cli, e, "boom");
        o.flush();
        e.flush();
        return new Ran(status, out.toString(), err.toString());
    }

    @Test
    void anErrorIsSaidAsAnInternalErrorWithItsTrace() {
        Ran r = run(new StackOverflowError());
        assertThat(r.status()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(r.err()).startsWith("talent: internal error: java.lang.StackOverflowError\n").contains("\tat ");
        Ran init = run(new ExceptionInInitializerError(new IllegalStateException("no config")));
        assertThat(init.status()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(init.err()).contains("ExceptionInInitializerError").contains("no config");
    }

    @Test
    void anExceptionWithoutAMessageIsNamed() {
        Ran npe = run(new NullPointerException());
        assertThat(npe.status()).isEqualTo(ExitCodes.INTERNAL);
        assertThat(npe.err()).startsWith("talent: internal error: java.lang.NullPointerException");
        Ran io = run(new IOException());
        assertThat(io.status()).isEqualTo(ExitCodes.IO_ERROR);
        assertThat(io.err()).isEqualTo("talent boom: I/O error: java.io.IOException\n");
    }

    @Test
    void aFleetErrorThatEscapedItsCommandIsItsReasonNotATrace() {
        Ran r = run(new FleetException("etcd: read /talent/apps/ failed", new IOException("connection refused")));
        assertThat(r.status()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(r.err()).isEqualTo("talent boom: etcd: read /talent/apps/ failed\n");
        // one made without a message says its cause's
        Ran none = run(new FleetException(null, new RuntimeException((String) null, new IllegalStateException())));
        assertThat(none.status()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(none.err()).isEqualTo("talent boom: java.lang.RuntimeException: java.lang.IllegalStateException\n");
    }
}
