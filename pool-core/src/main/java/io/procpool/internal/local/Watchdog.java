package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import io.procpool.internal.insights.ProcStats;
import io.procpool.internal.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules that end or add workers by the clock or by measure: a task that runs past its timeout, a cancelled task
 * that goes on past its grace, a channel stalled mid-frame, a worker whose resident memory exceeds
 * {@code maxWorkerMemory} after an answer, an elastic pool's extra workers that idled for {@code idleTimeout}, and
 * an elastic pool's growth when work waits and every worker is busy. It decides under {@link Placement}'s lock and
 * acts after it (kills, retirements, a start).
 *
 * <p>Threading: the periodic checks run on the pool's timer; {@link #checkMemory} on a worker's reader thread after an
 * answer; {@link #wantsWorker} is called with the lock held by {@link Placement} when it queues work.
 */
final class Watchdog {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);
    /** How long a cancelled running task may go on after its CANCEL before its worker is killed. */
    static final long CANCEL_GRACE_MILLIS = 500;
    /** A worker's resident memory is read at most this often (after an answer) when maxWorkerMemory is set. */
    static final long MEMORY_READ_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Placement placement;
    private final WorkerEnds ends;
    private final Supervisor supervisor;
    private final PoolConfig config;
    private final ScheduledExecutorService timer;
    /** Whether a worker was retired for memory after its first task (the limit is too low) and that was logged. */
    private volatile boolean warnedMemoryTooLow;

    Watchdog(Placement placement, WorkerEnds ends, Supervisor supervisor, PoolConfig config,
             ScheduledExecutorService timer) {
        this.placement = placement;
        this.ends = ends;
        this.supervisor = supervisor;
        this.config = config;
        this.timer = timer;
    }

    // ---------------------------------------------------------------------------------------------- growth

    /**
     * Whether an elastic pool should start one more worker now (and counts it as starting): work waits, every worker
     * that takes work is busy, none is starting (one start at a time, so a burst never starts more than are
     * missing), and there is room below the maximum. Caller holds the lock.
     */
    boolean wantsWorker() {
        if (placement.terminated() || placement.queue.isEmpty() || placement.extraStarts > 0) {
            return false;
        }
        int serving = 0;
        for (LocalWorker worker : placement.workers) {
            WorkerLife.Stage stage = worker.stage();
            if (stage == WorkerLife.Stage.STARTING || stage == WorkerLife.Stage.RUNNING && worker.window.isEmpty()
                    && worker.takesWork()) {
                return false;
            }
            if (stage == WorkerLife.Stage.RUNNING) {
                serving++;
            }
        }
        if (serving >= config.maxWorkers()) {
            return false;
        }
        placement.extraStarts++;
        return true;
    }

    /** Starts the extra worker {@link #wantsWorker} decided on; after the lock. */
    void grow() {
        LOG.debug("pool {} grows: work waits and every worker is busy", config.name());
        supervisor.startExtra();
    }

    /**
     * Retires the workers of an elastic pool that have idled for longer than {@code idleTimeout}, the longest idle
     * first, as long as more than the pool's minimum are left. They exit when their writer sends SHUTDOWN, and are
     * not replaced (a planned end).
     */
    void retireIdle(Duration idleTimeout) {
        long now = System.nanoTime();
        placement.lock.lock();
        try {
            List<LocalWorker> workers = placement.workers;
            int serving = (int) workers.stream().filter(w -> w.stage().compareTo(WorkerLife.Stage.RUNNING) <= 0)
                    .count();
            List<LocalWorker> idle = new ArrayList<>();
            for (LocalWorker worker : workers) {
                if (worker.life().serving() && worker.window.isEmpty()
                        && now - worker.idleSinceNanos > idleTimeout.toNanos()) {
                    idle.add(worker);
                }
            }
            idle.sort(Comparator.comparingLong(w -> w.idleSinceNanos));
            for (LocalWorker worker : idle) {
                if (serving <= config.workers()) {
                    break;
                }
                String why = "idle for " + idleTimeout.toMillis() + " ms (idleTimeout) with " + serving
                        + " workers, above the minimum of " + config.workers();
                worker.live(worker.life().retire(why));
                serving--;
                LOG.debug("{} retires: {}", worker, why);
            }
            placement.workQueued.signalAll(); // a retired writer waits for work: it sends SHUTDOWN now
        } finally {
            placement.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- memory

    /**
     * Retires {@code worker} (its replacement starts now, it exits once it has answered what it holds) when its
     * resident memory exceeds maxWorkerMemory. Reads {@code /proc} at most every {@link #MEMORY_READ_INTERVAL_NANOS}
     * per worker. Runs on the worker's reader thread, after an answer, outside the lock.
     */
    void checkMemory(LocalWorker worker) {
        long now = System.nanoTime();
        if (now - worker.memoryReadNanos < MEMORY_READ_INTERVAL_NANOS) {
            return;
        }
        worker.memoryReadNanos = now;
        long resident = ProcStats.residentBytes(worker.connection.pid());
        if (resident <= config.maxWorkerMemory()) {
            return;
        }
        String why = "memory: its resident memory (" + (resident >> 20) + " MiB) exceeded maxWorkerMemory ("
                + (config.maxWorkerMemory() >> 20) + " MiB)";
        boolean retiring;
        placement.lock.lock();
        try {
            retiring = worker.life().serving() && worker.live(worker.life().retire("retired for " + why));
            if (retiring) {
                placement.workQueued.signalAll(); // its writer may wait for work: SHUTDOWN once the window is empty
            }
        } finally {
            placement.lock.unlock();
        }
        if (retiring) {
            LOG.debug("{} retires: {}", worker, why);
            if (worker.tasksCompleted <= 1 && !warnedMemoryTooLow) {
                warnedMemoryTooLow = true; // once per pool: every worker after it would say the same
                LOG.warn("pool {}: worker {} exceeded maxWorkerMemory ({} MiB) after its first task, at {} MiB: "
                        + "its workers are replaced after about every task; raise maxWorkerMemory above what a "
                        + "worker needs", config.name(), worker, config.maxWorkerMemory() >> 20, resident >> 20);
            }
            ends.replaceOnce(worker, why, false);
        }
    }

    // ---------------------------------------------------------------------------------------------- clocks

    /** Kills every worker whose running task has run past {@code timeout} (per item of a chunk). */
    void checkTimeouts(Duration timeout) {
        long now = System.nanoTime();
        List<LocalWorker> overdue = new ArrayList<>();
        placement.lock.lock();
        try {
            for (LocalWorker worker : placement.workers) {
                LocalWorker.Held running = worker.running();
                if (running == null || worker.stage() == WorkerLife.Stage.DEAD) {
                    continue;
                }
                long allowed = timeout.toNanos() * Math.max(1, running.task().itemCount());
                if (now - running.startedNanos() > allowed && worker.life().endedBy() == null) {
                    worker.endBecause(new TaskTimeoutException(worker.name, timeout));
                    overdue.add(worker);
                }
            }
        } finally {
            placement.lock.unlock();
        }
        for (LocalWorker worker : overdue) {
            LOG.debug("{} ran past its timeout of {}; killing it", worker, timeout);
            worker.connection.kill();
        }
    }

    /** After {@link #CANCEL_GRACE_MILLIS}, kills {@code worker} if it still runs the cancelled {@code task}. */
    void killIfStillRunning(LocalWorker worker, Task task) {
        try {
            timer.schedule(() -> killNowIfStillRunning(worker, task), CANCEL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("pool {} is stopped; not watching the cancel of {}", config.name(), task);
        }
    }

    private void killNowIfStillRunning(LocalWorker worker, Task task) {
        placement.lock.lock();
        try {
            LocalWorker.Held running = worker.running();
            if (running == null || running.task() != task) {
                return;
            }
            worker.endBecause(new PoolException("task " + task + " was cancelled and went on running in worker "
                    + worker + " for " + CANCEL_GRACE_MILLIS + " ms; the worker was killed"));
        } finally {
            placement.lock.unlock();
        }
        LOG.debug("{} went on after its cancel; killing {}", task, worker);
        worker.connection.kill();
    }

    /**
     * Ends every worker whose channel holds an unfinished frame that got no byte for {@code stallNanos}: bytes that
     * are not ours (a stray byte that looks like the start of a frame) or a writer stopped mid-frame. Found while
     * the worker is idle, this fails no task.
     */
    void checkStalledChannels(long stallNanos) {
        long now = System.nanoTime();
        for (LocalWorker worker : placement.snapshotWorkers()) {
            long stalled = worker.connection.child().stalledMidFrameNanos(now);
            if (stalled > stallNanos) {
                ends.channelFault(worker, new PoolException("worker " + worker + " corrupted its channel: a frame it "
                        + "began got no byte for " + TimeUnit.NANOSECONDS.toMillis(stalled) + " ms (something wrote "
                        + "raw bytes on its stdout, or the worker stopped mid-frame)"));
            }
        }
    }
}
