package dev.talent.migrate.control;

import java.nio.file.Path;
import java.util.List;

/**
 * The sockets of a control directory: apps that accept connections, and stale sockets whose app ended without
 * removing them (a crash, kill -9); a stale socket is replaced when an app with its name starts.
 */
public record AppListing(List<String> running, List<Path> stale) {
    public AppListing {
        running = List.copyOf(running);
        stale = List.copyOf(stale);
    }
}
