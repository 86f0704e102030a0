package dev.talent.toolchain;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What binds a build's checkpoints to the byte order and/or pointer width they were written with, decided at build
 * time (docs/POLICY.md "Byte order"): the compiler gives the program table a fingerprint of its own on big-endian ISAs
 * ({@code -be}) when the program's values depend on the byte order (UnionMembers, ByteCopies, NetworkOrderIntegers),
 * and on 32-bit ISAs ({@code -32}) when they depend on the pointer width (SizeValues, width-bound ByteCopies). The
 * runtime refuses (exit 65) a checkpoint whose fingerprint is not its own, so a checkpoint written on a platform moves
 * only to platforms of the same byte order (pointer width). When the program's text differs between ISAs and describes
 * the state differently on some (docs/CODEGEN.md "Preprocessing"), each class of ISAs whose descriptions agree has a
 * fingerprint of its own too ({@code isaClasses}). {@code talent build} writes this next to the binaries as
 * {@code DIR/NAME.binding}; {@code talent run} and {@code talent deploy} read it back.
 *
 * <p>The file is text, UTF-8, at most {@value #MAX_BYTES} bytes:
 * <pre>
 * talent-binding 1
 * byte-order yes|no
 * pointer-width yes|no
 * why TEXT        (one line, at most {@value #MAX_WHY} characters, no control characters)
 * isa-classes -|ISA,ISA ISA ...   (the classes, space-separated, each a comma-separated list of ISA names)
 * </pre>
 * No file means no binding (a build of a program that moves everywhere, or an older build); any other content is
 * refused with the file's name.
 *
 * @param byteOrder    a checkpoint restores only on platforms of its writer's byte order
 * @param pointerWidth a checkpoint restores only on platforms of its writer's pointer width
 * @param isaClasses   the classes of ISAs (names: {@code x86_64}, {@code i686}, ...) between which a checkpoint moves
 *                     (empty: one class, every ISA); an ISA in no class moves only to itself
 * @param why          what in the program binds it, in words (the build's warning)
 */
public record BuildBinding(boolean byteOrder, boolean pointerWidth, List<List<String>> isaClasses, String why) {
    /** The largest file read. */
    public static final int MAX_BYTES = 8192;
    /** The longest cause kept. */
    public static final int MAX_WHY = 2000;
    private static final String HEADER = "talent-binding 1";
    private static final java.util.regex.Pattern ISA_NAME = java.util.regex.Pattern.compile("[a-z0-9_]{1,16}");
    private static final int MAX_CLASSES = 8;

    public BuildBinding {
        isaClasses = isaClasses.stream().map(List::copyOf).toList();
        if (!byteOrder && !pointerWidth && isaClasses.isEmpty())
            throw new IllegalArgumentException("a build binding binds the byte order, the pointer width or classes of ISAs");
        if (isaClasses.size() == 1 || isaClasses.size() > MAX_CLASSES)
            throw new IllegalArgumentException("2 to " + MAX_CLASSES + " classes of ISAs expected, " + isaClasses.size() + " given");
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (List<String> c : isaClasses) {
            if (c.isEmpty() || c.size() > MAX_CLASSES) throw new IllegalArgumentException("a class of ISAs holds 1 to " + MAX_CLASSES);
            for (String isa : c) {
                if (!ISA_NAME.matcher(isa).matches()) throw new IllegalArgumentException("not an ISA name in a class");
                if (!seen.add(isa)) throw new IllegalArgumentException("ISA " + isa + " is in two classes");
            }
        }
        if (why == null || why.isBlank()) throw new IllegalArgumentException("a build binding needs its cause");
        why = why.strip();
        if (why.length() > MAX_WHY) why = why.substring(0, MAX_WHY - 3) + "...";
        for (int i = 0; i < why.length(); i++) {
            if (Character.isISOControl(why.charAt(i))) throw new IllegalArgumentException("control character in the binding's cause");
        }
    }

    /** Bound to the byte order and/or pointer width only. */
    public BuildBinding(boolean byteOrder, boolean pointerWidth, String why) { this(byteOrder, pointerWidth, List.of(), why); }

    /** Where the build of {@code program} ({@code DIR/NAME}, without the platform suffix) keeps its binding. */
    public static Path fileOf(Path program) {
        return program.resolveSibling(program.getFileName() + ".binding");
    }

    /** Whether a checkpoint written on {@code from} can be restored on {@code to}. */
    public boolean admits(Platform from, Platform to) {
        return (!byteOrder || from.isa().byteOrder() == to.isa().byteOrder())
                && (!pointerWidth || from.isa().pointerBits() == to.isa().pointerBits())
                && (isaClasses.isEmpty() || from.isa() == to.isa() || classOf(from).filter(c -> c.contains(to.isa().id())).isPresent());
    }

    private Optional<List<String>> classOf(Platform p) {
        return isaClasses.stream().filter(c -> c.contains(p.isa().id())).findFirst();
    }

    /**
     * The layout a checkpoint written on {@code on} keeps to, in words: "little-endian byte order", "64-bit pointers",
     * or "little-endian byte order and 64-bit pointers".
     */
    public String layout(Platform on) {
        List<String> each = new ArrayList<>();
        if (byteOrder) each.add((on.bigEndian() ? "big-endian" : "little-endian") + " byte order");
        if (pointerWidth) each.add(on.isa().pointerBits() + "-bit pointers");
        if (!isaClasses.isEmpty()) each.add("state description of " + String.join(",", classOf(on).orElse(List.of(on.isa().id()))));
        return String.join(" and ", each);
    }

    /** What the binding is about: "byte order", "pointer width", "state description", joined by "and". */
    public String kind() {
        List<String> each = new ArrayList<>();
        if (byteOrder) each.add("byte order");
        if (pointerWidth) each.add("pointer width");
        if (!isaClasses.isEmpty()) each.add("state description");
        return String.join(" and ", each);
    }

    /** The file's text. */
    public String render() {
        return HEADER + "\nbyte-order " + (byteOrder ? "yes" : "no") + "\npointer-width " + (pointerWidth ? "yes" : "no")
                + "\nwhy " + why + "\nisa-classes " + (isaClasses.isEmpty() ? "-"
                : String.join(" ", isaClasses.stream().map(c -> String.join(",", c)).toList())) + "\n";
    }

    /** Writes {@code DIR/NAME.binding} for {@code program}, or removes a stale one when {@code binding} is empty. */
    public static void write(Path program, Optional<BuildBinding> binding) throws IOException {
        Path file = fileOf(program);
        if (binding.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
        Files.writeString(partial, binding.get().render(), StandardCharsets.UTF_8);
        Files.move(partial, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The binding the build of {@code program} wrote; empty when there is no such file.
     *
     * @throws IOException the file cannot be read, is not a regular file, is too large or is malformed (its name and
     *                     what is wrong are in the message)
     */
    public static Optional<BuildBinding> read(Path program) throws IOException {
        Path file = fileOf(program);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException(file + " is not a regular file");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
        if (bytes.length > MAX_BYTES) throw new IOException(file + " is larger than " + MAX_BYTES + " bytes: not a build binding");
        try {
            return Optional.of(parse(bytes));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a valid build binding (" + e.getMessage() + "); rebuild with talent build", e);
        }
    }

    /** Parses the file's bytes (at most {@value #MAX_BYTES}). */
    public static BuildBinding parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("not UTF-8", e);
        }
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) lines.removeLast();
        if (lines.size() != 5) throw new IllegalArgumentException("5 lines expected, " + lines.size() + " found");
        if (!lines.get(0).equals(HEADER)) throw new IllegalArgumentException("first line is not '" + HEADER + "'");
        boolean order = flag(lines.get(1), "byte-order");
        boolean width = flag(lines.get(2), "pointer-width");
        if (!lines.get(3).startsWith("why ")) throw new IllegalArgumentException("fourth line is not 'why TEXT'");
        if (!lines.get(4).startsWith("isa-classes ")) throw new IllegalArgumentException("fifth line is not 'isa-classes ...'");
        String classes = lines.get(4).substring("isa-classes ".length());
        List<List<String>> isaClasses = classes.equals("-") ? List.of()
                : java.util.Arrays.stream(classes.split(" ", -1)).map(c -> List.of(c.split(",", -1))).toList();
        return new BuildBinding(order, width, isaClasses, lines.get(3).substring(4));
    }

    private static boolean flag(String line, String key) {
        if (line.equals(key + " yes")) return true;
        if (line.equals(key + " no")) return false;
        throw new IllegalArgumentException("expected '" + key + " yes' or '" + key + " no'");
    }
}
