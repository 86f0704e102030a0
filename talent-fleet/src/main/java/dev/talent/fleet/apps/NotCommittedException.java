package dev.talent.fleet.apps;

import java.io.Serial;

/**
 * A migration's ledger failed ({@link dev.talent.migrate.pipeline.CommitStep.Ledger#commit} said why): the destination
 * runs the app and its agent took it over, the source's program is stopped at its checkpoint and was not removed, and
 * etcd still places the app on the source. {@link FleetAgents#migrate} throws it instead of removing the source (a
 * migration is committed before its source goes); the caller resolves it from the agents' states as it resolves a
 * migration whose leader died at that point ({@link AppReconciler#resolve}). Unchecked: the pipeline's ledger cannot
 * throw a checked exception.
 */
public final class NotCommittedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    public NotCommittedException(String message) { super(message); }
}
