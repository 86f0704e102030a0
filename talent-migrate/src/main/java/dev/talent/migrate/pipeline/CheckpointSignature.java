package dev.talent.migrate.pipeline;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What the source host says about a checkpoint it hands over, signed with its Ed25519 host key: the app, the file's
 * name and sequence, its size and SHA-256 digest. {@code signature} is empty for an unsigned checkpoint (which every
 * destination refuses); {@code signerKey} is the signer's public key (X.509 SubjectPublicKeyInfo, DER) and
 * {@code signerChain} its certificate chain (DER, leaf first; empty when the host has no certificate).
 */
@SuppressWarnings("ArrayRecordComponent") // copied in (constructor), checked and written, never compared or hashed as a record
public record CheckpointSignature(String app, String name, BigInteger sequence, long size, byte[] sha256, byte[] signature,
        byte[] signerKey, List<byte[]> signerChain) {

    /**
     * The only names a destination writes: those of the checkpoint format (docs/FORMAT.md): a checkpoint, a checkpoint
     * written as a delta, a pre-copy image (a delta's base).
     */
    private static final Pattern NAME = Pattern.compile("ckpt-[0-9]{6,40}\\.(tck|tdl)|pre-[0-9]{6,9}\\.tck");
    private static final String DOMAIN = "talent-checkpoint-signature-v1";

    public CheckpointSignature {
        sha256 = sha256.clone();
        signature = signature.clone();
        signerKey = signerKey.clone();
        signerChain = signerChain.stream().map(byte[]::clone).toList();
    }

    /**
     * The name a host signs the TCP connections taken with checkpoint {@code sequence} under (fleet {@code --net}): no
     * checkpoint has such a name, so neither signature can pass for the other.
     */
    public static String connectionsName(java.math.BigInteger sequence) { return "tcp-" + sequence + ".state"; }

    /** Whether {@code name} is a checkpoint file name (no directory, no link trick, a bounded sequence). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** The bytes the signature covers (a domain string first, so that it signs nothing else talent signs). */
    public byte[] signedBytes() {
        return signedBytes(app, name, sequence, size, sha256);
    }

    static byte[] signedBytes(String app, String name, BigInteger sequence, long size, byte[] sha256) {
        return (DOMAIN + "\n" + app + "\n" + name + "\n" + sequence + "\n" + size + "\n" + HexFormat.of().formatHex(sha256) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] sha256() { return sha256.clone(); }

    @Override
    public byte[] signature() { return signature.clone(); }

    @Override
    public byte[] signerKey() { return signerKey.clone(); }

    @Override
    public List<byte[]> signerChain() { return signerChain.stream().map(byte[]::clone).toList(); }

    /** The same statement with another signature (tests: a forged or removed one). */
    public CheckpointSignature withSignature(byte[] other) {
        return new CheckpointSignature(app, name, sequence, size, sha256, other, signerKey, signerChain);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CheckpointSignature s && app.equals(s.app) && name.equals(s.name) && sequence.equals(s.sequence)
                && size == s.size && java.util.Arrays.equals(sha256, s.sha256) && java.util.Arrays.equals(signature, s.signature)
                && java.util.Arrays.equals(signerKey, s.signerKey);
    }

    @Override
    public int hashCode() { return java.util.Objects.hash(app, name, sequence, size, java.util.Arrays.hashCode(sha256)); }

    @Override
    public String toString() {
        return "checkpoint " + name + " of " + app + " (" + size + " bytes, sha256 " + HexFormat.of().formatHex(sha256)
                + (signature.length == 0 ? ", unsigned)" : ", signed)");
    }
}
