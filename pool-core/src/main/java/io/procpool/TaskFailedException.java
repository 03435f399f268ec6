package io.procpool;

/**
 * A task threw. {@link #getCause()} is the task's own exception, rebuilt in the caller's JVM with its original class
 * (or a {@link RemoteException} standing in for it), its message, the worker's stack frames, its cause chain and its
 * suppressed exceptions.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class TaskFailedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** The worker that ran the task. */
    private final String workerName;
    /** That worker's process id. */
    private final long workerPid;

    /**
     * Creates the exception.
     *
     * @param workerName the worker that ran the task
     * @param workerPid  that worker's process id
     * @param cause      the task's exception as rebuilt in this JVM
     */
    public TaskFailedException(String workerName, long workerPid, Throwable cause) {
        super("task failed in worker " + workerName + " (pid " + workerPid + "): " + cause, cause);
        this.workerName = workerName;
        this.workerPid = workerPid;
    }

    /** {@return the name of the worker that ran the task, e.g. {@code pool-worker-2}} */
    public String workerName() {
        return workerName;
    }

    /** {@return the process id of the worker that ran the task} */
    public long workerPid() {
        return workerPid;
    }
}
