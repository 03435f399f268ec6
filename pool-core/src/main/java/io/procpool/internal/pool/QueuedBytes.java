package io.procpool.internal.pool;

/**
 * A budget of bytes for the tasks waiting in a pool's queue. Submitters reserve a task's encoded size before queueing
 * it and wait while the budget is spent; writers release it as they take tasks. One task always fits, however big,
 * when nothing else is queued.
 *
 * <p>Thread-safety: thread-safe; state guarded by {@code this}.
 */
final class QueuedBytes {
    private final long limit;
    private long queued; // guarded by this

    QueuedBytes(long limit) {
        this.limit = limit;
    }

    /** Waits until {@code bytes} fit (a release always notifies; the writers keep draining while workers live). */
    synchronized void reserve(long bytes) throws InterruptedException {
        while (queued > 0 && queued + bytes > limit) {
            wait();
        }
        queued += bytes;
    }

    synchronized void release(long bytes) {
        queued -= bytes;
        notifyAll();
    }
}
