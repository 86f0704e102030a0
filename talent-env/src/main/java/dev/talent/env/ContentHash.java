package dev.talent.env;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The SHA-256 a sync verifies copies with, computed so that holes need not be read: the file's content is cut in
 * 4 KiB blocks at fixed offsets, and each block that is not all zeros is hashed with its index, then the length.
 * This identifies the content exactly (a hole reads as zeros, so where the file system keeps holes does not
 * matter) and costs nothing for a hole, whatever its size: a 1 GiB sparse file with 4 KiB of data hashes 4 KiB.
 * Feed the data in increasing offsets; what is not fed is zeros.
 */
final class ContentHash {

    static final int BLOCK = 4096;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final MessageDigest sha256 = sha256();
    private final byte[] block = new byte[BLOCK];
    private final byte[] number = new byte[8];
    /** Index of the block being assembled in {@link #block}, or -1. */
    private long pending = -1;

    void reset() {
        sha256.reset();
        if (pending >= 0) Arrays.fill(block, (byte) 0);
        pending = -1;
    }

    /** Bytes {@code from..from+length} of {@code data} are the file's content at {@code offset}. */
    void update(long offset, byte[] data, int from, int length) {
        while (length > 0) {
            long index = offset / BLOCK;
            int within = (int) (offset % BLOCK);
            int n = Math.min(length, BLOCK - within);
            if (n == BLOCK && index != pending) {
                flush();
                hashBlock(index, data, from);
            } else {
                if (index != pending) {
                    flush();
                    pending = index;
                }
                System.arraycopy(data, from, block, within, n);
            }
            offset += n;
            from += n;
            length -= n;
        }
    }

    /** The hash of the content fed so far, for a file of {@code length} bytes; resets. */
    byte[] finish(long length) {
        flush();
        putLong(length);
        byte[] digest = sha256.digest();
        reset();
        return digest;
    }

    private void flush() {
        if (pending < 0) return;
        hashBlock(pending, block, 0);
        Arrays.fill(block, (byte) 0);
        pending = -1;
    }

    private void hashBlock(long index, byte[] data, int from) {
        if (Arrays.mismatch(data, from, from + BLOCK, ZEROS, 0, BLOCK) < 0) return;
        putLong(index);
        sha256.update(data, from, BLOCK);
    }

    private void putLong(long value) {
        for (int i = 0; i < 8; i++) number[i] = (byte) (value >>> (56 - 8 * i));
        sha256.update(number);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
