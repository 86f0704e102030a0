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

    public static String hostInfo(String name) { return HOSTS + name + "/info"; }

    public static String agent(String name) { return AGENTS + name; }

    public static String controller(String name) { return CONTROLLERS + name; }
}
