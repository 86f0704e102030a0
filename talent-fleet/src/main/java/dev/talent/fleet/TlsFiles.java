package dev.talent.fleet;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * A process's TLS identity in the fleet and the contexts made from it: TLS 1.3 only, the fleet CA as the only
 * trust anchor, and a certificate on both sides (a server requires the client's during the handshake, so a peer
 * without one from the fleet CA is refused before it can send a request).
 */
public record TlsFiles(Path ca, Path cert, Path key) {
    static final String PROTOCOL = "TLSv1.3";

    /** The context of a gRPC server that requires a client certificate from the fleet CA. */
    public SslContext serverContext() throws FleetException {
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forServer(cert.toFile(), key.toFile()))
                    .trustManager(ca.toFile()).clientAuth(ClientAuth.REQUIRE).protocols(PROTOCOL).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new FleetException("cannot use the TLS files " + cert + ", " + key + ", " + ca + ": " + e.getMessage(), e);
        }
    }

    /**
     * A JDK context with this identity (the controller's HTTPS alerts endpoint, and its clients): the fleet CA as the
     * only trust anchor, TLS 1.3; a server made from it must still ask for the client's certificate
     * ({@code SSLParameters.setNeedClientAuth}).
     */
    public javax.net.ssl.SSLContext jdkContext() throws FleetException {
        try {
            char[] pass = "talent".toCharArray();
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("identity", Pki.readKey(key), pass, new java.security.cert.Certificate[] {Pki.readJdkCertificate(cert)});
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pass);
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("fleet-ca", Pki.readJdkCertificate(ca));
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new FleetException("cannot use the TLS files " + cert + ", " + key + ", " + ca + ": " + e.getMessage(), e);
        }
    }

    /** The context of a gRPC client (to agents, or to etcd) presenting this certificate. */
    public SslContext clientContext() throws FleetException {
        try {
            return GrpcSslContexts.forClient().trustManager(ca.toFile()).keyManager(cert.toFile(), key.toFile())
                    .protocols(PROTOCOL).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new FleetException("cannot use the TLS files " + cert + ", " + key + ", " + ca + ": " + e.getMessage(), e);
        }
    }
}
