package io.procpool;

/**
 * A snapshot of one live worker of a pool, as returned by {@link Pool#workers()}.
 *
 * <p>Thread-safety: immutable snapshot; it does not change as the worker goes on.
 *
 * @param name           the worker's name, {@code <pool name>-worker-<n>}
 * @param pid            the worker's process id
 * @param state          where the worker is in its life
 * @param tasksCompleted how many tasks (chunks) this worker has answered
 */
public record WorkerInfo(String name, long pid, State state, long tasksCompleted) {

    /** A worker's life, in order; transitions only go forward. */
    public enum State {
        /** launched, not yet ready */
        STARTING,
        /** ready and taking work */
        RUNNING,
        /** taking no new work; finishing what it holds before it stops (retired or pool closing) */
        RETIRING,
        /** exited or killed */
        DEAD
    }
}
