package dev.talent.migrate.pipeline;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A host's checkpoint signing key (Ed25519, the JDK's own provider) and, when the host has one, its certificate
 * chain: the source host signs each checkpoint it hands over. {@code talent run} generates one key per run.
 */
public final class CheckpointSigner {
    static final String ALGORITHM = "Ed25519";

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final List<byte[]> chain;
    /**
     * One signing engine kept initialised with the key (guarded by itself): initialising one derives the public point
     * from the private key, a scalar multiplication as costly as the signature itself.
     */
    private java.security.Signature engine;

    /**
     * @param chain the host's certificate chain, leaf first (its key must be {@code publicKey}); empty without one
     * @throws IllegalArgumentException the key is not Ed25519 or the leaf certificate is for another key
     */
    public CheckpointSigner(PrivateKey key, PublicKey publicKey, List<X509Certificate> chain) {
        if (!ALGORITHM.equalsIgnoreCase(key.getAlgorithm()) && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new IllegalArgumentException("a checkpoint signing key must be Ed25519, not " + key.getAlgorithm());
        }
        if (!chain.isEmpty() && !chain.getFirst().getPublicKey().equals(publicKey)) {
            throw new IllegalArgumentException("the certificate " + chain.getFirst().getSubjectX500Principal()
                    + " is not for this signing key");
        }
        this.key = key;
        this.publicKey = publicKey;
        List<byte[]> der = new ArrayList<>();
        try {
            for (X509Certificate c : chain) der.add(c.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("cannot encode certificate: " + e.getMessage(), e);
        }
        this.chain = List.copyOf(der);
    }

    /** A new key pair of its own, without a certificate (one {@code talent run}). */
    public static CheckpointSigner generate() {
        KeyPair pair = newKeyPair();
        return new CheckpointSigner(pair.getPrivate(), pair.getPublic(), List.of());
    }

    static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is not available in this JDK", e);
        }
    }

    public PublicKey publicKey() { return publicKey; }

    /** Signs the statement about one checkpoint whose bytes have digest {@code sha256}. */
    public CheckpointSignature sign(String app, String name, BigInteger sequence, long size, byte[] sha256) {
        byte[] statement = CheckpointSignature.signedBytes(app, name, sequence, size, sha256);
        try {
            byte[] signature;
            synchronized (this) {
                if (engine == null) {
                    engine = java.security.Signature.getInstance(ALGORITHM);
                    engine.initSign(key);
                }
                // sign() leaves the engine initialised with the same key for the next statement
                engine.update(statement);
                signature = engine.sign();
            }
            return new CheckpointSignature(app, name, sequence, size, sha256, signature, publicKey.getEncoded(), chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with Ed25519: " + e.getMessage(), e);
        }
    }
}
