package io.procpool;

import java.time.Duration;

/**
 * A task ran past the pool's {@code taskTimeout}; its worker was killed and replaced.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class TaskTimeoutException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** The worker that ran the task. */
    private final String workerName;
    /** The time the task was allowed. */
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param workerName the worker that ran the task
     * @param timeout    the time the task was allowed
     */
    public TaskTimeoutException(String workerName, Duration timeout) {
        super("task ran past its timeout of " + timeout.toMillis() + " ms in worker " + workerName
                + "; the worker was killed and replaced");
        this.workerName = workerName;
        this.timeout = timeout;
    }

    /** {@return the worker that ran the task} */
    public String workerName() {
        return workerName;
    }

    /** {@return the time the task was allowed} */
    public Duration timeout() {
        return timeout;
    }
}
