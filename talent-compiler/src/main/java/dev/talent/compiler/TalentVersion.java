package dev.talent.compiler;

/** Version string mixed into the build fingerprint: a new compiler version means a new fingerprint. */
public final class TalentVersion {
    public static final String STRING = "talent-compiler 0.1.0";

    private TalentVersion() {}
}
