package io.procpool;

/**
 * The worker running a task exited, was killed, or broke its channel before it answered. The pool has already
 * replaced it.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class WorkerDiedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** {@link #exitCode()} when the process's end could not be observed; no real exit code takes this value. */
    public static final int UNKNOWN_EXIT_CODE = Integer.MIN_VALUE;

    /** The worker that died. */
    private final String workerName;
    /** Its process id. */
    private final long pid;
    /** Its exit code in Python's convention, or {@code null} when unknown. */
    private final int exitCode;
    /** The last lines it wrote on stderr. */
    private final String stderrTail;

    /**
     * Creates the exception.
     *
     * @param message    what happened, naming the worker and how it died
     * @param workerName the worker's name
     * @param pid        the worker's process id
     * @param exitCode   the exit code in Python's convention ({@code -9} for SIGKILL, {@code 3} for
     *                   {@code System.exit(3)}), or {@link #UNKNOWN_EXIT_CODE}
     * @param stderrTail the last lines the worker wrote on its standard error
     */
    public WorkerDiedException(String message, String workerName, long pid, int exitCode, String stderrTail) {
        super(message);
        this.workerName = workerName;
        this.pid = pid;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }

    /** {@return the name of the worker that died} */
    public String workerName() {
        return workerName;
    }

    /** {@return the process id of the worker that died} */
    public long pid() {
        return pid;
    }

    /**
     * How the worker ended.
     *
     * @return the exit code in Python's convention: {@code -N} when killed by signal N (-9 for SIGKILL, -15 for
     *     SIGTERM), {@code n} for {@code System.exit(n)}; {@link #UNKNOWN_EXIT_CODE} when the process's end could not
     *     be observed (a cluster member lost on another machine)
     */
    public int exitCode() {
        return exitCode;
    }

    /** {@return the last lines the worker wrote on its standard error, possibly empty} */
    public String stderrTail() {
        return stderrTail;
    }
}
