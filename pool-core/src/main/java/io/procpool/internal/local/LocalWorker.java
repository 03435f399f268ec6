package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.WorkerInfo;
import io.procpool.internal.task.Task;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * What the pool knows about one worker JVM: where it is in its life, which tasks it holds (sent, not answered, in the
 * order it runs them), how full its window is, and why it ended. Its {@link WorkerConnection} does the I/O; this
 * class only holds state, and {@link InFlight} is the only class that changes it.
 *
 * <p>Threading: every mutable field is guarded by {@link InFlight}'s lock ({@code // guarded by InFlight.lock});
 * {@link #tasksCompleted} is also read without it for {@code workers()}.
 */
final class LocalWorker {
    /** Window before any task time is known. */
    private static final int INITIAL_WINDOW = 2;
    /** Most tasks one worker holds at once (tiny tasks). */
    private static final int MAX_WINDOW = 256;
    /** A worker holds about this much work queued: enough to never idle, little enough to balance long tasks. */
    private static final long TARGET_BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Above this many payload bytes in flight the window closes (a single task always fits). */
    private static final long MAX_HELD_BYTES = 16L << 20;

    /**
     * A task this worker holds, when it was written to it, and when the worker said it started it (its STARTED
     * frame); {@code startedNanos} is 0 while it waits in the worker's queue.
     */
    record Held(Task task, long sentNanos, long startedNanos) {
        boolean started() {
            return startedNanos != 0;
        }
    }

    final String name;
    final WorkerConnection connection;
    /** {@link System#nanoTime()} when its JVM was launched. */
    final long launchedNanos = System.nanoTime();
    /** Signalled when this worker's window gets room or its life moves on; its writer waits on it. */
    final Condition changed;

    private WorkerInfo.State state = WorkerInfo.State.STARTING;                 // guarded by InFlight.lock
    final LinkedHashMap<Long, Held> held = new LinkedHashMap<>();               // guarded by InFlight.lock
    long heldBytes;                                                             // guarded by InFlight.lock
    long tasksAssigned;                                                         // guarded by InFlight.lock
    volatile long tasksCompleted;                                               // written under InFlight.lock
    /** The worker said it starts nothing more (RETIRING frame): none of what it still holds was started. */
    boolean startsNothingMore;                                                  // guarded by InFlight.lock
    /** Why the pool ended this worker (timeout, cancel, broken channel): the task it ran fails with it. */
    PoolException endReason;                                                    // guarded by InFlight.lock
    /** A replacement has been asked for: a worker is replaced at most once. */
    boolean replaced;                                                           // guarded by InFlight.lock
    private double averageTaskNanos = -1;                                       // guarded by InFlight.lock
    /** Since when it holds no task (when it became ready, or answered its last one). */
    long idleSinceNanos = launchedNanos;                                        // guarded by InFlight.lock
    /** Why the pool retired it while it was sound (memory, idle), for its end's record; null for none of those. */
    volatile String retireReason;                                               // written under InFlight.lock
    /** The id of the running task an idle worker took the tasks behind away from; -1 for none. */
    long stolenBehind = -1;                                                     // guarded by InFlight.lock
    /** When its resident memory was last read: the reads are rate-limited. Its reader thread only. */
    long memoryReadNanos = launchedNanos - TimeUnit.SECONDS.toNanos(1);

    LocalWorker(String name, WorkerConnection connection, Condition changed) {
        this.name = name;
        this.connection = connection;
        this.changed = changed;
    }

    WorkerInfo.State state() { // caller holds InFlight.lock
        return state;
    }

    /** Moves the worker's life forward; a step back is ignored. @return whether it moved. Caller holds the lock. */
    boolean advance(WorkerInfo.State next) {
        if (next.ordinal() <= state.ordinal()) {
            return false;
        }
        state = next;
        changed.signalAll();
        return true;
    }

    /** Whether the window takes another task now. Caller holds the lock. */
    boolean hasRoom() {
        return held.size() < window() && (held.isEmpty() || heldBytes < MAX_HELD_BYTES);
    }

    private int window() {
        if (averageTaskNanos < 0) {
            return INITIAL_WINDOW;
        }
        long wanted = (long) Math.ceil(TARGET_BACKLOG_NANOS / Math.max(averageTaskNanos, 1.0));
        return (int) Math.max(1, Math.min(MAX_WINDOW, wanted));
    }

    /** Learns from how long a task ran in the worker. Caller holds the lock. */
    void recordRunTime(long nanos) {
        if (nanos >= 0) {
            averageTaskNanos = averageTaskNanos < 0 ? nanos : averageTaskNanos * 0.8 + nanos * 0.2;
        }
    }

    /**
     * How long its running task may run before an idle worker takes back the tasks queued behind it: twice what a
     * task of this worker usually takes, and at least {@code floorNanos} (a steal costs a round trip). Caller holds
     * the lock.
     */
    long stealAfterNanos(long floorNanos) {
        return averageTaskNanos < 0 ? floorNanos : Math.max(floorNanos, (long) (2 * averageTaskNanos));
    }

    /**
     * The task it runs now, the one it said it started and has not answered; null when it runs none. The worker runs
     * its tasks one at a time, so that is at most one (normally the oldest). Caller holds the lock.
     */
    Held running() {
        for (Held each : held.values()) {
            if (each.started()) {
                return each;
            }
        }
        return null;
    }

    /** Records why the pool ends this worker, unless a reason was recorded first. Caller holds the lock. */
    void endBecause(PoolException reason) {
        if (endReason == null) {
            endReason = reason;
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + connection.pid() + ")";
    }
}
