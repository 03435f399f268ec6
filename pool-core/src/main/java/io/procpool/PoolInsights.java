package io.procpool;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of what a pool is doing and has done, from {@link Pool#insights()}: cheap enough to take every 100 ms
 * while a job runs (it reads {@code /proc} for the live workers' pids and copies a few bounded buffers; it holds no
 * lock across workers). The same numbers feed the {@code pool-dashboard} page and the JFR events
 * {@code procpool.Task} and {@code procpool.Worker}.
 *
 * <p>Counts are of tasks: a call, or one chunk of a {@code map}-like call ({@link TaskInsights#items()} says how many
 * items a chunk held).
 *
 * <p>Thread-safety: immutable; the lists are unmodifiable.
 *
 * @param at             when the snapshot was taken
 * @param queued         tasks accepted and waiting for a worker
 * @param inFlight       tasks sent to a worker and not yet answered
 * @param completed      tasks answered since the pool started
 * @param failed         tasks that failed since the pool started (threw, worker died, timed out)
 * @param respawns       workers started to replace workers that died or timed out
 * @param tasksPerSecond tasks finished per second over the last 10 seconds
 * @param workers        the live workers, in start order
 * @param endedWorkers   the last 20 workers that ended, most recent first
 * @param slowest        the 5 tasks that ran longest in a worker so far, longest first
 * @param calls          the {@code map}/{@code imap} calls still running, each as the {@link Progress} a listener gets
 * @param recentFailures the last 20 failures, most recent first
 * @param recentTasks    the tasks finished in the last 60 seconds (at most the last 2048), oldest first: the
 *                       dashboard's task stream
 * @param throughput     tasks finished in each of the last 60 whole seconds, oldest first
 */
public record PoolInsights(Instant at, int queued, int inFlight, long completed, long failed, int respawns,
                           double tasksPerSecond, List<WorkerInsights> workers, List<EndedWorker> endedWorkers,
                           List<TaskInsights> slowest, List<Progress> calls, List<FailureInsights> recentFailures,
                           List<TaskInsights> recentTasks, List<Long> throughput) {

    /**
     * Validates the components and copies the lists.
     *
     * @param at             when the snapshot was taken
     * @param queued         tasks accepted and waiting for a worker
     * @param inFlight       tasks sent to a worker and not yet answered
     * @param completed      tasks answered since the pool started
     * @param failed         tasks that failed since the pool started (threw, worker died, timed out)
     * @param respawns       workers started to replace workers that died or timed out
     * @param tasksPerSecond tasks finished per second over the last 10 seconds
     * @param workers        the live workers, in start order
     * @param endedWorkers   the last 20 workers that ended, most recent first
     * @param slowest        the 5 tasks that ran longest in a worker so far, longest first
     * @param calls          the {@code map}/{@code imap} calls still running, each as the {@link Progress} a listener
     *                       gets
     * @param recentFailures the last 20 failures, most recent first
     * @param recentTasks    the tasks finished in the last 60 seconds (at most the last 2048), oldest first: the
     *                       dashboard's task stream
     * @param throughput     tasks finished in each of the last 60 whole seconds, oldest first
     * @throws NullPointerException a component is null
     */
    public PoolInsights {
        Objects.requireNonNull(at, "at");
        workers = List.copyOf(workers);
        endedWorkers = List.copyOf(endedWorkers);
        slowest = List.copyOf(slowest);
        calls = List.copyOf(calls);
        recentFailures = List.copyOf(recentFailures);
        recentTasks = List.copyOf(recentTasks);
        throughput = List.copyOf(throughput);
    }
}
