package dev.talent.fleet.apps;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Apps in etcd: what the commands and the leading controller read and write. Every write that another process could
 * race is one transaction with its comparisons; the leader's writes also compare its election key ({@code fence}):
 * once its lease is gone they fail, so a deposed leader cannot overwrite what its successor decided.
 */
public final class AppStore {
    private static final ObjectMapper JSON = ControlJson.MAPPER;

    private final Etcd etcd;
    private final Optional<ByteSequence> fence;
    private final AtomicLong writes = new AtomicLong();

    /** A store for the commands (no fence). */
    public AppStore(Etcd etcd) { this(etcd, Optional.empty()); }

    /** A store for the leader whose election key is {@code fence}. */
    public AppStore(Etcd etcd, Optional<ByteSequence> fence) {
        this.etcd = etcd;
        this.fence = fence;
    }

    /** Write transactions this store has made (for {@code talent bench fleet}). */
    public long writes() { return writes.get(); }

    /** A value and the revision it was last written at (for the next comparison). */
    public record Versioned<T>(T value, long modRevision) {}

    /** At most this many {@code talent migrate} requests wait per app; one more is refused at once. */
    public static final int MAX_PENDING = 8;

    /**
     * A {@code talent migrate} request at {@code /talent/requests/APP/SLOT}, waiting or dropped (until its client has
     * read why). Its id is the revision that created its key: unique in the fleet and increasing in the order the
     * requests were made (the leader serves the lowest first); {@code modRevision} is for the next comparison.
     */
    public record Pending(int slot, AppRecords.MigrateRequest value, long modRevision, long id) {}

    /** Everything etcd holds about one app; {@code requests} oldest first. */
    public record AppView(Versioned<AppRecords.AppRecord> spec, Optional<Versioned<Records.Placement>> placement,
            Optional<Versioned<AppRecords.InFlight>> inFlight, List<Pending> requests,
            Optional<AppRecords.Ended> ended, List<MigrationRecord> migrations,
            Optional<Versioned<AppRecords.Compacted>> compacted) {
        public String name() { return spec.value().name(); }

        /** The oldest request not dropped: the next the leader serves. */
        public Optional<Pending> request() { return requests.stream().filter(r -> !r.value().wasDropped()).findFirst(); }

        /** The request {@code id}, waiting or dropped. */
        public Optional<Pending> request(long id) { return requests.stream().filter(r -> r.id() == id).findFirst(); }

        /** The record of the migration that served request {@code id}, if it is (still) kept. */
        public Optional<MigrationRecord> servedBy(long id) {
            return migrations.stream().filter(r -> r.request() != null && r.request() == id).findFirst();
        }

        /** Records folded into counts (no longer in etcd). */
        public long compactedCount() { return compacted.map(c -> c.value().count()).orElse(0L); }

        /** Every migration record the app has had: those kept and those compacted. */
        public long total() { return compactedCount() + migrations.size(); }

        public Optional<FleetAgents.Placement> where() {
            return placement.map(p -> new FleetAgents.Placement(p.value().host(), p.value().platform()));
        }
    }

    // ---- reads ----

    /** The names of the deployed apps (undeployed ones until the leader has removed them). */
    public List<String> apps() throws FleetException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : etcd.list(EtcdKeys.APPS)) {
            String k = kv.getKey().toString(StandardCharsets.UTF_8);
            if (k.endsWith("/spec")) out.add(k.substring(EtcdKeys.APPS.length(), k.length() - "/spec".length()));
        }
        return out;
    }

    public Optional<AppView> view(String app) throws FleetException, InterruptedException {
        Optional<Versioned<AppRecords.AppRecord>> spec = one(EtcdKeys.spec(app), AppRecords.AppRecord.class);
        if (spec.isEmpty()) return Optional.empty();
        List<MigrationRecord> records = new ArrayList<>();
        Optional<Versioned<AppRecords.InFlight>> inFlight = Optional.empty();
        Optional<Versioned<AppRecords.Compacted>> compacted = Optional.empty();
        for (KeyValue kv : etcd.list(EtcdKeys.migrations(app))) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            if (key.equals(EtcdKeys.inFlight(app)))
                inFlight = Optional.of(new Versioned<>(decode(kv, AppRecords.InFlight.class), kv.getModRevision()));
            else if (key.equals(EtcdKeys.compacted(app)))
                compacted = Optional.of(new Versioned<>(decode(kv, AppRecords.Compacted.class), kv.getModRevision()));
            else records.add(decode(kv, MigrationRecord.class));
        }
        return Optional.of(new AppView(spec.get(), one(EtcdKeys.placement(app), Records.Placement.class), inFlight,
                pending(app),
                one(EtcdKeys.ended(app), AppRecords.Ended.class).map(Versioned::value), records, compacted));
    }

    /** {@code app}'s pending migration requests, oldest first. */
    public List<Pending> pending(String app) throws FleetException, InterruptedException {
        String prefix = EtcdKeys.requests(app);
        List<Pending> out = new ArrayList<>();
        for (KeyValue kv : etcd.list(prefix)) {
            String slot = kv.getKey().toString(StandardCharsets.UTF_8).substring(prefix.length());
            if (!slot.matches("[0-9]")) continue; // not a slot (0 to MAX_PENDING - 1): nobody writes it, forget deletes it
            int n = Integer.parseInt(slot);
            if (n >= MAX_PENDING) continue;
            out.add(new Pending(n, decode(kv, AppRecords.MigrateRequest.class), kv.getModRevision(), kv.getCreateRevision()));
        }
        out.sort(java.util.Comparator.comparingLong(Pending::id));
        return out;
    }

    /** Whether {@code host}'s agent holds its lease now ({@code /talent/agents/HOST} is there). */
    public boolean agentAlive(String host) throws FleetException, InterruptedException {
        String key = EtcdKeys.agent(host);
        return Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(key), GetOption.builder().withCountOnly(true).build()),
                "get " + key).getCount() > 0;
    }

    /** Since when the leader has seen {@code host}'s agent gone; empty: it has not (or the agent is back). */
    public Optional<Records.HostDown> hostDown(String host) throws FleetException, InterruptedException {
        return one(EtcdKeys.hostDown(host), Records.HostDown.class).map(Versioned::value);
    }

    private <T> Optional<Versioned<T>> one(String key, Class<T> type) throws FleetException, InterruptedException {
        List<KeyValue> kvs = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(key), GetOption.DEFAULT), "get " + key).getKvs();
        if (kvs.isEmpty()) return Optional.empty();
        return Optional.of(new Versioned<>(decode(kvs.get(0), type), kvs.get(0).getModRevision()));
    }

    /** A value of the apps' keys read back as {@code type} (also the archive's, AppArchive); too large or not of it is refused. */
    static <T> T decode(KeyValue kv, Class<T> type) throws FleetException {
        byte[] b = kv.getValue().getBytes();
        if (b.length > 64 * 1024) throw new FleetException("etcd value at " + kv.getKey() + " is " + b.length + " bytes: not the fleet's");
        try {
            return JSON.readValue(b, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new FleetException("etcd value at " + kv.getKey() + " is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    // ---- the commands' writes ----

    /** {@code talent deploy}: the app's spec, unless an app of that name is deployed. */
    public boolean create(AppRecords.AppRecord app) throws FleetException, InterruptedException {
        String key = EtcdKeys.spec(app.name());
        return txn(List.of(absent(key), absent(EtcdKeys.placement(app.name()))), List.of(put(key, app)), "deploy " + app.name());
    }

    /** What holds an address: its app. */
    public record AddressHolder(String app) {}

    /** The addresses the fleet's --net apps hold ({@code /talent/addresses/}), each with its app. */
    public java.util.Map<dev.talent.container.Ipv4, String> addresses() throws FleetException, InterruptedException {
        GetOption prefix = GetOption.builder().isPrefix(true).withLimit(dev.talent.fleet.AppNetwork.MAX_RANGE + 1).build();
        java.util.Map<dev.talent.container.Ipv4, String> out = new java.util.HashMap<>();
        for (KeyValue kv : Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(EtcdKeys.ADDRESSES), prefix), "get addresses").getKvs()) {
            String key = kv.getKey().toString(java.nio.charset.StandardCharsets.UTF_8).substring(EtcdKeys.ADDRESSES.length());
            try {
                out.put(dev.talent.container.Ipv4.parse(key), decode(kv, AddressHolder.class).app());
            } catch (IllegalArgumentException e) {
                throw new FleetException("etcd key " + EtcdKeys.ADDRESSES + HostedApps.printable(key) + " does not name an IPv4 address", e);
            }
        }
        return out;
    }

    /**
     * {@code talent deploy --net}: the app's spec and its address ({@code app.ip()}), unless an app of that name is
     * deployed or another app holds the address (false: either).
     */
    public boolean createWithAddress(AppRecords.AppRecord app) throws FleetException, InterruptedException {
        String key = EtcdKeys.spec(app.name()), address = EtcdKeys.address(app.ip());
        return txn(List.of(absent(key), absent(EtcdKeys.placement(app.name())), absent(address)),
                List.of(put(key, app), put(address, new AddressHolder(app.name()))), "deploy " + app.name());
    }

    /**
     * {@code talent migrate}: a request in a free slot of the app's, while the app is deployed. Returns its id (the
     * revision that created it; {@link MigrationRecord#request()} of the migration that serves it), or 0 when the app
     * is not deployed; throws when {@link #MAX_PENDING} requests of the app already wait.
     */
    public long request(AppRecords.MigrateRequest r) throws FleetException, InterruptedException {
        String app = r.app();
        for (int attempt = 0; attempt < 4 * MAX_PENDING; attempt++) {
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            for (Pending p : pending(app)) taken.add(p.slot());
            int slot = 0;
            while (slot < MAX_PENDING && taken.contains(slot)) slot++;
            if (slot == MAX_PENDING)
                throw new FleetException(MAX_PENDING + " migration requests of " + app + " already wait to be served (or for their"
                        + " clients to read why they were dropped); not queued (try again once one is served)");
            String key = EtcdKeys.request(app, slot);
            var t = txnResponse(List.of(present(EtcdKeys.spec(app)), absent(key)), List.of(put(key, r)), "request " + app);
            if (t.isSucceeded()) return t.getHeader().getRevision();
            if (one(EtcdKeys.spec(app), AppRecords.AppRecord.class).isEmpty()) return 0;
            // another client took the slot meanwhile: look again
        }
        throw new FleetException("cannot queue a migration request of " + app + ": its slots kept changing under " + 4 * MAX_PENDING + " attempts");
    }

    /** {@code talent undeploy}: marks the spec; the leader removes the app. */
    public boolean undeploy(Versioned<AppRecords.AppRecord> spec) throws FleetException, InterruptedException {
        String key = EtcdKeys.spec(spec.value().name());
        return txn(List.of(revision(key, spec.modRevision())), List.of(put(key, spec.value().undeployed())), "undeploy");
    }

    // ---- the leader's writes (fenced) ----

    /** The app's first placement, unless it has one. */
    public boolean place(Records.Placement p) throws FleetException, InterruptedException {
        String key = EtcdKeys.placement(p.app());
        return txn(List.of(present(EtcdKeys.spec(p.app())), absent(key)), List.of(put(key, p)), "place " + p.app());
    }

    /** The in-flight record, before any agent is asked to migrate; only if the placement is still {@code seen}. */
    public Optional<Long> begin(AppRecords.InFlight f, long placementRevision) throws FleetException, InterruptedException {
        String key = EtcdKeys.inFlight(f.app());
        var r = txnResponse(List.of(revision(EtcdKeys.placement(f.app()), placementRevision), absent(key)),
                List.of(put(key, f)), "begin migration of " + f.app());
        return r.isSucceeded() ? Optional.of(r.getHeader().getRevision()) : Optional.empty();
    }

    /**
     * The in-flight record rewritten as {@code f} (its pre-copy phase so far), only if it is still the one at
     * {@code inFlightRevision} (this leader's); its new revision, or empty when it was not.
     */
    public Optional<Long> phase(AppRecords.InFlight f, long inFlightRevision) throws FleetException, InterruptedException {
        String key = EtcdKeys.inFlight(f.app());
        var r = txnResponse(List.of(revision(key, inFlightRevision)), List.of(put(key, f)), "pre-copy phase of " + f.app());
        return r.isSucceeded() ? Optional.of(r.getHeader().getRevision()) : Optional.empty();
    }

    /** The ledger's commit: the destination is the app's place; the in-flight record says so. */
    public Optional<Long> commit(AppRecords.InFlight f, long inFlightRevision, Records.Placement to) throws FleetException, InterruptedException {
        String key = EtcdKeys.inFlight(f.app());
        var r = txnResponse(List.of(revision(key, inFlightRevision)),
                List.of(put(EtcdKeys.placement(f.app()), to), put(key, f.commit())), "commit migration of " + f.app());
        return r.isSucceeded() ? Optional.of(r.getHeader().getRevision()) : Optional.empty();
    }

    /**
     * A migration is over: its record as {@code seq}, the in-flight record gone, the request it served gone, and the
     * placement rewritten ({@code placement}, e.g. its next scheduled time) when given.
     */
    public boolean finish(AppView v, long inFlightRevision, MigrationRecord record,
            Optional<Pending> served, Optional<Records.Placement> placement)
            throws FleetException, InterruptedException {
        String app = v.name();
        String current = EtcdKeys.inFlight(app);
        List<Cmp> ifs = new ArrayList<>(List.of(revision(current, inFlightRevision)));
        List<Op> ops = new ArrayList<>(List.of(Op.delete(Etcd.bytes(current), DeleteOption.DEFAULT)));
        append(v, record, ifs, ops);
        if (served.isPresent()) {
            // the request is deleted only if it is the one served (a newer one waits for its own migration)
            String key = EtcdKeys.request(app, served.get().slot());
            ifs.add(revision(key, served.get().modRevision()));
            ops.add(Op.delete(Etcd.bytes(key), DeleteOption.DEFAULT));
        }
        placement.ifPresent(p -> ops.add(put(EtcdKeys.placement(app), p)));
        return txn(ifs, ops, "finish migration of " + app);
    }

    /**
     * Adds to a transaction the record {@code r} as the app's next ({@link AppView#total()}) and, when that makes more
     * than {@link AppRecords#KEEP_RECORDS} kept, the deletion of the oldest kept ones folded into the app's
     * {@link AppRecords.Compacted} counts (compared at the revision read, so two writers cannot count one twice).
     */
    static void append(AppView v, MigrationRecord r, List<Cmp> ifs, List<Op> ops) {
        String app = v.name();
        String key = EtcdKeys.migration(app, v.total());
        ifs.add(absent(key));
        ops.add(put(key, r));
        int drop = CompactionPlan.drop(v.migrations().size() + 1, AppRecords.KEEP_RECORDS);
        if (drop == 0) return;
        AppRecords.Compacted c = v.compacted().map(Versioned::value).orElse(new AppRecords.Compacted(app, 0, 0, 0, 0));
        long first = v.compactedCount();
        for (int i = 0; i < drop; i++) {
            c = c.plus(v.migrations().get(i));
            ops.add(Op.delete(Etcd.bytes(EtcdKeys.migration(app, first + i)), DeleteOption.DEFAULT));
        }
        String ck = EtcdKeys.compacted(app);
        ifs.add(v.compacted().map(x -> revision(ck, x.modRevision())).orElse(absent(ck)));
        ops.add(put(ck, c));
    }

    /**
     * The leader restarted the app elsewhere after its host was lost: the new placement (a new epoch) and the record
     * of it, if the placement is still the one seen and no migration is in flight.
     */
    public boolean rehome(AppView v, long placementRevision, Records.Placement to, MigrationRecord record)
            throws FleetException, InterruptedException {
        String app = v.name();
        List<Cmp> ifs = new ArrayList<>(List.of(revision(EtcdKeys.placement(app), placementRevision), absent(EtcdKeys.inFlight(app))));
        List<Op> ops = new ArrayList<>(List.of(put(EtcdKeys.placement(app), to)));
        append(v, record, ifs, ops);
        return txn(ifs, ops, "restart " + app + " elsewhere");
    }

    /** The app's host was lost and it cannot be restarted: it ended ({@code ended} says why), recorded in its history. */
    public boolean lose(AppView v, long placementRevision, AppRecords.Ended ended, MigrationRecord record)
            throws FleetException, InterruptedException {
        String app = v.name();
        List<Cmp> ifs = new ArrayList<>(List.of(revision(EtcdKeys.placement(app), placementRevision),
                absent(EtcdKeys.inFlight(app)), absent(EtcdKeys.ended(app))));
        List<Op> ops = new ArrayList<>(List.of(put(EtcdKeys.ended(app), ended)));
        append(v, record, ifs, ops);
        return txn(ifs, ops, "record " + app + " lost");
    }

    /** What {@code host}'s agent said when it stopped to be restarted (SIGTERM), if it did and none registered since. */
    public Optional<Records.AgentRestarting> restarting(String host) throws FleetException, InterruptedException {
        return one(EtcdKeys.agentRestarting(host), Records.AgentRestarting.class).map(Versioned::value);
    }

    /** Notes that {@code host}'s agent is gone since {@code d.sinceMs()}, unless noted or the agent is back. */
    public boolean markDown(Records.HostDown d) throws FleetException, InterruptedException {
        String key = EtcdKeys.hostDown(d.host());
        return txn(List.of(absent(key), absent(EtcdKeys.agent(d.host()))), List.of(put(key, d)), "note " + d.host() + " down");
    }

    /** Rewrites the placement seen at {@code revision} (its schedule). */
    public boolean replace(Records.Placement p, long revision) throws FleetException, InterruptedException {
        return txn(List.of(revision(EtcdKeys.placement(p.app()), revision)), List.of(put(EtcdKeys.placement(p.app()), p)), "reschedule");
    }

    // ---- drained hosts ----

    /**
     * {@code talent drain HOST} / {@code undrain}: the request, while the host is known (its {@code info} is there);
     * false when it is not. The leader applies it ({@link #applyDrain}).
     */
    public boolean requestDrain(Records.DrainRequest r) throws FleetException, InterruptedException {
        return txn(List.of(present(EtcdKeys.hostInfo(r.host()))), List.of(put(EtcdKeys.drainRequest(r.host()), r)),
                (r.drain() ? "drain " : "undrain ") + r.host());
    }

    /** The drain and undrain requests not yet applied. */
    public List<Versioned<Records.DrainRequest>> drainRequests() throws FleetException, InterruptedException {
        List<Versioned<Records.DrainRequest>> out = new ArrayList<>();
        for (KeyValue kv : etcd.list(EtcdKeys.DRAINS)) out.add(new Versioned<>(decode(kv, Records.DrainRequest.class), kv.getModRevision()));
        return out;
    }

    /**
     * The leader applies a drain request: the host's {@code drained} mark is written ({@code mark} present) or deleted,
     * and the request deleted, in one transaction (compare: the request as read, and the leader's fence).
     */
    public boolean applyDrain(Versioned<Records.DrainRequest> r, Optional<Records.Drained> mark) throws FleetException, InterruptedException {
        String host = r.value().host();
        String key = EtcdKeys.drainRequest(host);
        List<Op> ops = new ArrayList<>(List.of(Op.delete(Etcd.bytes(key), DeleteOption.DEFAULT)));
        ops.add(mark.isPresent() ? put(EtcdKeys.drained(host), mark.get()) : Op.delete(Etcd.bytes(EtcdKeys.drained(host)), DeleteOption.DEFAULT));
        return txn(List.of(revision(key, r.modRevision())), ops, (mark.isPresent() ? "drain " : "undrain ") + host);
    }

    /** The drained hosts' marks, by host name. */
    public java.util.Map<String, Records.Drained> drained() throws FleetException, InterruptedException {
        java.util.Map<String, Records.Drained> out = new java.util.TreeMap<>();
        for (KeyValue kv : etcd.list(EtcdKeys.HOSTS)) {
            if (!kv.getKey().toString(StandardCharsets.UTF_8).endsWith("/drained")) continue;
            Records.Drained d = decode(kv, Records.Drained.class);
            out.put(d.host(), d);
        }
        return out;
    }

    /** The apps whose placement names {@code host}, by name. */
    public List<String> appsOn(String host) throws FleetException, InterruptedException {
        List<String> out = new ArrayList<>();
        for (KeyValue kv : etcd.list(EtcdKeys.PLACEMENT)) {
            Records.Placement p = decode(kv, Records.Placement.class);
            if (p.host().equals(host)) out.add(p.app());
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Drops a request that cannot be served: it stays, saying {@code why}, for its client to read and delete. */
    public boolean dropRequest(String app, Pending r, String why, long atMs) throws FleetException, InterruptedException {
        String key = EtcdKeys.request(app, r.slot());
        return txn(List.of(revision(key, r.modRevision())), List.of(put(key, r.value().drop(why, atMs))), "drop request");
    }

    /** Deletes a request as read ({@code r}): a dropped one whose client read why, or whose client is gone. */
    public boolean deleteRequest(String app, Pending r) throws FleetException, InterruptedException {
        String key = EtcdKeys.request(app, r.slot());
        return txn(List.of(revision(key, r.modRevision())), List.of(Op.delete(Etcd.bytes(key), DeleteOption.DEFAULT)), "delete request");
    }

    /** Why the leader could not start {@code app}: {@code deploy} shows it. */
    public record StartError(String app, String error, @com.fasterxml.jackson.annotation.JsonProperty("at_ms") long atMs) {}

    public boolean startFailed(StartError e) throws FleetException, InterruptedException {
        return txn(List.of(present(EtcdKeys.spec(e.app())), absent(EtcdKeys.placement(e.app()))),
                List.of(put(EtcdKeys.startError(e.app()), e)), "note the start error of " + e.app());
    }

    public Optional<StartError> startError(String app) throws FleetException, InterruptedException {
        return one(EtcdKeys.startError(app), StartError.class).map(Versioned::value);
    }

    public boolean ended(AppRecords.Ended e) throws FleetException, InterruptedException {
        return txn(List.of(present(EtcdKeys.spec(e.app())), absent(EtcdKeys.ended(e.app()))), List.of(put(EtcdKeys.ended(e.app()), e)), "end " + e.app());
    }

    /** Removes every key of an undeployed app. */
    public boolean forget(String app) throws FleetException, InterruptedException {
        return forget(app, Optional.empty());
    }

    /** Removes every key of an undeployed app, and its address's ({@code ip}, --net) if it still holds it. */
    public boolean forget(String app, Optional<String> ip) throws FleetException, InterruptedException {
        boolean ok = txn(List.of(), forgetOps(app), "forget " + app);
        freeAddress(app, ip);
        return ok;
    }

    /**
     * Archives the undeployed app {@code v} ({@link AppArchive}: its records, its alert {@code history}, its end) and
     * removes its live keys in the transaction that completes the archive, then frees its address ({@code ip}, --net).
     * False when its spec changed meanwhile (another leader did it).
     */
    public boolean retire(AppView v, List<FleetHistory.Event> history, long nowMs, Optional<String> ip)
            throws FleetException, InterruptedException {
        writes.incrementAndGet();
        boolean ok = new AppArchive(etcd).archive(v, history, nowMs, fence, forgetOps(v.name()));
        freeAddress(v.name(), ip);
        return ok;
    }

    private static List<Op> forgetOps(String app) {
        DeleteOption prefix = DeleteOption.builder().isPrefix(true).build();
        return List.of(Op.delete(Etcd.bytes(EtcdKeys.APPS + app + "/"), prefix),
                Op.delete(Etcd.bytes(EtcdKeys.migrations(app)), prefix),
                Op.delete(Etcd.bytes(EtcdKeys.history(app)), prefix),
                Op.delete(Etcd.bytes(EtcdKeys.placement(app)), DeleteOption.DEFAULT),
                Op.delete(Etcd.bytes(EtcdKeys.requests(app)), prefix),
                Op.delete(Etcd.bytes(EtcdKeys.legacyRequest(app)), DeleteOption.DEFAULT));
    }

    private void freeAddress(String app, Optional<String> ip) throws FleetException, InterruptedException {
        if (ip.isPresent()) {
            // only while this app holds it (a later app may hold it once this one was forgotten before)
            String key = EtcdKeys.address(ip.get());
            Optional<Versioned<AddressHolder>> h = one(key, AddressHolder.class);
            if (h.isPresent() && h.get().value().app().equals(app))
                txn(List.of(revision(key, h.get().modRevision())), List.of(Op.delete(Etcd.bytes(key), DeleteOption.DEFAULT)), "free " + key);
        }
    }

    // ---- transactions ----

    private static Cmp absent(String key) { return new Cmp(Etcd.bytes(key), Cmp.Op.EQUAL, CmpTarget.createRevision(0)); }

    private static Cmp present(String key) { return new Cmp(Etcd.bytes(key), Cmp.Op.GREATER, CmpTarget.createRevision(0)); }

    private static Cmp revision(String key, long rev) { return new Cmp(Etcd.bytes(key), Cmp.Op.EQUAL, CmpTarget.modRevision(rev)); }

    static Op put(String key, Object value) {
        return Op.put(Etcd.bytes(key), ByteSequence.from(encode(value)), PutOption.DEFAULT);
    }

    /** {@code value} as the apps' keys hold it. */
    static byte[] encode(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + value, e);
        }
    }

    private boolean txn(List<Cmp> ifs, List<Op> ops, String what) throws FleetException, InterruptedException {
        return txnResponse(ifs, ops, what).isSucceeded();
    }

    private io.etcd.jetcd.kv.TxnResponse txnResponse(List<Cmp> ifs, List<Op> ops, String what) throws FleetException, InterruptedException {
        List<Cmp> all = new ArrayList<>(ifs);
        fence.ifPresent(f -> all.add(new Cmp(f, Cmp.Op.GREATER, CmpTarget.createRevision(0))));
        Txn t = etcd.client().getKVClient().txn();
        t.If(all.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new));
        writes.incrementAndGet();
        return Etcd.await(t.commit(), what);
    }
}
