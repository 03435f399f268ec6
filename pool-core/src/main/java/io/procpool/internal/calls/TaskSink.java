package io.procpool.internal.calls;

import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Task;
import java.util.concurrent.Executor;

/**
 * Where {@link PoolCalls} sends its tasks: the seam between what a pool offers (map, imap, apply, chunking, result
 * assembly) and how tasks reach workers. {@code LocalSink} is the local transport (child JVMs over pipes); a cluster
 * transport implements the same interface. Either ends each task through {@link Task#complete}, decoding a worker's
 * answer with {@link io.procpool.internal.task.Answers}.
 *
 * <p>Thread-safety: implementations are thread-safe.
 */
public interface TaskSink {

    /**
     * Accepts a task; its future completes exactly once.
     *
     * @throws java.util.concurrent.RejectedExecutionException the pool takes no new work
     */
    void submit(Task task);

    /**
     * As {@link #submit}, but never waits for room in a bounded queue: the path of the async calls, which return
     * without blocking (Python's {@code map_async}); the synchronous and lazy calls use {@link #submit}, which may
     * wait, and so bound what waits in memory. A transport without such a wait needs no override.
     *
     * @throws java.util.concurrent.RejectedExecutionException the pool takes no new work
     */
    default void submitWithoutWaiting(Task task) {
        submit(task);
    }

    /** The recorder of this pool's insights: every task is reported to it when it ends. */
    io.procpool.internal.insights.InsightsRecorder insights();

    /** Where the futures of this sink's tasks are settled when user callbacks are chained onto them. */
    Executor callbacks();


    /** The call that registered {@code function} is over; workers may drop it. */
    void functionDone(FunctionRef function);


    /** How many tasks run at once at most (workers), for chunk sizes and read-ahead windows. */
    int parallelism();
}
