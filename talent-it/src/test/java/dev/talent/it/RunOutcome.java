package dev.talent.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A complete run of a corpus program: its stdout, exit status and the files it wrote (null: not written). */
@SuppressWarnings("ArrayRecordComponent") // compared field by field, contents of the arrays included (OutputDiff), never as a record
record RunOutcome(byte[] stdout, int exitCode, Map<String, byte[]> files) {

    static Map<String, byte[]> outputFiles(CorpusProgram program, Path workDir) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : program.outputs()) {
            Path file = workDir.resolve(name);
            try {
                files.put(name, Files.exists(file) ? Files.readAllBytes(file) : null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
