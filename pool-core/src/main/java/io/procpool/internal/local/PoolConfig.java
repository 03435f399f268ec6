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
 * @param workers           how many worker JVMs
 * @param name              the pool's name; workers are {@code <name>-worker-<n>}
 * @param initializer       run once in every worker before its first task, or {@code null}
 * @param maxTasksPerWorker a worker is replaced after this many tasks; 0 for never
 * @param taskTimeout       how long one task (one item of a chunk) may run, if limited
 * @param launch            how to start a worker JVM
 * @param recordArguments   whether insights keep a short summary of each task's arguments
 */
public record PoolConfig(int workers, String name, TaskRunnable initializer, long maxTasksPerWorker,
                         Optional<Duration> taskTimeout, LaunchSpec launch, boolean recordArguments) {
}
