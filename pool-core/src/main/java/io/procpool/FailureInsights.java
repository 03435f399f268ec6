package io.procpool;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Objects;

/**
 * One of the recent failures in {@link PoolInsights#recentFailures()}: what failed, where, when and why; the whole
 * stack trace (the worker's frames included, as the caller's {@link TaskFailedException} carries them) on demand.
 *
 * <p>Thread-safety: immutable; {@link #trace()} renders anew on each call.
 *
 * @param taskId         the failed task's id
 * @param function       the class and method of its lambda or method reference
 * @param worker         the worker that ran it, or {@code null}
 * @param at             when the failure was known in the caller's JVM
 * @param outcome        {@link TaskInsights.Outcome#FAILED}, {@link TaskInsights.Outcome#WORKER_DIED} or
 *                       {@link TaskInsights.Outcome#TIMED_OUT}
 * @param exceptionClass the task's own exception class for a task that threw (the cause of the
 *                       {@link TaskFailedException}), otherwise the pool's exception class
 * @param message        that exception's message (may be {@code null})
 * @param error          the exception the caller got
 */
public record FailureInsights(long taskId, String function, String worker, Instant at, TaskInsights.Outcome outcome,
                              String exceptionClass, String message, Throwable error) {

    /**
     * Validates the components.
     *
     * @param taskId         the failed task's id
     * @param function       the class and method of its lambda or method reference
     * @param worker         the worker that ran it, or {@code null}
     * @param at             when the failure was known in the caller's JVM
     * @param outcome        {@link TaskInsights.Outcome#FAILED}, {@link TaskInsights.Outcome#WORKER_DIED} or
     *                       {@link TaskInsights.Outcome#TIMED_OUT}
     * @param exceptionClass the task's own exception class for a task that threw (the cause of the
     *                       {@link TaskFailedException}), otherwise the pool's exception class
     * @param message        that exception's message (may be {@code null})
     * @param error          the exception the caller got
     * @throws NullPointerException a required component is null
     */
    public FailureInsights {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(exceptionClass, "exceptionClass");
        Objects.requireNonNull(error, "error");
    }

    /** {@return the full stack trace of {@link #error()}, causes and suppressed exceptions included} */
    public String trace() {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
