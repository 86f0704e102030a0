package dev.talent.env;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The size of each destination tree as the last sync into it left it, so that a journal sync, which looks only at
 * the listed paths, can check the whole tree against its {@link SyncLimits}: the size before plus what it changes.
 * A mirror counts the tree afresh and records it; a sync that fails forgets it (the tree is then in an unknown
 * state); a journal sync into a tree not recorded here walks it once to count it. Valid because a journal sync's
 * destination is, by contract, changed only by syncs (else the journal would not describe it either).
 */
final class UsageLedger {

    /** Allocated bytes of regular files, and entries (files, directories, links), below a tree's root. */
    record Usage(long bytes, long entries) {}

    /** A destination root: its inode and where it was reached. */
    record Key(long device, long inode, String path) {}

    /** Trees are few (one replica per platform per app); this bound only keeps a long-lived process from growing. */
    private static final int MAX_TREES = 1024;

    private static final Map<Key, Usage> USAGE = new ConcurrentHashMap<>();

    private UsageLedger() {}

    static Usage get(Key key) { return USAGE.get(key); }

    static void record(Key key, Usage usage) {
        if (USAGE.size() >= MAX_TREES && !USAGE.containsKey(key)) USAGE.clear(); // a cache: a miss only costs a walk
        USAGE.put(key, usage);
    }

    static void forget(Key key) { USAGE.remove(key); }
}
