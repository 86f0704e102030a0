package dev.talent.container;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * The host bridge the apps of {@code talent run --net} are attached to: its interface name, the IPv4 subnet the
 * apps' addresses come from, and the gateway address the bridge itself holds (the host's address on it).
 * Defaults: {@code talent0}, {@code 10.211.0.0/16}, gateway {@code 10.211.0.1} (the subnet's first address).
 *
 * <p>IPv6: the bridge also holds {@code <prefix6>::1/64} of a unique-local prefix (default
 * {@code fd74:616c:656e::/64}), and an app with IPv4 address {@code a.b.c.d} also gets {@code <prefix6>::a.b.c.d}
 * (the IPv4 address as the interface identifier's low 32 bits), so the IPv4 address alone names both.
 *
 * @param bridge  the bridge's interface name (1 to 15 letters, digits, {@code _ . -})
 * @param network the subnet's network address (host bits zero)
 * @param prefix  the subnet's prefix length, 8 to 30
 * @param gateway the bridge's own address, inside the subnet
 * @param prefix6 the first 8 bytes of the IPv6 /64 (a unique-local prefix, fc00::/7)
 */
public record NetworkConfig(String bridge, Ipv4 network, int prefix, Ipv4 gateway, long prefix6) {

    public static final String DEFAULT_BRIDGE = "talent0";
    public static final String DEFAULT_SUBNET = "10.211.0.0/16";
    public static final String DEFAULT_SUBNET6 = "fd74:616c:656e::/64";

    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    public NetworkConfig {
        if (!INTERFACE.matcher(bridge).matches()) {
            throw new IllegalArgumentException("bridge name '" + bridge + "' must be 1 to 15 letters, digits, '_', '.' or '-'");
        }
        if (prefix < 8 || prefix > 30) throw new IllegalArgumentException("subnet prefix /" + prefix + " must be /8 to /30");
        if ((network.value() & ~mask(prefix)) != 0) {
            throw new IllegalArgumentException("subnet " + network + "/" + prefix + " has host bits set");
        }
        if (!contains(network, prefix, gateway) || isReserved(prefix, gateway)) {
            throw new IllegalArgumentException("gateway " + gateway + " is not a host address of " + network + "/" + prefix);
        }
        if ((prefix6 >>> 57) != (0xfcL >>> 1)) {
            throw new IllegalArgumentException("IPv6 prefix " + v6(prefix6, 0) + "/64 is not a unique-local prefix (fc00::/7)");
        }
    }

    /** A config with the default IPv6 prefix. */
    public NetworkConfig(String bridge, Ipv4 network, int prefix, Ipv4 gateway) {
        this(bridge, network, prefix, gateway, parsePrefix6(DEFAULT_SUBNET6));
    }

    /** This config with another IPv6 prefix ({@code xxxx:xxxx:xxxx:xxxx::/64}, unique-local). */
    public NetworkConfig withSubnet6(String subnet6) {
        return new NetworkConfig(bridge, network, prefix, gateway, parsePrefix6(subnet6));
    }

    /** The IPv6 /64 in CIDR notation. */
    public String subnet6() { return v6(prefix6, 0) + "/64"; }

    /** The bridge's own IPv6 address ({@code <prefix6>::1}). */
    public String gateway6() { return v6(prefix6, 1); }

    /** The IPv6 address of the app whose IPv4 address is {@code address}. */
    public String address6(Ipv4 address) { return v6(prefix6, address.value() & 0xffffffffL); }

    private static long parsePrefix6(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !text.substring(slash + 1).equals("64")) {
            throw new IllegalArgumentException("IPv6 subnet '" + text + "' must be a /64 in CIDR notation (such as "
                    + DEFAULT_SUBNET6 + ")");
        }
        String host = text.substring(0, slash);
        if (!host.matches("[0-9A-Fa-f:]{2,39}")) throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
        byte[] b;
        try {
            InetAddress a = InetAddress.getByName(host);   // literal only: the pattern leaves no host name through
            if (!(a instanceof Inet6Address)) throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
            b = a.getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + host + "' is not an IPv6 address", e);
        }
        long p = 0, rest = 0;
        for (int i = 0; i < 8; i++) p = (p << 8) | (b[i] & 0xff);
        for (int i = 8; i < 16; i++) rest |= b[i] & 0xff;
        if (rest != 0) throw new IllegalArgumentException("IPv6 subnet " + text + " has host bits set");
        return p;
    }

    /** The address of prefix {@code p} and interface identifier {@code id}, in RFC 5952 form. */
    private static String v6(long p, long id) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) g[i] = (int) (p >>> (48 - 16 * i)) & 0xffff;
        for (int i = 0; i < 4; i++) g[4 + i] = (int) (id >>> (48 - 16 * i)) & 0xffff;
        int bestAt = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestAt) {
                b.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            b.append(Integer.toHexString(g[i]));
            if (i < 7) b.append(':');
        }
        return b.toString();
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
        if (!contains(network, prefix, address) || isReserved(prefix, address) || address.equals(gateway)) {
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

    private static boolean isReserved(int prefix, Ipv4 a) {
        int host = a.value() & ~mask(prefix);
        return host == 0 || host == ~mask(prefix);
    }
}
