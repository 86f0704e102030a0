package dev.talent.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.talent.policy.PlatformFacts;
import java.util.List;

/** The JSON records the fleet keeps in etcd and sends over its gRPC service. */
public final class Records {
    private Records() {}

    /**
     * {@code /talent/hosts/NAME/info}: a host as its agent last registered it, with the facts it detected of each
     * platform ({@link HostFacts}; none from an agent that could not probe them). Checked when made, so also when read
     * back from etcd ({@link HostFacts#check}): a record that is not one is refused, naming what is wrong.
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record HostInfo(String name, String address, int port, List<String> platforms, List<PlatformFacts> facts,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Integer protocol) {
        public HostInfo {
            if (platforms == null) throw new IllegalArgumentException("host " + name + ": no platforms");
            platforms = List.copyOf(platforms);
            facts = facts == null ? List.of() : List.copyOf(facts);
            HostFacts.check(name, address, port, platforms, facts);
            if (protocol != null && protocol < 1) throw new IllegalArgumentException("host " + name + ": protocol " + protocol);
        }

        /** A host whose agent says no protocol version: one of a release before versions (1). */
        public HostInfo(String name, String address, int port, List<String> platforms, List<PlatformFacts> facts) {
            this(name, address, port, platforms, facts, null);
        }

        public HostInfo(String name, String address, int port, List<String> platforms) { this(name, address, port, platforms, List.of()); }

        /** The protocol version the host's agent speaks ({@link Protocol}; 1 when its record says none). */
        public int speaks() { return Protocol.of(protocol); }
    }

    /** {@code /talent/agents/NAME} (leased) and the agent's answer to Ping. */
    public record AgentAlive(String name, long pid, @JsonProperty("since_ms") long sinceMs) {}

    /** {@code /talent/controllers/NAME} (leased), the election proposal and {@code /talent/leader}. */
    public record ControllerRecord(String host, long pid, @JsonProperty("since_ms") long sinceMs) {}

    /**
     * {@code /talent/placement/APP}: where an app runs, since when, and when the leader next migrates it on schedule.
     *
     * @param nextMs   when the next scheduled migration is due (epoch ms); null: only on request
     * @param moves    successful migrations so far (for {@code --migrations K})
     * @param epoch    the placement's generation: raised each time the leader restarts the app elsewhere without its
     *                 host (the host was lost); the copy an agent finds on its host after a restart is adopted only
     *                 if this placement names that host and this epoch (the fencing of {@code PlacementFence})
     */
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = true)
    public record Placement(String app, String host, String platform, @JsonProperty("since_ms") long sinceMs,
            @JsonProperty("next_ms") Long nextMs, int moves, long epoch) {}

    /**
     * {@code /talent/hosts/NAME/down}: the leader saw the host's agent without its lease at {@code sinceMs} (the
     * leader's clock); deleted by the agent when it registers again. A host down longer than the controller's grace
     * period ({@code --host-grace}, or {@code --restart-grace} when {@code restarting}: its agent said it stopped to be
     * restarted) is lost: its apps are restarted elsewhere or recorded lost.
     */
    public record HostDown(String host, @JsonProperty("since_ms") long sinceMs, boolean restarting) {}

    /**
     * {@code /talent/hosts/NAME/restarting}: the agent (process {@code pid}) stopped with SIGTERM at {@code atMs} (its
     * own clock, for people: the leader counts the grace on its own) and left {@code apps} apps running for the next.
     */
    public record AgentRestarting(String host, long pid, @JsonProperty("at_ms") long atMs, int apps) {}

    /**
     * {@code /talent/hosts/NAME/drained}: the host is unschedulable ({@code talent drain}): no app is placed, restarted
     * or migrated there, and the leader moves its apps to other hosts. Written and deleted only by the leader (a fenced
     * transaction), from a {@link DrainRequest}; {@code undrain} asks for its removal.
     */
    public record Drained(String host, @JsonProperty("since_ms") long sinceMs, String controller) {}

    /** {@code /talent/drains/NAME}: {@code talent drain} ({@code drain} true) or {@code undrain} (false), until the leader applies it. */
    public record DrainRequest(String host, boolean drain, @JsonProperty("at_ms") long atMs) {}

    /** {@code /talent/alert-endpoints/HOST} (leased): the controller's HTTPS alerts endpoint, {@code https://ADDR:PORT}. */
    public record AlertEndpoint(String host, String url) {}

    /** The empty request of Ping. */
    public record PingRequest(String from) {}
}
