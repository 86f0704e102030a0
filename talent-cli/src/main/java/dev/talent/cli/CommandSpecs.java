package dev.talent.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Pieces of commands whose picocli model is built in code rather than read from annotations: reading annotations
 * makes the JVM generate a proxy class per annotation type at every start (the ahead-of-time cache cannot keep
 * them), which was most of the start-up of a short command such as {@code talent status} (issue 16).
 */
final class CommandSpecs {
    private CommandSpecs() {}

    /**
     * The factory of talent's command lines: picocli's default one, made only when a class is to be instantiated
     * (an annotated subcommand, a converter). The first use of picocli's {@code DefaultFactory} looks for Groovy's
     * {@code groovy.lang.Closure}, which no module has: the class path is searched, which opens the shaded jar and
     * reads its whole central directory (some 23,000 entries) at every start of a command that needs no factory
     * ({@code --help}, {@code status}, {@code exec}; issue 16).
     */
    static final CommandLine.IFactory FACTORY = new CommandLine.IFactory() {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            return CommandLine.defaultFactory().create(type);
        }
    };

    /**
     * The converter of the {@code Path} options of the models built in code: {@code Path.of}, which is what picocli's
     * own does ({@code Paths.get(value)}), but called directly. picocli, written for Java 5, calls {@code Paths.get}
     * through reflection, whose first {@code Method.invoke} spins method-handle classes at run time (the ahead-of-time
     * cache does not keep them): most of {@code talent exec}'s own work, since the launcher always gives it a
     * {@code Path} (issue 16). (The two differ only in the message for a path the OS cannot name, a NUL byte, which
     * no command-line argument can hold.)
     */
    static final CommandLine.ITypeConverter<java.nio.file.Path> PATH = java.nio.file.Path::of;

    /** {@code CommandSpec.wrapWithoutInspection(command)}, with {@link #FACTORY}. */
    static CommandSpec wrap(Object command) {
        return CommandSpec.wrapWithoutInspection(command, FACTORY);
    }

    /**
     * Adds {@code -h, --help} and {@code -V, --version} as picocli's {@code mixinStandardHelpOptions = true} does
     * (same names, description keys and texts; after the command's own options, where the mixin puts them).
     */
    static CommandSpec standardHelpOptions(CommandSpec spec) {
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.").build());
        spec.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .descriptionKey("mixinStandardHelpOptions.version").description("Print version information and exit.").build());
        return spec;
    }

    /** Where an option's value goes: a field of the command object, through these two functions. */
    static final class Binding implements IGetter, ISetter {
        private final Supplier<Object> getter;
        private final Consumer<Object> setter;

        Binding(Supplier<Object> getter, Consumer<Object> setter) {
            this.getter = getter;
            this.setter = setter;
        }

        @Override
        @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
        public <T> T get() {
            return (T) getter.get();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = (T) getter.get();
            setter.accept(value);
            return old;
        }
    }
}
