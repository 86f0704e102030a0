package dev.talent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationElement;
import java.lang.classfile.AnnotationValue;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.RuntimeVisibleAnnotationsAttribute;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code talent --help} lists of a subcommand (its aliases, header, description and whether it is hidden),
 * read from the {@code @Command} annotation in the subcommand's class file rather than through reflection: reflection
 * makes the JVM generate a proxy class per annotation type at every start, which the ahead-of-time cache cannot keep
 * and which was most of {@code talent --help}'s start-up (issue 16). The class file is talent's own (in its jar);
 * one that cannot be read, or has no such annotation, gives an empty result and the caller reads the annotation.
 */
record CommandListing(List<String> aliases, List<String> header, List<String> description, boolean hidden) {
    private static final String COMMAND = "Lpicocli/CommandLine$Command;";

    /** The listing of {@code type}'s {@code @Command}; empty when its class file cannot be read or has none. */
    static Optional<CommandListing> of(Class<?> type) {
        ClassLoader loader = type.getClassLoader();
        if (loader == null) return Optional.empty();
        byte[] bytes;
        try (InputStream in = loader.getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            if (in == null) return Optional.empty();
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return Optional.empty();
        }
        return parse(bytes);
    }

    static Optional<CommandListing> parse(byte[] classFile) {
        ClassModel model;
        try {
            model = ClassFile.of().parse(classFile);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Optional<RuntimeVisibleAnnotationsAttribute> annotations = model.findAttribute(Attributes.runtimeVisibleAnnotations());
        if (annotations.isEmpty()) return Optional.empty();
        for (Annotation a : annotations.get().annotations()) {
            if (!a.className().stringValue().equals(COMMAND)) continue;
            List<String> aliases = List.of();
            List<String> header = List.of();
            List<String> description = List.of();
            boolean hidden = false;
            for (AnnotationElement e : a.elements()) {
                switch (e.name().stringValue()) {
                    case "aliases" -> aliases = strings(e.value());
                    case "header" -> header = strings(e.value());
                    case "description" -> description = strings(e.value());
                    case "hidden" -> hidden = e.value() instanceof AnnotationValue.OfBoolean b && b.booleanValue();
                    default -> { }
                }
            }
            return Optional.of(new CommandListing(aliases, header, description, hidden));
        }
        return Optional.empty();
    }

    /** A String[] element's value; a single string where an array is declared is stored as one. */
    private static List<String> strings(AnnotationValue value) {
        List<String> out = new ArrayList<>();
        if (value instanceof AnnotationValue.OfArray array) {
            for (AnnotationValue v : array.values()) if (v instanceof AnnotationValue.OfString s) out.add(s.stringValue());
        } else if (value instanceof AnnotationValue.OfString s) {
            out.add(s.stringValue());
        }
        return List.copyOf(out);
    }
}
