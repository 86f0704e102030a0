package dev.talent.container;

/**
 * What {@code talent run --net} gives a container: its own network namespace with loopback and one interface
 * {@code eth0} holding {@code address} (prefix of the subnet, MAC {@link Ipv4#mac()}, default route via the
 * gateway), whose host end is a port of the bridge.
 */
public record NetworkAttachment(NetworkConfig config, Ipv4 address) {

    public NetworkAttachment {
        config.checkAppAddress(address);
    }
}
