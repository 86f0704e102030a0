package dev.talent.fleet.apps;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Records;
import dev.talent.migrate.control.MigrationRecord;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The history of undeployed apps, kept in etcd under a bounded retention so that {@code talent report APP} and
 * {@code talent status APP --json} still answer after {@code undeploy}.
 *
 * <p>When the leader forgets an undeployed app it first copies what etcd holds of its past into an archive of that
 * app's incarnation G (its spec's last revision, 20 digits, so a redeployed app of the same name gets a new one and
 * a leader that repeats an interrupted archiving writes the same keys):
 * <ul>
 * <li>{@code /talent/archive/APP/G/m/NNNNN}: its kept migration records (at most {@link AppRecords#KEEP_RECORDS}), oldest first;</li>
 * <li>{@code /talent/archive/APP/G/h/NNNNN}: its alert history events (at most {@link FleetHistory#KEEP}), oldest first;</li>
 * (copied in transactions of at most {@link #TXN_OPS} puts and {@link #TXN_BYTES} bytes)
 * <li>{@code /talent/archived/APP/G}: the {@link Archived} summary (spec, last placement, end, compacted counts), written
 *     last, in the transaction that deletes the app's live keys: an archive without it is not read.</li>
 * </ul>
 * Retention ({@link Retention}): the newest {@code keep} archives (whatever app), none older than {@code maxAgeMs}; the
 * leader prunes after each archiving and once a minute. Read back as hostile input: exact key forms, each value at most
 * 64 KiB and validated, at most the counts above read.
 */
public final class AppArchive {
    /** What etcd keeps of ended apps: the newest {@code keep} archives, none older than {@code maxAgeMs}. */
    public record Retention(int keep, long maxAgeMs) {
        /** The controller's default: 200 archives, 30 days. */
        public static final Retention DEFAULT = new Retention(200, 30L * 24 * 3600 * 1000);
        /** Most archives a fleet may keep (each is up to ~330 KiB of etcd). */
        public static final int MAX_KEEP = 10_000;

        public Retention {
            if (keep < 0 || keep > MAX_KEEP) throw new IllegalArgumentException("keep " + keep + " archives: 0.." + MAX_KEEP);
            if (maxAgeMs < 0) throw new IllegalArgumentException("a negative age " + maxAgeMs + " ms");
        }
    }

    /**
     * {@code /talent/archived/APP/G}: an ended app's summary.
     *
     * @param generation   G: its spec's revision when it was undeployed
     * @param archivedMs   when the leader archived it (its undeployment)
     * @param spec         its spec as deployed (with {@code undeploy} set)
     * @param placement    where it last ran (null: never placed)
     * @param ended        how its program ended (null: it ran until {@code undeploy} stopped it)
     * @param compacted    its records no longer kept (null: none)
     * @param records      how many migration records the archive holds
     * @param events       how many alert history events it holds
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Archived(String app, String generation, @JsonProperty("archived_ms") long archivedMs, AppRecords.AppRecord spec,
            Records.Placement placement, AppRecords.Ended ended, AppRecords.Compacted compacted, int records, int events) {
        public Archived {
            if (app == null || !AppRecords.NAME.matcher(app).matches()) throw new IllegalArgumentException("not an app name: " + shown(app));
            if (generation == null || !GENERATION.matcher(generation).matches()) throw new IllegalArgumentException("not a generation: " + shown(generation));
            if (archivedMs < 0) throw new IllegalArgumentException("archived at " + archivedMs);
            if (spec == null || !spec.name().equals(app)) throw new IllegalArgumentException("the spec is not " + app + "'s");
            if (placement != null) {
                if (!app.equals(placement.app())) throw new IllegalArgumentException("the placement is not " + app + "'s");
                checkName(placement.host(), "host");
                checkName(placement.platform(), "platform");
            }
            if (ended != null) {
                if (!app.equals(ended.app())) throw new IllegalArgumentException("the end is not " + app + "'s");
                if (ended.host() != null) checkName(ended.host(), "host");
                if (ended.platform() != null) checkName(ended.platform(), "platform");
                if (ended.error() != null && ended.error().length() > MAX_TEXT)
                    throw new IllegalArgumentException("an error of " + ended.error().length() + " characters");
                if (ended.atMs() < 0) throw new IllegalArgumentException("ended at " + ended.atMs());
            }
            if (compacted != null && !app.equals(compacted.app())) throw new IllegalArgumentException("the compacted counts are not " + app + "'s");
            if (records < 0 || records > AppRecords.KEEP_RECORDS) throw new IllegalArgumentException(records + " records");
            if (events < 0 || events > FleetHistory.KEEP) throw new IllegalArgumentException(events + " events");
        }
    }

    /** An ended app as read back: its summary, a view of it as {@link AppStore#view} gives a live one, its history. */
    public record Retired(Archived archived, AppStore.AppView view, List<FleetHistory.Event> history) {}

    static final String ARCHIVE = EtcdKeys.ROOT + "archive/";
    static final String ARCHIVED = EtcdKeys.ROOT + "archived/";
    static final Pattern GENERATION = Pattern.compile("[0-9]{20}");
    private static final Pattern ARCHIVED_KEY = Pattern.compile(Pattern.quote(ARCHIVED) + "([a-z0-9][a-z0-9-]{0,39})/(\\d{20})");
    private static final Pattern INDEX = Pattern.compile("\\d{5}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final int MAX_TEXT = 8192;
    /** At most this many operations per transaction (etcd's default limit is 128). */
    static final int TXN_OPS = 100;
    /** At most this many bytes of values per transaction (etcd's default request limit is 1.5 MiB). */
    static final int TXN_BYTES = 512 * 1024;

    private final Etcd etcd;

    public AppArchive(Etcd etcd) { this.etcd = etcd; }

    static String generation(long specRevision) { return "%020d".formatted(specRevision); }

    static String summaryKey(String app, String generation) { return ARCHIVED + app + "/" + generation; }

    static String dataPrefix(String app, String generation) { return ARCHIVE + app + "/" + generation + "/"; }

    /**
     * Archives the undeployed app {@code v} with its {@code history} and deletes its live keys ({@code forget}) in the
     * transaction that writes the summary; the copies go first, at most {@link #TXN_OPS} per transaction, each
     * compared on {@code fence} (the leader's election key) when given. False when the spec changed or is gone meanwhile
     * (another leader archived it).
     */
    boolean archive(AppStore.AppView v, List<FleetHistory.Event> history, long nowMs, Optional<ByteSequence> fence, List<Op> forget)
            throws FleetException, InterruptedException {
        String app = v.name(), g = generation(v.spec().modRevision());
        if (v.migrations().size() > AppRecords.KEEP_RECORDS || history.size() > FleetHistory.KEEP)
            throw new FleetException(app + " has " + v.migrations().size() + " records and " + history.size() + " events: more than an archive holds");
        String data = dataPrefix(app, g);
        List<Op> copies = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < v.migrations().size(); i++) {
            byte[] b = AppStore.encode(v.migrations().get(i));
            copies.add(Op.put(Etcd.bytes(data + "m/%05d".formatted(i)), ByteSequence.from(b), PutOption.DEFAULT));
            sizes.add(b.length);
        }
        for (int i = 0; i < history.size(); i++) {
            byte[] b = Etcd.encode(history.get(i), "an app's history event");
            copies.add(Op.put(Etcd.bytes(data + "h/%05d".formatted(i)), ByteSequence.from(b), PutOption.DEFAULT));
            sizes.add(b.length);
        }
        Cmp spec = new Cmp(Etcd.bytes(EtcdKeys.spec(app)), Cmp.Op.EQUAL, CmpTarget.modRevision(v.spec().modRevision()));
        for (List<Op> batch : batches(copies, sizes)) {
            if (!txn(List.of(spec), batch, fence, "archive " + app)) return false;
        }
        Archived a = new Archived(app, g, nowMs, v.spec().value(), v.placement().map(AppStore.Versioned::value).orElse(null),
                v.ended().orElse(null), v.compacted().map(AppStore.Versioned::value).orElse(null), v.migrations().size(), history.size());
        List<Op> last = new ArrayList<>(forget);
        last.add(AppStore.put(summaryKey(app, g), a));
        return txn(List.of(spec), last, fence, "archive and forget " + app);
    }

    /**
     * {@code ops} in order, cut into transactions of at most {@link #TXN_OPS} operations and {@link #TXN_BYTES} bytes
     * of values ({@code sizes}, one per op; a value alone over the limit is a transaction of its own: values are at most
     * 64 KiB, far below etcd's request limit).
     */
    static List<List<Op>> batches(List<Op> ops, List<Integer> sizes) {
        List<List<Op>> out = new ArrayList<>();
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < ops.size(); i++) {
            if (i > from && (i - from == TXN_OPS || bytes + sizes.get(i) > TXN_BYTES)) {
                out.add(ops.subList(from, i));
                from = i;
                bytes = 0;
            }
            bytes += sizes.get(i);
        }
        if (from < ops.size()) out.add(ops.subList(from, ops.size()));
        return out;
    }

    /** {@code app}'s newest archive, if it has one. */
    public Optional<Retired> latest(String app) throws FleetException, InterruptedException {
        if (!AppRecords.NAME.matcher(app).matches()) return Optional.empty();
        var kv = etcd.client().getKVClient();
        List<KeyValue> newest = Etcd.await(kv.get(Etcd.bytes(ARCHIVED + app + "/"), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1).build()),
                "read the archives of " + app).getKvs();
        if (newest.isEmpty()) return Optional.empty();
        return Optional.of(read(app, newest.getFirst()));
    }

    /**
     * The kept incarnation {@code generation} (20 digits, as {@link #list} gives it) of the ended app {@code app}, if
     * etcd keeps it: {@code talent status APP@G} and {@code talent report APP@G}. Both are checked before they make a key
     * ({@link AppRef}); the archive is read and validated as {@link #latest} reads the newest.
     */
    public Optional<Retired> incarnation(String app, String generation) throws FleetException, InterruptedException {
        AppRef ref = new AppRef(app, Optional.of(generation));
        List<KeyValue> summary = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(summaryKey(ref.app(), generation))),
                "read the archive of " + ref).getKvs();
        if (summary.isEmpty()) return Optional.empty();
        return Optional.of(read(app, summary.getFirst()));
    }

    /** The archive of {@code app} whose summary is {@code summary}, read whole as hostile input. */
    private Retired read(String app, KeyValue summary) throws FleetException, InterruptedException {
        String key = summary.getKey().toString(StandardCharsets.UTF_8);
        Matcher m = ARCHIVED_KEY.matcher(key);
        if (!m.matches() || !m.group(1).equals(app))
            throw new FleetException("etcd key " + shown(key) + " is not an ended app's archive of the fleet (remove it with etcdctl del)");
        Archived a = AppStore.decode(summary, Archived.class);
        if (!a.app().equals(app) || !a.generation().equals(m.group(2)))
            throw new FleetException("etcd value at " + key + " is the archive of " + a.app() + "/" + a.generation() + ", not of its key");
        String data = dataPrefix(app, a.generation());
        List<MigrationRecord> records = new ArrayList<>();
        for (KeyValue r : part(data + "m/", a.records())) {
            MigrationRecord rec = AppStore.decode(r, MigrationRecord.class);
            if (rec.from() != null) AppRecords.placement(rec.from());
            if (rec.to() != null) AppRecords.placement(rec.to());
            records.add(rec);
        }
        List<FleetHistory.Event> history = new ArrayList<>();
        for (KeyValue e : part(data + "h/", a.events())) history.add(Etcd.decode(e, FleetHistory.Event.class));
        AppStore.AppView view = new AppStore.AppView(new AppStore.Versioned<>(a.spec(), 0),
                Optional.ofNullable(a.placement()).map(p -> new AppStore.Versioned<>(p, 0)), Optional.empty(), List.of(),
                Optional.ofNullable(a.ended()), List.copyOf(records),
                Optional.ofNullable(a.compacted()).map(c -> new AppStore.Versioned<>(c, 0)));
        return new Retired(a, view, List.copyOf(history));
    }

    /**
     * Every ended app's archive summary kept in etcd (each incarnation of each app), newest undeployment first, for
     * {@code talent status --ended/--all}: one read of at most {@code MAX_KEEP + 1000} summaries (their records and
     * history are not read). Read as hostile input: a key not of the archive's form, or a value that is not a valid
     * summary of its own key, is left out and said to {@code skipped} (the others are still listed), as is a listing cut
     * at that bound.
     */
    public List<Archived> list(java.util.function.Consumer<String> skipped) throws FleetException, InterruptedException {
        var answer = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(ARCHIVED), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND)
                .withLimit(Retention.MAX_KEEP + 1000L).build()), "list the ended apps' archives");
        List<Archived> out = new ArrayList<>();
        for (KeyValue kv : answer.getKvs()) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8);
            Matcher m = ARCHIVED_KEY.matcher(key);
            if (!m.matches()) {
                skipped.accept("etcd key " + shown(key) + " is not an ended app's archive of the fleet: left out (remove it with etcdctl del)");
                continue;
            }
            try {
                Archived a = AppStore.decode(kv, Archived.class);
                if (!a.app().equals(m.group(1)) || !a.generation().equals(m.group(2)))
                    throw new FleetException("etcd value at " + key + " is the archive of " + a.app() + "/" + a.generation() + ", not of its key");
                out.add(a);
            } catch (FleetException e) {
                skipped.accept(e.getMessage().replaceAll("[^\\x20-\\x7e]", "?") + ": left out");
            }
        }
        if (answer.isMore())
            skipped.accept("more than " + answer.getKvs().size() + " ended apps' archives: only the first " + answer.getKvs().size()
                    + " by name are listed (the controllers' --keep-ended bounds them)");
        out.sort(Comparator.comparingLong(Archived::archivedMs).thenComparing(Archived::generation).thenComparing(Archived::app).reversed());
        return out;
    }

    /** The {@code expected} values under {@code prefix}, in key order; more, fewer or a key not of the form is refused. */
    private List<KeyValue> part(String prefix, int expected) throws FleetException, InterruptedException {
        List<KeyValue> kvs = Etcd.await(etcd.client().getKVClient().get(Etcd.bytes(prefix), GetOption.builder().isPrefix(true)
                .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.ASCEND).withLimit(expected + 1L).build()),
                "read " + prefix).getKvs();
        if (kvs.size() != expected)
            throw new FleetException("the archive at " + prefix + " has " + (kvs.size() > expected ? "more than " + expected : kvs.size())
                    + " values where its summary says " + expected + " (remove the archive with etcdctl del --prefix)");
        for (int i = 0; i < kvs.size(); i++) {
            String key = kvs.get(i).getKey().toString(StandardCharsets.UTF_8);
            String rest = key.substring(prefix.length());
            if (!INDEX.matcher(rest).matches() || Integer.parseInt(rest) != i)
                throw new FleetException("etcd key " + shown(key) + " is not the archive's value " + i + " (remove the archive with etcdctl del --prefix)");
        }
        return kvs;
    }

    /** An archive, for pruning: its app and its generation. */
    record Entry(String app, String generation) {}

    /** When an archive was archived (ms). */
    interface AgeOf {
        long archivedMs(Entry e) throws FleetException, InterruptedException;
    }

    /**
     * Which of {@code entries} (any order) go under {@code r}: beyond the newest {@code keep} (by generation: etcd's
     * revisions grow with time), and those archived before {@code nowMs - maxAgeMs} ({@code archivedMs}: an entry's
     * time, asked only of the oldest kept ones, oldest first, until one is young enough).
     */
    static List<Entry> expired(List<Entry> entries, Retention r, long nowMs, AgeOf archivedMs) throws FleetException, InterruptedException {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(Entry::generation).thenComparing(Entry::app));
        int over = Math.max(0, sorted.size() - r.keep());
        List<Entry> out = new ArrayList<>(sorted.subList(0, over));
        for (Entry e : sorted.subList(over, sorted.size())) {
            if (nowMs - archivedMs.archivedMs(e) <= r.maxAgeMs()) break;
            out.add(e);
        }
        return out;
    }

    /**
     * Deletes the archives {@code r} does not keep (each with its records and history, one transaction each); at most
     * {@code MAX_KEEP + 1000} summaries are listed per call. Returns how many went.
     */
    public int prune(Retention r, long nowMs) throws FleetException, InterruptedException {
        var kv = etcd.client().getKVClient();
        List<KeyValue> keys = Etcd.await(kv.get(Etcd.bytes(ARCHIVED), GetOption.builder().isPrefix(true).withKeysOnly(true)
                .withLimit(Retention.MAX_KEEP + 1000L).build()), "list the ended apps' archives").getKvs();
        List<Entry> entries = new ArrayList<>();
        for (KeyValue k : keys) {
            Matcher m = ARCHIVED_KEY.matcher(k.getKey().toString(StandardCharsets.UTF_8));
            // a key not of the form is no archive: left alone (and never read)
            if (m.matches()) entries.add(new Entry(m.group(1), m.group(2)));
        }
        List<Entry> gone = expired(entries, r, nowMs, e -> {
            List<KeyValue> v = Etcd.await(kv.get(Etcd.bytes(summaryKey(e.app(), e.generation()))), "read an archive").getKvs();
            if (v.isEmpty()) return 0;
            try {
                return AppStore.decode(v.getFirst(), Archived.class).archivedMs();
            } catch (FleetException x) {
                // not an archive's summary: as old as can be, so it goes (it would be refused when read anyway)
                return 0;
            }
        });
        DeleteOption prefix = DeleteOption.builder().isPrefix(true).build();
        for (Entry e : gone) {
            Etcd.await(kv.txn().Then(Op.delete(Etcd.bytes(summaryKey(e.app(), e.generation())), DeleteOption.DEFAULT),
                    Op.delete(Etcd.bytes(dataPrefix(e.app(), e.generation())), prefix)).commit(), "prune an archive of " + e.app());
        }
        return gone.size();
    }

    private boolean txn(List<Cmp> ifs, List<Op> ops, Optional<ByteSequence> fence, String what) throws FleetException, InterruptedException {
        List<Cmp> all = new ArrayList<>(ifs);
        fence.ifPresent(f -> all.add(new Cmp(f, Cmp.Op.GREATER, CmpTarget.createRevision(0))));
        return Etcd.await(etcd.client().getKVClient().txn().If(all.toArray(Cmp[]::new)).Then(ops.toArray(Op[]::new)).commit(), what)
                .isSucceeded();
    }

    private static void checkName(String s, String what) {
        if (s == null || !NAME.matcher(s).matches()) throw new IllegalArgumentException("not a " + what + " name: " + shown(s));
    }

    private static String shown(String s) {
        if (s == null) return "(none)";
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
