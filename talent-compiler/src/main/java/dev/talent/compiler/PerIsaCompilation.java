package dev.talent.compiler;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The build of a program whose text differs between the ISAs (a conditional tests {@code ULONG_MAX},
 * {@code __x86_64__}, ...): each ISA's text is preprocessed for that ISA, the ISAs with equal texts share one
 * analysis (clang's AST of the text as the build host reads it, see {@link #parse}) and one instrumented copy, and the descriptions of the portable
 * checkpoint ({@link FormatDescription}) are compared. ISAs whose descriptions are equal share a fingerprint,
 * so a checkpoint moves between them; the others get a fingerprint of their own and a note naming what differs
 * (talent_the_isa_note), which the runtime gives when it refuses such a checkpoint (exit 65). See
 * docs/CODEGEN.md "Preprocessing".
 */
final class PerIsaCompilation {
    private static final int MAX_DIFFERENCES = 6;

    private final CheckpointCompiler compiler;
    private final Consumer<CompileEvent> events;

    PerIsaCompilation(CheckpointCompiler compiler, Consumer<CompileEvent> events) {
        this.compiler = compiler;
        this.events = events;
    }

    /** One text for some ISAs: its analysis, instrumented units and description. */
    private record Group(List<String> isas, String triple, CheckpointCompiler.Analysis analysis,
                         CheckpointCompiler.Emitted emitted, Map<String, FormatDescription.Entry> description, String texts) {}

    static String isaName(String triple) {
        return triple.substring(0, triple.indexOf('-'));
    }

    CompileResult compile(CompileRequest request, List<Diagnostic> why) throws CompilationFailedException {
        Map<List<String>, List<String>> byText = new LinkedHashMap<>();
        Map<List<String>, List<CheckpointCompiler.Preprocessed>> preprocessed = new LinkedHashMap<>();
        for (String triple : TargetMacros.TRIPLES) {
            List<CheckpointCompiler.Preprocessed> texts;
            try {
                texts = compiler.preprocessAll(request, triple);
            } catch (CheckpointCompiler.IsaDependentTextException e) {
                throw new IllegalStateException("a text preprocessed for one ISA cannot depend on the ISA", e);
            }
            List<String> key = texts.stream().map(CheckpointCompiler.Preprocessed::text).toList();
            byText.computeIfAbsent(key, k -> new ArrayList<>()).add(triple);
            preprocessed.putIfAbsent(key, texts);
        }
        List<Group> groups = new ArrayList<>();
        List<Diagnostic> diagnostics = new ArrayList<>(why);
        Set<Diagnostic> seen = new LinkedHashSet<>(why);
        for (Map.Entry<List<String>, List<String>> e : byText.entrySet()) {
            String triple = e.getValue().getFirst();
            List<String> isas = e.getValue().stream().map(PerIsaCompilation::isaName).toList();
            CheckpointCompiler.Analysis a;
            CheckpointCompiler.Emitted emitted;
            try {
                a = compiler.analyze(request, parse(request, preprocessed.get(e.getKey()), triple));
                events.accept(new CompileEvent.Stage("writing"));
                emitted = compiler.emit(request, a);
            } catch (CompilationFailedException ex) {
                throw new CompilationFailedException(forIsas(ex.diagnostics(), isas));
            }
            for (Diagnostic d : a.diags().all()) if (seen.add(d)) diagnostics.add(d);
            groups.add(new Group(isas, triple, a, emitted, FormatDescription.of(a, emitted.texts()), String.join("\u0000", e.getKey())));
        }
        // classes: groups whose descriptions are equal
        List<List<Group>> classes = new ArrayList<>();
        for (Group g : groups) {
            List<Group> home = null;
            for (List<Group> c : classes) if (hard(c.getFirst()).equals(hard(g))) home = c;
            if (home == null) {
                home = new ArrayList<>();
                classes.add(home);
            }
            home.add(g);
        }
        for (List<Group> c : classes) {
            for (Group g : c.subList(1, c.size())) {
                List<String> soft = FormatDescription.differences(FormatDescription.soft(c.getFirst().description()),
                        String.join(",", c.getFirst().isas()), FormatDescription.soft(g.description()), String.join(",", g.isas()),
                        MAX_DIFFERENCES);
                if (soft.isEmpty()) continue;
                diagnostics.add(Diagnostic.note(request.sources().getFirst().toString(), 0, 0,
                        "constant tables differ between " + String.join(", ", c.getFirst().isas()) + " and " + String.join(", ", g.isas())
                                + " (a checkpoint never holds them; a pointer into one is restored by its element path): "
                                + String.join("; ", soft)));
            }
        }
        StringBuilder all = new StringBuilder("per-ISA");
        for (Group g : groups) all.append('\u0000').append(String.join(",", g.isas())).append('\u0000').append(g.texts());
        for (int i = 0; i < classes.size(); i++) {
            for (int j = i + 1; j < classes.size(); j++) {
                diagnostics.add(Diagnostic.warning(request.sources().getFirst().toString(), 0, 0,
                        "a checkpoint does not move between " + String.join(", ", isasOf(classes.get(i))) + " and "
                                + String.join(", ", isasOf(classes.get(j))) + " (refused at restore, exit 65): "
                                + String.join("; ", differences(classes.get(i), classes.get(j))),
                        "describe the program's state alike on every ISA (same types and variables) for it to migrate everywhere"));
            }
        }
        Map<String, CompileResult> byIsa = new LinkedHashMap<>();
        CompileResult first = null;
        Optional<CompileResult.IsaBinding> binding = Optional.empty();
        if (classes.size() > 1) {
            List<String> diffs = differences(classes.get(0), classes.get(1));
            binding = Optional.of(new CompileResult.IsaBinding(false, false, classes.stream().map(PerIsaCompilation::isasOf).toList(),
                    "the program's conditionals describe its state differently on " + String.join(", ", isasOf(classes.get(1)))
                            + " than on " + String.join(", ", isasOf(classes.get(0))) + " (" + String.join("; ",
                            diffs.subList(0, Math.min(diffs.size(), 2))) + ")"));
        }
        for (List<Group> c : classes) {
            String classExtra = all + "\u0000class:" + hard(c.getFirst());
            String note = classes.size() == 1 ? null : note(c, classes);
            for (Group g : c) {
                // one fingerprint for the class: every ISA's text is in classExtra already
                String fingerprint = CheckpointCompiler.fingerprint(List.of(), List.of(), classExtra);
                CompileResult r = compiler.write(request.outputDir().resolve(g.isas().getFirst()), g.analysis(), g.emitted(), fingerprint, note);
                for (String isa : g.isas()) byIsa.put(isa, r);
                if (r.binding().isPresent()) binding = Optional.of(binding.map(b -> b.and(r.binding().get())).orElse(r.binding().get()));
                if (g.equals(groups.getFirst())) first = r;
            }
        }
        if (first == null) throw new IllegalStateException("no ISA group");
        Optional<String> int128 = byIsa.values().stream().map(CompileResult::int128).flatMap(Optional::stream).findFirst();
        return new CompileResult(first.instrumentedSources(), first.programTable(), first.fingerprint(), diagnostics, byIsa, binding,
                int128);
    }

    /**
     * clang's AST of one ISA's text, read as the single preprocessing reads it (the build host's target): the C
     * library's types are then described alike for every ISA (only the members a program can name, as x86_64's
     * headers declare them), as when the text is one for all; i686's own headers would describe struct stat
     * with other members and split the ISAs for no reason. Only a text the host's headers do not accept is read
     * with its own ISA's target.
     */
    private List<CheckpointCompiler.Unit> parse(CompileRequest request, List<CheckpointCompiler.Preprocessed> texts, String triple)
            throws CompilationFailedException {
        try {
            return compiler.parseAll(request, texts, null);
        } catch (CompilationFailedException hostRejects) {
            return compiler.parseAll(request, texts, triple);
        }
    }

    private static List<String> isasOf(List<Group> c) {
        List<String> out = new ArrayList<>();
        for (Group g : c) out.addAll(g.isas());
        return out;
    }

    private static List<String> othersOf(List<Group> c, List<List<Group>> classes) {
        List<String> out = new ArrayList<>();
        for (List<Group> o : classes) if (!o.equals(c)) out.addAll(isasOf(o));
        return out;
    }

    private static List<String> differences(List<Group> c, List<Group> o) {
        return FormatDescription.differences(hard(c.getFirst()), String.join(",", isasOf(c)),
                hard(o.getFirst()), String.join(",", isasOf(o)), MAX_DIFFERENCES);
    }

    private static Map<String, FormatDescription.Entry> hard(Group g) {
        return FormatDescription.hard(g.description());
    }

    /** For the build of the ISAs of class {@code c}: where its checkpoints are refused, and what differs. */
    private static String note(List<Group> c, List<List<Group>> classes) {
        List<String> diffs = new ArrayList<>();
        for (List<Group> o : classes) if (!o.equals(c)) diffs.addAll(differences(c, o));
        return "the program's conditionals (#if on ULONG_MAX, __x86_64__, ...) describe its state differently on "
                + String.join(", ", othersOf(c, classes)) + " than on " + String.join(", ", isasOf(c))
                + ", so a checkpoint moves only between " + String.join(", ", isasOf(c)) + ": "
                + String.join("; ", diffs.subList(0, Math.min(diffs.size(), MAX_DIFFERENCES)));
    }

    private static List<Diagnostic> forIsas(List<Diagnostic> ds, List<String> isas) {
        List<Diagnostic> out = new ArrayList<>();
        for (Diagnostic d : ds) {
            out.add(new Diagnostic(d.severity(), d.file(), d.line(), d.column(),
                    d.message() + " (in the text preprocessed for " + String.join(", ", isas) + ")", d.remedy()));
        }
        return out;
    }
}
