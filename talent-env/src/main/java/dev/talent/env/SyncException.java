package dev.talent.env;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Objects;

/** A sync step failed: {@link #operation()} on {@link #path()}; the message also says why. */
public class SyncException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String operation;
    private final transient Path path;

    public SyncException(String operation, Path path, String reason, Throwable cause) {
        super("cannot " + operation + " " + path + ": " + reason, cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.path = Objects.requireNonNull(path, "path");
    }

    /** Wraps an I/O error of {@code operation} on {@code path}. */
    public SyncException(String operation, Path path, IOException cause) {
        this(operation, path, reason(cause), cause);
    }

    /** What was being done: "read", "write", "rename", "delete", "list", "create directory", "set attributes of"... */
    public String operation() { return operation; }

    /** The file or directory it was done to. */
    public Path path() { return path; }

    /** The cause of an I/O error in words, without repeating the path the JDK puts in its messages. */
    static String reason(Throwable e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file or directory";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "already exists";
            case DirectoryNotEmptyException x -> "directory not empty";
            case NotDirectoryException x -> "not a directory";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
