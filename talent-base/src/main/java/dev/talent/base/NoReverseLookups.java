package dev.talent.base;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The JVM's name resolver in talent's processes: forward lookups as the JDK's own resolver does them; reverse
 * lookups (an address to a name) are not made, so an address's "host name" is its literal. talent names hosts by
 * their fleet names and addresses, never by reverse DNS, but the JDK's HTTPS server asks for the client's host name
 * before the handshake of every connection ({@code createSSLEngine(addr.getHostName(), port)}): where no DNS server
 * answers (a host, or the lab's network namespaces, with an unreachable {@code nameserver}), each connection to a
 * controller's alerts endpoint waited out the resolver's timeouts before its handshake. Registered in
 * {@code META-INF/services}; the JDK loads it at the first lookup of the process.
 */
public final class NoReverseLookups extends InetAddressResolverProvider {
    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                throw new UnknownHostException("talent makes no reverse lookups");
            }
        };
    }

    @Override
    public String name() {
        return "talent: no reverse lookups";
    }
}
