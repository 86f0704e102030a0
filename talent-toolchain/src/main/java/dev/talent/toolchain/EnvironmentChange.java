package dev.talent.toolchain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How a child process's environment differs from this process's: variables set and variables removed.
 * Removing matters for talent's own {@code TALENT_*} variables, which a caller may want not to inherit.
 */
public record EnvironmentChange(Map<String, String> set, Set<String> unset) {

    public static final EnvironmentChange NONE = new EnvironmentChange(Map.of(), Set.of());

    public EnvironmentChange {
        set = Map.copyOf(set);
        unset = Set.copyOf(unset);
    }

    public static EnvironmentChange setting(Map<String, String> set) { return new EnvironmentChange(set, Set.of()); }

    public void applyTo(Map<String, String> environment) {
        unset.forEach(environment::remove);
        environment.putAll(set);
    }

    public EnvironmentChange plus(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(set);
        merged.putAll(more);
        return new EnvironmentChange(merged, unset);
    }
}
