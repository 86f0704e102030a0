package dev.talent.migrate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.talent.migrate.control.ControlJson;
import dev.talent.migrate.control.MigrationRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The app's history, {@code S/history.jsonl} in its state directory: one JSON object per line with an
 * {@code event} field: {@code start} (platform), {@code migration} (the migration record's fields), {@code alert}
 * (tag, reason, what it did), {@code alert-clear} (tag), {@code end} (exit status). It is flushed line by line and
 * stays after the run, so {@code talent report} works while the app runs and after it ended. A fresh run of the
 * same state directory starts a new history; {@code --resume} appends.
 */
public final class AppHistory implements AutoCloseable {
    public static final String FILE = "history.jsonl";
    private final Writer out;

    private AppHistory(Writer out) { this.out = out; }

    static AppHistory open(Path stateDir, boolean fresh) throws IOException {
        Files.createDirectories(stateDir);
        Path f = stateDir.resolve(FILE);
        if (fresh) Files.deleteIfExists(f);
        return new AppHistory(Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    static ObjectNode event(String event, Instant at) {
        ObjectNode e = ControlJson.MAPPER.createObjectNode();
        e.put("event", event);
        e.put("at", at.toString());
        return e;
    }

    synchronized void write(ObjectNode line) {
        try {
            out.write(line.toString());
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            // the history is a record for reports; the run goes on without it
        }
    }

    void migration(MigrationRecord record) {
        ObjectNode e = event("migration", record.at());
        e.setAll((ObjectNode) ControlJson.MAPPER.valueToTree(record));
        e.put("event", "migration");
        write(e);
    }

    @Override
    public synchronized void close() throws IOException { out.close(); }
}
