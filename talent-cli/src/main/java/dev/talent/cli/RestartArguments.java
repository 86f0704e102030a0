package dev.talent.cli;

import dev.talent.format.ByteString;
import dev.talent.format.Checkpoint;
import dev.talent.format.CheckpointDirectory;
import dev.talent.format.CheckpointReader;
import dev.talent.format.CorruptCheckpointException;
import dev.talent.format.RuntimeContract;
import dev.talent.format.SafeText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Arguments given to {@code talent exec --restart}: the runtime takes the program's arguments from the checkpoint
 * and ignores its own, so arguments on the command line are accepted only when they are the very ones the
 * checkpoint to resume holds (scripts that pass them on every hop), and refused otherwise, since the program
 * would silently not see them. Without a checkpoint to compare with (no directory, only damaged files), any
 * argument is refused.
 *
 * <p>The checkpoint compared with is the one the runtime would restore: the file given by
 * {@code TALENT_RESTORE_FILE} (or the configuration file's {@code restore_file}), otherwise the newest valid one in
 * the checkpoint directory, which is {@code --checkpoint-dir}, else {@code TALENT_CHECKPOINT_DIR}, else the
 * configuration file's {@code checkpoint_dir}, else the current directory (the runtime's order: the file, then the
 * variables, the CLI's flags being variables too). The runtime may still fall back to an older checkpoint if the
 * newest cannot be restored; it then resumes with that one's arguments, as it would without arguments given.
 */
final class RestartArguments {
    private RestartArguments() {}

    /** Where the runtime would look for the checkpoint to restore. */
    record Source(Optional<Path> exactFile, Path directory) {}

    /**
     * The source the runtime would restore from, given the flag {@code --checkpoint-dir}, {@code --config} and the
     * caller's environment.
     */
    static Source source(Optional<Path> checkpointDirFlag, Optional<Path> configFlag, Map<String, String> env) {
        Optional<Path> config = configFlag.or(() -> nonEmpty(env.get(RuntimeContract.ENV_CONFIG)).map(Path::of));
        Map<String, String> file = configKeys(config.orElse(Path.of("talent.conf")));
        Optional<Path> exact = nonEmpty(env.get(RuntimeContract.ENV_RESTORE_FILE)).or(() -> nonEmpty(file.get("restore_file")))
                .map(Path::of);
        Path dir = checkpointDirFlag.or(() -> nonEmpty(env.get(RuntimeContract.ENV_CHECKPOINT_DIR)).map(Path::of))
                .or(() -> nonEmpty(file.get("checkpoint_dir")).map(Path::of)).orElse(Path.of("."));
        return new Source(exact, dir);
    }

    /**
     * Why {@code given} must be refused with {@code --restart}, or empty when it may be passed: no arguments, or
     * exactly the arguments ({@code argv[1..]}) of the checkpoint the runtime would restore.
     */
    static Optional<String> refusal(List<String> given, Source source) {
        if (given.isEmpty()) return Optional.empty();
        String shown = given.stream().map(a -> shell(SafeText.escape(a))).collect(Collectors.joining(" "));
        Optional<Loaded> loaded = load(source);
        if (loaded.isEmpty()) {
            return Optional.of("--restart takes the program's arguments from the checkpoint, and there is no valid checkpoint "
                    + "in " + SafeText.escape(source.exactFile().orElse(source.directory()).toString())
                    + " to compare them with; remove: " + shown);
        }
        List<ByteString> held = loaded.get().checkpoint().meta().argv();
        List<ByteString> heldArgs = held.isEmpty() ? held : held.subList(1, held.size());
        List<ByteString> givenBytes = given.stream().map(a -> ByteString.of(a.getBytes(StandardCharsets.UTF_8))).toList();
        if (heldArgs.equals(givenBytes)) return Optional.empty();
        String heldShown = heldArgs.stream().map(a -> shell(SafeText.escape(a.toByteArray()))).collect(Collectors.joining(" "));
        return Optional.of("--restart takes the program's arguments from the checkpoint, and they differ from the ones "
                + "given: checkpoint " + Long.toUnsignedString(loaded.get().checkpoint().meta().sequence()) + " ("
                + SafeText.escape(loaded.get().file().toString()) + ") holds: "
                + (heldShown.isEmpty() ? "(no arguments)" : heldShown)
                + "; given: " + shown + ". Remove them, or pass exactly the checkpoint's");
    }

    private record Loaded(Path file, Checkpoint checkpoint) {}

    private static Optional<Loaded> load(Source source) {
        try {
            if (source.exactFile().isPresent()) {
                Path file = source.exactFile().get();
                return Optional.of(new Loaded(file, CheckpointReader.read(file)));
            }
            if (!Files.isDirectory(source.directory())) return Optional.empty();
            return CheckpointDirectory.newestValid(source.directory()).newest()
                    .map(l -> new Loaded(l.file(), l.checkpoint()));
        } catch (IOException | CorruptCheckpointException | RuntimeException e) {
            // unreadable or damaged: nothing to compare with, refused as without a checkpoint
            return Optional.empty();
        }
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    /**
     * A word already escaped by SafeText as a shell would need it typed: as it is when plain, otherwise
     * single-quoted, so that the boundaries between words show.
     */
    private static String shell(String escaped) {
        if (PLAIN.matcher(escaped).matches()) return escaped;
        return "'" + escaped.replace("'", "'\\''") + "'";
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    /**
     * The {@code key = value} lines of a runtime configuration file (config.c's syntax: {@code #} starts a comment,
     * blanks around key and value are dropped; later lines win). An unreadable or absent file has no keys: the
     * runtime reports it itself when the program starts.
     */
    static Map<String, String> configKeys(Path file) {
        if (!Files.isRegularFile(file)) return Map.of();
        try {
            Map<String, String> keys = new java.util.HashMap<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String s = (hash >= 0 ? line.substring(0, hash) : line).strip();
                int eq = s.indexOf('=');
                if (eq > 0) keys.put(s.substring(0, eq).strip(), s.substring(eq + 1).strip());
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }
}
