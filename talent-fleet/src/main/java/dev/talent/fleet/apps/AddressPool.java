package dev.talent.fleet.apps;

import dev.talent.container.Ipv4;
import dev.talent.fleet.AppNetwork;
import java.util.Map;
import java.util.Optional;

/**
 * Which address a {@code deploy --net} app gets: the one asked for ({@code --ip}), if it is a host address of the
 * segment inside the fleet's app range and no other app holds it; otherwise the lowest free address of the range.
 * The addresses held are etcd's {@code /talent/addresses/A} keys (one per app, written in the deploy's transaction,
 * which fails if another deploy took the address meanwhile; removed when the app is forgotten), so no two apps of
 * the fleet ever hold one address, and an app keeps its address for its whole life, on every host.
 */
public final class AddressPool {
    private AddressPool() {}

    /**
     * The address for a new app.
     *
     * @param taken the addresses held, each with its app
     * @throws IllegalArgumentException the asked address is not usable (the message says why), or the range is full
     */
    public static Ipv4 choose(AppNetwork net, Map<Ipv4, String> taken, Optional<Ipv4> asked) {
        if (asked.isPresent()) {
            Ipv4 a = asked.get();
            net.config().checkAppAddress(a);
            if (!net.inRange(a))
                throw new IllegalArgumentException("address " + a + " is outside the fleet's app range " + net.range()
                        + " (the rest of " + net.config().subnet() + " is the hosts')");
            String holder = taken.get(a);
            if (holder != null) throw new IllegalArgumentException("address " + a + " is held by app " + holder);
            return a;
        }
        long first = net.first().value() & 0xffffffffL, last = net.last().value() & 0xffffffffL;
        for (long v = first; v <= last; v++) {
            Ipv4 a = new Ipv4((int) v);
            if (a.equals(net.config().gateway()) || taken.containsKey(a)) continue;
            try {
                net.config().checkAppAddress(a);
            } catch (IllegalArgumentException reserved) {
                continue;
            }
            return a;
        }
        throw new IllegalArgumentException("every address of the fleet's app range " + net.range() + " is held ("
                + taken.size() + " apps; talent undeploy frees one)");
    }
}
