package dev.talent.fleet;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fleet's certificate authority in a directory: {@code ca.crt}/{@code ca.key}, and per name {@code NAME.crt}/
 * {@code NAME.key}. Keys are ECDSA P-256 (every TLS stack in the fleet speaks it: the JDK's, Netty's and etcd's Go),
 * written as PKCS#8 PEM with mode 0600 and created so (never readable by others, not even briefly). A host
 * certificate is for both ends of mutual TLS (serverAuth and clientAuth) with its name, {@code localhost},
 * 127.0.0.1 and the given addresses as subject alternative names; a client certificate (the CLI's) has clientAuth
 * only. Existing files are never overwritten.
 */
public final class Pki {
    /** A name is a host name label or a simple identifier: it names files in the directory. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration VALIDITY = Duration.ofDays(825);

    private final Path dir;

    private Pki(Path dir) { this.dir = dir; }

    /** The PKI in {@code dir} (not read until used). */
    public static Pki at(Path dir) { return new Pki(dir); }

    public Path dir() { return dir; }

    public Path caCertificate() { return dir.resolve("ca.crt"); }

    public Path certificate(String name) { return dir.resolve(name + ".crt"); }

    public Path key(String name) { return dir.resolve(name + ".key"); }

    /** A host's checkpoint signing certificate (Ed25519 key, issued by the CA): {@code NAME.sign.crt}. */
    public Path signingCertificate(String name) { return dir.resolve(name + ".sign.crt"); }

    /** A host's checkpoint signing key (Ed25519, PKCS#8 PEM, 0600): {@code NAME.sign.key}. */
    public Path signingKey(String name) { return dir.resolve(name + ".sign.key"); }

    /** The signing certificate next to a TLS certificate {@code NAME.crt} (how an agent finds its own from fleet.conf). */
    public static Path signingCertificateFor(Path tlsCertificate) {
        return tlsCertificate.resolveSibling(stem(tlsCertificate) + ".sign.crt");
    }

    public static Path signingKeyFor(Path tlsCertificate) {
        return tlsCertificate.resolveSibling(stem(tlsCertificate) + ".sign.key");
    }

    private static String stem(Path cert) {
        String f = cert.getFileName().toString();
        return f.endsWith(".crt") ? f.substring(0, f.length() - 4) : f;
    }

    /** What a certificate is for. */
    public enum Usage { HOST, CLIENT }

    /** Makes the CA: {@code dir} (0700) with {@code ca.key} and a self-signed {@code ca.crt} named after {@code commonName}. */
    public void init(String commonName) throws FleetException {
        try {
            if (Files.exists(caCertificate()) || Files.exists(key("ca")))
                throw new FleetException(dir + " already has a CA (ca.crt/ca.key): refusing to overwrite it");
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + commonName);
            var ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(CA_VALIDITY)), subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            writeKey(key("ca"), pair.getPrivate());
            writePublic(caCertificate(), pem(cert));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new FleetException("cannot make the CA in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues {@code NAME.crt}/{@code NAME.key} signed by the CA.
     *
     * @param addresses IP addresses for the subject alternative names (besides 127.0.0.1)
     * @param dnsNames DNS names for them (besides NAME and localhost)
     */
    public void issue(String name, Usage usage, List<String> addresses, List<String> dnsNames) throws FleetException {
        if (!NAME.matcher(name).matches() || name.equals("ca"))
            throw new FleetException("not a certificate name: '" + name + "' (lower-case letters, digits and '-', not 'ca')");
        try {
            if (Files.exists(certificate(name)) || Files.exists(key(name))) {
                // a host of an older PKI gets its checkpoint signing key; nothing is overwritten
                if (usage == Usage.HOST && !Files.exists(signingCertificate(name)) && !Files.exists(signingKey(name))) {
                    issueSigning(name);
                    return;
                }
                throw new FleetException(dir + " already has a certificate or key for " + name + ": refusing to overwrite it");
            }
            PrivateKey caKey = readKey(key("ca"));
            X509Certificate ca = readCertificate(caCertificate());
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            var ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(VALIDITY)), new X500Name("CN=" + name), pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, usage == Usage.HOST
                    ? new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})
                    : new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            List<GeneralName> sans = new ArrayList<>();
            sans.add(new GeneralName(GeneralName.dNSName, name));
            if (usage == Usage.HOST) {
                sans.add(new GeneralName(GeneralName.dNSName, "localhost"));
                for (String dns : dnsNames) sans.add(new GeneralName(GeneralName.dNSName, dns));
                sans.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
                for (String a : addresses) {
                    InetAddress.ofLiteral(a); // refuses anything that is not an IP address literal
                    sans.add(new GeneralName(GeneralName.iPAddress, a));
                }
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            X509Certificate cert = sign(b, caKey);
            writeKey(key(name), pair.getPrivate());
            writePublic(certificate(name), pem(cert));
            if (usage == Usage.HOST) issueSigning(name);
        } catch (IllegalArgumentException e) {
            throw new FleetException("not an IP address in " + addresses + ": " + e.getMessage(), e);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new FleetException("cannot issue a certificate for " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Issues the host's checkpoint signing key and certificate ({@code NAME.sign.key}/{@code NAME.sign.crt}): Ed25519,
     * digitalSignature only, so that a destination checks a checkpoint's signer against the fleet CA.
     */
    private void issueSigning(String name) throws IOException, GeneralSecurityException, OperatorCreationException {
        PrivateKey caKey = readKey(key("ca"));
        X509Certificate ca = readCertificate(caCertificate());
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Instant now = Instant.now();
        var ext = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(300)),
                Date.from(now.plus(VALIDITY)), new X500Name("CN=" + name + " checkpoint signer"), pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
        X509Certificate cert = sign(b, caKey);
        writeKey(signingKey(name), pair.getPrivate());
        writePublic(signingCertificate(name), pem(cert));
    }

    /** Reads an Ed25519 PKCS#8 PEM key with the JDK's own provider (the one checkpoint signatures use). */
    public static PrivateKey readEd25519Key(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        int a = text.indexOf("-----BEGIN PRIVATE KEY-----"), z = text.indexOf("-----END PRIVATE KEY-----");
        if (a < 0 || z < a) throw new GeneralSecurityException(file + " holds no PKCS#8 PEM private key");
        byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(a + 27, z));
        return java.security.KeyFactory.getInstance("Ed25519").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
    }

    /** Reads a PEM certificate with the JDK's own provider. */
    public static X509Certificate readJdkCertificate(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** Reads a PEM certificate. */
    public static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            if (p.readObject() instanceof X509CertificateHolder h) return new JcaX509CertificateConverter().getCertificate(h);
            throw new GeneralSecurityException(file + " holds no PEM certificate");
        }
    }

    /** Reads a PKCS#8 PEM private key. */
    public static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            if (p.readObject() instanceof PrivateKeyInfo info) return new JcaPEMKeyConverter().getPrivateKey(info);
            throw new GeneralSecurityException(file + " holds no PKCS#8 PEM private key");
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    private static BigInteger serial() { return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE); }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder(SIGNATURE).build(key);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) { w.writeObject(o); }
        return s.toString();
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        // PKCS#8 ("PRIVATE KEY"): what Netty and Go read
        String text = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(file + " exists", e);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void writePublic(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
    }
}
