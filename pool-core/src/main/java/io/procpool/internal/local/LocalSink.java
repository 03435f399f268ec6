package io.procpool.internal.local;

import io.procpool.CurrentTask;
import io.procpool.PoolException;
import io.procpool.WorkerInfo;
import io.procpool.internal.calls.PoolThreads;
import io.procpool.internal.calls.TaskSink;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.internal.insights.InsightsRecorder;
import io.procpool.internal.insights.LiveWorker;
import io.procpool.internal.task.TaskReports;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local transport of a {@code ProcessPool}: tasks go to worker JVMs over pipes. It owns the pool's lifecycle
 * (running, closing, closed, terminated, and the count of accepted tasks not yet ended) and its threads: the
 * supervision executor (worker starts and exits), the timer (timeouts, cancel grace) and the callback executor on
 * which futures with user callbacks are settled. It assembles the parts of the local pool: {@link Placement} (which
 * worker holds which task), {@link Replies} (what workers say about their tasks), {@link Watchdog} (clocks and measures), {@link WorkerEnds} (a worker's end) and
 * {@link Supervisor} (starting and replacing workers), and shows the workers ({@link #workers}, {@link #snapshot}).
 *
 * <p>Thread-safety: thread-safe. The lifecycle is guarded by {@link #stateLock}; it is never held while a task is
 * completed, a frame written or a worker waited for.
 */
public final class LocalSink implements TaskSink {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSink.class);
    /** How long close() and terminate() give workers to exit before killing them. */
    private static final long STOP_GRACE_MILLIS = 5_000;
    /** A frame that began but got no byte for this long is not ours: a worker writes a frame in one go. */
    private static final long STALLED_FRAME_NANOS = TimeUnit.SECONDS.toNanos(3);

    private enum State { STARTING, RUNNING, CLOSING, CLOSED, TERMINATED }

    private final PoolConfig config;
    final Placement placement;
    private final Replies replies;
    final Watchdog watchdog; // package-private for the fake-worker tests, which drive its timeouts directly
    private final Supervisor supervisor;
    private final ExecutorService supervision;
    private final ScheduledExecutorService timer;
    private final ExecutorService callbacks;
    private final InsightsRecorder insights;
    private final Object stateLock = new Object();
    private volatile State state = State.STARTING; // written under stateLock
    private long outstanding;             // guarded by stateLock: accepted tasks not yet ended

    private LocalSink(PoolConfig config, Supervisor.Launcher launcher, ClassLoader userClassLoader) {
        this.config = config;
        this.placement = new Placement(config, () -> state == State.TERMINATED);
        this.supervision = Executors.newCachedThreadPool(PoolThreads.internal(config.name() + "-supervisor-%d"));
        this.timer = Executors.newSingleThreadScheduledExecutor(PoolThreads.internal(config.name() + "-timer"));
        // User callbacks may block (even on this pool): a cached pool never makes one wait for another.
        this.callbacks = Executors.newCachedThreadPool(PoolThreads.callbacks(config.name() + "-callbacks-%d"));
        this.insights = new InsightsRecorder(config.name(), config.recordArguments());
        this.supervisor = new Supervisor(config, launcher, userClassLoader, placement, this::runOnSupervision,
                this::needsWorkers, insights);
        WorkerEnds ends = new WorkerEnds(placement, supervisor, config, insights, this::plannedEnd);
        this.watchdog = new Watchdog(placement, ends, supervisor, config, timer);
        placement.watchedBy(watchdog, ends);
        this.replies = new Replies(placement, config);
        supervisor.reportTo(replies, ends);
    }

    /**
     * Starts a pool's workers and waits until every one has said hello.
     *
     * @throws PoolException a worker could not start (with its exit code, command line and stderr); the others are
     *                       stopped
     */
    public static LocalSink start(PoolConfig config, ClassLoader userClassLoader) {
        return start(config, ChildJvm::launch, userClassLoader);
    }

    /** As {@link #start(PoolConfig, ClassLoader)}, with workers started by {@code launcher} (fake ones in tests). */
    static LocalSink start(PoolConfig config, Supervisor.Launcher launcher, ClassLoader userClassLoader) {
        LocalSink sink = new LocalSink(config, launcher, userClassLoader);
        try {
            sink.supervisor.startAll();
        } catch (RuntimeException e) {
            sink.terminate();
            throw e;
        }
        synchronized (sink.stateLock) {
            sink.state = State.RUNNING;
        }
        sink.timer.scheduleWithFixedDelay(() -> sink.watchdog.checkStalledChannels(STALLED_FRAME_NANOS),
                1, 1, TimeUnit.SECONDS);
        config.taskTimeout().ifPresent(timeout -> {
            long tick = Math.max(10, Math.min(timeout.toMillis() / 4, 250));
            sink.timer.scheduleWithFixedDelay(() -> sink.watchdog.checkTimeouts(timeout), tick, tick,
                    TimeUnit.MILLISECONDS);
        });
        if (config.elastic()) {
            long tick = Math.max(10, Math.min(config.idleTimeout().toMillis() / 4, 1_000));
            sink.timer.scheduleWithFixedDelay(() -> sink.watchdog.retireIdle(config.idleTimeout()), tick, tick,
                    TimeUnit.MILLISECONDS);
        }
        return sink;
    }

    // ---------------------------------------------------------------------------------------------- TaskSink

    @Override
    public int parallelism() {
        return config.maxWorkers();
    }

    @Override
    public java.util.concurrent.Executor callbacks() {
        return callbacks;
    }

    @Override
    public InsightsRecorder insights() {
        return insights;
    }

    /** A snapshot of the pool's insights, with the progress of the calls still running. */
    public PoolInsights snapshot(List<Progress> calls) {
        java.time.Instant now = insights.now();
        long nowNanos = System.nanoTime();
        int[] held = {0};
        Placement.Census<LiveWorker> live = placement.census(worker -> {
            held[0] += worker.window.size();
            LocalWorker.Held running = worker.running();
            CurrentTask current = running == null ? null : new CurrentTask(running.task().id(),
                    running.task().functionName(), running.task().itemCount(),
                    now.minusNanos(Math.max(0, nowNanos - running.startedNanos())));
            return new LiveWorker(worker.name, worker.connection.pid(), worker.life().publicState(), current);
        });
        return insights.snapshot(live.queued(), held[0], live.workers(), calls);
    }

    @Override
    public void functionDone(FunctionRef function) {
        placement.forget(function);
    }

    /**
     * Accepts a task, waiting while the queue is full (except on the pool's own threads, which never wait).
     *
     * @throws RejectedExecutionException the pool is closed or terminated
     */
    @Override
    public void submit(Task task) {
        submit(task, !PoolThreads.isInternal());
    }

    /** Accepts a task past the queue's bounds: an async call's caller never waits for room. */
    @Override
    public void submitWithoutWaiting(Task task) {
        submit(task, false);
    }

    private void submit(Task task, boolean mayWait) {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("the pool " + config.name() + " is "
                        + state.name().toLowerCase() + " and takes no new work");
            }
            outstanding++;
        }
        task.onOutcome(replies::ended); // a cancel takes it out of the queue or its worker
        task.onOutcome(ended -> TaskReports.finished(insights, ended));
        task.onSettled(this::settled);
        boolean grow;
        try {
            grow = placement.enqueue(task, mayWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.complete(Outcome.Cancelled.because("interrupted while submitting"));
            throw new PoolException("interrupted while submitting " + task, e);
        }
        if (grow) {
            watchdog.grow();
        }
        supervisor.ensureWorkers();
    }

    /** The task's future is done and its callbacks have run: it is no longer work that close() waits for. */
    private void settled(Task task) {
        synchronized (stateLock) {
            outstanding--;
            if (outstanding == 0) {
                stateLock.notifyAll();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- supervision

    private boolean needsWorkers() {
        synchronized (stateLock) {
            return state == State.RUNNING || state == State.CLOSING && outstanding > 0;
        }
    }

    /** Runs supervision work (a worker's exit, a replacement) on the pool's threads, or here once they stopped. */
    private void runOnSupervision(Runnable work) {
        try {
            supervision.execute(work);
        } catch (RejectedExecutionException e) {
            work.run(); // the pool has stopped: a worker's exit still has to be settled and reported
        }
    }

    /** Why a worker that retired as planned ended, as the pool's state tells it. */
    private String plannedEnd() {
        State now = state;
        return now == State.TERMINATED ? "pool terminated" : now == State.RUNNING ? "retired" : "pool closed";
    }

    /** The live workers (not the dead ones whose exit is still being handled), as {@code Pool.workers()} shows them. */
    public List<WorkerInfo> workers() {
        return placement.census(worker -> new WorkerInfo(worker.name, worker.connection.pid(),
                worker.life().publicState(), worker.tasksCompleted)).workers().stream()
                .filter(info -> info.state() != WorkerInfo.State.DEAD).toList();
    }

    /** How many workers were started to replace workers that ended (died, timed out or retired). */
    public int respawns() {
        return supervisor.respawns();
    }

    // ---------------------------------------------------------------------------------------------- stopping

    /**
     * Takes no new work, waits for all accepted work to end, then stops the workers. Idempotent. The wait has no
     * bound of its own, as with {@code ExecutorService.close()}: accepted tasks end by answer, failure, timeout or
     * worker death, and {@link #terminate()} from another thread ends it at once. On one of the pool's own threads
     * (which the tasks' answers may need) it does not wait: it starts closing and returns.
     */
    public void close() {
        if (PoolThreads.isInternal() || PoolThreads.isCallback()) {
            // It would wait for work that includes the callback it is called from, or for answers this thread reads:
            // a supervision thread waits instead (answers come on the readers, callbacks on the callback threads).
            runOnSupervision(this::closeAndWait);
            return;
        }
        closeAndWait();
    }

    private void closeAndWait() {
        synchronized (stateLock) {
            boolean closer = state == State.RUNNING;
            if (closer) {
                state = State.CLOSING;
            }
            while (state == State.CLOSING && (!closer || outstanding > 0)) {
                try {
                    stateLock.wait(); // an ended task or a state change notifies
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PoolException("interrupted while closing pool " + config.name(), e);
                }
            }
            if (!closer || state == State.TERMINATED) {
                return;
            }
            state = State.CLOSED;
            stateLock.notifyAll();
        }
        stopWorkers(false);
    }

    /** Stops every worker now; unfinished work completes with a {@code CancellationException}. Idempotent. */
    public void terminate() {
        synchronized (stateLock) {
            if (state == State.TERMINATED) {
                return;
            }
            boolean workersStopped = state == State.CLOSED;
            state = State.TERMINATED;
            stateLock.notifyAll();
            if (workersStopped) {
                return;
            }
        }
        placement.terminate();
        stopWorkers(true);
    }

    private void stopWorkers(boolean now) {
        List<LocalWorker> current = placement.snapshotWorkers();
        placement.retireAll();
        if (now) {
            current.forEach(worker -> worker.connection.terminate());
        }
        WorkerEnds.awaitExit(current, STOP_GRACE_MILLIS);
        placement.dropExited(current); // workers() is empty once close() returns
        timer.shutdownNow();
        supervision.shutdown();
        callbacks.shutdown(); // callbacks already handed over still run; later ones run where they complete
    }
}
