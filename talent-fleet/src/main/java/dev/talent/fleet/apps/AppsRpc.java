package dev.talent.fleet.apps;

import dev.talent.fleet.JsonMarshaller;
import dev.talent.migrate.RuntimeEvent;
import dev.talent.migrate.pipeline.AppContainer;
import dev.talent.migrate.pipeline.CheckpointSignatureException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * The agents' apps service ({@code talent.fleet.v1.Apps}): hand-written method descriptors over JSON records
 * ({@link AppsMessages}), and the server side that maps each call onto {@link HostedApps}. Byte streams (blobs,
 * checkpoints, working directories) go as a head and chunks of at most {@link #CHUNK} raw bytes ({@link StreamMarshaller}); a receiver spools a stream to a file of
 * the host (bounded) before it uses it, so a slow or hostile peer holds no thread of the server.
 */
public final class AppsRpc {
    static final String SERVICE = "talent.fleet.v1.Apps";
    static final int CHUNK = 32 * 1024;
    /** The most a message as JSON may be (a stream's head: a sync's list of paths, a checkpoint's statement). */
    static final int MAX_MESSAGE = 128 * 1024;
    /** The most a sync's log tail or a spooled stream may be. */
    static final long MAX_SPOOL = 8L << 30;

    private AppsRpc() {}

    private static <Q, R> MethodDescriptor<Q, R> method(String name, MethodDescriptor.MethodType type, Class<Q> q, Class<R> r) {
        return method(name, type, new JsonMarshaller<>(q, MAX_MESSAGE), new JsonMarshaller<>(r, MAX_MESSAGE));
    }

    private static <Q, R> MethodDescriptor<Q, R> method(String name, MethodDescriptor.MethodType type, MethodDescriptor.Marshaller<Q> q,
            MethodDescriptor.Marshaller<R> r) {
        return MethodDescriptor.<Q, R>newBuilder().setType(type).setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(q).setResponseMarshaller(r).build();
    }

    /** Parts of a checkpoint's stream: the first carries the statement, the others only bytes (sent raw). */
    static final StreamMarshaller<AppsMessages.CheckpointPart> CHECKPOINT_PARTS = new StreamMarshaller<>(AppsMessages.CheckpointPart.class,
            MAX_MESSAGE, CHUNK, c -> c.platform() == null && c.statement() == null ? c.data() : null,
            b -> new AppsMessages.CheckpointPart(null, null, b));
    /** Parts of a sync's stream: the first carries the header, the others only bytes (sent raw). */
    static final StreamMarshaller<AppsMessages.SyncPart> SYNC_PARTS = new StreamMarshaller<>(AppsMessages.SyncPart.class, MAX_MESSAGE, CHUNK,
            c -> c.app() == null && c.platform() == null && c.mode() == null && c.paths() == null && c.logFrom() == 0 && c.logLength() == 0
                    && c.errFrom() == 0 && c.errLength() == 0 && c.expectLog() == null && c.expectErr() == null && c.bounded() == null
                    && c.archiveLength() == null ? c.data() : null,
            b -> new AppsMessages.SyncPart(null, null, null, null, 0, 0, 0, 0, b));
    /** Chunks of a blob or a working directory's archive: a head names the blob, the others carry only bytes (sent raw). */
    static final StreamMarshaller<AppsMessages.Chunk> CHUNKS = new StreamMarshaller<>(AppsMessages.Chunk.class, MAX_MESSAGE, CHUNK,
            c -> (c.sha256() == null || c.sha256().isEmpty()) && c.size() == 0 ? c.data() : null, b -> new AppsMessages.Chunk(null, 0, b));

    private static final MethodDescriptor.MethodType UNARY = MethodDescriptor.MethodType.UNARY;
    static final MethodDescriptor<AppsMessages.Chunk, AppsMessages.Reply> PUT_BLOB =
            method("PutBlob", MethodDescriptor.MethodType.CLIENT_STREAMING, CHUNKS, new JsonMarshaller<>(AppsMessages.Reply.class, MAX_MESSAGE));
    static final MethodDescriptor<AppsMessages.Start, AppsMessages.Reply> START = method("Start", UNARY, AppsMessages.Start.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.Start, AppsMessages.Reply> PREPARE = method("Prepare", UNARY, AppsMessages.Start.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.State> STATE = method("State", UNARY, AppsMessages.Op.class, AppsMessages.State.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Logs> LOGS = method("Logs", UNARY, AppsMessages.Op.class, AppsMessages.Logs.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Start> DESCRIBE = method("Describe", UNARY, AppsMessages.Op.class, AppsMessages.Start.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Reply> OP = method("Op", UNARY, AppsMessages.Op.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Event> NEXT_EVENT = method("NextEvent", UNARY, AppsMessages.Op.class, AppsMessages.Event.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Reply> WATCH_EXIT =
            method("WatchExit", MethodDescriptor.MethodType.SERVER_STREAMING, AppsMessages.Op.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Statement> TAKE_CHECKPOINT =
            method("TakeCheckpoint", UNARY, AppsMessages.Op.class, AppsMessages.Statement.class);
    static final MethodDescriptor<AppsMessages.Send, AppsMessages.Reply> SEND_CHECKPOINT =
            method("SendCheckpoint", UNARY, AppsMessages.Send.class, AppsMessages.Reply.class);
    /** Protocol {@value dev.talent.fleet.Protocol#PRECOPY}: the source accepts and signs a pre-copy round's image ({@code arg}). */
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Statement> TAKE_PRECOPY =
            method("TakePrecopy", UNARY, AppsMessages.Op.class, AppsMessages.Statement.class);
    /** Protocol {@value dev.talent.fleet.Protocol#PRECOPY}: the source sends the image it took to the destination, which keeps it. */
    static final MethodDescriptor<AppsMessages.Send, AppsMessages.Reply> SEND_PRECOPY =
            method("SendPrecopy", UNARY, AppsMessages.Send.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.CheckpointPart, AppsMessages.Reply> RECEIVE_CHECKPOINT =
            method("ReceiveCheckpoint", MethodDescriptor.MethodType.CLIENT_STREAMING, CHECKPOINT_PARTS,
                    new JsonMarshaller<>(AppsMessages.Reply.class, MAX_MESSAGE));
    static final MethodDescriptor<AppsMessages.Send, AppsMessages.Reply> SEND_CONNECTIONS =
            method("SendConnections", UNARY, AppsMessages.Send.class, AppsMessages.Reply.class);
    static final MethodDescriptor<AppsMessages.CheckpointPart, AppsMessages.Reply> RECEIVE_CONNECTIONS =
            method("ReceiveConnections", MethodDescriptor.MethodType.CLIENT_STREAMING, CHECKPOINT_PARTS,
                    new JsonMarshaller<>(AppsMessages.Reply.class, MAX_MESSAGE));
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Restored> RESTORE_ACCEPTED =
            method("RestoreAccepted", UNARY, AppsMessages.Op.class, AppsMessages.Restored.class);
    static final MethodDescriptor<AppsMessages.Send, AppsMessages.Sync> SYNC_TO = method("SyncTo", UNARY, AppsMessages.Send.class, AppsMessages.Sync.class);
    static final MethodDescriptor<AppsMessages.SyncPart, AppsMessages.Sync> RECEIVE_SYNC =
            method("ReceiveSync", MethodDescriptor.MethodType.CLIENT_STREAMING, SYNC_PARTS, new JsonMarshaller<>(AppsMessages.Sync.class, MAX_MESSAGE));
    static final MethodDescriptor<AppsMessages.Op, AppsMessages.Chunk> FETCH_WORKDIR =
            method("FetchWorkdir", MethodDescriptor.MethodType.SERVER_STREAMING, new JsonMarshaller<>(AppsMessages.Op.class, MAX_MESSAGE), CHUNKS);

    /** The service over {@code apps}; blocking work runs on threads of its own, never on the transport's. */
    public static ServerServiceDefinition service(HostedApps apps) {
        // every call's protocol version is read (and a malformed or too old one refused) before it runs
        return io.grpc.ServerInterceptors.intercept(methods(apps), ProtocolHeader.CHECK);
    }

    private static ServerServiceDefinition methods(HostedApps apps) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(PUT_BLOB, ServerCalls.asyncClientStreamingCall(response -> new Spool<AppsMessages.Chunk, AppsMessages.Reply>(
                        apps, response, pool) {
                    BlobStore.Upload upload;

                    @Override
                    void first(AppsMessages.Chunk c) throws IOException {
                        if (apps.blobs().has(BlobStore.checkName(c.sha256()))) return;
                        upload = apps.blobs().upload(c.sha256(), c.size());
                    }

                    @Override
                    void data(AppsMessages.Chunk c) throws IOException {
                        if (upload != null && c.data() != null) upload.out().write(c.data());
                    }

                    @Override
                    AppsMessages.Reply complete() throws IOException {
                        if (upload == null) return new AppsMessages.Reply("present", 0, true);
                        BlobStore.Upload u = upload;
                        try (u) {
                            u.commit();
                        }
                        return new AppsMessages.Reply("stored", 0, true);
                    }

                    @Override
                    void abandon() {
                        if (upload == null) return;
                        try {
                            upload.close();
                        } catch (IOException ignored) {
                            // a part file that stays is removed with the incoming directory's next use
                        }
                    }
                }))
                .addMethod(START, unary(pool, s -> {
                    apps.start(s);
                    return new AppsMessages.Reply("started", 0, true);
                }))
                .addMethod(PREPARE, unary(pool, s -> {
                    apps.prepare(s);
                    return new AppsMessages.Reply("prepared", 0, true);
                }))
                .addMethod(STATE, unary(pool, o -> apps.state(o.app())))
                .addMethod(LOGS, unary(pool, o -> apps.logs(o.app(), o.id(), o.number(), parseInt(o.arg()))))
                .addMethod(DESCRIBE, unary(pool, o -> forCaller(apps.describe(o.app()), ProtocolHeader.caller())))
                .addMethod(OP, unary(pool, o -> op(apps, o)))
                .addMethod(NEXT_EVENT, unary(pool, o -> event(apps.nextEvent(o.app(), o.platform(),
                        Duration.ofMillis(Math.max(1, Math.min(o.number(), 120_000)))), ProtocolHeader.caller())))
                .addMethod(WATCH_EXIT, ServerCalls.asyncServerStreamingCall((o, response) -> {
                    try {
                        AppContainer c = apps.container(o.app(), o.id());
                        // not kept: the action answers the call and catches what a cancelled call throws
                        var _ = c.onExit().whenComplete((status, failure) -> {
                            try {
                                if (failure != null) {
                                    response.onError(Status.INTERNAL.withDescription(String.valueOf(failure.getMessage())).asRuntimeException());
                                } else {
                                    response.onNext(new AppsMessages.Reply("exited", status, true));
                                    response.onCompleted();
                                }
                            } catch (RuntimeException cancelled) {
                                // the caller went away
                            }
                        });
                    } catch (IOException e) {
                        response.onError(status(e));
                    }
                }))
                .addMethod(TAKE_CHECKPOINT, unary(pool, o -> {
                    // number 1: answer once the send ahead ended (protocol 6, asked and spoken by both ends; else as 5)
                    int caller = ProtocolHeader.caller();
                    boolean waitForSend = o.number() == 1 && caller >= dev.talent.fleet.Protocol.HANDED_IN_TAKE;
                    AppsMessages.Statement st = apps.takeCheckpoint(o.app(), o.platform(), HostedApps.sendAhead(o.app(), o.platform(), o.arg()),
                            waitForSend);
                    return forCaller(st, caller);
                }))
                .addMethod(TAKE_PRECOPY, unary(pool, o -> apps.takePrecopyImage(o.app(), o.platform(), o.arg())))
                .addMethod(SEND_PRECOPY, unary(pool, s -> {
                    apps.sendPrecopyImage(s);
                    return new AppsMessages.Reply("sent", 0, true);
                }))
                // the number: the destination's own time of the checkpoint (head to file placed, ns; 0: not said)
                .addMethod(SEND_CHECKPOINT, unary(pool, s -> new AppsMessages.Reply("sent", apps.sendCheckpoint(s), true)))
                .addMethod(RECEIVE_CHECKPOINT, ServerCalls.asyncClientStreamingCall(response -> new StreamedSigned(apps, response, pool,
                        "checkpoint", MAX_SPOOL, (head, in) -> {
                            // the number: how long this agent took, from the head to the file placed (the record's receive_ms)
                            long began = System.nanoTime();
                            apps.receiveCheckpoint(head.statement().app(), head.platform(), head.statement(), in);
                            return new AppsMessages.Reply("received", Math.max(1, System.nanoTime() - began), true);
                        })))
                .addMethod(SEND_CONNECTIONS, unary(pool, s -> new AppsMessages.Reply("", 0, apps.sendConnections(s))))
                .addMethod(RECEIVE_CONNECTIONS, ServerCalls.asyncClientStreamingCall(response -> new StreamedSigned(apps, response, pool,
                        "TCP state", HostedApps.MAX_CONNECTION_STATE, (head, in) -> new AppsMessages.Reply("received",
                                apps.receiveConnections(head.statement().app(), head.statement(), in), true))))
                .addMethod(RESTORE_ACCEPTED, unary(pool, o -> {
                    List<String> warnings = new ArrayList<>();
                    AppsMessages.Restored r = apps.restoreAccepted(o.app(), o.platform(), warnings::add);
                    return r;
                }))
                .addMethod(SYNC_TO, unary(pool, s -> {
                    AppsMessages.Sync r = apps.syncTo(s);
                    apps.metrics().sync(s.app(), "sent", r);
                    return r;
                }))
                .addMethod(RECEIVE_SYNC, ServerCalls.asyncClientStreamingCall(response -> new StreamedSync(apps, response, pool, (h, zip, logs) -> {
                    // the logs the source's part starts from: as it expects, or nothing is applied (it asks)
                    apps.checkLogSizes(h.app(), h.expectLog(), h.expectErr());
                    AppsMessages.Sync r = apps.receiveSync(h.app(), h.platform(), h.mode(), h.paths(), zip, logs);
                    apps.metrics().sync(h.app(), "received", r);
                    return r;
                })))
                .addMethod(FETCH_WORKDIR, ServerCalls.asyncServerStreamingCall((o, response) -> pool.execute(() -> {
                    try {
                        try (ChunkOut out = new ChunkOut(c -> response.onNext(new AppsMessages.Chunk("", 0, c)))) {
                            apps.fetchWorkdir(o.app(), out);
                        }
                        response.onCompleted();
                    } catch (IOException | RuntimeException e) {
                        response.onError(status(e));
                    }
                })))
                .build();
    }

    /** A prepared destination's before-start and start in one call (one controller round trip less in the downtime). */
    static final String BEFORE_START_AND_START = "before-start-and-start";

    /** A restarting destination started ahead of the stop, its runtime waiting for its go (protocol 9). */
    static final String CREATE_AHEAD = "create-ahead";

    /** Returns once a destination started ahead waits for its go, waiting at most {@code number} ms (protocol 9). */
    static final String AWAIT_GO = "await-go";

    /** The {@code remove} op's argument for a copy that is not the app's: its network goes silent before its teardown. */
    static final String REMOVE_SILENT = "silent";

    /** Generic unary operations on an app, a place or a container. */
    private static AppsMessages.Reply op(HostedApps apps, AppsMessages.Op o) throws IOException, InterruptedException {
        return switch (o.op()) {
            case "has-blob" -> new AppsMessages.Reply("", 0, apps.blobs().has(o.arg()));
            case "remove" -> {
                apps.remove(o.app(), REMOVE_SILENT.equals(o.arg()));
                yield new AppsMessages.Reply("removed", 0, true);
            }
            case "current-container" -> new AppsMessages.Reply(apps.currentContainer(o.app()), 0, true);
            case "log-size" -> {
                long[] sizes = apps.logSizes(o.app());
                yield new AppsMessages.Reply(Long.toString(sizes[1]), sizes[0], true);
            }
            case "create" -> {
                AppContainer c = apps.create(o.app(), o.platform(), o.number() != 0, o.arg().isEmpty() ? Optional.empty() : Optional.of(o.arg()));
                yield new AppsMessages.Reply(c.id(), 0, c.hasNetwork());
            }
            case CREATE_AHEAD -> {
                since(dev.talent.fleet.Protocol.STARTS_AHEAD, o);
                AppContainer c = apps.createStartedAhead(o.app(), o.platform(), o.arg().isEmpty() ? Optional.empty() : Optional.of(o.arg()));
                yield new AppsMessages.Reply(c.id(), 0, c.hasNetwork());
            }
            case AWAIT_GO -> {
                since(dev.talent.fleet.Protocol.STARTS_AHEAD, o);
                apps.awaitGo(o.app(), o.id(), HostedApps.awaitGoWait(o.number()));
                yield new AppsMessages.Reply("", 0, true);
            }
            case "signal" -> new AppsMessages.Reply("", 0, apps.signal(o.app(), o.id(), o.arg()));
            case "start" -> {
                apps.startContainer(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case BEFORE_START_AND_START -> {
                apps.beforeStart(o.app(), o.platform());
                apps.startContainer(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "delete" -> {
                apps.deleteContainer(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "log-tail" -> new AppsMessages.Reply(apps.container(o.app(), o.id()).logTail((int) Math.min(200, Math.max(1, o.number()))), 0, true);
            case "lock-network" -> {
                apps.lockNetwork(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "hold-network" -> new AppsMessages.Reply("", 0, apps.holdNetwork(o.app(), o.id()));
            case "unlock-network" -> {
                apps.unlockNetwork(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "drop-syns" -> {
                since(dev.talent.fleet.Protocol.DROPS_NEW_CONNECTIONS, o);
                yield new AppsMessages.Reply("", apps.dropNewConnections(o.app(), o.id(), HostedApps.handshakeWait(o.number())), true);
            }
            case "clear-time-wait" -> {
                since(dev.talent.fleet.Protocol.DROPS_NEW_CONNECTIONS, o);
                yield new AppsMessages.Reply("", apps.clearTimeWait(o.app(), o.platform(), HostedApps.sequence(o.arg())), true);
            }
            case "accept-syns" -> {
                since(dev.talent.fleet.Protocol.DROPS_NEW_CONNECTIONS, o);
                apps.acceptNewConnections(o.app(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "host-drop-syns" -> {
                since(dev.talent.fleet.Protocol.HOST_DROPS_NEW_CONNECTIONS, o);
                yield new AppsMessages.Reply("", apps.dropHostHandshakes(o.app(), o.id(), HostedApps.handshakeWait(o.number())), true);
            }
            case "host-accept-syns" -> {
                since(dev.talent.fleet.Protocol.HOST_DROPS_NEW_CONNECTIONS, o);
                apps.acceptHostHandshakes(o.app());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "isolate" -> {
                apps.isolate(o.app());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "rejoin" -> new AppsMessages.Reply("", 0, apps.rejoin(o.app()));
            case "tcp-take" -> {
                apps.takeConnections(o.app(), o.platform(), Duration.ofMillis(Math.max(1, Math.min(600_000, o.number()))));
                yield new AppsMessages.Reply("", 0, true);
            }
            case "tcp-taken" -> new AppsMessages.Reply("", apps.connectionsTaken(o.app(), o.platform(), HostedApps.sequence(o.arg())), true);
            case "tcp-give" -> {
                apps.giveConnections(o.app(), o.platform(), o.id(), HostedApps.sequence(o.arg()),
                        Duration.ofMillis(Math.max(1, Math.min(600_000, o.number()))));
                yield new AppsMessages.Reply("", 0, true);
            }
            case "tcp-held" -> {
                apps.connectionsHeld(o.app());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "tcp-cancel" -> {
                apps.cancelConnections(o.app());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "tcp-forget" -> {
                apps.forgetConnections(o.app());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "clear-events" -> {
                apps.clearEvents(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "keep-taken" -> {
                apps.keepTakenCheckpoint(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "clear-checkpoints" -> {
                apps.clearCheckpoints(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "before-start" -> {
                apps.beforeStart(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "resume" -> {
                apps.resume(o.app(), Duration.ofMillis(Math.max(1, Math.min(o.number(), 120_000))));
                yield new AppsMessages.Reply("resumed", 0, true);
            }
            case "adopt" -> {
                apps.adopt(o.app(), o.platform(), o.id());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "release" -> {
                apps.release(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "drop-place" -> {
                apps.dropPlace(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "drop-journal" -> {
                apps.dropJournal(o.app(), o.platform());
                yield new AppsMessages.Reply("", 0, true);
            }
            case "where" -> new AppsMessages.Reply(apps.whereStateIs(o.app(), o.platform()), 0, true);
            default -> throw new IOException("unknown operation " + HostedApps.printable(String.valueOf(o.op())));
        };
    }

    /** An operation of protocol {@code version}: an agent capped below it refuses it as that release did (unknown). */
    static void since(int version, AppsMessages.Op o) throws IOException {
        if (dev.talent.fleet.Protocol.speaking() < version)
            throw new IOException("unknown operation " + HostedApps.printable(String.valueOf(o.op())));
    }

    /** {@code e} as a caller of this build's protocol reads it. */
    static AppsMessages.Event event(RuntimeEvent e) { return event(e, dev.talent.fleet.Protocol.CURRENT); }

    /**
     * {@code e} as a caller of protocol {@code caller} reads it: a pre-copy round's sizes only from
     * {@value dev.talent.fleet.Protocol#PRECOPY} on (an older caller's reader refuses fields it does not know).
     */
    static AppsMessages.Event event(RuntimeEvent e, int caller) {
        if (e == null) return new AppsMessages.Event("none", "", 0, "", 0, "", 0);
        long age = Math.max(0, System.nanoTime() - e.receivedNanos());
        return switch (e) {
            case RuntimeEvent.Started s -> new AppsMessages.Event("started", s.platform(), 0, "", 0, "", age);
            case RuntimeEvent.Ready r -> new AppsMessages.Event("ready", r.platform(), r.sequence(), "", 0, "", age);
            case RuntimeEvent.CheckpointWritten w -> new AppsMessages.Event("checkpoint", "", w.sequence(), "", 0, "", age);
            case RuntimeEvent.CheckpointFailed f -> new AppsMessages.Event("checkpoint-failed", "", 0, f.message(), 0, "", age);
            case RuntimeEvent.Exiting x -> new AppsMessages.Event("exiting", "", 0, "", x.status(), "", age);
            // a caller before pre-copy ignores this kind (it never asked for a round)
            case RuntimeEvent.Precopied p -> caller >= dev.talent.fleet.Protocol.PRECOPY
                    ? new AppsMessages.Event("precopied", "", p.round(), p.image(), 0, "", age, p.bytes(), p.deltaBytes())
                    : new AppsMessages.Event("precopied", "", p.round(), p.image(), 0, "", age);
            // nor starts destinations with TALENT_AHEAD=base: no agent's destination writes this kind yet
            case RuntimeEvent.AheadRestored a -> new AppsMessages.Event("ahead", "", a.bytes(), a.image(), 0, "", age);
            case RuntimeEvent.ProcessExited x -> new AppsMessages.Event("exited", "", 0, "", x.status(), x.containerId(), age);
        };
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @FunctionalInterface
    interface Handler<Q, R> {
        R handle(Q q) throws IOException, InterruptedException;
    }

    private static <Q, R> io.grpc.ServerCallHandler<Q, R> unary(ExecutorService pool, Handler<Q, R> h) {
        // the call's context (the caller's protocol, ProtocolHeader) goes with it to the pool's thread
        return ServerCalls.asyncUnaryCall((q, response) -> pool.execute(io.grpc.Context.current().wrap(() -> {
            try {
                R r = h.handle(q);
                response.onNext(r);
                response.onCompleted();
            } catch (IOException | RuntimeException e) {
                response.onError(status(e));
            } catch (InterruptedException e) {
                response.onError(Status.CANCELLED.withDescription("interrupted").asRuntimeException());
            }
        })));
    }

    /** A take's answer as a caller of protocol {@code caller} reads it: without the binding before 4, which refuses it. */
    static AppsMessages.Statement forCaller(AppsMessages.Statement st, int caller) {
        AppsMessages.Statement s = caller >= dev.talent.fleet.Protocol.HANDED_IN_TAKE ? st : st.withHanded(null, null);
        return caller >= dev.talent.fleet.Protocol.STATEMENT_BINDING ? s : s.withBinding(null);
    }

    /** An app's description as a caller of protocol {@code caller} reads it: without pre-copy before 5, which refuses it. */
    static AppsMessages.Start forCaller(AppsMessages.Start s, int caller) {
        return caller >= dev.talent.fleet.Protocol.PRECOPY ? s : s.withoutPrecopy();
    }

    static StatusRuntimeException status(Exception e) {
        if (e instanceof StatusRuntimeException s) return s;
        if (e instanceof AgentLink.LogsMovedException) return Status.ABORTED.withDescription(AgentLink.LogsMovedException.MARK
                + e.getMessage()).asRuntimeException();
        Status base = e instanceof CheckpointSignatureException ? Status.PERMISSION_DENIED
                : e instanceof IOException ? Status.FAILED_PRECONDITION : Status.INTERNAL;
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return base.withDescription(m.length() > 4000 ? m.substring(0, 4000) + "..." : m).asRuntimeException();
    }

    /** An output stream that sends what is written as chunks. */
    static final class ChunkOut extends OutputStream {
        interface Sink {
            void accept(byte[] chunk) throws IOException;
        }

        private final Sink sink;
        private final byte[] buf = new byte[CHUNK];
        private int n;

        ChunkOut(Sink sink) { this.sink = sink; }

        @Override
        public void write(int b) throws IOException {
            buf[n++] = (byte) b;
            if (n == buf.length) flush();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int k = Math.min(len, buf.length - n);
                System.arraycopy(b, off, buf, n, k);
                n += k;
                off += k;
                len -= k;
                if (n == buf.length) flush();
            }
        }

        @Override
        public void flush() throws IOException {
            if (n == 0) return;
            sink.accept(java.util.Arrays.copyOf(buf, n));
            n = 0;
        }

        @Override
        public void close() throws IOException { flush(); }
    }

    /** The first {@code limit} bytes of a stream (closing it does not close the stream). */
    static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = in.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long k = 0;
            byte[] buf = new byte[8192];
            int r;
            while (k < n && (r = read(buf, 0, buf.length)) > 0) k += r;
            return k;
        }

        @Override
        public void close() {}
    }

    /**
     * How many messages of a client stream its receiver asks for ahead ({@link Spool}): with gRPC's default of one at a
     * time, each chunk is a round trip between the transport's thread and the call's (a wake-up of each per 32 KiB on
     * a busy host); asked for ahead, the transport hands over what arrived in one go. Bounds what is queued for the
     * call to this many chunks.
     */
    static final int REQUEST_AHEAD = 32;

    /**
     * The server side of a client stream: the first message, the data, the end; errors end the call. It asks for
     * {@link #REQUEST_AHEAD} messages ahead and for more as it takes them (half of them at a time).
     */
    abstract static class Spool<Q, R> implements StreamObserver<Q> {
        final HostedApps apps;
        private final StreamObserver<R> response;
        private final ExecutorService pool;
        private final io.grpc.stub.ServerCallStreamObserver<R> flow;
        private boolean started;
        private Exception failed;
        private int taken;

        Spool(HostedApps apps, StreamObserver<R> response, ExecutorService pool) {
            this.apps = apps;
            this.response = response;
            this.pool = pool;
            if (response instanceof io.grpc.stub.ServerCallStreamObserver<R> s) {
                // (only while the call starts: this constructor runs inside the handler's invoke)
                s.disableAutoRequest();
                s.request(REQUEST_AHEAD);
                this.flow = s;
            } else {
                this.flow = null;
            }
        }

        /** After each message taken: more asked for once half of those asked for ahead were taken. */
        private void took() {
            if (flow == null) return;
            if (++taken == REQUEST_AHEAD / 2) {
                taken = 0;
                flow.request(REQUEST_AHEAD / 2);
            }
        }

        abstract void first(Q q) throws IOException;

        abstract void data(Q q) throws IOException;

        abstract R complete() throws IOException;

        void abandon() {}

        @Override
        public void onNext(Q q) {
            took();
            if (failed != null) return;
            try {
                if (!started) {
                    started = true;
                    first(q);
                }
                data(q);
            } catch (IOException | RuntimeException e) {
                failed = e;
                abandon();
            }
        }

        @Override
        public void onError(Throwable t) { abandon(); }

        @Override
        public void onCompleted() {
            pool.execute(() -> {
                try {
                    if (failed != null) throw failed;
                    if (!started) throw new IOException("an empty stream");
                    response.onNext(complete());
                    response.onCompleted();
                } catch (Exception e) {
                    abandon();
                    response.onError(status(e));
                }
            });
        }
    }

    /** What reads a stream of signed parts while it arrives: the head (with its statement) and the bytes after it. */
    @FunctionalInterface
    interface SignedReceiver {
        AppsMessages.Reply receive(AppsMessages.CheckpointPart head, InputStream bytes) throws IOException;
    }

    /**
     * A stream of signed parts (a checkpoint, a TCP state), read by the destination's receiver while it arrives
     * ({@link ChunkPipe}): the statement checked to be well formed and its size bounded before any byte is taken, then
     * the receiver on a thread of its own ({@link HostedApps#receiveCheckpoint}: signature and chain verified before it
     * writes a byte, size and SHA-256 counted as the bytes come, the file placed only when both match;
     * {@link HostedApps#receiveConnections}: the same, then the state's header); the answer once it is through. Nothing
     * is spooled: the statement announces the size, so nothing has to wait for the stream's end.
     */
    static final class StreamedSigned extends Spool<AppsMessages.CheckpointPart, AppsMessages.Reply> {
        private final ExecutorService pool;
        private final ChunkPipe pipe = new ChunkPipe(REQUEST_AHEAD * 2);
        private final String what;
        private final long max;
        private final SignedReceiver receiver;
        private java.util.concurrent.CompletableFuture<AppsMessages.Reply> received;

        StreamedSigned(HostedApps apps, StreamObserver<AppsMessages.Reply> response, ExecutorService pool, String what, long max,
                SignedReceiver receiver) {
            super(apps, response, pool);
            this.pool = pool;
            this.what = what;
            this.max = max;
            this.receiver = receiver;
        }

        @Override
        void first(AppsMessages.CheckpointPart c) throws IOException {
            HostedApps.signature(c.statement()); // well formed, before any byte is taken
            if (c.statement().size() < 0 || c.statement().size() > max) throw new IOException(what + " size out of bounds");
            var r = new java.util.concurrent.CompletableFuture<AppsMessages.Reply>();
            received = r;
            pool.execute(() -> {
                try (pipe) {
                    r.complete(receiver.receive(c, pipe));
                } catch (IOException | RuntimeException e) {
                    r.completeExceptionally(e);
                }
            });
        }

        @Override
        void data(AppsMessages.CheckpointPart c) throws IOException {
            try {
                pipe.put(c.data());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while a " + what + " was arriving");
            }
        }

        @Override
        AppsMessages.Reply complete() throws IOException {
            pipe.end();
            try {
                return received.get(AgentClient.CALL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(String.valueOf(e.getCause()), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException("the " + what + " was not received in time", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }

        @Override
        void abandon() {
            // the receiver removes what it wrote (nothing reached the checkpoint directory)
            pipe.fail(new IOException("the " + what + "'s stream broke off"));
        }
    }

    /** What applies a sync: its head, its archive (as it arrives, or spooled), its log parts (after the archive). */
    @FunctionalInterface
    interface SyncReceiver {
        AppsMessages.Sync receive(AppsMessages.SyncPart head, InputStream archive, HostedApps.LogPart logs) throws IOException;
    }

    /**
     * A sync's stream ({@code ReceiveSync}). From a source of protocol 3 ({@code bounded} head) its archive is read by the
     * receiver while it arrives ({@link ChunkPipe}: unpacked to staging, never into the working directory), up to the
     * boundary, which must say how many bytes of archive came; the log parts follow, exactly as long as the head
     * announced. The receiver gets the log parts, and so applies anything, only once the whole stream ended as
     * announced (after the boundary, nothing but the log parts; no second boundary; not one missing). From an older
     * source the stream is spooled to a file until its end, as before (the archive's length is what remains once the
     * log parts' lengths are taken off).
     */
    static final class StreamedSync extends FileSpool<AppsMessages.SyncPart, AppsMessages.Sync> {
        private final ExecutorService pool;
        private final SyncReceiver receiver;
        private final ChunkPipe archive = new ChunkPipe(REQUEST_AHEAD * 2);
        private final java.util.concurrent.CompletableFuture<HostedApps.LogTail[]> logs = new java.util.concurrent.CompletableFuture<>();
        private final java.io.ByteArrayOutputStream logBytes = new java.io.ByteArrayOutputStream();
        private AppsMessages.SyncPart head;
        private boolean bounded, atBoundary, pastHead;
        private long archiveBytes;
        private java.util.concurrent.CompletableFuture<AppsMessages.Sync> received;

        StreamedSync(HostedApps apps, StreamObserver<AppsMessages.Sync> response, ExecutorService pool, SyncReceiver receiver) {
            super(apps, response, pool);
            this.pool = pool;
            this.receiver = receiver;
        }

        @Override
        void first(AppsMessages.SyncPart c) throws IOException {
            head = c;
            if (c.paths() == null || c.paths().size() > 1_000_000) throw new IOException("a sync names too many paths");
            if (!"mirror".equals(c.mode()) && !"journal".equals(c.mode())) throw new IOException("not a sync mode");
            if (c.logLength() < 0 || c.logLength() > HostedApps.MAX_LOG_PART || c.errLength() < 0
                    || c.errLength() > HostedApps.MAX_LOG_PART || c.logFrom() < 0 || c.errFrom() < 0)
                throw new IOException("a sync's log part is out of bounds");
            if (c.archiveLength() != null || (c.bounded() != null && !c.bounded())) throw new IOException("a sync's head is malformed");
            // an agent capped at an older version reads a head as that version's exact reader did: a field it lacks is refused
            int v = dev.talent.fleet.Protocol.speaking();
            if ((v < dev.talent.fleet.Protocol.SYNC_BOUNDARY && c.bounded() != null)
                    || (v < dev.talent.fleet.Protocol.SYNC_EXPECTS_LOGS && (c.expectLog() != null || c.expectErr() != null)))
                throw new IOException("a sync's head has a field protocol " + v + " does not have");
            bounded = Boolean.TRUE.equals(c.bounded());
            if (!bounded) {
                open(apps, c.app(), MAX_SPOOL);
                return;
            }
            var r = new java.util.concurrent.CompletableFuture<AppsMessages.Sync>();
            received = r;
            pool.execute(() -> {
                try (archive) {
                    r.complete(receiver.receive(c, archive, this::logsAfterArchive));
                } catch (IOException | RuntimeException e) {
                    r.completeExceptionally(e);
                }
            });
        }

        /** The receiver, once it unpacked the archive: the rest of it (to the boundary), then the log parts at the end. */
        private HostedApps.LogTail[] logsAfterArchive() throws IOException {
            archive.transferTo(OutputStream.nullOutputStream());
            return await(logs, "the sync's log parts");
        }

        @Override
        void data(AppsMessages.SyncPart c) throws IOException {
            if (!pastHead) { // the head itself (Spool gives every message to data, the first one too)
                pastHead = true;
                return;
            }
            if (!bounded) {
                if (!c.isChunk()) throw new IOException("a sync's part after its head that is not a chunk");
                write(c.data());
                return;
            }
            if (c.isBoundary()) {
                if (atBoundary) throw new IOException("a sync with a second boundary");
                if (c.archiveLength() != archiveBytes)
                    throw new IOException("a sync's boundary says " + c.archiveLength() + " bytes of archive, " + archiveBytes + " came");
                atBoundary = true;
                archive.end();
                return;
            }
            if (!c.isChunk()) throw new IOException("a sync's part after its head that is neither a chunk nor a boundary");
            byte[] b = c.data();
            if (atBoundary) {
                if (logBytes.size() + (long) b.length > head.logLength() + head.errLength())
                    throw new IOException("bytes after the end of a sync's log parts");
                logBytes.write(b);
                return;
            }
            archiveBytes += b.length;
            if (archiveBytes > MAX_SPOOL) throw new IOException("a sync's archive is longer than " + MAX_SPOOL + " bytes");
            try {
                archive.put(b);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while a sync was arriving");
            }
        }

        @Override
        AppsMessages.Sync complete() throws IOException {
            if (!bounded) {
                long zipLength = written() - head.logLength() - head.errLength();
                if (zipLength < 0) throw new IOException("a sync shorter than its log part");
                try (InputStream in = spooled()) {
                    InputStream zip = new BoundedInput(in, zipLength);
                    return receiver.receive(head, zip, () -> {
                        zip.skip(Long.MAX_VALUE);
                        byte[] out = in.readNBytes((int) head.logLength()), err = in.readNBytes((int) head.errLength());
                        if (out.length != head.logLength() || err.length != head.errLength()) throw new IOException("a sync's log parts are cut short");
                        return new HostedApps.LogTail[] {new HostedApps.LogTail(head.logFrom(), out), new HostedApps.LogTail(head.errFrom(), err)};
                    });
                }
            }
            IOException bad = !atBoundary ? new IOException("a sync without a boundary after its archive")
                    : logBytes.size() != head.logLength() + head.errLength() ? new IOException("a sync's log parts are cut short") : null;
            if (bad != null) {
                archive.fail(bad);
                logs.completeExceptionally(bad);
                throw bad;
            }
            byte[] all = logBytes.toByteArray();
            int n = (int) head.logLength();
            logs.complete(new HostedApps.LogTail[] {new HostedApps.LogTail(head.logFrom(), java.util.Arrays.copyOfRange(all, 0, n)),
                    new HostedApps.LogTail(head.errFrom(), java.util.Arrays.copyOfRange(all, n, all.length))});
            return await(received, "the sync");
        }

        @Override
        void abandon() {
            super.abandon();
            // the receiver drops what it staged: nothing was applied
            IOException why = new IOException("the sync's stream broke off");
            archive.fail(why);
            logs.completeExceptionally(why);
        }

        private static <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) throws IOException {
            try {
                return f.get(AgentClient.CALL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IOException(String.valueOf(e.getCause()), e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                throw new IOException(what + " did not arrive in time", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted");
            }
        }
    }

    /** A client stream spooled to a file under the agent's state directory, bounded. */
    abstract static class FileSpool<Q, R> extends Spool<Q, R> {
        private Path file;
        private OutputStream out;
        private long limit, written;

        FileSpool(HostedApps apps, StreamObserver<R> response, ExecutorService pool) { super(apps, response, pool); }

        void open(HostedApps apps, String app, long limit) throws IOException {
            Path dir = apps.spoolDir(app);
            this.file = Files.createTempFile(dir, "stream", ".part");
            this.out = Files.newOutputStream(file);
            this.limit = limit;
        }

        void write(byte[] b) throws IOException {
            if (b == null || b.length == 0) return;
            written += b.length;
            if (written > limit) throw new IOException("the stream is longer than announced (" + limit + " bytes)");
            out.write(b);
        }

        long written() { return written; }

        InputStream spooled() throws IOException {
            out.close();
            InputStream in = Files.newInputStream(file);
            return new java.io.FilterInputStream(in) {
                @Override
                public void close() throws IOException {
                    super.close();
                    Files.deleteIfExists(file);
                }
            };
        }

        @Override
        void abandon() {
            try {
                if (out != null) out.close();
                if (file != null) Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a spool file that stays goes with the app's directory
            }
        }
    }
}
