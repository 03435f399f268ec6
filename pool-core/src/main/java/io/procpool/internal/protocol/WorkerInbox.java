package io.procpool.internal.protocol;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a pool worker does with the frames its parent sends: the tasks waiting to run, in the order they arrived, and
 * the rules of CANCEL, UNQUEUE, SHUTDOWN and retirement that keep the protocol's invariant, exactly one terminal frame
 * per task. The pool worker's loop runs on it, and so does the test harness's fake worker, so the two cannot drift.
 *
 * <p>Cancel: a CANCEL for a task still queued is answered CANCELLED at once, by the thread that received it, which
 * takes the task out of the queue under the lock (so the runner never starts it); for the running task it interrupts
 * the runner; for a task not arrived yet (a CANCEL can overtake its task on the parent's side) it is remembered and
 * answered when the task arrives. An UNQUEUE (the parent takes an unstarted task back for an idle worker) is a CANCEL
 * that never interrupts: a task that has started runs on and is answered. Once retiring, the inbox starts nothing
 * more and ignores tasks and cancels (the parent requeues what was not answered).
 *
 * <p>Threading: {@link #receive} is called by the worker's frame reader; {@link #nextTask}, {@link #taskEnded} and
 * {@link #awaitShutdown} by its runner, the thread given at construction (the one a CANCEL interrupts); the rest by
 * either. The queue, the running task's id and the stop flags are guarded by {@link #lock}. The queue holds at most
 * what the parent's window lets it send, so it needs no bound of its own.
 */
public final class WorkerInbox {
    /** Remembered CANCELs for tasks not arrived yet; a late CANCEL of an answered task is forgotten past this many. */
    private static final int MAX_EARLY_CANCELS = 1024;
    private static final long NONE = -1;

    /** What the inbox needs of its worker: the function registry and a way to answer CANCELLED. */
    public interface Worker {
        /** A FUNCTION frame arrived. */
        void registerFunction(ToWorker.RegisterFunction frame);

        /** A FORGET frame arrived. */
        void forgetFunction(ToWorker.Forget frame);

        /** Writes (and flushes) CANCELLED for a task that will never run. */
        void answerCancelled(ToParent.Cancelled answer) throws IOException;
    }

    private final Worker worker;
    private final Thread runner;
    private final Receiver receiver = new Receiver();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<ToWorker.TaskFrame> queued = new ArrayDeque<>(); // guarded by lock
    private final Set<Long> earlyCancels = new LinkedHashSet<>();             // guarded by lock
    private long runningTaskId = NONE;                                        // guarded by lock
    private boolean shutdown;                                                 // guarded by lock
    /** Set once: no task starts after it. */
    private boolean retiring;                                                 // guarded by lock

    /**
     * @param worker what the inbox calls for functions and CANCELLED answers
     * @param runner the thread that will run the tasks, interrupted by a CANCEL of the task it runs
     */
    public WorkerInbox(Worker worker, Thread runner) {
        this.worker = worker;
        this.runner = runner;
    }

    /**
     * Handles one frame from the parent.
     *
     * @throws IOException a CANCELLED answer could not be written, or the frame is not one a pool worker takes after
     *                     its INIT (a second INIT, a START_PROCESS)
     */
    public void receive(ToWorker frame) throws IOException {
        frame.handleBy(receiver);
    }

    /**
     * The next task to run, marked running; {@code null} when the worker stops (SHUTDOWN with nothing queued, or
     * retiring) or, unless {@code wait}, when none waits now.
     */
    public ToWorker.TaskFrame nextTask(boolean wait) {
        lock.lock();
        try {
            while (true) {
                if (retiring) {
                    return null;
                }
                ToWorker.TaskFrame task = queued.poll();
                if (task != null) {
                    runningTaskId = task.taskId();
                    return task;
                }
                if (shutdown || !wait) {
                    return null;
                }
                changed.awaitUninterruptibly(); // a frame, SHUTDOWN or retirement signals; stdin's end exits the JVM
            }
        } finally {
            lock.unlock();
        }
    }

    /** The running task is over (answered or not); clears an interrupt a late CANCEL left for it. Runner only. */
    public void taskEnded() {
        lock.lock();
        try {
            runningTaskId = NONE;
        } finally {
            lock.unlock();
        }
        Thread.interrupted(); // a late CANCEL must not leak into the next task
    }

    /** No task starts from now on; those queued are dropped, unanswered, for the parent to requeue. */
    public void retire() {
        lock.lock();
        try {
            retiring = true;
            queued.clear();
            earlyCancels.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isRetiring() {
        lock.lock();
        try {
            return retiring;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until SHUTDOWN arrives, at most {@code millis}; an interrupt ends the wait early.
     *
     * @return whether SHUTDOWN arrived
     */
    public boolean awaitShutdown(long millis) {
        long left = TimeUnit.MILLISECONDS.toNanos(millis);
        lock.lock();
        try {
            while (!shutdown && left > 0) {
                left = changed.awaitNanos(left);
            }
            return shutdown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    /** A task arrived: queue it, or answer it at once when its CANCEL came first. */
    private void accept(ToWorker.TaskFrame task) throws IOException {
        boolean cancelledEarly;
        lock.lock();
        try {
            if (retiring) {
                return; // the parent requeues every task this worker has not answered
            }
            cancelledEarly = earlyCancels.remove(task.taskId());
            if (!cancelledEarly) {
                queued.add(task);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (cancelledEarly) {
            worker.answerCancelled(new ToParent.Cancelled(task.taskId()));
        }
    }

    /** A CANCEL ({@code interrupt}: stop it if it runs) or an UNQUEUE (only if it has not started). */
    private void cancel(long taskId, boolean interrupt) throws IOException {
        boolean dropped;
        lock.lock();
        try {
            if (runningTaskId == taskId) {
                if (interrupt) {
                    runner.interrupt(); // the runner clears the interrupt when the task ends: see taskEnded
                }
                return;
            }
            if (retiring) {
                return;
            }
            dropped = queued.removeIf(task -> task.taskId() == taskId);
            if (!dropped) {
                earlyCancels.add(taskId);
                if (earlyCancels.size() > MAX_EARLY_CANCELS) {
                    Iterator<Long> oldest = earlyCancels.iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        if (dropped) {
            worker.answerCancelled(new ToParent.Cancelled(taskId));
        }
    }

    private void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every frame to a worker, and what the inbox does with it. */
    private final class Receiver implements ToWorker.Handler<Void> {
        @Override
        public Void init(ToWorker.Init frame) throws IOException {
            throw unexpected(frame);
        }

        @Override
        public Void registerFunction(ToWorker.RegisterFunction frame) {
            worker.registerFunction(frame);
            return null;
        }

        @Override
        public Void chunk(ToWorker.Chunk frame) throws IOException {
            accept(frame);
            return null;
        }

        @Override
        public Void call(ToWorker.Call frame) throws IOException {
            accept(frame);
            return null;
        }

        @Override
        public Void forget(ToWorker.Forget frame) {
            worker.forgetFunction(frame);
            return null;
        }

        @Override
        public Void cancel(ToWorker.Cancel frame) throws IOException {
            WorkerInbox.this.cancel(frame.taskId(), true);
            return null;
        }

        @Override
        public Void shutdown(ToWorker.Shutdown frame) {
            WorkerInbox.this.shutdown();
            return null;
        }

        @Override
        public Void startProcess(ToWorker.StartProcess frame) throws IOException {
            throw unexpected(frame);
        }

        @Override
        public Void unqueue(ToWorker.Unqueue frame) throws IOException {
            WorkerInbox.this.cancel(frame.taskId(), false);
            return null;
        }

        private IOException unexpected(ToWorker frame) {
            return new IOException("unexpected frame for a pool worker: " + frame);
        }
    }
}
