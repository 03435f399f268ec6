package io.procpool.internal.local;

import io.procpool.internal.task.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The tasks that wait for a worker, bounded by count and by encoded bytes: a submitter waits while it is full (a map
 * of big items stays bounded in memory). Tasks handed back (a worker died or retired before it started them, a steal)
 * go to the front, in their order.
 *
 * <p>Threading: not thread-safe; guarded by {@link Placement}'s lock, which also holds the conditions its waiters
 * wait on.
 */
final class TaskQueue {
    /** Tasks waiting for a worker; submitters beyond this wait. */
    static final int CAPACITY = 8192;
    /** Encoded bytes that may wait; a submitter beyond this waits, so a map of big items stays bounded. */
    static final long BYTES_LIMIT = 64L << 20;

    private final ArrayDeque<Task> tasks = new ArrayDeque<>();
    private long bytes;

    /** Whether a task of {@code taskBytes} fits now; one task always fits in an empty queue. */
    boolean fits(long taskBytes) {
        return tasks.isEmpty() || tasks.size() < CAPACITY && bytes + taskBytes <= BYTES_LIMIT;
    }

    void addLast(Task task) {
        tasks.addLast(task);
        bytes += task.payload().length;
    }

    /** Puts tasks back at the front, in their order; the ones that ended meanwhile are left out. */
    void addFirst(List<Task> handedBack) {
        for (int i = handedBack.size() - 1; i >= 0; i--) {
            Task task = handedBack.get(i);
            if (!task.isDone()) {
                tasks.addFirst(task);
                bytes += task.payload().length;
            }
        }
    }

    /** The first task that has not ended (the ones cancelled while they waited are dropped); null when none. */
    Task pollLive() {
        Task task;
        while ((task = tasks.pollFirst()) != null) {
            bytes -= task.payload().length;
            if (!task.isDone()) {
                return task;
            }
        }
        return null;
    }

    /** Removes {@code task}; whether it was queued. */
    boolean remove(Task task) {
        if (tasks.remove(task)) {
            bytes -= task.payload().length;
            return true;
        }
        return false;
    }

    /** Empties the queue; what it held, in order. */
    List<Task> drain() {
        List<Task> all = new ArrayList<>(tasks);
        tasks.clear();
        bytes = 0;
        return all;
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    int size() {
        return tasks.size();
    }
}
