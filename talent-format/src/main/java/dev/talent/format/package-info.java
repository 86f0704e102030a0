/**
 * The talent checkpoint file (docs/FORMAT.md): an ISA-independent model ({@link dev.talent.format.Checkpoint}),
 * a validating reader ({@link dev.talent.format.CheckpointReader}), its inverse writer
 * ({@link dev.talent.format.CheckpointWriter}), the choice of checkpoint in a directory
 * ({@link dev.talent.format.CheckpointDirectory}) and the rendering of {@code talent inspect}
 * ({@link dev.talent.format.InspectRenderer}). Nothing here prints; problems are reported as
 * {@link dev.talent.format.CorruptCheckpointException}.
 */
package dev.talent.format;
