package io.procpool;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A worker that ended, in {@link PoolInsights#endedWorkers()}: why, with which exit code, and what it did in its life.
 *
 * <p>Thread-safety: immutable.
 *
 * @param name           the worker's name
 * @param pid            its process id
 * @param ended          when the caller's JVM saw it end
 * @param exitCode       its exit code in Python's convention: {@code 0} a normal end, {@code n > 0}
 *                       {@code System.exit(n)}, {@code -N} killed by signal N ({@code -9} for SIGKILL)
 * @param reason         why it ended (retired, pool closed, the death or timeout that killed it)
 * @param respawned      whether the pool started a replacement for it
 * @param tasksCompleted the tasks it answered
 * @param tasksFailed    the tasks that failed on it (threw, died with it, timed out)
 * @param busy           the sum of its tasks' run times
 * @param lifetime       from its launch to its end
 */
public record EndedWorker(String name, long pid, Instant ended, int exitCode, String reason, boolean respawned,
                          long tasksCompleted, long tasksFailed, Duration busy, Duration lifetime) {

    /**
     * Validates the components.
     *
     * @param name           the worker's name
     * @param pid            its process id
     * @param ended          when the caller's JVM saw it end
     * @param exitCode       its exit code in Python's convention: {@code 0} a normal end, {@code n > 0}
     *                       {@code System.exit(n)}, {@code -N} killed by signal N ({@code -9} for SIGKILL)
     * @param reason         why it ended (retired, pool closed, the death or timeout that killed it)
     * @param respawned      whether the pool started a replacement for it
     * @param tasksCompleted the tasks it answered
     * @param tasksFailed    the tasks that failed on it (threw, died with it, timed out)
     * @param busy           the sum of its tasks' run times
     * @param lifetime       from its launch to its end
     * @throws NullPointerException a required component is null
     */
    public EndedWorker {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ended, "ended");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(busy, "busy");
        Objects.requireNonNull(lifetime, "lifetime");
    }
}
