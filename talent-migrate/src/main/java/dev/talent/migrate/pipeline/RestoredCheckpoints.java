package dev.talent.migrate.pipeline;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * What a rollback found to restart from: how many accepted checkpoints were put back, the newest of them (the one the
 * runtime restores unless it is damaged), and why others were not.
 */
public record RestoredCheckpoints(int copied, Optional<BigInteger> newest, List<String> refused) {
    public RestoredCheckpoints {
        refused = List.copyOf(refused);
    }

    public RestoredCheckpoints(int copied, List<String> refused) {
        this(copied, Optional.empty(), refused);
    }
}
