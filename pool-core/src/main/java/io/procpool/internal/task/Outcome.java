package io.procpool.internal.task;

import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import java.util.concurrent.CancellationException;

/**
 * How a task ended: exactly one of these is applied to each {@link Task}, by {@link Task#complete}, whichever party
 * gets there first (a worker's answer, its death, a timeout, a cancel, the pool's termination).
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Outcome {

    /** What the task's future completes exceptionally with, or {@code null} for an answer. */
    Throwable failure();

    /** How long the task ran in its worker when it answered (a result or its own failure); -1 otherwise. */
    default long runNanos() {
        return -1;
    }

    /** The worker answered with a result: a CALL's value, or a CHUNK's {@code Object[]} of results. */
    record Answered(Object value, long runNanos) implements Outcome {
        @Override
        public Throwable failure() {
            return null;
        }
    }

    /**
     * The task threw, or its task, argument or result would not travel ({@code TaskFailedException},
     * {@code TaskSerializationException}); {@code completedItems} holds a chunk's results before the failed item.
     */
    record Failed(PoolException failure, Object[] completedItems, long runNanos) implements Outcome {
    }

    /** The worker holding the task ended before answering it (its exit, a corrupted channel, a kill). */
    record WorkerDied(PoolException failure) implements Outcome {
    }

    /** The task ran past the pool's task timeout; its worker was killed. */
    record TimedOut(TaskTimeoutException failure) implements Outcome {
    }

    /** The caller cancelled the task, or the pool was terminated. */
    record Cancelled(CancellationException failure) implements Outcome {
        public static Cancelled because(String reason) {
            return new Cancelled(new CancellationException(reason));
        }
    }
}
