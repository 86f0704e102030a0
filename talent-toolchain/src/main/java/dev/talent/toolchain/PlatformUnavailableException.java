package dev.talent.toolchain;

import java.util.List;
import java.util.stream.Collectors;

/** A platform cannot be built or run here; the message names what is missing and the packages to install. */
public final class PlatformUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Platform platform;
    private final transient List<MissingTool> missing;

    public PlatformUnavailableException(Platform platform, String action, List<MissingTool> missing) {
        super("cannot " + action + " " + platform.name() + " here: missing "
                + missing.stream().map(MissingTool::toString).collect(Collectors.joining(", "))
                + "; install with: apt-get install "
                + missing.stream().map(MissingTool::debianPackage).distinct().collect(Collectors.joining(" ")));
        this.platform = platform;
        this.missing = List.copyOf(missing);
    }

    public Platform platform() { return platform; }

    public List<MissingTool> missing() { return missing; }
}
