package dev.talent.cli.fleet;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.fleet.HostStatus;
import dev.talent.fleet.Records;
import dev.talent.fleet.apps.FleetAgents;
import dev.talent.fleet.apps.FleetPolicy;
import dev.talent.migrate.control.ControlJson;
import dev.talent.policy.PlatformFacts;
import java.util.List;
import java.util.Optional;

/**
 * {@code talent platforms --fleet FILE [--json]}: each place (host, platform) of the fleet with the facts its host's
 * agent detected (from the host records, as {@code talent hosts} reads them) and the tags the controller gives it
 * ({@link FleetPolicy#tagsOf}, the controller's own code). The operator's tags are in the controllers' {@code --policy}
 * file, which etcd does not hold: they are shown only when the same file is given to the command ({@code --policy}),
 * and the output says which file, or that there was none.
 */
public final class FleetPlatforms {
    private FleetPlatforms() {}

    /**
     * One object per place, hosts in {@code talent hosts} order, each host's platforms in its record's order:
     * {@code {host, platform, agent, drained, facts, tags, policy}}; {@code facts} null when the agent could not probe
     * the platform (the controller then uses talent's platform table: no C library version or kernel tag);
     * {@code policy}: the file whose operator tags {@code tags} include, null when none was given (implicit tags only).
     */
    public static ArrayNode json(List<HostStatus> hosts, FleetPolicy policy, Optional<String> policyFile) {
        ArrayNode out = ControlJson.MAPPER.createArrayNode();
        for (HostStatus h : hosts) {
            Optional<Records.HostInfo> info = Optional.of(info(h));
            for (String platform : h.platforms()) {
                ObjectNode o = out.addObject();
                o.put("host", h.name());
                o.put("platform", platform);
                o.put("agent", h.agent());
                o.put("drained", h.drained());
                Optional<PlatformFacts> f = detected(h, platform);
                o.set("facts", f.<com.fasterxml.jackson.databind.JsonNode>map(ControlJson.MAPPER::valueToTree).orElse(ControlJson.MAPPER.nullNode()));
                ArrayNode tags = o.putArray("tags");
                policy.tagsOf(new FleetAgents.Placement(h.name(), platform), info).forEach(tags::add);
                o.put("policy", policyFile.orElse(null));
            }
        }
        return out;
    }

    /** One line per place: host/platform, agent, ISA word size byte order C library, kernel; tags. */
    public static String text(List<HostStatus> hosts, FleetPolicy policy, Optional<String> policyFile) {
        StringBuilder s = new StringBuilder();
        for (HostStatus h : hosts) {
            Optional<Records.HostInfo> info = Optional.of(info(h));
            for (String platform : h.platforms()) {
                String place = h.name() + "/" + platform;
                s.append(String.format("%-22s %-4s", place, h.agent())).append(h.drained() ? " drained" : "");
                Optional<PlatformFacts> f = detected(h, platform);
                if (f.isPresent()) {
                    PlatformFacts x = f.get();
                    s.append("  ").append(x.isa()).append(' ').append(x.wordBits()).append("-bit ").append(x.byteOrder())
                            .append(' ').append(x.libcId()).append(", ").append(x.kernel());
                } else {
                    s.append("  (no facts: its agent could not probe it)");
                }
                s.append("\n    tags: ").append(String.join(" ", policy.tagsOf(new FleetAgents.Placement(h.name(), platform), info)))
                        .append('\n');
            }
        }
        s.append(policyFile.map(p -> "operator tags: from " + p + " (the controllers' --policy file must be the same to match)")
                .orElse("operator tags: not shown (the controllers' --policy file is not in etcd; give it with --policy FILE)"))
                .append('\n');
        return s.toString();
    }

    private static Optional<PlatformFacts> detected(HostStatus h, String platform) {
        return h.facts().stream().filter(f -> f.platform().equals(platform)).findFirst();
    }

    /** The host record the controller reads the facts from (the port is not part of the facts). */
    private static Records.HostInfo info(HostStatus h) {
        return new Records.HostInfo(h.name(), h.address(), 0, h.platforms(), h.facts());
    }
}
