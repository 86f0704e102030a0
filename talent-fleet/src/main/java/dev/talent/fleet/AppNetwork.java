package dev.talent.fleet;

import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;

/**
 * The network segment the fleet's {@code --net} apps live on (fleet.conf's {@code net.*} lines): every host has a
 * bridge named {@code bridge} that is part of the segment (a real host: a bridge enslaving its uplink; the lab: a
 * bridge in each host's namespace with a veth into the lab bridge); the segment's subnet and gateway; and the range
 * the fleet gives apps their addresses from ({@code first}..{@code last}, inside the subnet, apart from the hosts'
 * own addresses). An app's namespace is a port of its host's bridge with the app's address and MAC, so the address
 * is reachable on the segment from wherever the app runs, without any peer changing a route.
 *
 * @param config the bridge, subnet, gateway and IPv6 /64 ({@code NetworkConfig}; talent neither creates that bridge
 *               nor gives it an address: it is the operator's, or the lab's)
 * @param first  the first address of the apps' range
 * @param last   the last address of the apps' range
 */
public record AppNetwork(NetworkConfig config, Ipv4 first, Ipv4 last) {
    /** At most this many addresses in a range (a /16): the allocation reads them all. */
    public static final int MAX_RANGE = 1 << 16;

    public AppNetwork {
        config.checkAppAddress(first);
        config.checkAppAddress(last);
        long size = (last.value() & 0xffffffffL) - (first.value() & 0xffffffffL) + 1;
        if (size < 1) throw new IllegalArgumentException("address range " + first + "-" + last + " is empty");
        if (size > MAX_RANGE) throw new IllegalArgumentException("address range " + first + "-" + last + " has more than " + MAX_RANGE + " addresses");
    }

    /** Parses the {@code net.*} values: bridge, subnet (CIDR), gateway, range {@code A-B}, IPv6 /64 (null: default). */
    public static AppNetwork of(String bridge, String subnet, String gateway, String range, String subnet6) {
        NetworkConfig c = NetworkConfig.of(bridge, subnet, gateway);
        if (subnet6 != null) c = c.withSubnet6(subnet6);
        int dash = range.indexOf('-');
        if (dash < 0) throw new IllegalArgumentException("address range '" + range + "' is not FIRST-LAST");
        return new AppNetwork(c, Ipv4.parse(range.substring(0, dash).strip()), Ipv4.parse(range.substring(dash + 1).strip()));
    }

    /** Whether {@code a} is in the apps' range. */
    public boolean inRange(Ipv4 a) {
        long v = a.value() & 0xffffffffL;
        return v >= (first.value() & 0xffffffffL) && v <= (last.value() & 0xffffffffL);
    }

    /** The range as fleet.conf writes it. */
    public String range() { return first + "-" + last; }
}
