package dev.talent.format;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The {@code META} section: what program wrote the checkpoint, where, when, and at which site.
 *
 * @param fingerprint 32 hex digits identifying the program build (equal on every ISA)
 * @param program program name
 * @param platform platform that wrote the checkpoint, e.g. {@code x86_64}, {@code s390x}
 * @param pointerBits writer's pointer width, 32 or 64 (informative)
 * @param bigEndian writer's byte order (informative)
 * @param timeNanos wall-clock time of the checkpoint in ns since the Unix epoch
 * @param sequence checkpoint number (u64)
 * @param reason why it was taken: {@code stop-after}, {@code signal}, {@code periodic}, ...
 * @param visits site visits counted by this process before the checkpoint (u64)
 * @param point resume point id of the site (u32)
 * @param pointPos source position {@code file.c:line:col} of the site
 * @param function name of the function containing the site
 * @param argv {@code main}'s argument vector (raw bytes)
 */
public record Meta(
        String fingerprint,
        String program,
        String platform,
        int pointerBits,
        boolean bigEndian,
        long timeNanos,
        long sequence,
        String reason,
        long visits,
        long point,
        String pointPos,
        String function,
        List<ByteString> argv) {

    public Meta {
        Objects.requireNonNull(fingerprint);
        Objects.requireNonNull(program);
        Objects.requireNonNull(platform);
        Objects.requireNonNull(reason);
        Objects.requireNonNull(pointPos);
        Objects.requireNonNull(function);
        argv = List.copyOf(argv);
    }

    /** {@link #timeNanos()} as an instant. */
    public Instant time() {
        return Instant.ofEpochSecond(Math.floorDiv(timeNanos, 1_000_000_000L), Math.floorMod(timeNanos, 1_000_000_000L));
    }
}
