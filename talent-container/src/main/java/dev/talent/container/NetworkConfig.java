package dev.talent.container;

import java.util.regex.Pattern;

/**
 * The host bridge the apps of {@code talent run --net} are attached to: its interface name, the IPv4 subnet the
 * apps' addresses come from, and the gateway address the bridge itself holds (the host's address on it).
 * Defaults: {@code talent0}, {@code 10.211.0.0/16}, gateway {@code 10.211.0.1} (the subnet's first address).
 *
 * @param bridge  the bridge's interface name (1 to 15 letters, digits, {@code _ . -})
 * @param network the subnet's network address (host bits zero)
 * @param prefix  the subnet's prefix length, 8 to 30
 * @param gateway the bridge's own address, inside the subnet
 */
public record NetworkConfig(String bridge, Ipv4 network, int prefix, Ipv4 gateway) {

    public static final String DEFAULT_BRIDGE = "talent0";
    public static final String DEFAULT_SUBNET = "10.211.0.0/16";

    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public NetworkConfig {
        if (!INTERFACE.matcher(bridge).matches()) {
            throw new IllegalArgumentException("bridge name '" + bridge + "' must be 1 to 15 letters, digits, '_', '.' or '-'");
        }
        if (prefix < 8 || prefix > 30) throw new IllegalArgumentException("subnet prefix /" + prefix + " must be /8 to /30");
        if ((network.value() & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("subnet " + network + "/" + prefix + " has host bits set");
        }
        if (!contains(network, prefix, gateway) || isReserved(network, prefix, gateway)) {
            throw new IllegalArgumentException("gateway " + gateway + " is not a host address of " + network + "/" + prefix);
        }
    }

    /** The defaults: talent0, 10.211.0.0/16, gateway 10.211.0.1. */
    public static NetworkConfig defaults() {
        return of(DEFAULT_BRIDGE, DEFAULT_SUBNET, null);
    }

    /** A config from a bridge name, a subnet in CIDR notation, and a gateway (null: the subnet's first address). */
    public static NetworkConfig of(String bridge, String subnet, String gateway) {
        int slash = subnet.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("subnet '" + subnet + "' is not in CIDR notation (a.b.c.d/n)");
        Ipv4 network = Ipv4.parse(subnet.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(subnet.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("subnet '" + subnet + "' has no prefix length");
        }
        Ipv4 gw = gateway == null ? new Ipv4(network.value() + 1) : Ipv4.parse(gateway);
        return new NetworkConfig(bridge, network, prefix, gw);
    }

    /** Whether {@code address} can be an app's: inside the subnet, not its network, broadcast or gateway address. */
    public void checkAppAddress(Ipv4 address) {
        if (!contains(network, prefix, address) || isReserved(network, prefix, address) || address.equals(gateway)) {
            throw new IllegalArgumentException("address " + address + " is not a free host address of " + subnet()
                    + " (the gateway " + gateway + ", the network and the broadcast address are taken)");
        }
    }

    /** The subnet in CIDR notation. */
    public String subnet() { return network + "/" + prefix; }

    /** The first and last host addresses an app may get. */
    int firstHost() { return network.value() + 1; }

    int lastHost() { return network.value() + (int) ((1L << (32 - prefix)) - 2); }

    private static int mask(int prefix) { return prefix == 0 ? 0 : -1 << (32 - prefix); }

    private static boolean contains(Ipv4 network, int prefix, Ipv4 a) {
        return (a.value() & mask(prefix)) == network.value();
    }

    private static boolean isReserved(Ipv4 network, int prefix, Ipv4 a) {
        int host = a.value() & ~mask(prefix);
        return host == 0 || host == ~mask(prefix);
    }
}
