package dev.talent.it;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/** Computes each key's value once, even when tests running concurrently ask for it at the same time. */
final class Memo<K, V> {
    private final ConcurrentHashMap<K, FutureTask<V>> tasks = new ConcurrentHashMap<>();
    private final Function<K, V> compute;

    Memo(Function<K, V> compute) {
        this.compute = compute;
    }

    V get(K key) {
        FutureTask<V> fresh = new FutureTask<>(() -> compute.apply(key));
        FutureTask<V> task = tasks.putIfAbsent(key, fresh);
        if (task == null) {
            task = fresh;
            task.run();
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            // the same failure for every test that needs this value (e.g. a build that failed once)
            if (e.getCause() instanceof Error error) throw error;
            if (e.getCause() instanceof RuntimeException runtime) throw runtime;
            throw new AssertionError(e.getCause());
        }
    }
}
