package dev.talent.migrate.pipeline;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The destination's check of a checkpoint's signature, before any byte of it is used: the signature must be there,
 * verify with Ed25519 over the statement ({@link CheckpointSignature#signedBytes()}), and come from a signer this
 * host trusts: one of the {@code trustedKeys} (talent run: the run's own key), or, when a CA certificate is
 * configured, a signer whose certificate chain leads to that CA and whose leaf certificate is for the signing key.
 */
public final class CheckpointVerifier {
    /** At most this many certificates in a chain, each at most this many bytes (hostile input is bounded). */
    static final int MAX_CHAIN = 8;
    static final int MAX_CERT_BYTES = 16 << 10;
    /** At most this many decoded signer keys are kept (a fleet has few signers; hostile ones cannot grow it). */
    static final int MAX_CACHED_KEYS = 32;
    /** At most this many idle Ed25519 engines are kept for reuse. */
    static final int MAX_IDLE_ENGINES = 4;

    /** The trusted keys by their encoding (decoded and encoded once, not at every check). */
    private final Map<String, PublicKey> trustedKeys;
    private final Optional<X509Certificate> ca;
    /**
     * Signer keys decoded before, by their encoding, least recently used first; guarded by itself. A key decoded
     * from the same bytes is the same key, so a hit skips only the decoding: every check still runs on it.
     */
    private final LinkedHashMap<String, PublicKey> decoded = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PublicKey> eldest) {
            return size() > MAX_CACHED_KEYS;
        }
    };
    /** Ed25519 engines no check uses at the moment; each is initialised again (initVerify) before any use. */
    private final ConcurrentLinkedQueue<java.security.Signature> idleEngines = new ConcurrentLinkedQueue<>();

    private CheckpointVerifier(List<PublicKey> trustedKeys, Optional<X509Certificate> ca) {
        Map<String, PublicKey> trusted = new LinkedHashMap<>();
        for (PublicKey k : trustedKeys) trusted.put(HexFormat.of().formatHex(k.getEncoded()), k);
        this.trustedKeys = java.util.Collections.unmodifiableMap(trusted);
        this.ca = ca;
    }

    /** Trusts signatures by these keys only (talent run: the run's own key). */
    public static CheckpointVerifier trusting(PublicKey... keys) {
        return new CheckpointVerifier(List.of(keys), Optional.empty());
    }

    /** Trusts signers holding a certificate issued (directly or through the chain they send) by {@code ca}. */
    public static CheckpointVerifier withCa(X509Certificate ca) {
        return new CheckpointVerifier(List.of(), Optional.of(ca));
    }

    /**
     * Checks the statement and its signature (not yet the bytes: the receiver compares their size and digest with
     * the statement as it reads them).
     *
     * @throws CheckpointSignatureException unsigned, a bad signature, or an untrusted signer; the message says which
     */
    public void verify(CheckpointSignature s, String expectedApp) throws CheckpointSignatureException {
        if (!CheckpointSignature.validName(s.name())) {
            throw new CheckpointSignatureException("the checkpoint handed over has an invalid name; refused");
        }
        verifySigned(s, expectedApp, "checkpoint " + s.name());
    }

    /**
     * Checks the statement of the TCP connections taken with checkpoint {@code sequence} (named
     * {@link CheckpointSignature#connectionsName}) as {@link #verify} checks a checkpoint's.
     */
    public void verifyConnections(CheckpointSignature s, String expectedApp, java.math.BigInteger sequence)
            throws CheckpointSignatureException {
        if (!s.name().equals(CheckpointSignature.connectionsName(sequence)) || !s.sequence().equals(sequence)) {
            throw new CheckpointSignatureException("the TCP connections handed over are not named for checkpoint " + sequence + "; refused");
        }
        verifySigned(s, expectedApp, "the TCP connections of checkpoint " + sequence);
    }

    private void verifySigned(CheckpointSignature s, String expectedApp, String what) throws CheckpointSignatureException {
        if (!s.app().equals(expectedApp)) {
            throw new CheckpointSignatureException(what + " is signed for app '" + printable(s.app()) + "', not "
                    + expectedApp + "; refused");
        }
        if (s.signature().length == 0) {
            throw new CheckpointSignatureException(what + " is unsigned; refused (every checkpoint a host hands over "
                    + "must carry its Ed25519 signature)");
        }
        PublicKey signer = decodeKey(s.signerKey(), what);
        try {
            java.security.Signature v = engine();
            v.initVerify(signer);
            v.update(s.signedBytes());
            boolean good = v.verify(s.signature());
            // verify() returned: the engine is reset to its state after initVerify; it is initialised again anyway
            if (idleEngines.size() < MAX_IDLE_ENGINES) idleEngines.offer(v);
            if (!good) {
                throw new CheckpointSignatureException(what + " has a wrong signature (Ed25519): it was not signed by "
                        + "the key it names, or changed since; refused");
            }
        } catch (java.security.SignatureException e) {
            // not even a well-formed Ed25519 signature (a point off the curve, a scalar out of range)
            throw new CheckpointSignatureException(what + " has a wrong signature (Ed25519, malformed: " + e.getMessage()
                    + "): it was not signed by the key it names, or changed since; refused", e);
        } catch (GeneralSecurityException e) {
            throw new CheckpointSignatureException(what + ": cannot verify its signature: " + e.getMessage(), e);
        }
        if (ca.isPresent()) {
            checkChain(s, signer, what);
        } else if (!trustedKeys.containsKey(HexFormat.of().formatHex(s.signerKey()))) {
            throw new CheckpointSignatureException(what + " is signed by a key this host does not trust; refused");
        }
    }

    private static String printable(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** An idle Ed25519 engine, or a new one. */
    private java.security.Signature engine() throws GeneralSecurityException {
        java.security.Signature idle = idleEngines.poll();
        return idle != null ? idle : java.security.Signature.getInstance(CheckpointSigner.ALGORITHM);
    }

    /** How many decoded signer keys are kept (for the tests of its bound). */
    int cachedKeys() {
        synchronized (decoded) {
            return decoded.size();
        }
    }

    /** How many idle engines are kept (for the tests of its bound). */
    int idleEngines() {
        return idleEngines.size();
    }

    /**
     * The signer key {@code encoded} names: a trusted key as it was given, one decoded before, or decoded now (and
     * kept, at most {@link #MAX_CACHED_KEYS}). Only keys that decode are kept: a malformed one is refused every time.
     */
    private PublicKey decodeKey(byte[] encoded, String what) throws CheckpointSignatureException {
        if (encoded.length == 0 || encoded.length > 256) {
            throw new CheckpointSignatureException(what + " names no valid signer key; refused");
        }
        String hex = HexFormat.of().formatHex(encoded);
        PublicKey trusted = trustedKeys.get(hex);
        if (trusted != null) return trusted;
        synchronized (decoded) {
            PublicKey seen = decoded.get(hex);
            if (seen != null) return seen;
        }
        try {
            PublicKey key = KeyFactory.getInstance(CheckpointSigner.ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
            synchronized (decoded) {
                decoded.put(hex, key);
            }
            return key;
        } catch (GeneralSecurityException e) {
            throw new CheckpointSignatureException(what + " names a signer key that is not Ed25519 (" + e.getMessage()
                    + "); refused", e);
        }
    }

    private void checkChain(CheckpointSignature s, PublicKey signer, String what) throws CheckpointSignatureException {
        List<byte[]> der = s.signerChain();
        if (der.isEmpty()) {
            throw new CheckpointSignatureException(what + " comes without the signer's certificate; refused (this host "
                    + "trusts signers certified by " + ca.orElseThrow().getSubjectX500Principal() + ")");
        }
        if (der.size() > MAX_CHAIN || der.stream().anyMatch(d -> d.length > MAX_CERT_BYTES)) {
            throw new CheckpointSignatureException(what + ": the signer's certificate chain is too long; refused");
        }
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (byte[] d : der) chain.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(d)));
            if (!Arrays.equals(chain.getFirst().getPublicKey().getEncoded(), signer.getEncoded())) {
                throw new CheckpointSignatureException(what + " is signed by a key that is not the one of its certificate "
                        + chain.getFirst().getSubjectX500Principal() + "; refused");
            }
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.orElseThrow(), null)));
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(f.generateCertPath(chain), params);
        } catch (CertificateException e) {
            throw new CheckpointSignatureException(what + ": the signer's certificate cannot be read (" + e.getMessage()
                    + "); refused", e);
        } catch (java.security.cert.CertPathValidatorException e) {
            throw new CheckpointSignatureException(what + ": the signer's certificate is not valid for this fleet's CA "
                    + ca.orElseThrow().getSubjectX500Principal() + " (" + e.getMessage() + "); refused", e);
        } catch (GeneralSecurityException e) {
            throw new CheckpointSignatureException(what + ": cannot check the signer's certificate: " + e.getMessage(), e);
        }
    }
}
