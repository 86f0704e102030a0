package dev.talent.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** This JVM's child processes, from /proc (each thread lists the children it forked or inherited). */
final class ChildProcesses {

    private ChildProcesses() {}

    static List<Integer> all() throws IOException {
        List<Integer> children = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    for (String pid : Files.readString(task.resolve("children")).trim().split("\\s+", -1)) {
                        if (!pid.isEmpty()) children.add(Integer.parseInt(pid));
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return children;
    }

    /** Children that exited and were never reaped. */
    static List<Integer> zombies() throws IOException {
        List<Integer> zombies = new ArrayList<>();
        for (int pid : all()) {
            try {
                String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
                // pid (comm) STATE ...: the command name may contain spaces and parentheses, so look after the last ')'.
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) zombies.add(pid);
            } catch (NoSuchFileException e) {
                // reaped meanwhile
            }
        }
        return zombies;
    }
}
