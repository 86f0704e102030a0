package dev.talent.fleet;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.talent.policy.PlatformFacts;
import java.util.List;

/**
 * One line of {@code talent hosts}: a host, whether its agent answers, its apps, its controller, and whether it is
 * drained ({@code talent drain}: no app is placed there), and the facts its agent detected of each platform
 * ({@link HostFacts}; empty when it had none).
 */
public record HostStatus(String name, String address, List<String> platforms, String agent, List<String> apps,
        boolean leader, @JsonProperty("controller_pid") Long controllerPid, boolean drained, List<PlatformFacts> facts) {
    public HostStatus {
        platforms = List.copyOf(platforms);
        apps = List.copyOf(apps);
        facts = List.copyOf(facts);
    }
}
