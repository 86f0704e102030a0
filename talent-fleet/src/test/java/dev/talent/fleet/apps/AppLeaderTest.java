package dev.talent.fleet.apps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.talent.fleet.FleetException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leader's passes survive what jetcd and gRPC throw. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AppLeaderTest {

    @Test
    void aRuntimeExceptionFromTheListingDoesNotEndTheLoop() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicInteger listings = new AtomicInteger();
        CountDownLatch stop = new CountDownLatch(1);
        List<String> stepped = new CopyOnWriteArrayList<>();
        Thread leader = Thread.ofPlatform().start(() -> {
            try {
                AppLeader.loop(() -> switch (listings.incrementAndGet()) {
                    // what jetcd throws when its channel is shut down, and an unmapped status
                    case 1 -> throw new IllegalStateException("io.grpc.StatusRuntimeException: UNAVAILABLE: channel shutdown");
                    case 2 -> throw new FleetException("etcd: deadline exceeded");
                    default -> List.of("svc");
                }, app -> {
                    stepped.add(app);
                    stop.countDown();
                }, new Semaphore(0), stop, events::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        leader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(leader.isAlive()).isFalse();
        assertThat(stepped).contains("svc");
        assertThat(listings.get()).isGreaterThanOrEqualTo(3);
        assertThat(events).anyMatch(e -> e.contains("cannot list the apps") && e.contains("UNAVAILABLE"));
        assertThat(events).contains("etcd: deadline exceeded");
    }

    @Test
    void aStepThatThrowsIsTriedAgainLater() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        AtomicInteger steps = new AtomicInteger();
        long t0 = System.nanoTime();
        long[] second = {0};
        Thread leader = Thread.ofPlatform().start(() -> {
            try {
                AppLeader.loop(() -> List.of("svc"), app -> {
                    if (steps.incrementAndGet() == 1) throw new IllegalArgumentException("a bad record");
                    second[0] = System.nanoTime();
                    stop.countDown();
                }, new Semaphore(0), stop, events::add);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        leader.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(leader.isAlive()).isFalse();
        assertThat(steps.get()).isEqualTo(2);
        assertThat(TimeUnit.NANOSECONDS.toMillis(second[0] - t0)).isGreaterThanOrEqualTo(AppLeader.RETRY_MS);
        assertThat(events).anyMatch(e -> e.contains("a bad record") && e.contains("again in"));
    }
}
