package dev.talent.fleet.apps;

import dev.talent.fleet.Etcd;
import dev.talent.fleet.EtcdKeys;
import dev.talent.fleet.Records;
import io.etcd.jetcd.ByteSequence;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The etcd of the leader's ITs: one {@link LoopbackEtcd} for the test class (started before its first test, stopped
 * after its last), emptied before each test, with the records those tests put by name (a live host, a leader's
 * election key). Register it as {@code @RegisterExtension static final LoopbackEtcdExtension ETCD = new
 * LoopbackEtcdExtension();}.
 */
final class LoopbackEtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {
    private LoopbackEtcd server;
    private Etcd etcd;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        server = new LoopbackEtcd();
        etcd = server.connect();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            if (etcd != null) etcd.close();
        } finally {
            if (server != null) server.close();
        }
    }

    /** Every key goes: each test starts from an empty etcd. */
    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        etcd.client().getKVClient().delete(Etcd.bytes("/"), io.etcd.jetcd.options.DeleteOption.builder().isPrefix(true).build()).get();
    }

    /** The client (valid from the class's first test to its last). */
    Etcd etcd() {
        if (etcd == null) throw new IllegalStateException("etcd is not started: register LoopbackEtcdExtension with @RegisterExtension on a static field");
        return etcd;
    }

    /** A host with {@code platforms} whose agent holds its key: live, as the leader sees it (address 10.0.0.N for hN). */
    void host(String name, String... platforms) throws Exception {
        etcd().put(EtcdKeys.hostInfo(name), new Records.HostInfo(name, "10.0.0." + name.substring(1), 7000, List.of(platforms), List.of(),
                dev.talent.fleet.Protocol.CURRENT), 0);
        etcd().put(EtcdKeys.agent(name), new Records.AgentAlive(name, 1, 0), 0);
    }

    /** Controller {@code name}'s election key, present while it leads (its writes compare it). */
    ByteSequence electionKey(String name) throws Exception {
        String key = EtcdKeys.ELECTION + "/" + name;
        etcd().put(key, Map.of("host", name), 0);
        return Etcd.bytes(key);
    }

    /** The store of controller {@code name} as the leader: its election key put, its writes fenced on it. */
    AppStore leaderStore(String name) throws Exception {
        return new AppStore(etcd(), Optional.of(electionKey(name)));
    }

    /** Controller {@code name} deposed: its election key deleted, so its fenced writes fail. */
    void depose(String name) throws Exception {
        etcd().client().getKVClient().delete(Etcd.bytes(EtcdKeys.ELECTION + "/" + name)).get();
    }
}
