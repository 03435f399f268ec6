package io.procpool;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Pool#insights()} knows about one live worker (mpire's worker insights): how long it took to start,
 * what it has done, how busy it is, what it costs the machine and what it runs now.
 *
 * <p>Thread-safety: immutable snapshot.
 *
 * @param name           the worker's name, {@code <pool name>-worker-<n>}
 * @param pid            its process id
 * @param state          where it is in its life
 * @param startup        from its launch to its hello (ready for work); {@link Duration#ZERO} while starting
 * @param tasksCompleted tasks (calls or chunks) it answered
 * @param tasksFailed    tasks that failed on it (threw, died with it, timed out)
 * @param busy           the sum of its tasks' run times, measured in the worker
 * @param idle           the rest of its time since it was ready ({@code alive - busy}, never negative)
 * @param busyRatio      {@code busy / (busy + idle)} in {@code [0, 1]}; 0 before it was ready
 * @param rssBytes       its resident memory in bytes, read from {@code /proc} when the snapshot was taken; -1 where
 *                       unknown (not Linux, a remote member)
 * @param cpuTime        the CPU time its process used (user + system), where known (Linux)
 * @param currentTask    the task it runs now and since when; empty when idle
 */
public record WorkerInsights(String name, long pid, WorkerInfo.State state, Duration startup, long tasksCompleted,
                             long tasksFailed, Duration busy, Duration idle, double busyRatio, long rssBytes,
                             Optional<Duration> cpuTime, Optional<CurrentTask> currentTask) {

    /**
     * Validates the components.
     *
     * @param name           the worker's name, {@code <pool name>-worker-<n>}
     * @param pid            its process id
     * @param state          where it is in its life
     * @param startup        from its launch to its hello (ready for work); {@link Duration#ZERO} while starting
     * @param tasksCompleted tasks (calls or chunks) it answered
     * @param tasksFailed    tasks that failed on it (threw, died with it, timed out)
     * @param busy           the sum of its tasks' run times, measured in the worker
     * @param idle           the rest of its time since it was ready ({@code alive - busy}, never negative)
     * @param busyRatio      {@code busy / (busy + idle)} in {@code [0, 1]}; 0 before it was ready
     * @param rssBytes       its resident memory in bytes, read from {@code /proc} when the snapshot was taken; -1 where
     *                       unknown (not Linux, a remote member)
     * @param cpuTime        the CPU time its process used (user + system), where known (Linux)
     * @param currentTask    the task it runs now and since when; empty when idle
     * @throws NullPointerException a component is null
     */
    public WorkerInsights {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startup, "startup");
        Objects.requireNonNull(busy, "busy");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(cpuTime, "cpuTime");
        Objects.requireNonNull(currentTask, "currentTask");
    }
}
