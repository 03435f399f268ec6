package io.procpool;

import java.time.Instant;
import java.util.Objects;

/**
 * The task a worker runs now, in {@link WorkerInsights#currentTask()}.
 *
 * <p>Thread-safety: immutable.
 *
 * @param taskId   the task's id
 * @param function the class and method of its lambda or method reference (as in {@link TaskInsights#function()})
 * @param items    1 for a call, the chunk's size for a chunk
 * @param since    when the worker started it (as far as the caller's JVM knows: its previous answer or the send)
 */
public record CurrentTask(long taskId, String function, int items, Instant since) {

    /**
     * Validates the components.
     *
     * @param taskId   the task's id
     * @param function the class and method of its lambda or method reference (as in {@link TaskInsights#function()})
     * @param items    1 for a call, the chunk's size for a chunk
     * @param since    when the worker started it (as far as the caller's JVM knows: its previous answer or the send)
     * @throws NullPointerException {@code function} or {@code since} is null
     */
    public CurrentTask {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(since, "since");
    }
}
