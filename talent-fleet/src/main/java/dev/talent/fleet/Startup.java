package dev.talent.fleet;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A daemon's first steps with etcd, tried again every second until they succeed or the daemon is stopped. */
final class Startup {
    static final long RETRY_MS = 1000;

    private Startup() {}

    interface Step<T> {
        T run() throws FleetException, InterruptedException;
    }

    /** The step's result, or null when {@code stop} opened first. */
    static <T> T retry(CountDownLatch stop, Consumer<String> events, Step<T> step) throws InterruptedException {
        while (true) {
            try {
                return step.run();
            } catch (FleetException e) {
                events.accept(e.getMessage() + "; trying again in " + RETRY_MS + " ms");
            }
            if (stop.await(RETRY_MS, TimeUnit.MILLISECONDS)) return null;
        }
    }
}
