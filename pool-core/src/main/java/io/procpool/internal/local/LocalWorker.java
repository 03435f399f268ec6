package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.internal.task.Task;
import java.util.LinkedHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * What the pool knows about one worker JVM: where it is in its life ({@link WorkerLife}, one field), its window of
 * tasks (sent, not answered, in the order it runs them) and how full it is. Its {@link WorkerConnection} does the I/O;
 * this class only holds state. The window is the only record of which worker holds which task (nothing keeps a copy):
 * {@link Placement} fills and empties it, {@link Replies} marks a task started or takes it out when the worker answers
 * or skips it, {@link StealPlanner} marks what is taken back; all under {@link Placement}'s one lock.
 *
 * <p>Threading: every mutable field is guarded by {@link Placement}'s lock ({@code // guarded by Placement.lock})
 * except the ones marked otherwise: {@link #tasksCompleted} is also read without it, the average run time is written
 * by the worker's reader thread alone and read by anyone.
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
     * frame); {@code startedNanos} is 0 while it waits in the worker's queue. {@code takenBack}: an idle worker is
     * taking it back (UNQUEUE sent, not yet answered). {@code robbed}: the tasks behind this running one were taken
     * back, so the worker takes no more until it ends (or they would go straight back behind it).
     */
    record Held(Task task, long sentNanos, long startedNanos, boolean takenBack, boolean robbed) {
        static Held sent(Task task) {
            return new Held(task, System.nanoTime(), 0, false, false);
        }

        boolean started() {
            return startedNanos != 0;
        }

        Held startedAt(long nanos) {
            return new Held(task, sentNanos, nanos, takenBack, robbed);
        }

        Held takingBack() {
            return new Held(task, sentNanos, startedNanos, true, robbed);
        }

        Held robbedBehind() {
            return new Held(task, sentNanos, startedNanos, takenBack, true);
        }
    }

    final String name;
    final WorkerConnection connection;
    /** {@link System#nanoTime()} when its JVM was launched. */
    final long launchedNanos = System.nanoTime();
    /** Signalled when this worker's window gets room or its life moves on; its writer waits on it. */
    final Condition changed;

    private WorkerLife life = WorkerLife.STARTING;                              // guarded by Placement.lock
    /** The tasks it holds, in the order it runs them, by id. */
    final LinkedHashMap<Long, Held> window = new LinkedHashMap<>();             // guarded by Placement.lock
    long windowBytes;                                                           // guarded by Placement.lock
    long tasksAssigned;                                                         // guarded by Placement.lock
    volatile long tasksCompleted;                                               // written under Placement.lock
    /** A replacement has been asked for: a worker is replaced at most once. */
    boolean replaced;                                                           // guarded by Placement.lock
    /** How long its tasks run, a moving average; -1 before the first answer. Written by its reader thread only. */
    private volatile double averageTaskNanos = -1;
    /** Since when it holds no task (when it became ready, or answered its last one). */
    long idleSinceNanos = launchedNanos;                                        // guarded by Placement.lock
    /** When its resident memory was last read: the reads are rate-limited. Its reader thread only. */
    long memoryReadNanos = launchedNanos - TimeUnit.SECONDS.toNanos(1);

    LocalWorker(String name, WorkerConnection connection, Condition changed) {
        this.name = name;
        this.connection = connection;
        this.changed = changed;
    }

    WorkerLife life() { // caller holds Placement.lock
        return life;
    }

    WorkerLife.Stage stage() { // caller holds Placement.lock
        return life.stage();
    }

    /** Moves its life on (see {@link WorkerLife}); wakes its writer when it changed. Caller holds the lock. */
    boolean live(WorkerLife next) {
        if (next.equals(life)) {
            return false;
        }
        life = next;
        changed.signalAll();
        return true;
    }

    /** Moves its life forward; a step back is ignored. @return whether it moved. Caller holds the lock. */
    boolean advance(WorkerLife.Stage next) {
        return live(life.advance(next));
    }

    /**
     * Whether a running worker may be given a task: not once the pool has decided to end it, nor once its process is
     * gone while its exit is not handled yet (the drain of its pipe can take seconds). A task given to it then would
     * never reach it, yet be failed as the task it ran when its exit is handled. Caller holds the lock.
     */
    boolean takesWork() {
        return life.endedBy() == null && connection.child().process().isAlive();
    }

    /** Whether the window takes another task now. Caller holds the lock. */
    boolean hasRoom() {
        return window.size() < windowLimit() && (window.isEmpty() || windowBytes < MAX_HELD_BYTES);
    }

    private int windowLimit() {
        double average = averageTaskNanos;
        if (average < 0) {
            return INITIAL_WINDOW;
        }
        long wanted = (long) Math.ceil(TARGET_BACKLOG_NANOS / Math.max(average, 1.0));
        return (int) Math.max(1, Math.min(MAX_WINDOW, wanted));
    }

    /** Learns from how long a task ran in the worker. Its reader thread only (no lock: one writer). */
    void learnRunTime(long nanos) {
        if (nanos >= 0) {
            double average = averageTaskNanos;
            averageTaskNanos = average < 0 ? nanos : average * 0.8 + nanos * 0.2;
        }
    }

    /**
     * How long its running task may run before an idle worker takes back the tasks queued behind it: twice what a
     * task of this worker usually takes, and at least {@code floorNanos} (a steal costs a round trip). Caller holds
     * the lock.
     */
    long stealAfterNanos(long floorNanos) {
        double average = averageTaskNanos;
        return average < 0 ? floorNanos : Math.max(floorNanos, (long) (2 * average));
    }

    /**
     * The task it runs now, the one it said it started and has not answered; null when it runs none. The worker runs
     * its tasks one at a time, so that is at most one (normally the oldest). Caller holds the lock.
     */
    Held running() {
        for (Held each : window.values()) {
            if (each.started()) {
                return each;
            }
        }
        return null;
    }

    /** Records why the pool ends this worker, unless a reason was recorded first. Caller holds the lock. */
    void endBecause(PoolException reason) {
        live(life.endBecause(reason));
    }

    /** Takes a task into its window. Caller holds the lock. */
    void hold(Task task) {
        window.put(task.id(), Held.sent(task));
        windowBytes += task.payload().length;
    }

    /** Takes a task out of its window; null when it does not hold it. Caller holds the lock. */
    Held drop(long taskId) {
        Held held = window.remove(taskId);
        if (held != null) {
            windowBytes -= held.task().payload().length;
            if (window.isEmpty()) {
                idleSinceNanos = System.nanoTime();
            }
            changed.signalAll(); // room in the window; a retiring writer may send SHUTDOWN
        }
        return held;
    }

    @Override
    public String toString() {
        return name + " (pid " + connection.pid() + ")";
    }
}
