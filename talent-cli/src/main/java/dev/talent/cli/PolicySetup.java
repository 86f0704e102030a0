package dev.talent.cli;

import dev.talent.policy.DestinationPolicy;
import dev.talent.policy.FactsProbe;
import dev.talent.policy.Policy;
import dev.talent.policy.PolicyException;
import dev.talent.policy.PlatformFacts;
import dev.talent.toolchain.Platform;
import dev.talent.toolchain.ToolchainProbe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads {@code --policy FILE} and detects the facts of the run's platforms for it. */
final class PolicySetup {
    private PolicySetup() {}

    /**
     * @param policy    the tags and draw
     * @param diversity whether a policy file was given (then destinations are drawn by diversity weights)
     * @param warnings  what the user should know (a platform named in the file that this run does not use)
     */
    record Loaded(DestinationPolicy policy, boolean diversity, List<String> warnings) {}

    static Loaded load(Optional<Path> file, List<Platform> platforms) throws PolicyException {
        if (file.isEmpty()) return new Loaded(new DestinationPolicy(Policy.EMPTY, Map.of()), false, List.of());
        Policy policy = Policy.load(file.get());
        List<String> warnings = new ArrayList<>();
        Set<String> known = Platform.KNOWN.stream().map(Platform::name).collect(Collectors.toSet());
        for (String p : policy.unknownPlatforms(known)) {
            warnings.add(file.get() + ": [platform." + p + "] is not a platform talent knows (" + Platform.knownNames() + ")");
        }
        Map<String, PlatformFacts> facts;
        try {
            facts = FactsProbe.create(ToolchainProbe.ofHost(), TalentDirectories.cache()).detectAll(platforms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PolicyException("interrupted while detecting the platforms' facts");
        }
        return new Loaded(new DestinationPolicy(policy, facts), true, warnings);
    }
}
