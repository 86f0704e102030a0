package dev.talent.toolchain;

/**
 * Something a platform needs that this host lacks, with the Debian package that brings it.
 *
 * @param what           what is missing, as a user would look for it ({@code s390x-linux-gnu-gcc},
 *                       {@code /usr/s390x-linux-gnu/lib/libc.a})
 * @param debianPackage  the package to {@code apt-get install}
 */
public record MissingTool(String what, String debianPackage) {
    @Override
    public String toString() { return what + " (package " + debianPackage + ")"; }
}
