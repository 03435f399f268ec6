package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.WorkerInfo;
import io.procpool.internal.calls.PoolThreads;
import io.procpool.internal.calls.TaskSink;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.internal.insights.InsightsRecorder;
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
 * which futures with user callbacks are settled. Which worker holds which task is {@link InFlight}'s business;
 * starting and replacing workers is {@link Supervisor}'s.
 *
 * <p>Thread-safety: thread-safe. The lifecycle is guarded by {@link #stateLock}; it is never held while a task is
 * completed, a frame written or a worker waited for.
 */
public final class LocalSink implements TaskSink, InFlight.Supervision {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSink.class);
    /** How long close() and terminate() give workers to exit before killing them. */
    private static final long STOP_GRACE_MILLIS = 5_000;
    /** A frame that began but got no byte for this long is not ours: a worker writes a frame in one go. */
    private static final long STALLED_FRAME_NANOS = TimeUnit.SECONDS.toNanos(3);

    private enum State { STARTING, RUNNING, CLOSING, CLOSED, TERMINATED }

    private final PoolConfig config;
    final InFlight inFlight; // package-private for the fake-worker tests, which drive its timeouts directly
    private final Supervisor supervisor;
    private final ExecutorService supervision;
    private final ScheduledExecutorService timer;
    private final ExecutorService callbacks;
    private final InsightsRecorder insights;
    private final Object stateLock = new Object();
    private State state = State.STARTING; // guarded by stateLock
    private long outstanding;             // guarded by stateLock: accepted tasks not yet ended

    private LocalSink(PoolConfig config, Supervisor.Launcher launcher, ClassLoader userClassLoader) {
        this.config = config;
        this.inFlight = new InFlight(config);
        this.supervision = Executors.newCachedThreadPool(PoolThreads.internal(config.name() + "-supervisor-%d"));
        this.timer = Executors.newSingleThreadScheduledExecutor(PoolThreads.internal(config.name() + "-timer"));
        // User callbacks may block (even on this pool): a cached pool never makes one wait for another.
        this.callbacks = Executors.newCachedThreadPool(PoolThreads.callbacks(config.name() + "-callbacks-%d"));
        this.insights = new InsightsRecorder(config.name(), config.recordArguments());
        this.supervisor = new Supervisor(config, launcher, userClassLoader, inFlight, this::runOnSupervision,
                this::needsWorkers, insights);
        inFlight.supervisedBy(this);
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
        sink.timer.scheduleWithFixedDelay(() -> sink.inFlight.checkStalledChannels(STALLED_FRAME_NANOS),
                1, 1, TimeUnit.SECONDS);
        config.taskTimeout().ifPresent(timeout -> {
            long tick = Math.max(10, Math.min(timeout.toMillis() / 4, 250));
            sink.timer.scheduleWithFixedDelay(() -> sink.inFlight.checkTimeouts(timeout), tick, tick,
                    TimeUnit.MILLISECONDS);
        });
        if (config.elastic()) {
            long tick = Math.max(10, Math.min(config.idleTimeout().toMillis() / 4, 1_000));
            sink.timer.scheduleWithFixedDelay(() -> sink.inFlight.retireIdle(config.idleTimeout()), tick, tick,
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
        InFlight.Live live = inFlight.live(insights.now());
        return insights.snapshot(live.queued(), live.inFlight(), live.workers(), calls);
    }

    @Override
    public void release(FunctionRef function) {
        inFlight.forget(function);
    }

    /**
     * Accepts a task, waiting while the queue is full (except on the pool's own threads, which never wait).
     *
     * @throws RejectedExecutionException the pool is closed or terminated
     */
    @Override
    public void submit(Task task) {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("the pool " + config.name() + " is "
                        + state.name().toLowerCase() + " and takes no new work");
            }
            outstanding++;
        }
        task.onOutcome(this::ended);
        task.onOutcome(ended -> TaskReports.finished(insights, ended));
        task.onSettled(this::settled);
        try {
            inFlight.enqueue(task, !PoolThreads.isInternal());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.complete(Outcome.Cancelled.because("interrupted while submitting"));
            throw new PoolException("interrupted while submitting " + task, e);
        }
        supervisor.ensureWorkers();
    }

    private void ended(Task task) {
        if (task.outcome() instanceof Outcome.Cancelled) {
            inFlight.cancelled(task);
        }
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

    @Override
    public void replace(LocalWorker worker, String why, boolean afterDeath) {
        if (afterDeath) {
            insights.respawned(worker.name, firstLine(why));
        }
        supervisor.replace(worker, why);
    }

    @Override
    public void ended(LocalWorker worker, int exitCode, PoolException reason, boolean planned) {
        LOG.debug("{} ended ({}): {}", worker, planned ? "retired" : "lost", reason.getMessage());
        String why;
        synchronized (stateLock) {
            why = state == State.TERMINATED ? "pool terminated" : !planned ? firstLine(reason.getMessage())
                    : worker.retireReason != null ? worker.retireReason
                    : state == State.RUNNING ? "retired" : "pool closed";
        }
        insights.workerEnded(worker.name, worker.connection.pid(), exitCode, why);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    @Override
    public void grow() {
        if (needsWorkers()) {
            supervisor.grow();
        }
    }

    @Override
    public void schedule(Runnable work, long millis) {
        try {
            timer.schedule(work, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("pool {} is stopped; not scheduling {}", config.name(), work);
        }
    }

    public List<WorkerInfo> workers() {
        return inFlight.workers().stream().filter(info -> info.state() != WorkerInfo.State.DEAD).toList();
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
        inFlight.terminate();
        stopWorkers(true);
    }

    private void stopWorkers(boolean now) {
        List<LocalWorker> current = inFlight.snapshotWorkers();
        inFlight.retireAll();
        if (now) {
            current.forEach(worker -> worker.connection.terminate());
        }
        InFlight.awaitExit(current, STOP_GRACE_MILLIS);
        inFlight.dropExited(current); // workers() is empty once close() returns
        timer.shutdownNow();
        supervision.shutdown();
        callbacks.shutdown(); // callbacks already handed over still run; later ones run where they complete
    }
}
