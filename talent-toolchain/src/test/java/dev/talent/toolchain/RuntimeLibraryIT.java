package dev.talent.toolchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.talent.runtime.RuntimeSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
class RuntimeLibraryIT {

    static List<Platform> platforms() { return HostPlatforms.usable(); }

    /** What the real runtime's heap_track.c and exit_handlers.c provide, here passing every call to the C library. */
    private static final String WRAPPERS = """
            #include <stddef.h>
            void *__real_malloc(size_t); void *__real_calloc(size_t, size_t); void *__real_realloc(void *, size_t);
            void __real_free(void *); int __real_posix_memalign(void **, size_t, size_t);
            void *__real_aligned_alloc(size_t, size_t); void *__real_memalign(size_t, size_t);
            void *__real_valloc(size_t); char *__real_strdup(const char *); char *__real_strndup(const char *, size_t);
            size_t __real_malloc_usable_size(void *);
            void *__wrap_malloc(size_t); void *__wrap_calloc(size_t, size_t); void *__wrap_realloc(void *, size_t);
            void __wrap_free(void *); int __wrap_posix_memalign(void **, size_t, size_t);
            void *__wrap_aligned_alloc(size_t, size_t); void *__wrap_memalign(size_t, size_t);
            void *__wrap_valloc(size_t); char *__wrap_strdup(const char *); char *__wrap_strndup(const char *, size_t);
            size_t __wrap_malloc_usable_size(void *);
            void *__wrap_malloc(size_t n) { return __real_malloc(n); }
            void *__wrap_calloc(size_t n, size_t s) { return __real_calloc(n, s); }
            void *__wrap_realloc(void *p, size_t n) { return __real_realloc(p, n); }
            void __wrap_free(void *p) { __real_free(p); }
            int __wrap_posix_memalign(void **p, size_t a, size_t n) { return __real_posix_memalign(p, a, n); }
            void *__wrap_aligned_alloc(size_t a, size_t n) { return __real_aligned_alloc(a, n); }
            void *__wrap_memalign(size_t a, size_t n) { return __real_memalign(a, n); }
            void *__wrap_valloc(size_t n) { return __real_valloc(n); }
            char *__wrap_strdup(const char *s) { return __real_strdup(s); }
            char *__wrap_strndup(const char *s, size_t n) { return __real_strndup(s, n); }
            size_t __wrap_malloc_usable_size(void *p) { return __real_malloc_usable_size(p); }
            void __real_exit(int) __attribute__((noreturn)); void __wrap_exit(int) __attribute__((noreturn));
            void __wrap_exit(int status) { __real_exit(status); }
            int __real_munmap(void *, size_t); int __wrap_munmap(void *, size_t);
            int __wrap_munmap(void *p, size_t n) { return __real_munmap(p, n); } /* musl's free unmaps through it */
            int __real_mprotect(void *, size_t, int); int __wrap_mprotect(void *, size_t, int);
            int __wrap_mprotect(void *p, size_t n, int prot) { return __real_mprotect(p, n, prot); } /* musl's malloc guards */
            typedef int (*cmp_fn)(const void *, const void *);
            void __real_qsort(void *, size_t, size_t, cmp_fn); void __wrap_qsort(void *, size_t, size_t, cmp_fn);
            void __wrap_qsort(void *b, size_t n, size_t s, cmp_fn c) { __real_qsort(b, n, s, c); } /* glibc's locale code sorts */
            char *__real_strerror(int); char *__wrap_strerror(int);
            char *__wrap_strerror(int e) { return __real_strerror(e); } /* musl's printf, for %m */
            """;

    /** A miniature runtime laid out like src/main/c, to test the build machinery independently of the real one. */
    private static RuntimeSources miniRuntime(Path dir, String greeting) throws Exception {
        Files.createDirectories(dir.resolve("include"));
        Files.writeString(dir.resolve("include/mini.h"), "double mini_scale(double x);\nconst char *mini_greeting(void);\n");
        Files.writeString(dir.resolve("include/talent.h"), "/* stands in for the contract */\n");
        Files.writeString(dir.resolve("scale.c"), """
                #include <math.h>
                #include "mini.h"
                double mini_scale(double x) { return sqrt(x) * 2.0; }
                """);
        // the link flags wrap the allocator and more (RuntimeLibrary.WRAPPED_ALLOCATOR, WRAPPED_OTHER): a runtime
        // defines each __wrap_ a program reaches (the C library's start-up code calls exit, its locale code qsort)
        Files.writeString(dir.resolve("wrap.c"), WRAPPERS);
        Files.writeString(dir.resolve("greeting.c"), "#include \"mini.h\"\n"
                + "const char *mini_greeting(void) { return \"" + greeting + "\"; }\n");
        return RuntimeSources.fromDirectory(dir);
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void builtArchiveLinksIntoAProgram(Platform platform, @TempDir Path dir) throws Exception {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        CrossCompiler compiler = CrossCompiler.forPlatform(platform, probe);
        RuntimeLibrary library = RuntimeLibrary.of(miniRuntime(dir.resolve("c"), "hi"), dir.resolve("cache"));

        BuiltRuntime runtime = library.build(compiler);
        Path main = Files.writeString(dir.resolve("main.c"), """
                #include <stdio.h>
                #include "mini.h"
                #include <stdlib.h>
                int main(void) { char *volatile p = malloc(4); free(p); /* kept at -O2: pulls the wrappers in */
                  printf("%s %.3f\\n", mini_greeting(), mini_scale(16.0)); return 0; }
                """);
        Path binary = dir.resolve("app." + platform.name());
        try {
            compiler.linkExecutable(new ExecutableSpec(List.of(main), List.of("-I" + runtime.includeDirectory()),
                    List.of(runtime.archive()), runtime.linkFlags(), binary));
        } catch (ToolFailedException e) {
            throw new AssertionError(e.getMessage() + ":\n" + e.output(), e);
        }
        CapturedRun run = Launcher.forPlatform(platform, probe).runCapturing(binary, List.of(), EnvironmentChange.NONE, dir);

        assertThat(run.stdout()).isEqualTo("hi 8.000\n");
        assertThat(runtime.archive()).startsWith(dir.resolve("cache"));
    }

    @Test
    void cachedArchiveIsReusedAndAChangedSourceRebuilds(@TempDir Path dir) throws Exception {
        CrossCompiler compiler = CrossCompiler.forPlatform(Platform.parse("x86_64"), ToolchainProbe.ofHost());
        Path cache = dir.resolve("cache");

        BuiltRuntime first = RuntimeLibrary.of(miniRuntime(dir.resolve("c"), "one"), cache).build(compiler);
        FileTime firstTime = Files.getLastModifiedTime(first.archive());
        Files.setLastModifiedTime(first.archive(), FileTime.fromMillis(firstTime.toMillis() - 60_000));
        BuiltRuntime again = RuntimeLibrary.of(miniRuntime(dir.resolve("c"), "one"), cache).build(compiler);
        BuiltRuntime changed = RuntimeLibrary.of(miniRuntime(dir.resolve("c"), "two"), cache).build(compiler);

        assertThat(again.archive()).isEqualTo(first.archive());
        assertThat(Files.getLastModifiedTime(again.archive()).toMillis()).isEqualTo(firstTime.toMillis() - 60_000);
        assertThat(changed.archive()).isNotEqualTo(first.archive()).isRegularFile();
    }

    @Test
    void runtimeCompileErrorCarriesGccOutput(@TempDir Path dir) throws Exception {
        RuntimeSources sources = miniRuntime(dir.resolve("c"), "x");
        Files.writeString(dir.resolve("c/broken.c"), "int f(void) { return nope; }\n");
        RuntimeLibrary library = RuntimeLibrary.of(RuntimeSources.fromDirectory(dir.resolve("c")), dir.resolve("cache"));
        CrossCompiler compiler = CrossCompiler.forPlatform(Platform.parse("x86_64"), ToolchainProbe.ofHost());

        assertThatThrownBy(() -> library.build(compiler)).isInstanceOfSatisfying(ToolFailedException.class,
                e -> assertThat(e.output()).contains("broken.c").contains("nope"));
        assertThat(sources.translationUnits()).containsExactly("greeting.c", "scale.c", "wrap.c");
    }

    /** The real runtime packaged from talent-runtime compiles warning-free... at least error-free, everywhere. */
    @ParameterizedTest
    @MethodSource("platforms")
    void packagedRuntimeBuildsForEveryPlatform(Platform platform, @TempDir Path dir) throws Exception {
        CrossCompiler compiler = CrossCompiler.forPlatform(platform, ToolchainProbe.ofHost());

        BuiltRuntime runtime = RuntimeLibrary.fromClasspath(dir).build(compiler);

        assertThat(runtime.archive()).isRegularFile();
        assertThat(runtime.includeDirectory().resolve("talent.h")).isRegularFile();
    }

    @Test
    void launcherPassesEnvironmentAndExitStatus(@TempDir Path dir) throws Exception {
        ToolchainProbe probe = ToolchainProbe.ofHost();
        Platform platform = Platform.parse("x86_64");
        Path source = Files.writeString(dir.resolve("env.c"), """
                #include <stdio.h>
                #include <stdlib.h>
                int main(void) { const char *v = getenv("TALENT_STOP_AFTER"); const char *k = getenv("TALENT_KEEP");
                  printf("%s %s\\n", v ? v : "-", k ? k : "-"); return 75; }
                """);
        Path binary = dir.resolve("env.x86_64");
        CrossCompiler.forPlatform(platform, probe).linkExecutable(
                new ExecutableSpec(List.of(source), List.of(), List.of(), List.of(), binary));

        List<String> seen = new ArrayList<>();
        CapturedRun run = Launcher.forPlatform(platform, probe).runCapturing(binary, List.of(),
                new EnvironmentChange(Map.of("TALENT_STOP_AFTER", "40"), java.util.Set.of("TALENT_KEEP")), dir);
        seen.add(run.stdout());

        assertThat(run.exitCode()).isEqualTo(75);
        assertThat(seen).containsExactly("40 -\n");
    }
}
