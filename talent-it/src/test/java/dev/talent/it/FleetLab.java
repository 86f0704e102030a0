package dev.talent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The fleet lab ({@code talent lab up}) is one per machine: its bridge, its hosts' namespaces and its etcd addresses
 * are fixed. The classes that start one hold {@link #LOCK}, so they run one after another; they run beside the other
 * classes (which use none of the lab's names or addresses), because most of their time is spent waiting for paced
 * apps, leases and restarts rather than on the processor.
 */
final class FleetLab {
    /** The JUnit resource lock of the lab's classes. */
    static final String LOCK = "talent-fleet-lab";

    private FleetLab() {
    }

    /**
     * The names and addresses of the lab in {@code dir}, by the index its lab.json records ({@code lab up} takes the
     * first free one: another lab or a lab's leftovers on the machine move it off 0).
     */
    static Names names(Path dir) throws IOException {
        JsonNode lab = new ObjectMapper().readTree(dir.resolve("lab.json").toFile());
        int index = lab.path("index").asInt(0);
        return new Names(index);
    }

    /** As LabLayout says (written out here: the ITs see talent through its command line only). */
    record Names(int index) {
        String bridge() { return "tfleet" + index; }

        String prefix() { return index == 0 ? "tfleet-" : "tfleet" + index + "-"; }

        String address(int k) { return "10.213." + index + "." + (10 + k); }

        /** The segment's IPv6 /64 with its "::" (an app's address follows). */
        String prefix6() { return "fd74:616c:656e:213" + (index == 0 ? "" : Integer.toString(index)) + "::"; }

        boolean owns(String name) { return name.equals(bridge()) || name.startsWith(prefix()); }
    }
}
