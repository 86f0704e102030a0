package dev.talent.migrate;

import dev.talent.migrate.control.MigrationRecord;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** {@code --log FILE}: one JSON object per line per migration, appended and flushed as each one ends. */
final class MigrationLog implements AutoCloseable {
    private final Writer out;

    private MigrationLog(Writer out) { this.out = out; }

    static MigrationLog open(Optional<Path> file) throws IOException {
        if (file.isEmpty()) return new MigrationLog(null);
        Path f = file.get().toAbsolutePath();
        if (f.getParent() != null) Files.createDirectories(f.getParent());
        return new MigrationLog(Files.newBufferedWriter(f, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND));
    }

    synchronized void append(MigrationRecord record) throws IOException {
        if (out == null) return;
        out.write(record.toJsonLine());
        out.write('\n');
        out.flush();
    }

    /** An alert line (a JSON object with an {@code event} field) among the migration records. */
    synchronized void appendEvent(String jsonLine) throws IOException {
        if (out == null) return;
        out.write(jsonLine);
        out.write('\n');
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
