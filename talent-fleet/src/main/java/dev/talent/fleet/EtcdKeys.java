package dev.talent.fleet;

/**
 * The fleet's key layout in etcd (docs/FLEET.md describes it whole, including the keys of deployments and
 * migrations that later work adds). Every key is under {@code /talent/}.
 */
public final class EtcdKeys {
    private EtcdKeys() {}

    public static final String ROOT = "/talent/";
    /** {@code /talent/hosts/NAME/info}: the host's record (no lease: a host is known while its agent is down). */
    public static final String HOSTS = ROOT + "hosts/";
    /** {@code /talent/agents/NAME}: present while the host's agent holds its lease (alive). */
    public static final String AGENTS = ROOT + "agents/";
    /** {@code /talent/controllers/NAME}: each running controller, under its lease. */
    public static final String CONTROLLERS = ROOT + "controllers/";
    /** The election's prefix (etcd's election API): the oldest key under it leads. */
    public static final String ELECTION = ROOT + "election/controller";
    /** {@code /talent/leader}: the leading controller's record, written when it wins, under its lease. */
    public static final String LEADER = ROOT + "leader";
    /** {@code /talent/placement/APP}: where an app runs (written by the controller that deploys it). */
    public static final String PLACEMENT = ROOT + "placement/";

    /** {@code /talent/apps/APP/spec}: an app's desired state ({@code deploy}; {@code undeploy} sets its flag). */
    public static final String APPS = ROOT + "apps/";
    /**
     * {@code /talent/migrations/APP/current} (in flight), {@code /talent/migrations/APP/NNNNNNNNNN} (finished: the newest
     * {@code AppRecords.KEEP_RECORDS}) and {@code /talent/migrations/APP/compacted} (counts of the older ones).
     */
    public static final String MIGRATIONS = ROOT + "migrations/";
    /**
     * {@code /talent/requests/APP/SLOT}: the migrations asked for by {@code talent migrate}, each until the leader acts on
     * it; SLOT is 0 to {@code MAX_PENDING - 1} ({@code AppStore.MAX_PENDING}), so an app has a bounded number waiting.
     */
    public static final String REQUESTS = ROOT + "requests/";

    /** {@code /talent/addresses/A}: the --net app that holds address A ({@code deploy}'s transaction; gone with the app). */
    public static final String ADDRESSES = ROOT + "addresses/";

    public static String address(String ip) { return ADDRESSES + ip; }

    public static String spec(String app) { return APPS + app + "/spec"; }

    /** {@code /talent/apps/APP/ended}: how the app ended (its exit status, or why it was lost). */
    public static String ended(String app) { return APPS + app + "/ended"; }

    /** {@code /talent/apps/APP/error}: why the leader could not start the app (until it runs; {@code deploy} shows it). */
    public static String startError(String app) { return APPS + app + "/error"; }

    public static String placement(String app) { return PLACEMENT + app; }

    /** Written before a migration starts, marked committed in the ledger's transaction, deleted with its record. */
    public static String inFlight(String app) { return MIGRATIONS + app + "/current"; }

    /** The prefix of an app's finished migrations (keys sort in the order they happened). */
    public static String migrations(String app) { return MIGRATIONS + app + "/"; }

    /** Ten digits: keys sort in the order the migrations happened for as long as an app can live. */
    public static String migration(String app, long seq) { return String.format("%s%s/%010d", MIGRATIONS, app, seq); }

    /** {@code /talent/migrations/APP/compacted}: what the records dropped from etcd counted ({@code AppRecords.Compacted}). */
    public static String compacted(String app) { return MIGRATIONS + app + "/compacted"; }

    /** The prefix of {@code app}'s pending migration requests. */
    public static String requests(String app) { return REQUESTS + app + "/"; }

    public static String request(String app, int slot) { return REQUESTS + app + "/" + slot; }

    /** The one request key per app of older talents ({@code /talent/requests/APP}): only deleted with the app. */
    public static String legacyRequest(String app) { return REQUESTS + app; }

    public static String hostInfo(String name) { return HOSTS + name + "/info"; }

    /** {@code /talent/hosts/NAME/down}: since when the leader has seen the host's agent gone (no lease). */
    public static String hostDown(String name) { return HOSTS + name + "/down"; }

    /**
     * {@code /talent/hosts/NAME/restarting}: the host's agent stopped with SIGTERM and left its apps running for the
     * next one (no lease: it outlives the agent); deleted by the agent that registers next.
     */
    public static String agentRestarting(String name) { return HOSTS + name + "/restarting"; }

    /** {@code /talent/hosts/NAME/drained}: the host is drained (unschedulable); the leader's record. */
    public static String drained(String name) { return HOSTS + name + "/drained"; }

    /** {@code /talent/drains/NAME}: a drain or undrain asked for by the CLI, until the leader applies it. */
    public static final String DRAINS = ROOT + "drains/";

    public static String drainRequest(String name) { return DRAINS + name; }

    /**
     * {@code /talent/alerts/ID}: an active alert ({@code talent alert --fleet}, {@code POST /v1/alerts} on a
     * controller); ID is the URL-encoded tag, {@code @}, and the app it names or {@code *}.
     */
    public static final String ALERTS = ROOT + "alerts/";
    /** {@code /talent/alert-effects/ID/APP}: what the alert ID did to APP (the leader's record; gone with the alert). */
    public static final String ALERT_EFFECTS = ROOT + "alert-effects/";
    /** {@code /talent/alert-endpoints/HOST}: the URL of the controller's HTTPS alerts endpoint, under its lease. */
    public static final String ALERT_ENDPOINTS = ROOT + "alert-endpoints/";

    /**
     * {@code /talent/history/APP/T-R}: the alert events of APP's history (what an alert did to it, its clearing), kept
     * after the alert is cleared; the newest {@code FleetHistory.KEEP}, gone with the app.
     */
    public static final String HISTORY = ROOT + "history/";

    /** The prefix of {@code app}'s alert events. */
    public static String history(String app) { return HISTORY + app + "/"; }

    public static String alertEndpoint(String host) { return ALERT_ENDPOINTS + host; }

    public static String agent(String name) { return AGENTS + name; }

    public static String controller(String name) { return CONTROLLERS + name; }
}
