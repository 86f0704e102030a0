package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.talent.cli.ExitCodes;
import dev.talent.cli.MigrationLine;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.AppArchive;
import dev.talent.fleet.apps.AppReconciler;
import dev.talent.fleet.apps.AppRef;
import dev.talent.fleet.apps.AppStore;
import dev.talent.fleet.apps.FleetHistory;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.toolchain.Platform;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code talent status} and {@code talent migrate} when a fleet is configured (--fleet or $TALENT_FLEET). */
public final class FleetCommands {
    private FleetCommands() {}

    /**
     * Which apps {@code talent status} lists without APP: the deployed ones (default), those and the ended ones etcd keeps
     * ({@code --all}), or every ended one ({@code --ended}: deployed apps whose program ended, and those kept).
     */
    public enum Listing { DEPLOYED, ALL, ENDED }

    /** {@code talent status [APP] [--json]} of the fleet's apps. */
    public static int status(PrintWriter out, PrintWriter err, Path fleet, Map<String, String> env, String app, boolean json)
            throws InterruptedException {
        return status(out, err, fleet, env, app, json, Listing.DEPLOYED);
    }

    /** As above; without APP, {@code listing} says which apps. */
    public static int status(PrintWriter out, PrintWriter err, Path fleet, Map<String, String> env, String app, boolean json,
            Listing listing) throws InterruptedException {
        Optional<AppRef> ref;
        try {
            ref = app == null ? Optional.empty() : Optional.of(AppRef.parse(app));
        } catch (IllegalArgumentException e) {
            err.println("talent status: " + e.getMessage());
            err.flush();
            return ExitCodes.USAGE;
        }
        try (FleetSession s = FleetSession.open(fleet, env)) {
            Map<String, Records.HostInfo> hosts = new HashMap<>();
            for (Records.HostInfo h : AppReconciler.liveHosts(s.etcd)) hosts.put(h.name(), h);
            AppStore store = new AppStore(s.etcd);
            Map<String, Records.Drained> drained = store.drained();
            Optional<List<dev.talent.policy.Alert>> alerts = Optional.empty();
            if (json) {
                try {
                    alerts = Optional.of(new dev.talent.fleet.apps.FleetAlerts(s.etcd).active());
                } catch (FleetException e) {
                    // the apps' status is still shown; "alerts": null says that they are not known
                    err.println("talent status: cannot read the fleet's alerts: " + e.getMessage());
                }
            }
            if (ref.isPresent()) {
                // APP@G: that kept incarnation only (a deployed app has no generation until it is undeployed)
                Optional<AppStore.AppView> v = ref.get().generation().isPresent() ? Optional.empty() : store.view(app);
                if (v.isEmpty()) {
                    // undeployed: its history, while etcd keeps it (talent controller --keep-ended)
                    Optional<AppArchive.Retired> r = retired(s, ref.get());
                    if (r.isEmpty()) {
                        err.println("talent status: " + missing(ref.get()));
                        return ExitCodes.UNAVAILABLE;
                    }
                    out.print(json ? StatusView.json(r.get(), hosts).toString() + "\n" : StatusView.text(r.get(), hosts));
                    for (FleetHistory.Event e : json ? List.<FleetHistory.Event>of() : r.get().history().subList(Math.max(0, r.get().history().size() - 10), r.get().history().size()))
                        out.print("  " + StatusView.historyText(e) + "\n");
                    out.flush();
                    return ExitCodes.OK;
                }
                Optional<List<FleetHistory.Event>> history = history(s, app, err);
                if (json) {
                    out.print(StatusView.json(v.get(), hosts, drained, alerts, history).toString() + "\n");
                } else {
                    out.print(StatusView.text(v.get(), hosts, drained));
                    List<FleetHistory.Event> h = history.orElse(List.of());
                    if (!h.isEmpty()) out.print("  alerts (newest 10 of " + h.size() + " kept):\n");
                    for (FleetHistory.Event e : h.subList(Math.max(0, h.size() - 10), h.size()))
                        out.print("  " + StatusView.historyText(e) + "\n");
                }
            } else {
                ArrayNode all = ControlJson.MAPPER.createArrayNode();
                List<AppStore.AppView> views = new java.util.ArrayList<>();
                int listed = 0;
                for (String a : store.apps()) {
                    Optional<AppStore.AppView> v = store.view(a);
                    if (v.isEmpty()) continue;
                    views.add(v.get());
                    if (listing == Listing.ENDED && v.get().ended().isEmpty()) continue;
                    listed++;
                    if (json) all.add(StatusView.json(v.get(), hosts, drained, alerts, history(s, a, err)));
                    else out.print(StatusView.text(v.get(), hosts, drained).lines().findFirst().orElse("") + "\n");
                }
                if (listing != Listing.DEPLOYED) {
                    // the undeployed ones etcd keeps (talent controller --keep-ended), newest first
                    for (dev.talent.fleet.apps.AppArchive.Archived a : new dev.talent.fleet.apps.AppArchive(s.etcd).list(
                            why -> err.println("talent status: " + why))) {
                        listed++;
                        if (json) all.add(StatusView.json(a));
                        else out.print(StatusView.line(a) + "\n");
                    }
                }
                if (json) out.println(all);
                else if (listing != Listing.ENDED) out.print(StatusView.drainedHosts(drained, views));
                if (!json && listed == 0 && listing == Listing.ENDED)
                    err.println("talent status: no ended app (none deployed has ended, and etcd keeps no undeployed one:"
                            + " talent controller --keep-ended)");
            }
            out.flush();
            return ExitCodes.OK;
        } catch (FleetException e) {
            err.println("talent status: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }

    /** {@code ref}'s archive: the incarnation it names, else the app's newest one. */
    static Optional<AppArchive.Retired> retired(FleetSession s, AppRef ref) throws FleetException, InterruptedException {
        AppArchive archive = new AppArchive(s.etcd);
        return ref.generation().isPresent() ? archive.incarnation(ref.app(), ref.generation().get()) : archive.latest(ref.app());
    }

    /** Why {@code ref} was not found (status and report say the same). */
    public static String missing(AppRef ref) {
        return ref.generation().isPresent()
                ? "etcd keeps no ended incarnation " + ref + " (talent status --all lists the kept ones with their generations)"
                : "no app named " + ref.app() + " is deployed in the fleet (nor kept as an ended app: talent controller --keep-ended)";
    }

    /**
     * {@code null} when {@code app} names a deployed app as commands that act on a running app take it; else why not:
     * {@code APP@GENERATION} names an ended incarnation, which only status and report read.
     */
    public static String refusedIncarnation(String command, String app) {
        if (!AppRef.hasGeneration(app)) return null;
        return "'" + app.replaceAll("[^\\x20-\\x7e]", "?") + "': APP@GENERATION names an ended incarnation, which talent status and talent"
                + " report read; talent " + command + " acts on the app as it runs now: give its name alone";
    }

    /** The alert events of {@code app}'s history; empty (and said on {@code err}) when they cannot be read. */
    private static Optional<List<FleetHistory.Event>> history(FleetSession s, String app, PrintWriter err) throws InterruptedException {
        try {
            return Optional.of(new FleetHistory(s.etcd).read(app));
        } catch (FleetException e) {
            // the app's status is still shown; "alert_history": null says that it is not known
            err.println("talent status: cannot read the alert history of " + app + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code talent migrate APP --to HOST[/PLATFORM]|PLATFORM} in the fleet: asks the leader, waits for the record. */
    public static int migrate(PrintWriter out, PrintWriter err, Path fleet, Map<String, String> env, String app, String to,
            boolean json) throws InterruptedException {
        return migrate(out, err, fleet, env, app, to, json, java.util.Optional.empty());
    }

    /** As above; {@code fault}: {@code --inject-fault STEP} (a testing aid). */
    public static int migrate(PrintWriter out, PrintWriter err, Path fleet, Map<String, String> env, String app, String to,
            boolean json, java.util.Optional<String> fault) throws InterruptedException {
        String host = null, platform = null;
        if (to != null) try {
            int slash = to.indexOf('/');
            if (slash >= 0) {
                host = slash == 0 ? null : to.substring(0, slash);
                platform = Platform.parse(to.substring(slash + 1)).name();
            } else if (isPlatform(to)) {
                platform = Platform.parse(to).name();
            } else {
                host = to;
            }
        } catch (IllegalArgumentException e) {
            err.println("talent migrate: --to " + to + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try (FleetSession s = FleetSession.open(fleet, env)) {
            MigrationRecord r = s.apps.migrate(app, host, platform, fault, Duration.ofMinutes(2));
            out.println(json ? r.toJsonLine() : MigrationLine.of(r));
            out.flush();
            return r.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
        } catch (FleetException e) {
            err.println("talent migrate: " + e.getMessage());
            return ExitCodes.UNAVAILABLE;
        }
    }

    private static boolean isPlatform(String name) {
        try {
            Platform.parse(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

}
