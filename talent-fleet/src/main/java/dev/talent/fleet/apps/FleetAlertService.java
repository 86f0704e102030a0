package dev.talent.fleet.apps;

import dev.talent.fleet.FleetException;
import dev.talent.migrate.control.AlertsApi;
import dev.talent.migrate.control.ControlException;
import dev.talent.policy.Alert;
import dev.talent.policy.PolicyException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The fleet's side of {@link AlertsApi}, on every controller (leading or not): an alert is stored in etcd
 * ({@link FleetAlerts}) and the answer waits until the leader recorded its effect on every running app it concerns
 * (moved, failed, stuck or unaffected), at most {@code settleMs}; apps it has not reached by then are left out of the
 * answer's effects ({@code talent alerts --fleet} shows them later).
 */
public final class FleetAlertService implements AlertsApi.Service {
    private final FleetAlerts alerts;
    private final AppStore store;
    private final long settleMs;
    private final LongSupplier clock;

    public FleetAlertService(FleetAlerts alerts, AppStore store, long settleMs, LongSupplier clock) {
        this.alerts = alerts;
        this.store = store;
        this.settleMs = settleMs;
        this.clock = clock;
    }

    @Override
    public Alert raise(String tag, String app, String reason) throws PolicyException, ControlException, InterruptedException {
        Alert alert;
        try {
            alert = new Alert(tag, app, reason, Instant.ofEpochMilli(clock.getAsLong()).toString(), null);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(e.getMessage(), e);
        }
        try {
            Alert stored = alerts.raise(alert);
            long until = System.nanoTime() + settleMs * 1_000_000;
            while (true) {
                Optional<Alert> now = alerts.active().stream().filter(a -> FleetAlerts.id(a).equals(FleetAlerts.id(stored))).findFirst();
                if (now.isEmpty()) return stored; // cleared meanwhile
                if (settled(now.get()) || System.nanoTime() - until > 0) return now.get();
                Thread.sleep(100);
            }
        } catch (FleetException e) {
            throw new ControlException(ControlException.Reason.IO, e.getMessage(), e);
        }
    }

    /** Whether every placed, running app the alert concerns has an effect recorded. */
    private boolean settled(Alert a) throws FleetException, InterruptedException {
        for (String app : store.apps()) {
            if (!a.concerns(app)) continue;
            if (a.effects().stream().anyMatch(e -> e.app().equals(app))) continue;
            Optional<AppStore.AppView> v = store.view(app);
            if (v.isEmpty() || v.get().placement().isEmpty() || v.get().ended().isPresent() || v.get().spec().value().undeploy()) continue;
            return false;
        }
        return true;
    }

    @Override
    public List<Alert> active() throws ControlException, InterruptedException {
        try {
            return alerts.active();
        } catch (FleetException e) {
            throw new ControlException(ControlException.Reason.IO, e.getMessage(), e);
        }
    }

    @Override
    public List<Alert> clear(String tag) throws PolicyException, ControlException, InterruptedException {
        try {
            Alert.checkTag(tag);
        } catch (IllegalArgumentException e) {
            throw new PolicyException(e.getMessage(), e);
        }
        try {
            return alerts.clear(tag, Instant.ofEpochMilli(clock.getAsLong()));
        } catch (FleetException e) {
            throw new ControlException(ControlException.Reason.IO, e.getMessage(), e);
        }
    }
}
