package io.procpool.internal.pool;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerInfo;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Payloads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heart of a {@code ProcessPool}: one bounded queue of submitted tasks that the workers' writer threads pull
 * from, the set of live workers, and the rules for when a worker ends: fail the task it ran, put back the ones it
 * never started, start a replacement. Also owns timeouts, cancellation, close and terminate.
 *
 * <p>Thread-safety: thread-safe. Submitters block on the bounded queue when it is full (backpressure), except the
 * pool's own threads (a callback that submits from a reader thread), whose tasks go to the retry deque instead so a
 * reader can never wait on itself.
 */
public final class Dispatcher implements TaskSink {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final ThreadLocal<Boolean> INTERNAL_THREAD = ThreadLocal.withInitial(() -> false);

    /** Tasks waiting for a worker; submitters beyond this wait. */
    private static final int QUEUE_CAPACITY = 8192;
    /** Encoded bytes that may wait in the queue; a submitter beyond this waits, so a map of big items stays bounded. */
    private static final long QUEUED_BYTES_LIMIT = 64L << 20;
    /** How long a worker may take from launch to hello. JVM start-up is ~0.1 s; a loaded machine is much slower. */
    private static final long STARTUP_TIMEOUT_MILLIS = 60_000;
    /** Consecutive failed starts after which queued work fails instead of waiting for a worker. */
    private static final int MAX_FAILED_STARTS = 3;
    /** How long a cancelled task may go on after its CANCEL before its worker is killed. */
    private static final long CANCEL_GRACE_MILLIS = 500;
    /** A writer's poll for work returns this often to notice that its worker is stopping. */
    private static final long TAKE_POLL_MILLIS = 100;
    private static final long STOP_GRACE_MILLIS = 5_000;

    private enum State { RUNNING, CLOSING, CLOSED, TERMINATED }

    private final PoolConfig config;
    private final ClassLoader userClassLoader;
    private final BlockingQueue<PendingTask> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final QueuedBytes queuedBytes = new QueuedBytes(QUEUED_BYTES_LIMIT);
    /** Tasks handed back by a dead worker (never started) and tasks submitted from pool threads: served first. */
    private final ConcurrentLinkedDeque<PendingTask> retry = new ConcurrentLinkedDeque<>();
    private final List<WorkerHandle> workers = new CopyOnWriteArrayList<>();
    private final AtomicLong taskIds = new AtomicLong();
    private final AtomicLong functionIds = new AtomicLong();
    private final AtomicInteger workerNumbers = new AtomicInteger();
    private final AtomicInteger failedStarts = new AtomicInteger();
    private final AtomicInteger respawns = new AtomicInteger();
    private final ExecutorService executor;
    private final ScheduledExecutorService timer;
    private final Object stateLock = new Object();
    private State state = State.RUNNING;   // guarded by stateLock
    private long outstanding;              // guarded by stateLock: accepted tasks not yet complete

    private Dispatcher(PoolConfig config, ClassLoader userClassLoader) {
        this.config = config;
        this.userClassLoader = userClassLoader;
        this.executor = Executors.newCachedThreadPool(new ThreadFactoryBuilder()
                .setNameFormat(config.name() + "-supervisor-%d").setDaemon(true).build());
        this.timer = Executors.newSingleThreadScheduledExecutor(new ThreadFactoryBuilder()
                .setNameFormat(config.name() + "-timer").setDaemon(true).build());
    }

    /**
     * Starts a pool's workers in parallel and waits until every one has said hello.
     *
     * @throws PoolException a worker could not start (with its command line and stderr); the others are stopped
     */
    public static Dispatcher start(PoolConfig config, ClassLoader userClassLoader) {
        Dispatcher dispatcher = new Dispatcher(config, userClassLoader);
        List<WorkerHandle> started = new ArrayList<>();
        try {
            for (int i = 0; i < config.workers(); i++) {
                started.add(dispatcher.launchWorker());
            }
            for (WorkerHandle worker : started) {
                awaitReady(worker);
            }
        } catch (RuntimeException e) {
            dispatcher.terminate();
            throw e;
        }
        config.taskTimeout().ifPresent(timeout -> {
            long tick = Math.max(10, Math.min(timeout.toMillis() / 4, 250));
            dispatcher.timer.scheduleWithFixedDelay(dispatcher::checkTimeouts, tick, tick, TimeUnit.MILLISECONDS);
        });
        return dispatcher;
    }

    private WorkerHandle launchWorker() {
        String name = config.name() + "-worker-" + workerNumbers.incrementAndGet();
        byte[] init = Codec.encode(new Payloads.InitRequest(name, config.initializer()), "initializer");
        WorkerHandle worker = WorkerHandle.launch(name, this, init);
        workers.add(worker);
        return worker;
    }

    private static void awaitReady(WorkerHandle worker) {
        try {
            worker.ready().get(STARTUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.child().kill();
            throw new PoolException("worker " + worker.name + " did not answer within " + STARTUP_TIMEOUT_MILLIS
                    + " ms of its start.\nCommand line: " + String.join(" ", worker.child().commandLine())
                    + "\nLast lines of its stderr:\n" + worker.child().stderrTail(1_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.child().kill();
            throw new PoolException("interrupted while starting worker " + worker.name, e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof PoolException p ? p
                    : new PoolException("worker " + worker.name + " failed to start: " + e.getCause(), e.getCause());
        }
    }

    PoolConfig config() {
        return config;
    }

    /** Runs supervision work on the pool's threads, or inline once the pool has shut them down. */
    java.util.concurrent.Executor executor() {
        return command -> {
            try {
                executor.execute(command);
            } catch (RejectedExecutionException e) {
                command.run();
            }
        };
    }

    ClassLoader userClassLoader() {
        return userClassLoader;
    }

    /** Marks the current thread as one of the pool's own (see the class comment). */
    static void markInternalThread() {
        INTERNAL_THREAD.set(true);
    }

    /** True on the pool's own threads, where a blocking pool call could wait on itself. */
    public static boolean onInternalThread() {
        return INTERNAL_THREAD.get();
    }

    @Override
    public long nextTaskId() {
        return taskIds.incrementAndGet();
    }

    @Override
    public int parallelism() {
        return config.workers();
    }

    @Override
    public FunctionRef register(Object function) {
        return new FunctionRef(functionIds.incrementAndGet(), Codec.encode(function, "function"));
    }

    /** Tells every worker that was sent {@code function} to drop it. */
    @Override
    public void release(FunctionRef function) {
        for (WorkerHandle worker : workers) {
            worker.forget(function);
        }
    }

    // ---------------------------------------------------------------------------------------------- submitting

    /**
     * Accepts a task, waiting while the queue is full.
     *
     * @throws RejectedExecutionException the pool is closed or terminated
     */
    @Override
    public void submit(PendingTask task) {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                throw new RejectedExecutionException("the pool " + config.name() + " is "
                        + state.name().toLowerCase() + " and takes no new work");
            }
            outstanding++;
        }
        task.future().whenComplete((value, error) -> onComplete(task));
        if (onInternalThread()) {
            retry.add(task);
            return;
        }
        try {
            queuedBytes.reserve(task.payload().length); // backpressure: waits while writers drain the queue
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.future().cancel(false);
            throw new PoolException("interrupted while submitting " + task, e);
        }
        ensureWorkers();
    }

    private void onComplete(PendingTask task) {
        if (task.future().isCancelled()) {
            onCancelled(task);
        }
        synchronized (stateLock) {
            outstanding--;
            if (outstanding == 0) {
                stateLock.notifyAll();
            }
        }
    }

    /** Next task for a writer, waiting a short while; null when none came (the writer rechecks its state). */
    PendingTask take() {
        PendingTask task = retry.poll();
        if (task != null) {
            return task;
        }
        try {
            return dequeued(queue.poll(TAKE_POLL_MILLIS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Next task if one is waiting, without waiting. */
    PendingTask poll() {
        PendingTask task = retry.poll();
        return task != null ? task : dequeued(queue.poll());
    }

    /** Gives back the queue's byte budget of a task that left it (null passes through). */
    private PendingTask dequeued(PendingTask task) {
        if (task != null) {
            queuedBytes.release(task.payload().length);
        }
        return task;
    }

    /** Puts never-started tasks back at the front (or cancels them when the pool is terminated). */
    void requeue(Collection<PendingTask> tasks) {
        if (isTerminated()) {
            tasks.forEach(WorkerHandle::cancelForTermination);
            return;
        }
        List<PendingTask> reversed = new ArrayList<>(tasks);
        java.util.Collections.reverse(reversed);
        for (PendingTask task : reversed) {
            if (!task.future().isDone()) {
                                retry.addFirst(task);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- workers

    /** A worker reached its task limit: start its replacement now so capacity does not dip. */
    void retiring(WorkerHandle worker) {
        LOG.debug("{} retires after {} tasks", worker.name, config.maxTasksPerWorker());
        spawnReplacement();
    }

    /** A worker's process ended: settle the tasks it held and replace it if the pool still needs it. */
    void workerExited(WorkerHandle worker, WorkerInfo.State before, List<PendingTask> held, PoolException death) {
        workers.remove(worker);
        if (!held.isEmpty()) {
            PendingTask running = held.get(0);
            running.future().completeExceptionally(death);
            requeue(held.subList(1, held.size()));
        }
        boolean planned = before == WorkerInfo.State.RETIRING && held.isEmpty();
        boolean needed;
        synchronized (stateLock) {
            needed = state == State.RUNNING || state == State.CLOSING && outstanding > 0;
        }
        if (!planned && needed && before != WorkerInfo.State.STARTING) {
            respawns.incrementAndGet();
            LOG.debug("replacing {}: {}", worker.name, death.getMessage());
            spawnReplacement();
        }
    }

    /** How many workers were started to replace dead ones. */
    public int respawns() {
        return respawns.get();
    }

    private void spawnReplacement() {
        executor.execute(() -> {
            markInternalThread();
            WorkerHandle worker = null;
            try {
                worker = launchWorker();
                awaitReady(worker);
                failedStarts.set(0);
                boolean stopping;
                synchronized (stateLock) {
                    stopping = state == State.TERMINATED || state == State.CLOSED;
                }
                if (stopping) {
                    worker.retire();
                }
            } catch (RuntimeException e) {
                if (worker != null) {
                    workers.remove(worker);
                }
                onFailedStart(e);
            }
        });
    }

    private void onFailedStart(RuntimeException e) {
        int failures = failedStarts.incrementAndGet();
        synchronized (stateLock) {
            if (state == State.TERMINATED || state == State.CLOSED) {
                return;
            }
        }
        if (failures < MAX_FAILED_STARTS) {
            LOG.warn("a replacement worker of pool {} failed to start ({} of {}); trying again: {}",
                    config.name(), failures, MAX_FAILED_STARTS, e.getMessage());
            spawnReplacement();
            return;
        }
        LOG.error("pool {} could not start a worker {} times in a row; failing queued work", config.name(),
                failures);
        if (liveWorkers() == 0) {
            PoolException failure = new PoolException("pool " + config.name() + " could not start a worker "
                    + failures + " times in a row, so queued work fails instead of waiting; the last failure: "
                    + e.getMessage(), e);
            drainQueued().forEach(task -> task.future().completeExceptionally(failure));
        }
    }

    /** With no live worker (every start failed), a new submission tries to start one again. */
    private void ensureWorkers() {
        if (liveWorkers() == 0 && failedStarts.get() >= MAX_FAILED_STARTS) {
            failedStarts.set(0);
            spawnReplacement();
        }
    }

    private int liveWorkers() {
        return (int) workers.stream().filter(WorkerHandle::isLive).count();
    }

    public List<WorkerInfo> workers() {
        return workers.stream().map(WorkerHandle::info)
                .filter(info -> info.state() != WorkerInfo.State.DEAD).toList();
    }

    // ---------------------------------------------------------------------------------------------- timeouts, cancel

    private void checkTimeouts() {
        Duration timeout = config.taskTimeout().orElseThrow();
        long now = System.nanoTime();
        for (WorkerHandle worker : workers) {
            Map.Entry<PendingTask, Long> running = worker.running();
            if (running == null) {
                continue;
            }
            PendingTask task = running.getKey();
            long allowed = timeout.toNanos() * Math.max(1, task.itemCount());
            if (now - running.getValue() > allowed) {
                LOG.debug("{} ran past its timeout on {}; killing the worker", task, worker.name);
                worker.kill(new TaskTimeoutException(worker.name, timeout));
            }
        }
    }

    private void onCancelled(PendingTask task) {
        if (queue.remove(task)) {
            queuedBytes.release(task.payload().length);
            return;
        }
        if (retry.remove(task)) {
            return;
        }
        WorkerHandle worker = task.worker;
        if (worker == null || !worker.holds(task)) {
            return;
        }
        worker.cancel(task);
        timer.schedule(() -> {
            if (worker.holds(task)) {
                LOG.debug("{} went on after its cancel; killing {}", task, worker.name);
                worker.kill(new PoolException("task " + task + " was cancelled"));
            }
        }, CANCEL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    // ---------------------------------------------------------------------------------------------- stopping

    /**
     * Takes no new work, waits for all accepted work to complete, then stops the workers. Idempotent. The wait has no
     * bound of its own, as with {@code ExecutorService.close()}: accepted tasks end by answer, failure, timeout or
     * worker death, and {@link #terminate()} from another thread ends it at once.
     */
    public void close() {
        synchronized (stateLock) {
            if (state != State.RUNNING) {
                if (state == State.CLOSING) {
                    awaitOutstanding();
                }
                return;
            }
            state = State.CLOSING;
            awaitOutstanding();
            if (state == State.TERMINATED) {
                return;
            }
            state = State.CLOSED;
        }
        stopWorkers();
    }

    private void awaitOutstanding() { // caller holds stateLock
        while (outstanding > 0 && state != State.TERMINATED) {
            try {
                stateLock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PoolException("interrupted while closing pool " + config.name(), e);
            }
        }
    }

    private void stopWorkers() {
        List<WorkerHandle> current = new ArrayList<>(workers);
        for (WorkerHandle worker : current) {
            worker.retire();
        }
        awaitExit(current);
        workers.removeAll(current);
        timer.shutdownNow();
        executor.shutdown();
    }

    /** Waits for workers to exit, at most {@link #STOP_GRACE_MILLIS}, then kills the rest. */
    private static void awaitExit(List<WorkerHandle> stopping) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_GRACE_MILLIS);
        for (WorkerHandle worker : stopping) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!worker.child().awaitExit(Math.max(left, 0))) {
                worker.child().kill();
                worker.child().awaitExit(1_000);
            }
        }
    }

    /** Stops every worker now; unfinished work completes with {@link CancellationException}. Idempotent. */
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
        drainQueued().forEach(WorkerHandle::cancelForTermination);
        List<WorkerHandle> current = new ArrayList<>(workers);
        for (WorkerHandle worker : current) {
            worker.abandonAll().forEach(WorkerHandle::cancelForTermination);
            worker.child().terminate();
        }
        awaitExit(current);
        workers.removeAll(current);
        timer.shutdownNow();
        executor.shutdown();
    }

    boolean isTerminated() {
        synchronized (stateLock) {
            return state == State.TERMINATED;
        }
    }

    private List<PendingTask> drainQueued() {
        List<PendingTask> drained = new ArrayList<>();
        PendingTask task;
        while ((task = retry.poll()) != null) {
            drained.add(task);
        }
        List<PendingTask> fromQueue = new ArrayList<>();
        queue.drainTo(fromQueue);
        fromQueue.forEach(this::dequeued);
        drained.addAll(fromQueue);
        return drained;
    }
}
