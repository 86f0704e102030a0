package dev.talent.migrate.pipeline;

import java.util.List;

/** What a rollback found to restart from: how many accepted checkpoints were put back, and why others were not. */
public record RestoredCheckpoints(int copied, List<String> refused) {
    public RestoredCheckpoints {
        refused = List.copyOf(refused);
    }
}
