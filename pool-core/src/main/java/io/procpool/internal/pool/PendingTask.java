package io.procpool.internal.pool;

import io.procpool.internal.protocol.FrameType;
import java.util.concurrent.CompletableFuture;

/**
 * One unit of work on its way through the pool: a CALL (one callable) or a CHUNK (a function over consecutive items).
 * Its future completes exactly once, by whichever comes first: the answer, a failure, the worker's death, a timeout,
 * a cancel or the pool's termination.
 *
 * <p>For a CALL the future's value is the result; for a CHUNK it is the {@code Object[]} of results. When one item of
 * a chunk fails, {@link #partialResults()} holds the results of the items before it.
 *
 * <p>Thread-safety: the immutable fields are safe to share; the mutable ones are written by the thread that owns the
 * task at that moment (submitter, then the worker's writer, then its reader) and published through the worker's
 * lock or the future.
 */
final class PendingTask {
    final long id;
    final FrameType type;
    final byte[] payload;
    /** The function a CHUNK applies; {@code null} for a CALL. */
    final FunctionRef function;
    final int itemCount;
    /** Resolves the classes of the answer: the loader of the submitted task's class. */
    final ClassLoader loader;
    final CompletableFuture<Object> future = new CompletableFuture<>();

    private volatile Object[] partialResults = new Object[0];
    /** The worker that holds it once assigned. */
    volatile WorkerHandle worker;
    /** How long it ran in the worker, once answered; -1 before. */
    volatile long execNanos = -1;
    /** When the task was written to its worker, for timeouts. */
    volatile long sentNanos;
    /** How many times it was put back in the queue after an innocent worker death. */
    int requeues;

    PendingTask(long id, FrameType type, byte[] payload, FunctionRef function, int itemCount, ClassLoader loader) {
        this.id = id;
        this.type = type;
        this.payload = payload;
        this.function = function;
        this.itemCount = itemCount;
        this.loader = loader;
    }

    Object[] partialResults() {
        return partialResults;
    }

    void partialResults(Object[] results) {
        this.partialResults = results;
    }

    @Override
    public String toString() {
        return type + " #" + id + (type == FrameType.CHUNK ? " (" + itemCount + " items)" : "");
    }
}
