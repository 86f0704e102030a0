package dev.talent.cli;

import dev.talent.format.SafeText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.Optional;

/**
 * The errors a user causes and can fix (a file that is missing, unreadable, or in the way) as a one-line message
 * and the README's exit status, instead of a Java stack trace: the last resort of {@link Main}'s handler, for the
 * cases a command did not check itself. File names are printed escaped ({@link SafeText}): they may come from a
 * program's directory.
 */
final class UserErrors {
    private UserErrors() {}

    /** What to print (after "talent COMMAND: ") and the exit status. */
    record Rendered(String message, int status) {}

    /** The rendering of {@code e} when it is a user's error, else empty (a bug: the stack trace is wanted). */
    static Optional<Rendered> render(Throwable e) {
        Throwable t = e;
        while (t instanceof UncheckedIOException && t.getCause() != null) t = t.getCause();
        return switch (t) {
            case AccessDeniedException a -> Optional.of(new Rendered(files(a) + ": permission denied", ExitCodes.NO_PERMISSION));
            case NoSuchFileException n -> Optional.of(new Rendered(files(n) + ": no such file or directory", ExitCodes.UNAVAILABLE));
            case NotDirectoryException n -> Optional.of(new Rendered(files(n) + ": not a directory", ExitCodes.IO_ERROR));
            case FileAlreadyExistsException f ->
                    Optional.of(new Rendered(files(f) + ": already exists (and is in the way)", ExitCodes.IO_ERROR));
            case DirectoryNotEmptyException d -> Optional.of(new Rendered(files(d) + ": directory not empty", ExitCodes.IO_ERROR));
            case NotLinkException n -> Optional.of(new Rendered(files(n) + ": not a symbolic link", ExitCodes.IO_ERROR));
            case FileSystemException f -> {
                String reason = f.getReason() == null ? "I/O error" : f.getReason();
                int status = reason.contains("Permission denied") || reason.contains("Operation not permitted")
                        ? ExitCodes.NO_PERMISSION : ExitCodes.IO_ERROR;
                yield Optional.of(new Rendered(files(f) + ": " + SafeText.escape(reason.toLowerCase(java.util.Locale.ROOT)), status));
            }
            case IOException io -> Optional.of(new Rendered("I/O error: " + SafeText.escape(dev.talent.fleet.FleetException.reason(io)),
                    ExitCodes.IO_ERROR));
            // a fleet command that let one through: its message is the reason (never null), the status as the commands'
            case dev.talent.fleet.FleetException f -> Optional.of(new Rendered(SafeText.escape(f.getMessage()), ExitCodes.UNAVAILABLE));
            default -> Optional.empty();
        };
    }

    private static String files(FileSystemException f) {
        String file = f.getFile() == null ? "(unnamed file)" : SafeText.escape(f.getFile());
        return f.getOtherFile() == null ? file : file + " -> " + SafeText.escape(f.getOtherFile());
    }
}
