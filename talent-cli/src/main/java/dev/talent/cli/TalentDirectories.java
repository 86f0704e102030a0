package dev.talent.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where talent keeps what it caches (the runtime built per platform): TALENT_CACHE_DIR, else the XDG cache. */
public final class TalentDirectories {

    private TalentDirectories() {}

    public static Path cache() { return cache(System.getenv(), Path.of(System.getProperty("user.home"))); }

    static Path cache(Map<String, String> env, Path home) {
        return Optional.ofNullable(env.get("TALENT_CACHE_DIR")).filter(s -> !s.isBlank()).map(Path::of)
                .or(() -> Optional.ofNullable(env.get("XDG_CACHE_HOME")).filter(s -> !s.isBlank()).map(p -> Path.of(p, "talent")))
                .orElse(home.resolve(".cache").resolve("talent"));
    }
}
