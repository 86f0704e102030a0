package dev.talent.fleet.apps;

import dev.talent.env.SyncReport;
import dev.talent.fleet.Etcd;
import dev.talent.fleet.FleetException;
import dev.talent.fleet.Hosts;
import dev.talent.fleet.Records;
import dev.talent.fleet.TlsFiles;
import dev.talent.migrate.MigrationFailedException;
import dev.talent.migrate.MigrationTiming;
import dev.talent.migrate.RollbackFailedException;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.Step;
import dev.talent.migrate.control.MigrationRecord;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.CheckpointSignature;
import dev.talent.migrate.pipeline.CommitStep;
import dev.talent.migrate.pipeline.ConfirmStep;
import dev.talent.migrate.pipeline.ConnectionCarrier;
import dev.talent.migrate.pipeline.FinalSyncStep;
import dev.talent.migrate.pipeline.HostContainers;
import dev.talent.migrate.pipeline.HostFiles;
import dev.talent.migrate.pipeline.MigrationPipeline;
import dev.talent.migrate.pipeline.OutgoingCheckpoint;
import dev.talent.migrate.pipeline.RestoredCheckpoints;
import dev.talent.migrate.pipeline.RollBackStep;
import dev.talent.migrate.pipeline.PrecopyStep;
import dev.talent.migrate.pipeline.PrepareStep;
import dev.talent.migrate.pipeline.SafePointStep;
import dev.talent.migrate.pipeline.Signal;
import dev.talent.migrate.pipeline.StartStep;
import dev.talent.migrate.pipeline.StepResult;
import dev.talent.migrate.pipeline.TransferStep;
import dev.talent.migrate.pipeline.WorkdirTransport;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link FleetAgents} over gRPC with mutual TLS: each host's agent is found through its etcd record
 * ({@code /talent/hosts/NAME/info}) or an explicit map. A migration runs the {@link MigrationPipeline} here, over
 * remote implementations of its interfaces whose calls go to the two agents; the checkpoint and the working
 * directory go from the source's agent straight to the destination's, never through here.
 */
public final class GrpcFleetAgents implements FleetAgents {
    /** Where a host's agent listens. */
    @FunctionalInterface
    public interface Directory {
        InetSocketAddress agentOf(String host) throws FleetException, InterruptedException;

        /**
         * The protocol version {@code host}'s agent speaks ({@link dev.talent.fleet.Protocol}, from its host record):
         * what is sent to it, or on its behalf to another agent, keeps to it. Agents at fixed addresses (tests): this build's.
         */
        default int protocolOf(String host) throws FleetException, InterruptedException { return dev.talent.fleet.Protocol.CURRENT; }
    }

    /** How long the pipeline waits for a safe point and for a restored program. */
    public record Timeouts(Duration safePoint, Duration restore) {
        public static Timeouts defaults() { return new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60)); }
    }

    private final TlsFiles tls;
    private final Directory directory;
    private final Timeouts timeouts;
    private final Consumer<String> warn;
    /** Each host's channel, with the address it was made for. */
    private final Map<String, Link> clients = new HashMap<>();

    private record Link(InetSocketAddress address, AgentClient client) {}

    /** The leadership epoch every call carries ({@link LeaderEpoch}); 0: none (the commands, tests). */
    private final long epoch;

    public GrpcFleetAgents(TlsFiles tls, Directory directory, Timeouts timeouts, Consumer<String> warn) {
        this(tls, directory, timeouts, warn, 0);
    }

    /** As above; every call carries the leading controller's {@code epoch} (0: none), which the agents check. */
    public GrpcFleetAgents(TlsFiles tls, Directory directory, Timeouts timeouts, Consumer<String> warn, long epoch) {
        if (epoch < 0) throw new IllegalArgumentException("leadership epoch " + epoch);
        this.tls = tls;
        this.directory = directory;
        this.timeouts = timeouts;
        this.warn = warn;
        this.epoch = epoch;
    }

    /** Agents at fixed addresses (tests). */
    public static GrpcFleetAgents of(TlsFiles tls, Map<String, InetSocketAddress> agents, Timeouts timeouts, Consumer<String> warn) {
        Map<String, InetSocketAddress> copy = Map.copyOf(agents);
        return new GrpcFleetAgents(tls, host -> {
            InetSocketAddress a = copy.get(host);
            if (a == null) throw new FleetException("no host " + host + " in this fleet");
            return a;
        }, timeouts, warn);
    }

    /** Agents found through etcd's host records. */
    public static GrpcFleetAgents viaEtcd(TlsFiles tls, Etcd etcd, Timeouts timeouts, Consumer<String> warn) {
        return viaEtcd(tls, etcd, timeouts, warn, 0);
    }

    /** Agents found through etcd's host records, every call carrying the leader's {@code epoch} (0: none). */
    public static GrpcFleetAgents viaEtcd(TlsFiles tls, Etcd etcd, Timeouts timeouts, Consumer<String> warn, long epoch) {
        return new GrpcFleetAgents(tls, new Directory() {
            @Override
            public InetSocketAddress agentOf(String host) throws FleetException, InterruptedException {
                Records.HostInfo info = Hosts.info(etcd, host).orElseThrow(() -> new FleetException("no host " + host + " in etcd"));
                return new InetSocketAddress(info.address(), info.port());
            }

            @Override
            public int protocolOf(String host) throws FleetException, InterruptedException {
                return Hosts.info(etcd, host).orElseThrow(() -> new FleetException("no host " + host + " in etcd")).speaks();
            }
        }, timeouts, warn, epoch);
    }

    /**
     * What a controller tells a source agent of protocol {@code source} about its destination's version
     * {@code destination}: null (the field left out) for a source of protocol 1, whose reader refuses it, which then
     * sends as protocol 1 does.
     */
    static Integer destinationProtocol(int source, int destination) {
        return source < 2 ? null : dev.talent.fleet.Protocol.spokenTo(destination);
    }

    /**
     * The client of {@code host}'s agent. A channel that is not connected or connecting (its agent went away: IDLE after
     * the agent closed it, or TRANSIENT_FAILURE) is checked against the host's address in the directory: an agent
     * that came back at another address or port gets a new channel (the old one is shut down gracefully: calls on it
     * end as they would have).
     */
    private AgentClient agent(String host) throws FleetException, InterruptedException {
        Link known;
        synchronized (clients) {
            known = clients.get(host);
        }
        if (known != null) {
            io.grpc.ConnectivityState s = known.client().channel().getState(false);
            if (s == io.grpc.ConnectivityState.READY || s == io.grpc.ConnectivityState.CONNECTING) return known.client();
        }
        InetSocketAddress a = directory.agentOf(host);
        if (known != null && sameAddress(known.address(), a)) return known.client();
        NettyChannelBuilder b = NettyChannelBuilder.forAddress(a.getHostString(), a.getPort()).sslContext(tls.clientContext());
        b.intercept(ProtocolHeader.STAMP);
        if (epoch > 0) b.intercept(LeaderEpoch.stamp(epoch));
        Link made = new Link(a, new AgentClient(host, b.build()));
        synchronized (clients) {
            Link now = clients.get(host);
            if (now != null && !now.equals(known)) {
                // another thread replaced it meanwhile
                made.client().channel().shutdownNow();
                return now.client();
            }
            clients.put(host, made);
        }
        if (known != null) {
            warn.accept("agent " + host + " is now at " + a.getHostString() + ":" + a.getPort() + " (was " + known.address().getHostString() + ":"
                    + known.address().getPort() + "): a new connection");
            known.client().channel().shutdown();
        }
        return made.client();
    }

    private static boolean sameAddress(InetSocketAddress x, InetSocketAddress y) {
        return x.getPort() == y.getPort() && x.getHostString().equals(y.getHostString());
    }

    private static FleetException fail(String what, IOException e) {
        return new FleetException(what + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()), e);
    }

    @Override
    public void putBlob(String host, String sha256, Path file) throws FleetException, InterruptedException {
        AgentClient c = agent(host);
        try {
            BlobStore.checkName(sha256);
            if (c.op("has-blob", "", "", "", sha256, 0).flag()) return;
            long size = Files.size(file);
            try (InputStream in = Files.newInputStream(file)) {
                c.upload(AppsRpc.PUT_BLOB, new AppsMessages.Chunk(sha256, size, null), in, b -> new AppsMessages.Chunk(null, 0, b));
            }
        } catch (IOException e) {
            throw fail("cannot put blob " + sha256 + " on " + host, e);
        }
    }

    @Override
    public void start(Placement at, AppSpec spec) throws FleetException, InterruptedException {
        try {
            // pre-copy only to an agent that has it: an older one runs the app without (and refuses the field)
            Integer precopy = spec.precopy() > 0 && directory.protocolOf(at.host()) >= dev.talent.fleet.Protocol.PRECOPY ? spec.precopy() : null;
            agent(at.host()).call(AppsRpc.START, new AppsMessages.Start(spec.name(), at.platform(), spec.binaries(), spec.args(),
                    spec.workdir().orElse(""), spec.net(), spec.epoch(), spec.ip().orElse(null), precopy));
        } catch (IOException e) {
            throw fail("cannot start " + spec.name() + " on " + at, e);
        }
    }

    @Override
    public AppState state(String host, String app) throws FleetException, InterruptedException {
        try {
            AppsMessages.State s = agent(host).call(AppsRpc.STATE, AppsMessages.Op.of("state", app));
            return switch (s.kind()) {
                case "running" -> new AppState.Running(s.platform(), s.since());
                case "stopped" -> new AppState.Stopped(s.platform(), s.since());
                case "ended" -> new AppState.Ended(s.platform(), s.status());
                case "absent" -> new AppState.Absent();
                case "lost" -> new AppState.Lost(s.platform());
                default -> throw new FleetException("agent " + host + " answered an unknown state");
            };
        } catch (IOException e) {
            throw fail("cannot ask " + host + " about " + app, e);
        }
    }

    @Override
    public void resume(String host, String app) throws FleetException, InterruptedException {
        long ms = timeouts.restore().toMillis();
        try {
            agent(host).call(AppsRpc.OP, new AppsMessages.Op("resume", app, "", "", "", ms), ms + AgentClient.CALL_MS);
        } catch (IOException e) {
            throw fail("cannot resume " + app + " on " + host, e);
        }
    }

    @Override
    public LogChunk logs(String host, String app, String stream, long offset, int max) throws FleetException, InterruptedException {
        try {
            AppsMessages.Logs l = agent(host).call(AppsRpc.LOGS, new AppsMessages.Op("logs", app, "", stream, String.valueOf(max), offset));
            return new LogChunk(l.data() == null ? new byte[0] : l.data(), l.from(), l.next(), l.ended());
        } catch (IOException e) {
            throw fail("cannot read the output of " + app + " on " + host, e);
        }
    }

    @Override
    public void fetchWorkdir(String host, String app, Path dir) throws FleetException, InterruptedException {
        AgentClient c = agent(host);
        try {
            Iterator<AppsMessages.Chunk> chunks = c.stream(AppsRpc.FETCH_WORKDIR, AppsMessages.Op.of("fetch", app));
            InputStream in = new InputStream() {
                byte[] cur = new byte[0];
                int pos;

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    while (pos >= cur.length) {
                        try {
                            if (!chunks.hasNext()) return -1;
                            AppsMessages.Chunk ch = chunks.next();
                            cur = ch.data() == null ? new byte[0] : ch.data();
                        } catch (io.grpc.StatusRuntimeException e) {
                            throw new IOException(e.getStatus().getDescription() != null ? e.getStatus().getDescription() : e.getStatus().toString(), e);
                        }
                        pos = 0;
                    }
                    int n = Math.min(len, cur.length - pos);
                    System.arraycopy(cur, pos, b, off, n);
                    pos += n;
                    return n;
                }
            };
            WorkdirArchive.unpack(in, dir);
        } catch (IOException e) {
            throw fail("cannot fetch the working directory of " + app + " from " + host, e);
        }
    }

    @Override
    public void remove(String host, String app) throws FleetException, InterruptedException {
        try {
            agent(host).op("remove", app, "", "", "", 0);
        } catch (IOException e) {
            throw fail("cannot remove " + app + " from " + host, e);
        }
    }

    @Override
    public void removeCopy(String host, String app) throws FleetException, InterruptedException {
        try {
            agent(host).op("remove", app, "", "", AppsRpc.REMOVE_SILENT, 0);
        } catch (IOException e) {
            throw fail("cannot remove " + app + " from " + host, e);
        }
    }

    @Override
    public void isolate(String host, String app) throws FleetException, InterruptedException {
        try {
            agent(host).op("isolate", app, "", "", "", 0);
        } catch (IOException e) {
            throw fail("cannot take " + app + " on " + host + " off the network", e);
        }
    }

    @Override
    public void rejoin(String host, String app) throws FleetException, InterruptedException {
        try {
            agent(host).op("rejoin", app, "", "", "", 0);
        } catch (IOException e) {
            throw fail("cannot let " + app + " on " + host + " onto the network", e);
        }
    }

    @Override
    public void dropPlace(String host, String app, String platform) throws FleetException, InterruptedException {
        try {
            agent(host).op("drop-place", app, platform, "", "", 0);
        } catch (IOException e) {
            throw fail("cannot remove the place of " + app + " on " + host + "/" + platform, e);
        }
    }

    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        return migrate(app, from, to, reason, ledger, Optional.empty());
    }

    /**
     * As {@link #migrate(String, Placement, Placement, String, CommitStep.Ledger)}; {@code fault} injects a failure
     * at that step (tests: the rollback paths).
     */
    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<Step> fault) throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        return migrate(app, from, to, reason, ledger, fault, 0);
    }

    /**
     * As above; {@code precopy}: the app's pre-copy rounds (its record in etcd: {@code deploy --precopy}), or 0 for what
     * the source's agent says of it ({@code Describe}, protocol {@value dev.talent.fleet.Protocol#PRECOPY}).
     */
    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<Step> fault, int precopy) throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        return migrate(app, from, to, reason, ledger, fault, precopy, PrecopyStep.Progress.NONE);
    }

    /**
     * As above; {@code progress}: told after each pre-copy round and after the hand-over of its image. {@code fault}
     * {@link Step#PRECOPY} (a testing aid) fails the pre-copy once the destination received its base: the destination
     * is discarded with it and the program runs on at the source; a migration without pre-copy rounds (the app was not
     * deployed with {@code --precopy}, or an agent cannot) is failed at once instead, saying so, as nothing could be
     * injected there.
     */
    @Override
    public MigrationRecord migrate(String app, Placement from, Placement to, String reason, CommitStep.Ledger ledger,
            Optional<Step> fault, int precopy, PrecopyStep.Progress progress)
            throws FleetException, MigrationFailedException, RollbackFailedException, InterruptedException {
        if (from.equals(to)) throw new FleetException(app + " already runs on " + to);
        AgentClient src = agent(from.host()), dst = agent(to.host());
        InetSocketAddress dstAddress = directory.agentOf(to.host());
        AppsMessages.Start described;
        try {
            described = src.call(AppsRpc.DESCRIBE, AppsMessages.Op.of("describe", app));
        } catch (IOException e) {
            throw fail("cannot ask " + from.host() + " about " + app, e);
        }
        // the record's rounds go with the app (also past an agent too old to keep them)
        AppsMessages.Start spec = precopy > 0 ? new AppsMessages.Start(described.app(), described.platform(), described.binaries(),
                described.args(), described.workdir(), described.net(), described.epoch(), described.ip(), precopy) : described;
        if (!from.platform().equals(spec.platform())) throw new FleetException(app + " runs on " + from.host() + "/" + spec.platform() + ", not " + from);
        String sha = spec.binaries().get(to.platform());
        if (sha == null) throw new FleetException(app + " has no binary for " + to.platform());
        Instant at = Instant.now();
        MigrationTiming t = new MigrationTiming();
        int fromSpeaks = directory.protocolOf(from.host()), toSpeaks = directory.protocolOf(to.host());
        RemotePlace source = new RemotePlace(src, app, from, directory.agentOf(from.host()), fromSpeaks);
        RemotePlace destination = new RemotePlace(dst, app, to, dstAddress, toSpeaks);
        AppsMessages.Send send = new AppsMessages.Send(app, from.platform(), dstAddress.getHostString(), dstAddress.getPort(), to.platform(), "",
                destinationProtocol(fromSpeaks, toSpeaks));
        RemoteWorkdir workdir = new RemoteWorkdir(src, dst, send, destination);
        // --net: the program's namespace is locked at its stop and the destination's unlocked once it runs there
        RemoteContainer program = new RemoteContainer(src, app, currentContainer(src, app), spec.net(), null,
                fromSpeaks >= dev.talent.fleet.Protocol.DROPS_NEW_CONNECTIONS);
        RemoteConnections connections = new RemoteConnections(app, source, destination, timeouts);
        // --inject-fault checkpoint with --net: the failure comes once the checkpoint and its connections' state are
        // bound (as the rollback restores them), not between the two
        if (fault.orElse(null) == Step.CHECKPOINT && spec.net()) connections.failAfterTaken = true;
        RemoteConnections.HostHandshakes hostHandshakes = connections.hostNetwork(warn);
        try {
            try {
                if (!dst.op("has-blob", "", "", "", sha, 0).flag())
                    throw new MigrationFailedException(Step.PREPARE, to.host() + " lacks the binary of " + app + " for " + to.platform()
                            + " (blob " + sha + "): put it there first");
                // pre-copy goes with the app to an agent that has it (an older one would refuse the field)
                dst.call(AppsRpc.PREPARE, new AppsMessages.Start(app, to.platform(), spec.binaries(), spec.args(), spec.workdir(), spec.net(),
                        spec.epoch(), spec.ip(), toSpeaks >= dev.talent.fleet.Protocol.PRECOPY ? spec.precopy() : null));
            } catch (IOException e) {
                releaseQuietly(dst, app, to, from);
                throw new MigrationFailedException(Step.PREPARE, "cannot prepare " + to + ": " + e.getMessage(), "", e);
            }
            Optional<String> destFault = fault.filter(s -> s == Step.RESTORE).map(s -> "restore");
            PrepareStep.Prepared prepared;
            try {
                prepared = new PrepareStep().run(destination, destination.files(), workdir, destFault,
                        startsAhead(spec, fromSpeaks, toSpeaks));
            } catch (MigrationFailedException e) {
                releaseQuietly(dst, app, to, from);
                throw e;
            }
            if (fault.orElse(null) == Step.PREPARE) {
                // the destination is prepared (container created, files there); the program has not stopped
                try {
                    prepared.container().delete();
                } catch (IOException e) {
                    warn.accept("cannot remove container " + prepared.container().id() + " on " + to.host() + ": " + e.getMessage());
                }
                releaseQuietly(dst, app, to, from);
                throw new MigrationFailedException(Step.PREPARE, "fault injected at step prepare (migrate --inject-fault prepare)");
            }
            AppContainer destContainer = prepared.container() instanceof RemoteContainer rc ? rc.withBeforeStart(to.platform())
                    : prepared.container();
            // every failure from here on discards what was prepared (a rollback after the stop does it first), once
            AtomicBoolean discarded = new AtomicBoolean(), stopped = new AtomicBoolean();
            Runnable discardDestination = () -> {
                if (discarded.compareAndSet(false, true)) discard(destContainer, dst, app, to, from);
            };
            // pre-copy when the app takes rounds and both agents have it; else everything is copied at the stop, as before
            int rounds = precopyRounds(app, spec, described.precopies(), from, to, fromSpeaks, toSpeaks, warn);
            boolean precopyFault = fault.orElse(null) == Step.PRECOPY;
            if (precopyFault && rounds == 0) {
                discardDestination.run();
                throw new MigrationFailedException(Step.PRECOPY, "--inject-fault precopy: this migration of " + app + " takes no pre-copy"
                        + " round (the app is deployed without --precopy, or an agent cannot pre-copy), so no fault could be"
                        + " injected there; the program never stopped");
            }
            MigrationPipeline pipeline = new MigrationPipeline(rounds == 0 ? null
                    : new PrecopyStep(timeouts.safePoint(), rounds).withProgress(progress),
                    new SafePointStep(timeouts.safePoint(), fault.orElse(null) == Step.SAFE_POINT), new TransferStep(),
                    new FinalSyncStep(false), new StartStep(fault.orElse(null) == Step.START),
                    new ConfirmStep(timeouts.restore()), new CommitStep(), new RollBackStep(timeouts.restore(), warn, ""))
                    // the final sync (SyncTo at the source's agent) beside the checkpoint's take and hand-over: both are
                    // calls to the source's agent, which streams each to the destination's; the destination starts only
                    // once both ended well. No second pre-sync at the checkpoint's report: the prepare mirrored the
                    // working directory just before the stop, and each sync here is a round trip agent to agent.
                    .withSyncBesideTransfer(true, false);
            MigrationPipeline.Hooks hooks = new MigrationPipeline.Hooks(
                    // the destination's before-start goes with its start, in one call (RemoteContainer.withBeforeStart)
                    c -> { },
                    takeOverThenCommit(() -> dst.op("adopt", app, to.platform(), destContainer.id(), "", 0),
                            "the agent of " + to.host() + " did not take " + app + " over", ledger),
                    discardDestination,
                    c -> { },
                    warn, spec.net() ? connections : hostHandshakes);
            MigrationPipeline.Outcome outcome;
            try {
                outcome = pipeline.run(
                    new MigrationPipeline.Side(source, fault.orElse(null) == Step.CHECKPOINT && !spec.net()
                            ? refusingAfterAccept(source.files()) : source.files(fault.isEmpty() ? destination : null), program),
                    new MigrationPipeline.Side(destination, precopyFault ? failingAfterBase(destination.files()) : destination.files(),
                            destContainer),
                    fault.orElse(null) == Step.SYNC ? failingAfterSync(workdir, to) : workdir, hooks, r -> {
                        t.note(r);
                        if (r instanceof StepResult.SafePointReached) stopped.set(true);
                        // a take that handed the checkpoint over: the send is the hand-over's, not the take's
                        if (r instanceof StepResult.CheckpointAccepted && source.handedNanos > 0) t.handedInTake(source.handedNanos);
                        if (r instanceof StepResult.RolledBack b) {
                            try {
                                src.op("adopt", app, from.platform(), b.restarted().id(), "", 0);
                            } catch (IOException e) {
                                warn.accept("the agent of " + from.host() + " did not take the restarted " + app + " back: " + e.getMessage());
                            }
                        }
                        if (r instanceof StepResult.Committed c) c.warning().ifPresent(warn);
                    });
            } catch (MigrationFailedException e) {
                // Before the stop (a pre-copy, a safe point not reached in time, a checkpoint the program could not
                // write) the pipeline leaves the destination as prepared, for a caller that tries again (talent run);
                // here the next migration prepares one anew, perhaps elsewhere, so nothing of this one may stay on
                // the destination: its container, its files, its network. After the stop the rollback discarded it.
                boolean here = !discarded.get();
                discardDestination.run();
                throw here ? discardedAfter(e, to) : e;
            } catch (RuntimeException e) {
                // before the stop only: after it the pipeline rolled back (and discarded it) or, its commit not
                // written (NotCommittedException), leaves the destination running for the leader to resolve
                if (!stopped.get()) discardDestination.run();
                throw e;
            }
            return switch (outcome) {
                case MigrationPipeline.Outcome.Ended e -> {
                    discardDestination.run();
                    throw new MigrationFailedException(Step.CHECKPOINT, app + " ended (status " + e.status() + ") before it could be migrated");
                }
                case MigrationPipeline.Outcome.Moved m -> {
                    t.addNetNanos(connections.nanos());
                    if (spec.net()) connections.forgetQuietly(warn);
                    try {
                        src.op("release", app, from.platform(), "", "", 0);
                    } catch (IOException e) {
                        warn.accept("cannot remove " + app + " from " + from + " after it moved: " + e.getMessage());
                    }
                    t.handOverReceived(destination.receivedNanos);
                    yield t.record(app, from.toString(), to.toString(), at).because(reason, "requested");
                }
            };
        } catch (MigrationFailedException e) {
            // failed before the program stopped (it runs on at the source), or rolled back there
            if (spec.net()) {
                connections.cancel();
                // a failure before the stop left the running program's network locked: its traffic flows again (after
                // a rollback that container is gone, and the restarted one was unlocked once it ran)
                try {
                    program.unlockNetwork();
                } catch (IOException gone) {
                    // deleted by the rollback
                }
            }
            t.handOverReceived(destination.receivedNanos);
            return t.failed(app, from.toString(), to.toString(), at, e).because(reason, "requested");
        } finally {
            // on the hosts' own network: whatever the end, the source's listeners (or its address) take handshakes again
            if (!spec.net()) hostHandshakes.acceptAgain();
        }
    }

    /**
     * {@code e}, saying that what was prepared on {@code to} was discarded after it (the migration's record in etcd
     * keeps the why and the what).
     */
    static MigrationFailedException discardedAfter(MigrationFailedException e, Placement to) {
        String runsOn = e.getMessage().contains("keeps running") ? "" : "; the program runs on at its source";
        return new MigrationFailedException(e.step(), e.getMessage() + runsOn + "; what was prepared for it on " + to
                + " is discarded", e.logTail(), e.getCause() == null ? e : e.getCause());
    }

    /**
     * Whether the destination is started ahead of the stop, its runtime waiting for its go (the start inside the downtime
     * is then the go alone): when its agent speaks {@link dev.talent.fleet.Protocol#STARTS_AHEAD}, for an app without
     * --net (its network is held and unlocked around a start as before) and without pre-copy rounds (whose base is
     * restored at the stop as before).
     */
    static boolean startsAhead(AppsMessages.Start spec, int fromSpeaks, int toSpeaks) {
        return toSpeaks >= dev.talent.fleet.Protocol.STARTS_AHEAD && !spec.net()
                && dev.talent.fleet.Protocol.precopyRounds(spec.precopy(), fromSpeaks, toSpeaks) == 0;
    }

    /**
     * The pre-copy rounds of a migration of {@code app} ({@link dev.talent.fleet.Protocol#precopyRounds}); when the app
     * takes rounds but an agent cannot, that is said (the migration copies everything at the stop).
     */
    static int precopyRounds(String app, AppsMessages.Start spec, boolean sourcePrecopies, Placement from, Placement to,
            int fromSpeaks, int toSpeaks, Consumer<String> warn) {
        int rounds = dev.talent.fleet.Protocol.precopyRounds(spec.precopy(), fromSpeaks, toSpeaks);
        if (rounds > 0 && !sourcePrecopies) {
            // its program there was started without TALENT_PRECOPY (by an agent before pre-copy): it would take no round
            warn.accept(app + ": no pre-copy from " + from + ": its program there runs without pre-copy rounds; everything is"
                    + " copied at the stop");
            return 0;
        }
        if (rounds == 0 && spec.precopies()) {
            warn.accept(app + ": no pre-copy from " + from + " to " + to + ": agent " + (fromSpeaks < toSpeaks ? from.host() : to.host())
                    + " speaks protocol " + Math.min(fromSpeaks, toSpeaks) + ", pre-copy needs " + dev.talent.fleet.Protocol.PRECOPY
                    + "; everything is copied at the stop");
        }
        return rounds;
    }

    /** The destination's agent taking the app over ({@code adopt}); an I/O failure: it did not. */
    @FunctionalInterface
    interface TakeOver {
        void run() throws IOException, InterruptedException;
    }

    /**
     * The ledger of a host-to-host migration, called once the destination runs and before the source is removed: the
     * destination's agent takes the app over, then {@code ledger} (etcd) commits it. Either failing leaves the move
     * uncommitted, and that is thrown ({@link NotCommittedException}), never returned as a warning: a warning would let
     * {@link CommitStep} remove the source although etcd still places the app there (and, when the take-over failed,
     * with no agent holding the destination either: the next step would find the app on neither host). Thrown, the
     * source stays stopped at its checkpoint and the caller resolves the migration as uncommitted (the source resumes,
     * the destination goes: one copy, where etcd says).
     */
    static CommitStep.Ledger takeOverThenCommit(TakeOver takeOver, String notTaken, CommitStep.Ledger ledger) {
        return () -> {
            try {
                takeOver.run();
            } catch (IOException e) {
                throw new NotCommittedException(notTaken + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotCommittedException(notTaken + ": interrupted");
            }
            // not committed: the source stays (stopped at its checkpoint) for the caller to resolve
            Optional<String> failed = ledger.commit();
            if (failed.isPresent()) throw new NotCommittedException(failed.get());
            return Optional.empty();
        };
    }

    /**
     * Discards the prepared destination {@code c} of {@code app} on {@code to}: off the network first (it was never
     * unlocked, but a holding destination's port is up, and its teardown must send nothing to the peers of the source
     * that resumes), removed, and its place released by its agent.
     */
    private void discard(AppContainer c, AgentClient dst, String app, Placement to, Placement from) {
        try {
            if (c.hasNetwork()) c.lockNetwork();
        } catch (Exception e) {
            warn.accept("cannot take container " + c.id() + " on " + to.host() + " off the network: " + e.getMessage());
        }
        try {
            c.delete();
        } catch (Exception e) {
            warn.accept("cannot remove container " + c.id() + " on " + to.host() + ": " + e.getMessage());
        }
        releaseQuietly(dst, app, to, from);
    }

    /**
     * {@code --inject-fault precopy}: the destination's files, which receive the pre-copy image (verified and kept as
     * the base, as always) and then fail, as a hand-over cut off at its end would: the pre-copy fails with the base
     * already at the destination, before the program stopped.
     */
    static HostFiles failingAfterBase(HostFiles files) {
        return new Forwarding(files) {
            @Override
            public void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
                super.receivePrecopyImage(signed, bytes);
                throw new IOException("fault injected at step precopy (migrate --inject-fault precopy): " + files.name()
                        + " received the base, then the pre-copy failed");
            }
        };
    }

    /**
     * {@code --inject-fault checkpoint}: the source's files, whose checkpoint is accepted (and signed) as always, then
     * refused as a damaged or tampered one would be: the program has stopped, so the migration rolls back from it.
     */
    static HostFiles refusingAfterAccept(HostFiles files) {
        return new Forwarding(files) {
            @Override
            public OutgoingCheckpoint takeCheckpoint() throws IOException {
                OutgoingCheckpoint ck = super.takeCheckpoint();
                throw new IOException("fault injected at step checkpoint after checkpoint " + ck.sequence() + " was accepted"
                        + " (migrate --inject-fault checkpoint)");
            }
        };
    }

    /**
     * {@code --inject-fault sync}: the working directory's transport, whose final sync reaches the destination as
     * always (its working directory and logs updated, beside the checkpoint's hand-over) and then fails, as a sync
     * whose answer was lost would: the destination holds a synced working directory and, once the hand-over ended, the
     * checkpoint; it must not start, and is discarded as the migration rolls back.
     */
    static WorkdirTransport failingAfterSync(WorkdirTransport workdir, Placement to) {
        return new WorkdirTransport() {
            @Override
            public SyncReport mirror() throws IOException { return workdir.mirror(); }

            @Override
            public SyncReport presync() throws IOException { return workdir.presync(); }

            @Override
            public SyncReport finalSync() throws IOException {
                SyncReport r = workdir.finalSync();
                throw new IOException("fault injected at step sync (migrate --inject-fault sync): " + r.filesCopied()
                        + " files reached " + to + ", then the sync failed");
            }

            @Override
            public void close() { workdir.close(); }
        };
    }

    /** The files of a place as {@code files} has them (the injected faults change one call each). */
    private static class Forwarding implements HostFiles {
        private final HostFiles files;

        Forwarding(HostFiles files) { this.files = files; }

        @Override
        public String name() { return files.name(); }

        @Override
        public java.util.Optional<Boolean> bigEndian() { return files.bigEndian(); }

        @Override
        public void clearCheckpoints() throws IOException { files.clearCheckpoints(); }

        @Override
        public OutgoingCheckpoint takeCheckpoint() throws IOException { return files.takeCheckpoint(); }

        @Override
        public void keepTakenCheckpoint() throws IOException { files.keepTakenCheckpoint(); }

        @Override
        public void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException {
            files.receiveCheckpoint(signed, bytes);
        }

        @Override
        public OutgoingCheckpoint takePrecopyImage(String name) throws IOException { return files.takePrecopyImage(name); }

        @Override
        public void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
            files.receivePrecopyImage(signed, bytes);
        }

        @Override
        public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException {
            return files.restoreAcceptedCheckpoints(warn);
        }

        @Override
        public String whereStateIs() { return files.whereStateIs(); }
    }

    private String currentContainer(AgentClient src, String app) throws FleetException {
        try {
            return src.op("current-container", app, "", "", "", 0).text();
        } catch (IOException e) {
            throw fail("cannot ask " + src.name() + " which container runs " + app, e);
        }
    }

    private void releaseQuietly(AgentClient dst, String app, Placement to, Placement from) {
        try {
            dst.op("drop-journal", app, to.platform(), "", "", 0);
            dst.op("release", app, to.platform(), "", "", 0);
        } catch (IOException e) {
            warn.accept("cannot remove what was prepared for " + app + " on " + to + " (from " + from + "): " + e.getMessage());
        }
    }

    /** A place of the app on a host, through its agent: its containers, events and checkpoint files. */
    static final class RemotePlace implements HostContainers {
        final AgentClient agent;
        final String app;
        final Placement at;
        /** Where its agent listens (for the other agents). */
        final InetSocketAddress address;

        /** The protocol version its agent speaks (what its answers can say). */
        final int speaks;
        /** A destination's own time of the checkpoint handed to it last, as its source's agent passed it on (ns; 0: none). */
        volatile long receivedNanos;
        /** A source's time of the send its last take made before it answered (ns; 0: the take did not hand over). */
        volatile long handedNanos;
        /** The sockets (listeners, UDP, connections) of the checkpoint taken here last, as its take said; -1: none taken. */
        volatile int takenSockets = -1;

        RemotePlace(AgentClient agent, String app, Placement at, InetSocketAddress address, int speaks) {
            this.agent = agent;
            this.app = app;
            this.at = at;
            this.address = address;
            this.speaks = speaks;
        }

        @Override
        public String name() { return at.toString(); }

        @Override
        public AppContainer create(boolean restart, Optional<String> fault) throws IOException {
            AppsMessages.Reply r = agent.op("create", app, at.platform(), "", fault.orElse(""), restart ? 1 : 0);
            return new RemoteContainer(agent, app, r.text(), r.flag());
        }

        /** Protocol 9 ({@link dev.talent.fleet.Protocol#STARTS_AHEAD}): the caller asks only an agent that speaks it. */
        @Override
        public AppContainer createStartedAhead(Optional<String> fault) throws IOException {
            if (speaks < dev.talent.fleet.Protocol.STARTS_AHEAD)
                throw new IOException("agent of " + at + " speaks protocol " + speaks + ": it does not start a destination ahead");
            AppsMessages.Reply r = agent.op(AppsRpc.CREATE_AHEAD, app, at.platform(), "", fault.orElse(""), 0);
            return new RemoteContainer(agent, app, r.text(), r.flag(), null, false, true);
        }

        @Override
        public RuntimeEvent nextEvent(Duration timeout) throws InterruptedException {
            long ms = Math.max(1, timeout.toMillis());
            AppsMessages.Event e;
            try {
                e = agent.call(AppsRpc.NEXT_EVENT, new AppsMessages.Op("next-event", app, at.platform(), "", "", ms), ms + 30_000);
            } catch (IOException x) {
                // the agent cannot be asked: as if nothing came (the step times out and says so)
                Thread.sleep(Math.min(ms, 200));
                return null;
            }
            return event(e, System.nanoTime());
        }

        /** The event an agent sent, timed on this process's clock ({@code now} less its age); null for none or unknown. */
        static RuntimeEvent event(AppsMessages.Event e, long now) {
            long received = now - Math.max(0, e.ageNanos());
            return switch (e.kind()) {
                case "started" -> new RuntimeEvent.Started(e.platform(), received);
                case "ready" -> new RuntimeEvent.Ready(e.sequence(), e.platform(), received);
                case "checkpoint" -> new RuntimeEvent.CheckpointWritten(e.sequence(), received);
                case "checkpoint-failed" -> new RuntimeEvent.CheckpointFailed(HostedApps.printable(String.valueOf(e.message())), received);
                case "exiting" -> new RuntimeEvent.Exiting(e.status(), received);
                case "exited" -> new RuntimeEvent.ProcessExited(String.valueOf(e.containerId()), e.status(), received);
                case "precopied" -> precopied(e, received);
                default -> null;
            };
        }

        /**
         * A pre-copy round an agent of protocol {@value dev.talent.fleet.Protocol#PRECOPY} reported: its round, image
         * and sizes, checked as the runtime's own event line is; null when it is not one (an older agent's, without
         * sizes, or malformed): the round then times out and the program runs on at the source.
         */
        private static RuntimeEvent precopied(AppsMessages.Event e, long received) {
            if (e.bytes() == null || e.deltaBytes() == null || e.bytes() < 0 || e.deltaBytes() < -1) return null;
            if (e.sequence() < 1 || e.sequence() > 999_999_999L) return null;
            if (e.message() == null || !dev.talent.format.RuntimeContract.PRECOPY_IMAGE_NAME.matcher(e.message()).matches()) return null;
            return new RuntimeEvent.Precopied((int) e.sequence(), e.message(), e.bytes(), e.deltaBytes(), received);
        }

        @Override
        public void clearEvents() {
            try {
                agent.op("clear-events", app, at.platform(), "", "", 0);
            } catch (IOException e) {
                // events of an earlier container may then be read: each step matches container ids where it matters
            }
        }

        HostFiles files() { return files(null); }

        /**
         * This place's files; {@code sendTo} not null (a migration's source): its take asks the agent to start sending
         * the checkpoint to {@code sendTo} as soon as it is taken and signed, and the hand-over that follows
         * ({@code SendCheckpoint}) only waits for that send's end: one controller round trip less inside the downtime.
         * An agent of {@value dev.talent.fleet.Protocol#HANDED_IN_TAKE} is asked to answer the take only once the send
         * ended, and then no {@code SendCheckpoint} is made at all: one more round trip less. The destination's checks
         * are the same (the same statement, bytes and stream).
         */
        HostFiles files(RemotePlace sendTo) {
            String ahead = sendTo == null ? "" : HostedApps.sendAheadArg(sendTo.address.getHostString(), sendTo.address.getPort(),
                    sendTo.at.platform());
            // an agent before 6 takes no number with a take; one of 6 or later waits for the send with 1
            long waitForSend = sendTo != null && speaks >= dev.talent.fleet.Protocol.HANDED_IN_TAKE ? 1 : 0;
            return new HostFiles() {
                @Override
                public String name() { return at.toString(); }

                @Override
                public void clearCheckpoints() throws IOException { agent.op("clear-checkpoints", app, at.platform(), "", "", 0); }

                @Override
                public OutgoingCheckpoint takeCheckpoint() throws IOException {
                    handedNanos = 0;
                    // a take that waits for its send may take as long as a take and an upload: each had a call's time
                    AppsMessages.Statement s = agent.call(AppsRpc.TAKE_CHECKPOINT, new AppsMessages.Op("take", app, at.platform(), "", ahead,
                            waitForSend), (1 + waitForSend) * AgentClient.CALL_MS);
                    CheckpointSignature sig = HostedApps.signature(s);
                    RemotePlace source = RemotePlace.this;
                    // handed to sendTo already when the answer says so (asked or not: said only of the send asked for)
                    boolean handed = s != null && s.handed();
                    if (handed && sendTo == null) throw new IOException("agent " + at.host() + " says it handed a checkpoint over unasked");
                    long received = handed ? s.receivedNanos() : 0;
                    handedNanos = handed ? Math.max(1, s.handedNanos()) : 0;
                    // an agent before protocol 4 cannot say what binds its checkpoint: assumed bound to its platform's layout
                    java.util.Optional<dev.talent.format.ByteOrderBinding> binding = s.binding() != null
                            ? java.util.Optional.of(s.binding().value())
                            : dev.talent.fleet.Protocol.unsaidBinding(at.host(), at.platform(), speaks);
                    takenSockets = s.sockets();
                    return new OutgoingCheckpoint(sig.name(), sig.sequence(), s.sockets(), sig,
                            () -> handed ? new Handover(source, sendTo, received) : new Handover(source), binding);
                }

                @Override
                public java.util.Optional<Boolean> bigEndian() {
                    try {
                        return java.util.Optional.of(dev.talent.toolchain.Platform.parse(at.platform()).bigEndian());
                    } catch (IllegalArgumentException unknown) {
                        return java.util.Optional.empty();  // a platform talent does not know: its restore decides
                    }
                }

                @Override
                public void keepTakenCheckpoint() throws IOException { agent.op("keep-taken", app, at.platform(), "", "", 0); }

                @Override
                public void receiveCheckpoint(CheckpointSignature signed, InputStream bytes) throws IOException {
                    // the bytes go from the source's agent to this one: the caller only says so
                    if (!(bytes instanceof Handover h)) throw new IOException("a checkpoint reaches " + at + " only from another agent");
                    if (h.handedTo == RemotePlace.this) {
                        // the source's take sent it here and answered once this agent had received and verified it
                        receivedNanos = h.receivedNanos;
                        return;
                    }
                    AppsMessages.Reply r = h.source.agent.call(AppsRpc.SEND_CHECKPOINT, new AppsMessages.Send(app, h.source.at.platform(),
                            address.getHostString(), address.getPort(), at.platform(), ""));
                    receivedNanos = r == null ? 0 : r.number();
                }

                @Override
                public OutgoingCheckpoint takePrecopyImage(String name) throws IOException {
                    if (speaks < dev.talent.fleet.Protocol.PRECOPY)
                        throw new IOException("agent " + at.host() + " speaks protocol " + speaks + ", which has no pre-copy");
                    AppsMessages.Statement s = agent.call(AppsRpc.TAKE_PRECOPY, new AppsMessages.Op("take-precopy", app, at.platform(), "", name, 0));
                    CheckpointSignature sig = HostedApps.signature(s);
                    if (!sig.name().equals(name)) throw new IOException("agent " + at.host() + " took " + HostedApps.printable(sig.name())
                            + ", not the pre-copy image " + name);
                    RemotePlace source = RemotePlace.this;
                    return new OutgoingCheckpoint(sig.name(), sig.sequence(), s.sockets(), sig, () -> new Handover(source));
                }

                @Override
                public void receivePrecopyImage(CheckpointSignature signed, InputStream bytes) throws IOException {
                    // the image goes from the source's agent to this one, which keeps it as the coming delta's base
                    if (!(bytes instanceof Handover h)) throw new IOException("a pre-copy image reaches " + at + " only from another agent");
                    if (speaks < dev.talent.fleet.Protocol.PRECOPY)
                        throw new IOException("agent " + at.host() + " speaks protocol " + speaks + ", which has no pre-copy");
                    h.source.agent.call(AppsRpc.SEND_PRECOPY, new AppsMessages.Send(app, h.source.at.platform(), address.getHostString(),
                            address.getPort(), at.platform(), ""));
                }

                @Override
                public RestoredCheckpoints restoreAcceptedCheckpoints(Consumer<String> warn) throws IOException {
                    AppsMessages.Restored r = agent.call(AppsRpc.RESTORE_ACCEPTED, new AppsMessages.Op("restore", app, at.platform(), "", "", 0));
                    for (String w : r.refused()) warn.accept(w);
                    return new RestoredCheckpoints(r.copied(), r.newest().isEmpty() ? Optional.empty() : Optional.of(new BigInteger(r.newest())),
                            r.refused());
                }

                @Override
                public String whereStateIs() {
                    try {
                        return agent.op("where", app, at.platform(), "", "", 0).text();
                    } catch (IOException e) {
                        return "on " + at + " (its agent cannot say where: " + e.getMessage() + ")";
                    }
                }
            };
        }
    }

    /**
     * Stands for a checkpoint's bytes in the pipeline: they are not read here, the destination asks the source's agent
     * to send them ({@link RemotePlace#files()}).
     */
    static final class Handover extends InputStream {
        final RemotePlace source;
        /** Where the source's take handed the checkpoint over already (null: nowhere), and that place's own time of it. */
        final RemotePlace handedTo;
        final long receivedNanos;

        Handover(RemotePlace source) { this(source, null, 0); }

        Handover(RemotePlace source, RemotePlace handedTo, long receivedNanos) {
            this.source = source;
            this.handedTo = handedTo;
            this.receivedNanos = receivedNanos;
        }

        @Override
        public int read() throws IOException { throw refused(); }

        @Override
        public int read(byte[] b, int off, int len) throws IOException { throw refused(); }

        private static IOException refused() { return new IOException("a checkpoint is streamed agent to agent, not read by the caller"); }
    }

    /** A container on a host, through its agent. */
    static final class RemoteContainer implements AppContainer {
        private final AgentClient agent;
        private final String app;
        private final String id;
        private final boolean network;
        /** A prepared destination's platform: its start does the agent's before-start first, in the same call; or null. */
        private final String beforeStartOn;
        /** Whether its agent drops new handshakes when asked ({@link dev.talent.fleet.Protocol#DROPS_NEW_CONNECTIONS}). */
        private final boolean dropsSyns;
        /** Started ahead by its agent ({@link dev.talent.fleet.Protocol#STARTS_AHEAD}): its start is the go. */
        private final boolean ahead;
        private CompletableFuture<Integer> exit;

        RemoteContainer(AgentClient agent, String app, String id, boolean network) { this(agent, app, id, network, null, false); }

        RemoteContainer(AgentClient agent, String app, String id, boolean network, String beforeStartOn, boolean dropsSyns) {
            this(agent, app, id, network, beforeStartOn, dropsSyns, false);
        }

        RemoteContainer(AgentClient agent, String app, String id, boolean network, String beforeStartOn, boolean dropsSyns,
                boolean ahead) {
            this.agent = agent;
            this.app = app;
            this.id = id;
            this.network = network;
            this.beforeStartOn = beforeStartOn;
            this.dropsSyns = dropsSyns;
            this.ahead = ahead;
        }

        @Override
        public boolean startedAhead() { return ahead; }

        @Override
        public void awaitReady(Duration timeout) throws IOException {
            if (!ahead) throw new IOException("container " + id + " was not started ahead");
            long ms = Math.max(1, Math.min(timeout.toMillis(), HostedApps.MAX_AWAIT_GO.toMillis()));
            agent.call(AppsRpc.OP, new AppsMessages.Op(AppsRpc.AWAIT_GO, app, "", id, "", ms), ms + AgentClient.CALL_MS);
        }

        /**
         * This container, whose {@link #start} asks its agent to do {@link HostedApps#beforeStart} on {@code platform}
         * and then start it, in one call (a prepared destination: one round trip less inside the downtime). An agent
         * that does not know the combined op refuses it, and the start fails (rollback) rather than skip before-start.
         */
        RemoteContainer withBeforeStart(String platform) { return new RemoteContainer(agent, app, id, network, platform, dropsSyns, ahead); }

        @Override
        public String id() { return id; }

        @Override
        public boolean hasNetwork() { return network; }

        @Override
        public void lockNetwork() throws IOException { agent.op("lock-network", app, "", id, "", 0); }

        /** The destination's half of the lock, on its host (HostedApps.holdNetwork): whether it holds the app's packets. */
        @Override
        public boolean holdNetwork() throws IOException { return network && agent.op("hold-network", app, "", id, "", 0).flag(); }

        /** Unlocks it and, since it may run on another host than before, announces its address there (one call). */
        @Override
        public void unlockNetwork() throws IOException { agent.op("unlock-network", app, "", id, "", 0); }

        /**
         * A source about to stop (--net): its agent drops new handshakes in the app's namespace and waits for the
         * answered ones, as {@code talent run} does on one host; an agent before protocol 7 is not asked (0, as before).
         */
        @Override
        public int dropNewConnections(Duration max) throws IOException {
            if (!network || !dropsSyns) return 0;
            return (int) Math.min(Integer.MAX_VALUE, agent.op("drop-syns", app, "", id, "", Math.max(1, max.toMillis())).number());
        }

        /** Undoes {@link #dropNewConnections} on the source's agent (the program goes on there). */
        @Override
        public void acceptNewConnections() throws IOException {
            if (network && dropsSyns) agent.op("accept-syns", app, "", id, "", 0);
        }

        @Override
        public boolean signal(Signal signal) throws IOException { return agent.op("signal", app, "", id, signal.name(), 0).flag(); }

        @Override
        public void start() throws IOException {
            if (beforeStartOn == null) agent.op("start", app, "", id, "", 0);
            else agent.op(AppsRpc.BEFORE_START_AND_START, app, beforeStartOn, id, "", 0);
        }

        @Override
        public synchronized CompletableFuture<Integer> onExit() {
            if (exit == null) {
                exit = new CompletableFuture<>();
                CompletableFuture<Integer> f = exit;
                Thread.ofVirtual().start(() -> {
                    try {
                        Iterator<AppsMessages.Reply> it = agent.stream(AppsRpc.WATCH_EXIT, new AppsMessages.Op("watch", app, "", id, "", 0));
                        if (it.hasNext()) f.complete((int) it.next().number());
                        else f.completeExceptionally(new IOException("no exit status of " + id));
                    } catch (RuntimeException e) {
                        f.completeExceptionally(e);
                    }
                });
            }
            return exit;
        }

        @Override
        public String logTail(int lines) {
            try {
                return agent.op("log-tail", app, "", id, "", lines).text();
            } catch (IOException e) {
                return "(the container log of " + id + " cannot be read: " + e.getMessage() + ")";
            }
        }

        @Override
        public void delete() throws IOException { agent.op("delete", app, "", id, "", 0); }

        @Override
        public String toString() { return id + " on " + agent.name(); }
    }

    /**
     * The pipeline's {@link ConnectionCarrier} across two agents (--net): the source's agent takes the program's
     * connections at its stop (TCP repair, as talent run), then sends their state, signed, straight to the
     * destination's agent, which restores them in the destination's namespace before it starts; after a rollback the
     * source's agent gives them back from its own copy. {@link #nanos()} is the time the hand-over took (net_ms).
     */
    static final class RemoteConnections implements ConnectionCarrier {
        private final String app;
        private final RemotePlace source;
        private final RemotePlace destination;
        private final Timeouts timeouts;
        /** The agent that gave connections to a container last (it is asked whether its program holds them). */
        private RemotePlace giver;
        private boolean taking;
        private long nanos;
        /** {@code --inject-fault checkpoint}: {@link #taken} fails once it has bound the state to the checkpoint. */
        boolean failAfterTaken;

        RemoteConnections(String app, RemotePlace source, RemotePlace destination, Timeouts timeouts) {
            this.app = app;
            this.source = source;
            this.destination = destination;
            this.timeouts = timeouts;
        }

        long nanos() { return nanos; }

        @Override
        public void beforeStop(HostContainers host, AppContainer program) throws IOException {
            if (!program.hasNetwork()) return;
            source.agent.op("tcp-take", app, source.at.platform(), "", "", timeouts.safePoint().toMillis() + 10_000);
            taking = true;
        }

        @Override
        public void taken(BigInteger sequence) throws IOException {
            if (!taking) return;
            taking = false;
            long t0 = System.nanoTime();
            try {
                long n = source.agent.op("tcp-taken", app, source.at.platform(), "", sequence.toString(), 0).number();
                // another host: the state goes agent to agent (one host's platforms share the app's directory)
                if (n > 0 && !source.at.host().equals(destination.at.host())) {
                    source.agent.call(AppsRpc.SEND_CONNECTIONS, new AppsMessages.Send(app, source.at.platform(),
                            destination.address.getHostString(), destination.address.getPort(), destination.at.platform(), sequence.toString()));
                }
            } finally {
                nanos += System.nanoTime() - t0;
            }
            if (failAfterTaken) {
                failAfterTaken = false;
                throw new IOException("fault injected at step checkpoint, after checkpoint " + sequence + " and its connections were"
                        + " accepted (migrate --inject-fault checkpoint)");
            }
        }

        @Override
        public void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException {
            RemotePlace at = host == source ? source : destination;
            if (!c.hasNetwork()) {
                clearTimeWait(host == destination ? destination : host == source ? source : null, sequence);
                return;
            }
            if (host != source && host != destination) throw new IOException("connections are given only on " + source.at + " or " + destination.at);
            long t0 = System.nanoTime();
            try {
                at.agent.op("tcp-give", app, at.at.platform(), c.id(), sequence.toString(), timeouts.restore().toMillis());
                giver = at;
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }

        /**
         * The carrier of an app on its hosts' own network (no --net): no connection is carried, but new handshakes to
         * its listeners are dropped on the source from before its stop until the copy listens ({@link HostHandshakes}),
         * and before a restore on the source or the destination the TIME_WAIT connections that would keep its
         * listeners from binding are ended ({@link #clearTimeWait}).
         */
        HostHandshakes hostNetwork(Consumer<String> warn) { return new HostHandshakes(warn); }

        /**
         * New handshakes to the listeners of an app on its source host's own network dropped there (protocol 8's
         * {@code host-drop-syns}) from before the stop until the copy listens ({@link #beforeUnlock}: the destination
         * after a move, the source again after a rollback) or the migration ended otherwise ({@link #acceptAgain}). A
         * peer's SYN then gets no answer and is sent again a second later, by when the source's address refuses it (the
         * app moved: a client of several hosts tries the next one, which listens) or the copy listens there (a
         * rollback); where the listeners closing with the source refused it at once while no copy listened anywhere,
         * and reset what their queues held. A source agent before 8 is not asked (its release's way, said once).
         */
        final class HostHandshakes implements ConnectionCarrier {
            private final Consumer<String> warn;
            private boolean dropping;

            HostHandshakes(Consumer<String> warn) { this.warn = warn; }

            @Override
            public void beforeStop(HostContainers host, AppContainer program) throws IOException {
                if (program.hasNetwork() || host != source) return;
                if (source.speaks < dev.talent.fleet.Protocol.HOST_DROPS_NEW_CONNECTIONS) {
                    warn.accept(app + ": agent " + source.at.host() + " speaks protocol " + source.speaks + ": new connections to its"
                            + " listeners on " + source.at.host() + " are not held off during the move (they are refused from the stop"
                            + " until the copy listens), as before; " + dev.talent.fleet.Protocol.HOST_DROPS_NEW_CONNECTIONS
                            + " holds them off (upgrade talent on " + source.at.host() + ")");
                    return;
                }
                // set first: a request that fails after the agent installed the drop is undone too (acceptAgain)
                synchronized (this) {
                    dropping = true;
                }
                source.agent.op("host-drop-syns", app, source.at.platform(), program.id(), "",
                        dev.talent.migrate.pipeline.SafePointStep.HANDSHAKES.toMillis());
            }

            @Override
            public void beforeStart(HostContainers host, AppContainer c, BigInteger sequence) throws IOException {
                RemoteConnections.this.beforeStart(host, c, sequence);
            }

            /** The copy listens (the destination, or the source after a rollback): new handshakes come in again. */
            @Override
            public void beforeUnlock() throws IOException {
                synchronized (this) {
                    if (!dropping) return;
                }
                source.agent.op("host-accept-syns", app, source.at.platform(), "", "", 0);
                synchronized (this) {
                    dropping = false;
                }
            }

            /**
             * The migration is over, whatever its end (a failure before the stop, where the program goes on at the source,
             * or a rollback that did not restart it): new handshakes come in again; a failure is said (the source's
             * agent removes the table when the app goes from there, or at its next start).
             */
            void acceptAgain() {
                try {
                    beforeUnlock();
                } catch (IOException e) {
                    warn.accept(app + ": cannot let new connections to its listeners on " + source.at.host() + " in again: " + e.getMessage());
                }
            }
        }

        /**
         * An app on its host's own network (no --net) about to restore {@code sequence} at {@code at}: its agent ends the
         * TIME_WAIT connections that would keep the checkpoint's listeners from binding (the destination may hold
         * them from an earlier stay of the app, the source after a rollback from the connections it just closed), as
         * talent run does on one host. Not asked of an agent before protocol 7, nor at a destination when the
         * checkpoint moved has no socket (its take said so): no round trip in that downtime.
         */
        private void clearTimeWait(RemotePlace at, BigInteger sequence) throws IOException {
            if (at == null || at.speaks < dev.talent.fleet.Protocol.DROPS_NEW_CONNECTIONS) return;
            if (at == destination && source.takenSockets == 0) return;
            at.agent.op("clear-time-wait", app, at.at.platform(), "", sequence.toString(), 0);
        }

        @Override
        public void beforeUnlock() throws IOException {
            RemotePlace g = giver;
            giver = null;
            if (g == null) return;
            long t0 = System.nanoTime();
            try {
                g.agent.op("tcp-held", app, g.at.platform(), "", "", 0);
            } finally {
                nanos += System.nanoTime() - t0;
            }
        }

        @Override
        public void cancel() {
            taking = false;
            giver = null;
            for (RemotePlace p : List.of(source, destination)) {
                try {
                    p.agent.op("tcp-cancel", app, p.at.platform(), "", "", 0);
                } catch (IOException e) {
                    // that agent is not reachable: its helper ends at its own timeout
                }
            }
        }

        @Override
        public void forget() throws IOException {
            // after a rollback: the source's program holds them again
            source.agent.op("tcp-forget", app, source.at.platform(), "", "", 0);
        }

        /** After the commit: the destination's copy of the state is history (the source's goes with its release). */
        void forgetQuietly(Consumer<String> warn) {
            try {
                destination.agent.op("tcp-forget", app, destination.at.platform(), "", "", 0);
            } catch (IOException e) {
                warn.accept("cannot remove the TCP state of " + app + " on " + destination.at + ": " + e.getMessage());
            }
        }
    }

    /** The destination's replica of the working directory, fed by the source's agent from its change journal. */
    static final class RemoteWorkdir implements WorkdirTransport {
        private final AgentClient source;
        private final AgentClient destination;
        private final AppsMessages.Send send;
        private final RemotePlace destPlace;

        RemoteWorkdir(AgentClient source, AgentClient destination, AppsMessages.Send send, RemotePlace destPlace) {
            this.source = source;
            this.destination = destination;
            this.send = send;
            this.destPlace = destPlace;
        }

        private SyncReport sync(String mode) throws IOException {
            AppsMessages.Sync s = source.call(AppsRpc.SYNC_TO, send.mode(mode));
            return new SyncReport(s.mode(), s.filesCopied(), s.filesDeleted(), s.bytesCopied(), s.entriesVanished(), s.nanos());
        }

        @Override
        public SyncReport mirror() throws IOException { return sync("mirror"); }

        @Override
        public SyncReport presync() throws IOException { return sync("journal"); }

        @Override
        public SyncReport finalSync() throws IOException { return sync("journal"); }

        @Override
        public void close() {
            try {
                destination.op("drop-journal", send.app(), destPlace.at.platform(), "", "", 0);
            } catch (IOException e) {
                // the prepared place goes with the release that follows
            }
        }
    }

    @Override
    public void close() {
        synchronized (clients) {
            for (Link l : clients.values()) l.client().channel().shutdownNow();
            clients.clear();
        }
    }
}
