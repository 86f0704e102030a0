package dev.talent.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A connection to the fleet's etcd over mutual TLS, with the few typed operations the fleet uses. */
public final class Etcd implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The most a value of the fleet's can be: records are small JSON objects; a larger one is not ours. */
    static final int MAX_VALUE = 64 * 1024;
    private static final Duration CALL = Duration.ofSeconds(5);
    /**
     * More for the process's first call, which also makes the connection (mutual TLS, the gRPC channel) in a JVM
     * that has just started: a CLI's first read timed out after 5 s on a loaded machine (FleetAppIT, h/fleetx).
     */
    private static final Duration FIRST_CALL = Duration.ofSeconds(15);
    private static final java.util.concurrent.atomic.AtomicBoolean ANSWERED = new java.util.concurrent.atomic.AtomicBoolean();

    static {
        // jetcd logs through SLF4J, and talent has no logging back end: without this, SLF4J says so on stderr at
        // every start (its own diagnostics, not jetcd's)
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
    }

    private final Client client;

    private Etcd(Client client) { this.client = client; }

    public static Etcd connect(FleetConfig config) throws FleetException {
        Client c = Client.builder().endpoints(config.etcd().toArray(java.net.URI[]::new))
                .sslContext(config.tls().clientContext())
                .connectTimeout(Duration.ofSeconds(3)).build();
        return new Etcd(c);
    }

    /** A connection over {@code client} as built by the caller (tests: a loopback etcd without TLS). */
    public static Etcd of(Client client) { return new Etcd(client); }

    public Client client() { return client; }

    public static ByteSequence bytes(String s) { return ByteSequence.from(s, StandardCharsets.UTF_8); }

    /** Puts {@code value} as JSON, under {@code lease} unless it is 0. */
    public void put(String key, Object value, long lease) throws FleetException, InterruptedException {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new FleetException("cannot encode " + key + ": " + e.getMessage(), e);
        }
        PutOption option = lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
        await(client.getKVClient().put(bytes(key), ByteSequence.from(json), option), "put " + key);
    }

    /** {@code value} as the JSON the fleet stores. */
    public static byte[] encode(Object value, String what) throws FleetException {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new FleetException("cannot encode " + what + ": " + e.getMessage(), e);
        }
    }

    /** Every key under {@code prefix}. */
    public List<KeyValue> list(String prefix) throws FleetException, InterruptedException {
        return await(client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()), "get " + prefix).getKvs();
    }

    /** A value read back as {@code type}; values that are too large or not of that shape are refused. */
    public static <T> T decode(KeyValue kv, Class<T> type) throws FleetException {
        byte[] b = kv.getValue().getBytes();
        if (b.length > MAX_VALUE) throw new FleetException("etcd value at " + kv.getKey() + " is " + b.length + " bytes: not the fleet's");
        try {
            return JSON.readValue(b, type);
        } catch (IOException e) {
            throw new FleetException("etcd value at " + kv.getKey() + " is not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    public static <T> T await(CompletableFuture<T> f, String what) throws FleetException, InterruptedException {
        Duration budget = ANSWERED.get() ? CALL : FIRST_CALL;
        try {
            T answer = f.get(budget.toMillis(), TimeUnit.MILLISECONDS);
            ANSWERED.set(true);
            return answer;
        } catch (ExecutionException e) {
            throw new FleetException("etcd: " + what + " failed: " + FleetException.reason(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new FleetException("etcd: " + what + " did not answer within " + budget.toSeconds() + " s (is etcd up? is the certificate from the fleet CA?)", e);
        }
    }

    @Override
    public void close() { client.close(); }
}
