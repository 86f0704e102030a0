package dev.talent.migrate.control;

import dev.talent.policy.Alert;
import dev.talent.policy.AlertBook;
import dev.talent.policy.PolicyException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Raises and clears alerts for the current user on this host, for {@code talent alert} and for {@code POST
 * /v1/alerts}: the alert is written to the user's {@link AlertBook} (so apps started later honour it), then every
 * running app it concerns is told at once, all in parallel; each moves away from a tagged platform and answers
 * what it did (also kept in its own history), and the answers go into the book in one update. Returns when every app
 * answered.
 */
public final class AlertDispatcher implements AlertsApi.Service {
    private final ControlPaths paths;
    private final ControlClient client;

    public AlertDispatcher(ControlPaths paths) {
        this.paths = paths;
        this.client = new ControlClient(paths);
    }

    public AlertBook book() { return AlertBook.in(paths.directory()); }

    @Override
    public List<Alert> active() throws PolicyException { return book().active(); }

    /**
     * Raises an alert and waits for its effects.
     *
     * @param app only this app (null: every app)
     * @return the alert as the book holds it afterwards, with the effects the apps reported
     */
    @Override
    public Alert raise(String tag, String app, String reason) throws ControlException, PolicyException, InterruptedException {
        Alert alert;
        try {
            alert = new Alert(tag, app, reason, Instant.now().toString(), null);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(e.getMessage(), e);
        }
        paths.ensureDirectory();
        AlertBook book = book();
        Alert stored = book.raise(alert);
        List<String> apps = new ArrayList<>(client.listApps().running());
        if (app != null) apps.retainAll(List.of(app));
        // each app answers with what it did; the effects go into the book together, in one update, once every app
        // answered (or, interrupted, with those that did): one write per alert, not one per app under the book's lock
        List<Alert.Effect> effects = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Alert.Effect>> told = new ArrayList<>();
            for (String a : apps) {
                told.add(pool.submit(() -> {
                    try {
                        return client.alert(a, stored);
                    } catch (ControlException e) {
                        // it could not say what it did: the book says that it was not reached
                        return new Alert.Effect(a, "unreached", null, null, Instant.now().toString(), e.getMessage());
                    }
                }));
            }
            try {
                for (Future<Alert.Effect> f : told) {
                    try {
                        effects.add(f.get());
                    } catch (ExecutionException e) {
                        throw new PolicyException("telling the apps of alert " + tag + " failed: " + e.getCause(), e.getCause());
                    }
                }
            } finally {
                book.recordEffects(tag, effects);
            }
        }
        return book.find(tag).orElse(stored);
    }

    /** Clears the alerts with {@code tag}; every running app is told that its platforms are back in rotation. */
    @Override
    public List<Alert> clear(String tag) throws ControlException, PolicyException {
        try {
            Alert.checkTag(tag);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(e.getMessage(), e);
        }
        if (!paths.checkDirectory()) return List.of();
        List<Alert> removed = book().clear(tag);
        for (String a : client.listApps().running()) {
            try {
                client.clearAlert(a, tag);
            } catch (ControlException e) {
                // it re-reads the book whenever it chooses a destination, so it still learns of it
            }
        }
        return removed;
    }
}
