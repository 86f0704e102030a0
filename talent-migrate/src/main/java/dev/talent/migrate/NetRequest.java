package dev.talent.migrate;

import dev.talent.container.Ipv4;
import dev.talent.container.NetworkConfig;
import java.util.Optional;

/**
 * {@code talent run --net [--ip ADDR]}: the app gets a network namespace of its own with one address on the bridge
 * of {@code config}.
 *
 * @param address the address asked for ({@code --ip}); empty: talent allocates one at the start of the run (a
 *                resumed run keeps the one it had, recorded in run.json)
 */
public record NetRequest(NetworkConfig config, Optional<Ipv4> address) {

    public NetRequest {
        address.ifPresent(config::checkAppAddress);
    }
}
