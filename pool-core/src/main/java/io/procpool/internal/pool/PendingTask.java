package io.procpool.internal.pool;

import io.procpool.TaskFailedException;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.Payloads;
import java.util.concurrent.CompletableFuture;

/**
 * One unit of work on its way through a pool: a CALL (one callable) or a CHUNK (a function over consecutive items).
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
public final class PendingTask {
    private final long id;
    private final FrameType type;
    private final byte[] payload;
    private final FunctionRef function;
    private final int itemCount;
    private final ClassLoader loader;
    private final CompletableFuture<Object> future = new CompletableFuture<>();

    private volatile Object[] partialResults = new Object[0];
    private volatile long execNanos = -1;
    /** The local worker that holds it once assigned. */
    volatile WorkerHandle worker;
    /** When the task was written to its local worker, for timeouts. */
    volatile long sentNanos;

    PendingTask(long id, FrameType type, byte[] payload, FunctionRef function, int itemCount, ClassLoader loader) {
        this.id = id;
        this.type = type;
        this.payload = payload;
        this.function = function;
        this.itemCount = itemCount;
        this.loader = loader;
    }

    public long id() {
        return id;
    }

    /** {@link FrameType#CALL} or {@link FrameType#CHUNK}. */
    public FrameType type() {
        return type;
    }

    /** The encoded callable (CALL) or {@link Payloads.ChunkRequest} (CHUNK), ready for a worker. */
    public byte[] payload() {
        return payload;
    }

    /** The function a CHUNK applies; {@code null} for a CALL. */
    public FunctionRef function() {
        return function;
    }

    public int itemCount() {
        return itemCount;
    }

    /** Resolves the classes of the answer: the loader of the submitted task's class. */
    public ClassLoader loader() {
        return loader;
    }

    public CompletableFuture<Object> future() {
        return future;
    }

    Object[] partialResults() {
        return partialResults;
    }

    /** How long it ran in the worker, once answered; -1 before. */
    long execNanos() {
        return execNanos;
    }

    /**
     * Completes the task from a worker's RESULT or FAILURE frame, whatever transport brought it: the result, a
     * {@link TaskFailedException} around the rebuilt exception, or a {@link TaskSerializationException}.
     *
     * @param answer     the RESULT or FAILURE frame for this task
     * @param workerName the worker that ran it, for the failure's message
     * @param workerPid  that worker's process id
     * @return how long the task ran in the worker, or -1 when the answer could not be decoded
     */
    public long completeFrom(Frame answer, String workerName, long workerPid) {
        try {
            if (answer.type() == FrameType.RESULT) {
                Codec.Timed<Object> result = Codec.decodeTimed(answer.payload(), loader, "result");
                execNanos = result.nanos();
                future.complete(result.value());
                return result.nanos();
            }
            Codec.Timed<Payloads.TaskFailure> decoded = Codec.decodeFailure(answer.payload(), loader);
            Payloads.TaskFailure failure = decoded.value();
            execNanos = decoded.nanos();
            partialResults = failure.completed();
            future.completeExceptionally(failure.isCodecFailure()
                    ? new TaskSerializationException(failure.codecMessage() + " (in worker " + workerName + ")",
                            failure.failedClassName(), failure.error())
                    : new TaskFailedException(workerName, workerPid, failure.error()));
            return decoded.nanos();
        } catch (TaskSerializationException e) {
            future.completeExceptionally(e);
            return -1;
        }
    }

    @Override
    public String toString() {
        return type + " #" + id + (type == FrameType.CHUNK ? " (" + itemCount + " items)" : "");
    }
}
