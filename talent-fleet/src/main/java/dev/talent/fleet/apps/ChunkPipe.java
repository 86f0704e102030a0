package dev.talent.fleet.apps;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The chunks of a stream as they arrive, read by another thread as one input stream: the destination's receiver reads
 * a checkpoint while it is still arriving (signature check, size, SHA-256 and the write as it comes) instead of after
 * the whole stream was spooled to a file and read back. At most {@code maxChunks} wait to be read: the writer waits
 * for room beyond that (the transport's flow control then holds the sender), so memory per stream stays bounded.
 * Once the reader stopped ({@link #close()}), what is written is dropped: its reason is the reader's to report.
 */
final class ChunkPipe extends InputStream {
    private final int maxChunks;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int at;
    private boolean ended, readerGone;
    private IOException failure;

    ChunkPipe(int maxChunks) {
        if (maxChunks < 1) throw new IllegalArgumentException("room for " + maxChunks + " chunks");
        this.maxChunks = maxChunks;
    }

    /** Writer: one chunk (not copied: the caller gives it up); waits while {@code maxChunks} wait to be read. */
    void put(byte[] chunk) throws InterruptedException {
        if (chunk == null || chunk.length == 0) return;
        lock.lock();
        try {
            while (chunks.size() >= maxChunks && !readerGone) changed.await();
            if (readerGone || ended || failure != null) return;
            chunks.add(chunk);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Writer: the stream is complete; the reader sees its end once it has read every chunk. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Writer: the stream broke off; the reader's next read throws {@code why} (what it wrote so far is its to remove). */
    void fail(IOException why) {
        lock.lock();
        try {
            if (failure == null && !ended) failure = why;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) return 0;
        if (current == null || at == current.length) {
            lock.lock();
            try {
                while (chunks.isEmpty() && !ended && failure == null) changed.await();
                if (failure != null) throw failure;
                if (chunks.isEmpty()) return -1;
                current = chunks.poll();
                at = 0;
                changed.signalAll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while a stream was arriving");
            } finally {
                lock.unlock();
            }
        }
        int n = Math.min(len, current.length - at);
        System.arraycopy(current, at, b, off, n);
        at += n;
        return n;
    }

    /** Reader: done (whether or not it read to the end); the writer's chunks from now on are dropped. */
    @Override
    public void close() {
        lock.lock();
        try {
            readerGone = true;
            chunks.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
