package io.procpool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link Pool#insights()} knows about one finished task: a {@code CALL} ({@code apply}, {@code applyAsync},
 * {@code submit}) or one chunk of a {@code map}-like call. Used for the slowest tasks and the recent-task stream.
 *
 * <p>Thread-safety: immutable.
 *
 * @param id         the task's id, unique in its pool
 * @param function   the class and method of the lambda or method reference that ran ({@code Digest.lambda$main$0},
 *                   {@code Files.size}), or the class name of another task object
 * @param worker     the worker that ran it, or {@code null} when it never reached one (cancelled while queued)
 * @param items      how many items: 1 for a call, the chunk's size for a chunk
 * @param queued     when it was submitted
 * @param started    when a worker took it; {@code null} when it never reached one
 * @param finished   when its outcome was known in the caller's JVM
 * @param runTime    how long it ran in the worker (measured by the worker); {@link Duration#ZERO} when unknown
 * @param decodeTime how long the caller's JVM took to decode its answer
 * @param outcome    how it ended
 * @param error      the failure's class and message ({@code java.io.IOException: disk full}) or {@code null}
 * @param arguments  a short, truncated {@code toString()} of its arguments when the pool records them
 *                   ({@code recordArguments(true)}), otherwise {@code null}
 */
public record TaskInsights(long id, String function, String worker, int items, Instant queued, Instant started,
                           Instant finished, Duration runTime, Duration decodeTime, Outcome outcome, String error,
                           String arguments) {

    /** How a task ended. */
    public enum Outcome {
        /** the worker answered with the result */
        ANSWERED,
        /** the task threw, or its arguments or result could not be encoded or decoded */
        FAILED,
        /** the worker exited or was killed before it answered */
        WORKER_DIED,
        /** the task ran past the pool's task timeout; its worker was killed */
        TIMED_OUT,
        /** the caller cancelled it, or the pool was terminated */
        CANCELLED
    }

    /**
     * Validates the components.
     *
     * @param id         the task's id, unique in its pool
     * @param function   the class and method of the lambda or method reference that ran ({@code Digest.lambda$main$0},
     *                   {@code Files.size}), or the class name of another task object
     * @param worker     the worker that ran it, or {@code null} when it never reached one (cancelled while queued)
     * @param items      how many items: 1 for a call, the chunk's size for a chunk
     * @param queued     when it was submitted
     * @param started    when a worker took it; {@code null} when it never reached one
     * @param finished   when its outcome was known in the caller's JVM
     * @param runTime    how long it ran in the worker (measured by the worker); {@link Duration#ZERO} when unknown
     * @param decodeTime how long the caller's JVM took to decode its answer
     * @param outcome    how it ended
     * @param error      the failure's class and message ({@code java.io.IOException: disk full}) or {@code null}
     * @param arguments  a short, truncated {@code toString()} of its arguments when the pool records them
     *                   ({@code recordArguments(true)}), otherwise {@code null}
     * @throws NullPointerException     a required component is null
     * @throws IllegalArgumentException {@code items} or a duration is negative
     */
    public TaskInsights {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(queued, "queued");
        Objects.requireNonNull(finished, "finished");
        Objects.requireNonNull(runTime, "runTime");
        Objects.requireNonNull(decodeTime, "decodeTime");
        Objects.requireNonNull(outcome, "outcome");
        if (items < 0 || runTime.isNegative() || decodeTime.isNegative()) {
            throw new IllegalArgumentException("items and times must not be negative: items " + items
                    + ", runTime " + runTime + ", decodeTime " + decodeTime);
        }
    }

    /** {@return whether it ended in any failure (not {@link Outcome#ANSWERED}, not {@link Outcome#CANCELLED})} */
    public boolean isFailure() {
        return outcome != Outcome.ANSWERED && outcome != Outcome.CANCELLED;
    }
}
