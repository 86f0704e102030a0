package dev.talent.fleet.apps;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.talent.toolchain.BuildBinding;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The JSON records of apps in etcd (docs/FLEET.md, "etcd key layout"). */
public final class AppRecords {
    private AppRecords() {}

    /** What an app may be called: a key segment in etcd, and directory and container names on the hosts. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /**
     * The migration records kept per app in etcd: the newest {@value}; each older one is folded into the app's
     * {@link Compacted} counts in the transaction that writes the newest, so an app's keys stay bounded however long
     * it lives (about {@value} x 1 KiB per app).
     */
    public static final int KEEP_RECORDS = 64;

    /** {@code --on-host-loss}: what the leader does with an app whose host is lost and of which no checkpoint exists elsewhere. */
    public static final String ON_LOSS_LOST = "lost", ON_LOSS_RESTART = "restart";

    /** The most pre-copy rounds an app's migrations may do ({@code deploy --precopy}). */
    public static final int MAX_PRECOPY_ROUNDS = 16;

    /**
     * {@code /talent/apps/APP/spec}: the desired state, as {@code talent deploy} wrote it.
     *
     * @param platforms   the platforms it may run on, in {@code --platforms} order (it starts on the first)
     * @param everyMinMs  {@code --every MIN}; null: only requested migrations
     * @param migrations  {@code --migrations K}; null: no limit
     * @param undeploy    set by {@code talent undeploy}: the leader removes the app and its keys
     * @param onHostLoss  {@code deploy --on-host-loss}: {@value #ON_LOSS_LOST} (the default: the app is recorded lost
     *                    when its host is lost) or {@value #ON_LOSS_RESTART} (started again from scratch elsewhere,
     *                    its working directory as deployed, when no checkpoint of it exists off that host)
     * @param binding     what binds every checkpoint of the build to its writer's byte order and/or pointer width
     *                    ({@code DIR/NAME.binding}, {@link BuildBinding}); null: nothing (or a deploy before it existed)
     * @param precopy     {@code deploy --precopy ROUNDS}: the most pre-copy rounds of each migration (its programs run
     *                    with {@code TALENT_PRECOPY=1}); null: none (absent from the JSON, as before pre-copy)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AppRecord(String name, Map<String, String> binaries, List<String> args, String workdir, boolean net,
            String ip, List<String> platforms, @JsonProperty("every_min_ms") Long everyMinMs,
            @JsonProperty("every_max_ms") Long everyMaxMs, Integer migrations, @JsonProperty("created_ms") long createdMs,
            boolean undeploy, @JsonProperty("on_host_loss") String onHostLoss, Binding binding,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer precopy) {
        /** An app without pre-copy ({@code precopy}: the most pre-copy rounds of each migration, {@code deploy --precopy}). */
        public AppRecord(String name, Map<String, String> binaries, List<String> args, String workdir, boolean net,
                String ip, List<String> platforms, Long everyMinMs, Long everyMaxMs, Integer migrations, long createdMs,
                boolean undeploy, String onHostLoss, Binding binding) {
            this(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations, createdMs, undeploy,
                    onHostLoss, binding, null);
        }

        /** The same app whose migrations pre-copy at most {@code rounds} rounds (0: none). */
        public AppRecord withPrecopy(int rounds) {
            return new AppRecord(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations,
                    createdMs, undeploy, onHostLoss, binding, rounds == 0 ? null : rounds);
        }

        /** An app that is recorded lost with its host (the default). */
        public AppRecord(String name, Map<String, String> binaries, List<String> args, String workdir, boolean net, String ip,
                List<String> platforms, Long everyMinMs, Long everyMaxMs, Integer migrations, long createdMs, boolean undeploy) {
            this(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations, createdMs, undeploy, null);
        }

        /** An app whose build binds nothing. */
        public AppRecord(String name, Map<String, String> binaries, List<String> args, String workdir, boolean net, String ip,
                List<String> platforms, Long everyMinMs, Long everyMaxMs, Integer migrations, long createdMs, boolean undeploy,
                String onHostLoss) {
            this(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations, createdMs, undeploy,
                    onHostLoss, null);
        }

        /** The build's binding, if any. */
        public Optional<BuildBinding> buildBinding() { return Optional.ofNullable(binding).map(Binding::value); }

        /** The same app with the build's {@code binding}. */
        public AppRecord withBinding(Optional<BuildBinding> binding) {
            return new AppRecord(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations,
                    createdMs, undeploy, onHostLoss, binding.map(Binding::of).orElse(null), precopy);
        }

        public AppRecord {
            if (onHostLoss == null) onHostLoss = ON_LOSS_LOST;
            if (!onHostLoss.equals(ON_LOSS_LOST) && !onHostLoss.equals(ON_LOSS_RESTART))
                throw new IllegalArgumentException("app " + name + ": --on-host-loss is lost or restart, not " + onHostLoss);
            if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("not an app name: " + name);
            binaries = Map.copyOf(binaries);
            args = List.copyOf(args);
            platforms = List.copyOf(platforms);
            if (platforms.isEmpty()) throw new IllegalArgumentException("app " + name + " has no platform");
            for (String p : platforms)
                if (!binaries.containsKey(p)) throw new IllegalArgumentException("app " + name + " has no binary for " + p);
            if ((everyMinMs == null) != (everyMaxMs == null) || (everyMinMs != null && (everyMinMs <= 0 || everyMaxMs < everyMinMs)))
                throw new IllegalArgumentException("app " + name + ": bad interval " + everyMinMs + ".." + everyMaxMs);
            if (migrations != null && migrations < 0) throw new IllegalArgumentException("app " + name + ": migrations < 0");
            if (precopy != null && (precopy < 0 || precopy > MAX_PRECOPY_ROUNDS))
                throw new IllegalArgumentException("app " + name + ": --precopy is 0 to " + MAX_PRECOPY_ROUNDS + " rounds, not " + precopy);
        }

        /** The spec the agents get (placement generation 0). */
        public FleetAgents.AppSpec spec() { return spec(0); }

        /** The spec the agents get, for the placement of generation {@code epoch}. */
        public FleetAgents.AppSpec spec(long epoch) {
            return new FleetAgents.AppSpec(name, binaries, args, Optional.ofNullable(workdir), net, Optional.ofNullable(ip), epoch,
                    precopy == null ? 0 : precopy);
        }

        public boolean restartOnHostLoss() { return ON_LOSS_RESTART.equals(onHostLoss); }

        public AppRecord undeployed() {
            return new AppRecord(name, binaries, args, workdir, net, ip, platforms, everyMinMs, everyMaxMs, migrations,
                    createdMs, true, onHostLoss, binding, precopy);
        }
    }

    /**
     * The spec's {@code binding}: {@code {byte_order, pointer_width, isa_classes, why}} as {@code talent build} wrote it in
     * {@code DIR/NAME.binding}, validated as that file is ({@link BuildBinding}: at least one dimension bound, a cause
     * of at most {@value BuildBinding#MAX_WHY} characters without control characters).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Binding(@JsonProperty("byte_order") boolean byteOrder, @JsonProperty("pointer_width") boolean pointerWidth,
            @JsonProperty("isa_classes") List<List<String>> isaClasses, String why) {
        public Binding {
            isaClasses = isaClasses == null ? List.of() : isaClasses;
            value(byteOrder, pointerWidth, isaClasses, why);
        }

        static Binding of(BuildBinding b) { return new Binding(b.byteOrder(), b.pointerWidth(), b.isaClasses(), b.why()); }

        public BuildBinding value() { return value(byteOrder, pointerWidth, isaClasses, why); }

        private static BuildBinding value(boolean byteOrder, boolean pointerWidth, List<List<String>> isaClasses, String why) {
            if (isaClasses.stream().anyMatch(java.util.Objects::isNull)) throw new IllegalArgumentException("a null class of ISAs");
            return new BuildBinding(byteOrder, pointerWidth, isaClasses, why);
        }
    }

    /**
     * {@code /talent/migrations/APP/current}: a migration the leader has begun (written before it asks the agents).
     *
     * @param request   the id of the {@code talent migrate} request it serves ({@link AppStore.Pending#id}); null: none
     * @param committed set in the ledger's transaction, together with the new placement: the destination is the app's
     * @param precopy   its pre-copy phase so far (the program runs on at the source meanwhile), rewritten by the leader
     *                  after each round and after the hand-over of the newest image; null (absent from the JSON) before
     *                  the first round or without pre-copy. Controllers before it ignore the field.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record InFlight(String app, String from, String to, String reason, String choice,
            @JsonProperty("started_ms") long startedMs, String controller, boolean committed, Long request,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            PrecopyPhase precopy) {
        /** An in-flight record that serves {@code request} (null: none), before any pre-copy round. */
        public InFlight(String app, String from, String to, String reason, String choice, long startedMs, String controller,
                boolean committed, Long request) {
            this(app, from, to, reason, choice, startedMs, controller, committed, request, null);
        }

        /** An in-flight record that serves no {@code talent migrate} request. */
        public InFlight(String app, String from, String to, String reason, String choice, long startedMs, String controller,
                boolean committed) {
            this(app, from, to, reason, choice, startedMs, controller, committed, null);
        }

        public FleetAgents.Placement source() { return placement(from); }

        public FleetAgents.Placement destination() { return placement(to); }

        public InFlight commit() { return new InFlight(app, from, to, reason, choice, startedMs, controller, true, request, precopy); }

        /** This record in the pre-copy phase {@code p}. */
        public InFlight inPrecopy(PrecopyPhase p) {
            return new InFlight(app, from, to, reason, choice, startedMs, controller, committed, request, java.util.Objects.requireNonNull(p));
        }
    }

    /**
     * The pre-copy phase of a migration in flight ({@link InFlight#precopy}): {@code rounds} copy-on-write images taken
     * while the program ran, the newest {@code imageBytes} long, {@code precopyMs} since the phase began, and whether
     * that image reached the destination ({@code handedOver}: the destination holds it as the base of the stop's delta).
     * Read back from etcd, so validated as hostile input, as {@code MigrationRecord.Precopy} is: at least one round and at
     * most {@link #MAX_PRECOPY_ROUNDS}, no negative byte count, a finite duration of at least 0. Fields of a newer
     * controller are ignored, as {@link InFlight}'s are.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PrecopyPhase(int rounds, @JsonProperty("image_bytes") long imageBytes, @JsonProperty("precopy_ms") double precopyMs,
            @JsonProperty("handed_over") boolean handedOver) {
        public PrecopyPhase {
            if (rounds < 1 || rounds > MAX_PRECOPY_ROUNDS)
                throw new IllegalArgumentException("a pre-copy phase took 1 to " + MAX_PRECOPY_ROUNDS + " rounds, not " + rounds);
            if (imageBytes < 0) throw new IllegalArgumentException("a pre-copy phase's image_bytes is not negative: " + imageBytes);
            if (!Double.isFinite(precopyMs) || precopyMs < 0)
                throw new IllegalArgumentException("a pre-copy phase's precopy_ms is a finite duration, not " + precopyMs);
        }

        /**
         * The phase as a finished migration's record says pre-copy ({@code MigrationRecord.Precopy}): its rounds, the
         * image as the base, and no delta (the stop was not reached, or this phase is all that is known of it).
         */
        public dev.talent.migrate.control.MigrationRecord.Precopy asRecorded() {
            return new dev.talent.migrate.control.MigrationRecord.Precopy(rounds, imageBytes, null, precopyMs);
        }
    }

    /**
     * {@code /talent/requests/APP/SLOT}: {@code talent migrate APP --to HOST[/PLATFORM]} (either part may be null); its
     * id is the etcd revision that created it ({@link AppStore.Pending}).
     *
     * @param fault a testing aid ({@code talent migrate --inject-fault STEP}): the migration fails at that step
     *              ({@link #FAULTS}); honoured only by controllers started with {@code TALENT_FLEET_FAULT=requests},
     *              others drop the request; null: none
     * @param dropped   why the leader dropped it (then it waits only for its client to read that, or
     *                  {@code AppReconciler.DROPPED_KEEP_MS}); null: pending
     * @param droppedMs when the leader dropped it (its clock)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record MigrateRequest(String app, String host, String platform, @JsonProperty("at_ms") long atMs, String fault,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String dropped,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            @JsonProperty("dropped_ms") Long droppedMs) {
        public MigrateRequest {
            if (fault != null) refusedFault(fault).ifPresent(why -> { throw new IllegalArgumentException(why); });
        }

        public MigrateRequest(String app, String host, String platform, long atMs) { this(app, host, platform, atMs, null); }

        public MigrateRequest(String app, String host, String platform, long atMs, String fault) {
            this(app, host, platform, atMs, fault, null, null);
        }

        /** This request as dropped by the leader at {@code atMs}, because {@code why}. */
        public MigrateRequest drop(String why, long at) { return new MigrateRequest(app, host, platform, atMs, fault, why, at); }

        /** Whether it was dropped (it waits for nothing). */
        public boolean wasDropped() { return dropped != null; }

        /** The step of the agents' pipeline the fault is injected at, if any ({@link #COMMIT} is the leader's). */
        public Optional<dev.talent.migrate.Step> faultStep() {
            return Optional.ofNullable(fault).filter(f -> !f.equals(COMMIT)).map(dev.talent.migrate.Step::parse);
        }

        /** Whether the fault is the leader's commit's (its etcd transaction is not written). */
        public boolean faultAtCommit() { return COMMIT.equals(fault); }
    }

    /** The leader's step of a migration: its commit in etcd. */
    public static final String COMMIT = "commit";

    /**
     * The steps of a host-to-host migration a fault can be injected at ({@code migrate --inject-fault}), in the
     * migration's order. {@code precopy} fails the pre-copy of an app deployed with {@code --precopy} once the
     * destination received its base; a migration without pre-copy rounds fails at once, saying none could be injected.
     */
    public static final List<String> FAULTS = List.of("prepare", "precopy", "safepoint", "checkpoint", "sync", "start", "restore", COMMIT);

    /**
     * Why {@code talent migrate --inject-fault STEP} is refused (a message naming the option and the steps), or empty
     * when {@code step} is one of {@link #FAULTS}.
     */
    public static Optional<String> refusedFault(String step) {
        if (FAULTS.contains(step)) return Optional.empty();
        return Optional.of("--inject-fault " + step + ": a host-to-host migration fails at one of " + String.join(", ", FAULTS));
    }

    /**
     * {@code /talent/apps/APP/ended}: the app's program ended ({@code status}), or the fleet lost it ({@code error}).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Ended(String app, String host, String platform, Integer status, String error, @JsonProperty("at_ms") long atMs) {}

    /**
     * {@code /talent/migrations/APP/compacted}: the app's migration records no longer kept in etcd (the oldest, beyond
     * {@link #KEEP_RECORDS}), as counts.
     *
     * @param count  records folded in (they were the app's first {@code count}: the next kept one has that number)
     * @param ok     of them, the successful ones
     * @param fromMs the first one's time; {@code toMs} the last one's
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Compacted(String app, long count, long ok, @JsonProperty("from_ms") long fromMs, @JsonProperty("to_ms") long toMs) {
        public Compacted {
            if (count < 0 || ok < 0 || ok > count) throw new IllegalArgumentException("impossible counts " + ok + "/" + count);
        }

        /** These counts with {@code r} folded in. */
        public Compacted plus(dev.talent.migrate.control.MigrationRecord r) {
            long at = r.at() == null ? toMs : r.at().toEpochMilli();
            return new Compacted(app, count + 1, ok + (r.ok() ? 1 : 0), count == 0 ? at : fromMs, at);
        }
    }

    /** {@code host/platform} as records write it. */
    public static FleetAgents.Placement placement(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || text.indexOf('/', slash + 1) >= 0)
            throw new IllegalArgumentException("not host/platform: " + text);
        return new FleetAgents.Placement(text.substring(0, slash), text.substring(slash + 1));
    }
}
