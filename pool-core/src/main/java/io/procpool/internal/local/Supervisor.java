package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.process.LaunchSpec;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.insights.InsightsRecorder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a pool's workers and replaces the ones that leave: the first ones in waves (so that a {@code java} that
 * cannot start is noticed after one wave, not after hundreds of launches), a replacement once per worker that
 * retires or dies, and after {@link #MAX_FAILED_STARTS} failed starts in a row with no worker left, the queued work
 * fails instead of waiting for a worker that will not come. An elastic pool's extra workers start here too
 * ({@link #startExtra}, decided by {@link Watchdog#wantsWorker}). It counts every replacement it starts
 * ({@code respawnCount()}); the replacements of workers that died are also reported to insights (their respawns).
 *
 * <p>Threading: {@link #startAll} runs on the builder's thread; replacements start on the pool's supervision
 * executor. Counters are atomic; the workers themselves live in {@link Placement}.
 */
final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** How long a worker may take from launch to hello. JVM start-up is ~0.1 s; a loaded machine is much slower. */
    private static final long STARTUP_TIMEOUT_MILLIS = 60_000;
    /** Consecutive failed starts after which queued work fails instead of waiting for a worker. */
    static final int MAX_FAILED_STARTS = 3;

    /**
     * Starts a worker's process: {@link ChildJvm#launch} in production. A seam for pool-core's unit tests, which
     * start fake workers in threads of the test JVM instead.
     */
    @FunctionalInterface
    interface Launcher {
        /** @throws PoolException the process could not be started */
        ChildJvm launch(String name, LaunchSpec spec);
    }

    private final PoolConfig config;
    private final Launcher launcher;
    private final ClassLoader userClassLoader;
    private final Placement placement;
    private Replies replies;  // set once before the first worker starts
    private WorkerEnds ends;   // likewise
    private final Executor executor;
    /** Whether the pool still wants workers (running, or closing with work left). */
    private final BooleanSupplier needsWorkers;
    private final AtomicInteger workerNumbers = new AtomicInteger();
    private final AtomicInteger failedStarts = new AtomicInteger();
    private final AtomicInteger respawns = new AtomicInteger();
    private final InsightsRecorder insights;

    Supervisor(PoolConfig config, Launcher launcher, ClassLoader userClassLoader, Placement placement,
               Executor executor, BooleanSupplier needsWorkers, InsightsRecorder insights) {
        this.insights = insights;
        this.config = config;
        this.launcher = launcher;
        this.userClassLoader = userClassLoader;
        this.placement = placement;
        this.executor = executor;
        this.needsWorkers = needsWorkers;
    }

    /** Where the workers' connections report what their workers say and how they end. */
    void reportTo(Replies replies, WorkerEnds ends) {
        this.replies = replies;
        this.ends = ends;
    }

    /**
     * Starts the pool's workers, a wave of as many as the machine has cores at a time, and waits until each has said
     * hello.
     *
     * @throws PoolException a worker could not start (its exit code, command line and stderr): no later wave starts
     */
    void startAll() {
        int wave = Math.max(2, Runtime.getRuntime().availableProcessors());
        for (int started = 0; started < config.workers(); started += wave) {
            List<LocalWorker> launched = new ArrayList<>();
            for (int i = started; i < Math.min(config.workers(), started + wave); i++) {
                launched.add(launch(false));
            }
            for (LocalWorker worker : launched) {
                awaitReady(worker);
            }
        }
    }

    /** Launches one worker; it takes work once it said hello ({@link #awaitReady}). */
    /** @param extra whether it is an elastic pool's extra worker ({@link Placement#add}) */
    private LocalWorker launch(boolean extra) {
        String name = config.name() + "-worker-" + workerNumbers.incrementAndGet();
        byte[] init = Codec.encode(new Payloads.InitRequest(name, config.initializer()), "initializer");
        WorkerConnection connection = WorkerConnection.open(launcher.launch(name, config.launch()), init,
                userClassLoader);
        LocalWorker worker = new LocalWorker(name, connection, placement.lock.newCondition());
        insights.workerLaunched(name, connection.pid());
        placement.add(worker, extra);
        connection.start(worker, placement, replies, ends, executor);
        return worker;
    }

    private void awaitReady(LocalWorker worker) {
        try {
            worker.connection.ready().get(STARTUP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker.connection.kill();
            throw new PoolException("worker " + worker.name + " did not answer within " + STARTUP_TIMEOUT_MILLIS
                    + " ms of its start.\nCommand line: " + String.join(" ", worker.connection.child().commandLine())
                    + "\nLast lines of its stderr:\n" + worker.connection.child().stderrTail(1_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.connection.kill();
            throw new PoolException("interrupted while starting worker " + worker.name, e);
        } catch (ExecutionException e) {
            worker.connection.kill(); // it may still be alive (an initializer failed, an unknown frame)
            throw e.getCause() instanceof PoolException p ? p
                    : new PoolException("worker " + worker.name + " failed to start: " + e.getCause(), e.getCause());
        }
        insights.workerReady(worker.name, Duration.ofNanos(System.nanoTime() - worker.launchedNanos));
        placement.ready(worker);
        // Also for a worker the pool retired while it started (close() found it STARTING): its writer takes no task
        // and sends SHUTDOWN at once, so it exits by itself instead of being killed after the stop grace.
        worker.connection.startWriter();
    }

    /**
     * Starts a replacement for {@code gone} (it retired or died) if the pool still needs it; {@code afterDeath}: it
     * died or timed out, which insights count as a respawn.
     */
    void replace(LocalWorker gone, String why, boolean afterDeath) {
        if (afterDeath) {
            insights.respawned(gone.name, firstLine(why));
        }
        if (!needsWorkers.getAsBoolean()) {
            return;
        }
        LOG.debug("replacing {}: {}", gone, why);
        executor.execute(this::startReplacement);
    }

    private void startReplacement() {
        try {
            LocalWorker worker = launch(false);
            respawns.incrementAndGet(); // counted before it takes work: whoever sees its answers sees the count
            awaitReady(worker);
            failedStarts.set(0);
            if (!needsWorkers.getAsBoolean()) {
                placement.retire(worker); // the pool closed while it started
            }
        } catch (RuntimeException e) {
            onFailedStart(e);
        }
    }

    private void onFailedStart(RuntimeException e) {
        int failures = failedStarts.incrementAndGet();
        if (!needsWorkers.getAsBoolean()) {
            return;
        }
        if (failures < MAX_FAILED_STARTS) {
            LOG.warn("a replacement worker of pool {} failed to start ({} of {}); trying again: {}",
                    config.name(), failures, MAX_FAILED_STARTS, e.getMessage());
            executor.execute(this::startReplacement);
            return;
        }
        LOG.error("pool {} could not start a worker {} times in a row; failing queued work", config.name(),
                failures);
        if (placement.liveWorkers() == 0) {
            placement.failQueued(new PoolException("pool " + config.name() + " could not start a worker "
                    + failures + " times in a row, so queued work fails instead of waiting; the last failure: "
                    + e.getMessage(), e));
        }
    }

    /**
     * Starts one more worker for an elastic pool ({@link Watchdog#wantsWorker} decided so, and counted it as
     * starting until {@link Placement#add} or {@link Placement#extraNotStarted}).
     */
    void startExtra() {
        if (!needsWorkers.getAsBoolean()) {
            placement.extraNotStarted();
            return;
        }
        executor.execute(() -> {
            LocalWorker worker;
            try {
                worker = launch(true);
            } catch (RuntimeException e) {
                placement.extraNotStarted();
                LOG.warn("pool {} could not start an extra worker: {}", config.name(), e.getMessage());
                return;
            }
            try {
                awaitReady(worker);
            } catch (RuntimeException e) {
                LOG.warn("an extra worker of pool {} failed to start: {}", config.name(), e.getMessage());
            }
        });
    }

    /** With no live worker (every start failed), new work tries to start one again. */
    void ensureWorkers() {
        if (failedStarts.get() >= MAX_FAILED_STARTS && placement.liveWorkers() == 0
                && failedStarts.compareAndSet(failedStarts.get(), 0)) {
            executor.execute(this::startReplacement);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * How many workers were started to replace workers that ended, for whatever reason they ended (died, timed out,
     * retired after maxTasksPerWorker or maxWorkerMemory); a start that failed and was tried again counts each time.
     */
    int respawns() {
        return respawns.get();
    }
}
