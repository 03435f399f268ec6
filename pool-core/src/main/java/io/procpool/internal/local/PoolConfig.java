package io.procpool.internal.local;

import io.procpool.TaskRunnable;
import io.procpool.internal.process.LaunchSpec;
import java.time.Duration;
import java.util.Optional;

/**
 * A pool's settings after validation. Immutable.
 *
 * <p>Thread-safety: immutable.
 *
 * @param workers            how many worker JVMs it starts with, and keeps at least (an elastic pool's minimum)
 * @param name               the pool's name; workers are {@code <name>-worker-<n>}
 * @param initializer        run once in every worker before its first task, or {@code null}
 * @param maxTasksPerWorker  a worker is replaced after this many tasks; 0 for never
 * @param taskTimeout        how long one task (one item of a chunk) may run, if limited
 * @param launch             how to start a worker JVM
 * @param recordArguments    whether insights keep a short summary of each task's arguments
 * @param maxWorkers         most workers at once; {@code workers} for a fixed pool
 * @param idleTimeout        how long a worker beyond {@code workers} may idle before it stops
 * @param maxWorkerMemory    resident bytes above which a worker is replaced after a task; 0 for no limit
 * @param retryOnWorkerDeath how many more times a task whose worker died under it runs again
 */
public record PoolConfig(int workers, String name, TaskRunnable initializer, long maxTasksPerWorker,
                         Optional<Duration> taskTimeout, LaunchSpec launch, boolean recordArguments,
                         int maxWorkers, Duration idleTimeout, long maxWorkerMemory, int retryOnWorkerDeath) {

    /** The default idle timeout of an elastic pool's extra workers. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /** Whether the pool grows and shrinks between {@link #workers()} and {@link #maxWorkers()}. */
    public boolean elastic() {
        return maxWorkers > workers;
    }
}
