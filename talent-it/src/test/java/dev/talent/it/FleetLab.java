package dev.talent.it;

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
}
