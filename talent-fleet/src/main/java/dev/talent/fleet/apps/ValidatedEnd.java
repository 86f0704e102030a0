package dev.talent.fleet.apps;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bytes of a checkpoint sent before its source validated it ({@link dev.talent.migrate.pipeline.EarlySend}):
 * everything but the end passes as it comes; the end waits for the validation. An upload ends its stream only at
 * the end of what it reads ({@link AgentClient#upload}), so its destination places nothing before the source's
 * validation passed; a refusal (or no verdict within {@link #WAIT_MS}) is an {@link IOException} there instead, which
 * cuts the stream: the destination's receiver fails and removes what it wrote.
 */
final class ValidatedEnd extends InputStream {
    /** The most the end waits for the validation (the take's own call waits no longer). */
    static final long WAIT_MS = AgentClient.CALL_MS;

    private final InputStream in;
    private final CompletableFuture<Void> validated;
    private final long waitMs;

    ValidatedEnd(InputStream in, CompletableFuture<Void> validated) {
        this(in, validated, WAIT_MS);
    }

    ValidatedEnd(InputStream in, CompletableFuture<Void> validated, long waitMs) {
        this.in = in;
        this.validated = validated;
        this.waitMs = waitMs;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        return b < 0 ? end() : b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        int n = in.read(b, off, len);
        return n < 0 ? end() : n;
    }

    /** As many bytes as there are up to {@code len}, the last ones without waiting for the end (that is the next read's). */
    @Override
    public int readNBytes(byte[] b, int off, int len) throws IOException {
        int n = in.readNBytes(b, off, len);
        return n > 0 || len == 0 ? n : Math.max(0, end());
    }

    /** The end of the bytes: -1 once validated; else why not. */
    private int end() throws IOException {
        try {
            validated.get(waitMs, TimeUnit.MILLISECONDS);
            return -1;
        } catch (ExecutionException e) {
            throw new IOException("the checkpoint was refused at its source after its send began: "
                    + String.valueOf(e.getCause().getMessage()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the checkpoint's validation at its source did not end within " + waitMs + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the checkpoint's validation ran");
        }
    }

    @Override
    public void close() throws IOException { in.close(); }
}
