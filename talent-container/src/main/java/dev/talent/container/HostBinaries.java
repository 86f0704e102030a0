package dev.talent.container;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Host executables a bundle mounts besides the program: talent's init, and the qemu-user emulator when the
 * platform's ISA is not the host's.
 */
record HostBinaries(Path init, Optional<Path> emulator) {}
