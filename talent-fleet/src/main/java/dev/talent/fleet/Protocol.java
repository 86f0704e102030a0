package dev.talent.fleet;

import java.util.Optional;

/**
 * The version of the messages agents and controllers exchange (docs/FLEET.md, "Protocol versions"). The agents' and
 * controllers' JSON readers refuse a field they do not know, so a message with a field its receiver's release lacks is
 * refused, and a migration that sent one rolled back in the middle. Each agent therefore says the version it speaks
 * when it registers ({@code /talent/hosts/H/info}, {@code protocol}; absent: 1, a release before versions), every
 * request says the version its sender speaks (the gRPC header {@value #HEADER}), and a sender speaks the receiver's
 * version: a field newer than the receiver's version is left out (and what it was for done the older way). A
 * migration that cannot be done in the version both agents speak is refused by the controller before it asks either
 * agent for anything ({@link #refusal}), never rolled back once the program stopped.
 *
 * <ul>
 *   <li>1: the messages of the releases before versions (no {@code protocol} in the host's record, no header).
 *   <li>2: the host's record says {@code protocol}; requests carry the header; a sync's head may carry the sizes of
 *       the destination's logs it expects ({@code expectLog}, {@code expectErr}: without them the source asks, as in
 *       1); a controller's {@code Send} to a source agent may carry {@code toProtocol}, the destination agent's version.
 *   <li>3: a sync's head may say {@code bounded} (docs/FLEET.md).
 *   <li>4: a take's answer ({@code Statement}) may say {@code binding}, to a caller of 4 only. A checkpoint taken by
 *       an agent of 3 or less is treated as bound to its platform's layout ({@link #unsaidBinding}).
 *   <li>5: pre-copy ({@link #PRECOPY}): an app's {@code Start} may say {@code precopy} (its programs get
 *       {@code TALENT_PRECOPY=1}); an event may carry a pre-copy round's {@code bytes} and {@code deltaBytes}; the
 *       methods {@code TakePrecopy} and {@code SendPrecopy} exist. A migration between agents of which one speaks less
 *       copies everything at the stop, as before ({@link #precopyRounds}).
 *   <li>6: a take asked to send ahead may be asked to answer only once that send ended ({@link #HANDED_IN_TAKE}); its
 *       answer then says {@code handedNanos} and {@code receivedNanos}, to a caller of 6 only, and the caller makes no
 *       {@code SendCheckpoint} call. An answer without them (an agent of 5 or less, or a send that failed): the caller
 *       asks for the send as before ({@code SendCheckpoint}, which reports the send's failure).
 *   <li>7: the {@code Op}s {@code drop-syns} and {@code accept-syns} ({@link #DROPS_NEW_CONNECTIONS}): a source of a
 *       --net app drops new handshakes before its stop and lets the answered ones complete, as on one host; and
 *       {@code clear-time-wait}: an agent about to restore an app on its own network first ends the TIME_WAIT
 *       connections that would keep the app's listeners from binding. An agent of 6 or less is not asked either (it
 *       would refuse an operation it does not know): the migration goes on as that release did.
 *   <li>8: the {@code Op}s {@code host-drop-syns} and {@code host-accept-syns} ({@link #HOST_DROPS_NEW_CONNECTIONS}): a
 *       source of an app on its host's own network (no --net) drops new handshakes to the program's listeners in the
 *       host's namespace before the stop and lets them in again once the destination listens (or the source goes on),
 *       as {@code talent run} does on one host. A source agent of 7 or less is not asked: its listeners close with
 *       the stop and new connections are refused there, as before; the controller says so in its events.
 *   <li>9: the {@code Op}s {@code create-ahead} and {@code await-go} ({@link #STARTS_AHEAD}): a destination agent starts
 *       the restarting container before the stop, its runtime waiting for its go, so that the start inside the
 *       downtime is the go alone (as {@code talent run --prestart}). A destination agent of 8 or less is not asked: its
 *       container is created and started at the start, as before.
 * </ul>
 */
public final class Protocol {
    private Protocol() {}

    /** The version this build speaks (and every older one down to {@link #OLDEST}). */
    public static final int CURRENT = 9;
    /** The oldest version this build still speaks to. */
    public static final int OLDEST = 1;
    /** The version a sync's expected log sizes ({@code SyncPart.expectLog}/{@code expectErr}) need at its destination. */
    public static final int SYNC_EXPECTS_LOGS = 2;
    /** The version a sync's boundary after its archive ({@code SyncPart.bounded}/{@code archiveLength}) needs at its destination. */
    public static final int SYNC_BOUNDARY = 3;
    /** The version a take's answer may say what binds the checkpoint to its writer's byte order ({@code Statement.binding}). */
    public static final int STATEMENT_BINDING = 4;
    /** The version pre-copy needs of both agents of a migration (and the messages that say it). */
    public static final int PRECOPY = 5;
    /**
     * The version a take's answer may wait for the send ahead it started and say how it went ({@code Statement.handedNanos}
     * and {@code receivedNanos}): one call less between the controller and the source inside the downtime.
     */
    public static final int HANDED_IN_TAKE = 6;
    /**
     * The version whose agents drop a --net app's new handshakes before its stop ({@code Op drop-syns}, undone by
     * {@code accept-syns}) and end the TIME_WAIT connections on its listeners' ports before a restore on their own
     * network ({@code Op clear-time-wait}).
     */
    public static final int DROPS_NEW_CONNECTIONS = 7;
    /**
     * The version whose agents drop new handshakes to the listeners of an app on their host's own network before its
     * stop ({@code Op host-drop-syns}) and let them in again ({@code Op host-accept-syns}).
     */
    public static final int HOST_DROPS_NEW_CONNECTIONS = 8;
    /**
     * The version whose agents start a destination ahead of the stop ({@code Op create-ahead}) and say when its runtime
     * waits for its go ({@code Op await-go}); its {@code start} then gives the go.
     */
    public static final int STARTS_AHEAD = 9;
    /** The gRPC request header with the version its sender speaks (absent: 1). */
    public static final String HEADER = "talent-protocol";

    /** The version a record or a header announced: absent means 1 (a release before versions). */
    public static int of(Integer announced) { return announced == null ? 1 : announced; }

    /** A header's value as a version: absent is 1; anything but a positive decimal number is refused. */
    public static int parseHeader(String value) {
        if (value == null) return 1;
        if (value.isEmpty() || value.length() > 9 || !value.chars().allMatch(c -> c >= '0' && c <= '9'))
            throw new IllegalArgumentException("not a protocol version: '" + value.replaceAll("[^\\x20-\\x7e]", "?") + "'");
        int v = Integer.parseInt(value);
        if (v < 1) throw new IllegalArgumentException("not a protocol version: " + v);
        return v;
    }

    /** The version this process speaks: {@link #CURRENT}, or less for an agent capped with {@code talent agent --protocol}. */
    private static volatile int speaking = CURRENT;

    /**
     * The version this process speaks: {@link #CURRENT} unless {@link #capAt} lowered it. An agent capped at {@code v}
     * behaves as the release of version {@code v} did on the wire: its host record and its requests say {@code v}, it
     * answers a newer caller as one of {@code v} (no field of a later version in its answers) and it sends a newer
     * destination only what {@code v} sends (a rolling upgrade keeps the new release at the old version until every
     * host has it; the lab's {@code --protocol} tests a fleet of mixed versions with it).
     */
    public static int speaking() { return speaking; }

    /**
     * Caps this process (an agent: one per process) at {@code version}, {@link #OLDEST} to {@link #CURRENT}; a version
     * this build does not speak is refused.
     */
    public static void capAt(int version) {
        if (version < OLDEST || version > CURRENT)
            throw new IllegalArgumentException("protocol " + version + ": this talent speaks " + OLDEST + " to " + CURRENT);
        speaking = version;
    }

    /** The version a sender of this process speaks to a receiver that speaks {@code receiver}. */
    public static int spokenTo(int receiver) { return Math.min(speaking, receiver); }

    /**
     * The binding a controller must assume for a checkpoint taken by an agent of {@code speaks} on {@code platform}:
     * an agent before {@link #STATEMENT_BINDING} cannot say whether its checkpoint is bound to its byte order (a heap
     * block carried as raw bytes, a union whose member depends on it), so the checkpoint is treated as bound to the
     * byte order and pointer width of the platform it was taken on: it goes only where it is known to restore, never
     * to where it might be read wrongly or refused after the stop. Empty when the agent can say it (or the platform is
     * one talent does not know: its restore decides).
     */
    public static Optional<dev.talent.format.ByteOrderBinding> unsaidBinding(String host, String platform, int speaks) {
        if (speaks >= STATEMENT_BINDING) return Optional.empty();
        dev.talent.toolchain.Isa isa;
        try {
            isa = dev.talent.toolchain.Platform.parse(platform).isa();
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
        return Optional.of(new dev.talent.format.ByteOrderBinding(isa.bigEndian(), isa.pointerBits(),
                "not known: agent " + host + " speaks protocol " + speaks + ", which does not say what binds its checkpoints"
                        + " (upgrade talent on " + host + "); kept to " + platform + "'s layout"));
    }

    /**
     * The version a migration needs of both its agents. Every addition of versions 2 and 3 has a way of version 1 (a
     * sync to an agent of 1 asks for its logs' sizes; to an agent of 2 or 1 it sends no boundary), so a migration needs only what this build still speaks; a later
     * version without such a way raises it for the migrations that use it.
     */
    public static int neededByMigration() { return OLDEST; }

    /**
     * The pre-copy rounds a migration does between a source agent that speaks {@code fromSpeaks} and a destination
     * agent that speaks {@code toSpeaks}, for an app deployed with {@code requested} rounds (null or 0: none): the rounds
     * when both speak {@link #PRECOPY}, else 0. Pre-copy only shortens the downtime, so a migration involving an older
     * agent is not refused for it: it copies everything at the stop, as that agent's release did.
     */
    public static int precopyRounds(Integer requested, int fromSpeaks, int toSpeaks) {
        if (requested == null || requested <= 0) return 0;
        return Math.min(fromSpeaks, toSpeaks) >= PRECOPY ? requested : 0;
    }

    /**
     * Why a migration that needs version {@code needs} cannot involve {@code host}'s agent, which speaks {@code speaks}
     * (also when it is older than this build speaks to at all); empty when it can.
     */
    public static Optional<String> refusal(String host, int speaks, int needs) {
        int need = Math.max(needs, OLDEST);
        if (speaks >= need) return Optional.empty();
        return Optional.of("agent " + host + " speaks protocol " + speaks + ", this migration needs " + need
                + " (upgrade talent on " + host + ")");
    }
}
