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
