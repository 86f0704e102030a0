package dev.talent.it;

import java.util.List;
import java.util.Map;

/**
 * One program of the migration corpus as described by corpus.json.
 *
 * @param inputs       file name in the program's working directory → resource file next to corpus.json
 * @param outputs      files the program writes into its working directory; compared like stdout
 * @param siteVisits   site visits of one uninterrupted run (counted by scripts/check-corpus.py)
 * @param chains       stop-after values per segment, aligned with {@link Corpus#chainIsas()}; null skips that ISA
 */
record CorpusProgram(String name, List<String> sources, String covers, List<String> args, Map<String, String> inputs,
        List<String> outputs, List<String> libs, int exitCode, long siteVisits, List<List<Long>> chains,
        RestoreRefused restoreRefused) {

    /** A checkpoint taken at stopAfter on x86_64 must be refused on isa (exitCode), and restore on restoresOn. */
    record RestoreRefused(String isa, long stopAfter, String variable, String value, int exitCode, String restoresOn) {}

    CorpusProgram {
        args = args == null ? List.of() : List.copyOf(args);
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
        libs = libs == null ? List.of() : List.copyOf(libs);
        chains = chains == null ? List.of() : chains;
    }

    @Override
    public String toString() {
        return name;
    }
}
