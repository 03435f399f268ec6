package io.procpool.internal.process;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A parent stdout that nobody reads: every write blocks until the test {@link #release}s it (or a minute has passed,
 * so that a test run against broken code still ends), then lands in memory for the test to read.
 *
 * <p>Thread-safety: thread-safe.
 */
final class BlockedStream extends OutputStream {
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch entered = new CountDownLatch(1);
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        entered.countDown();
        try {
            released.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (written) {
            written.write(bytes, offset, length);
        }
    }

    /** Lets every write through, now and from now on. */
    void release() {
        released.countDown();
    }

    /** @return whether a write has begun (and, until {@link #release}, is blocked), waiting at most 10 s for one */
    boolean awaitBlockedWrite() throws InterruptedException {
        return entered.await(10, TimeUnit.SECONDS);
    }

    /** @return what was written once released */
    String text() {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8);
        }
    }
}
