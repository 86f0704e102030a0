package dev.talent.cli.fleet;

import dev.talent.format.SafeText;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** What the daemons share: a stop latch opened by SIGTERM/SIGINT, and their events as timestamped log lines. */
final class Daemon {
    private Daemon() {}

    static CountDownLatch stopOnSignal() {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(java.util.concurrent.TimeUnit.SECONDS.toMillis(8), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop"));
        STOPPED.set(stopped);
        return stop;
    }

    /** Lets the shutdown hook return: the daemon has released what it held (lease revoked, server closed). */
    static void done() {
        CountDownLatch l = STOPPED.get();
        if (l != null) l.countDown();
    }

    private static final java.util.concurrent.atomic.AtomicReference<CountDownLatch> STOPPED = new java.util.concurrent.atomic.AtomicReference<>();

    static Consumer<String> log(PrintWriter err, String who) {
        return line -> {
            synchronized (err) {
                err.println(Instant.now() + " " + who + ": " + SafeText.escape(line));
                err.flush();
            }
        };
    }
}
