package io.procpool.internal.insights;

import io.procpool.CurrentTask;
import io.procpool.EndedWorker;
import io.procpool.FailureInsights;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.TaskFailedException;
import io.procpool.TaskInsights;
import io.procpool.WorkerInsights;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Accumulates what a pool's {@code insights()}, the dashboard and the JFR events report. One per pool. The owner of
 * the tasks' and workers' lives feeds it events and asks it for snapshots; this is the whole seam:
 * <pre>
 * taskFinished(task, failure)     once per finished task (a CALL, or one CHUNK of a map), built by the owner when the
 *                                 task's outcome is known: answered, failed, worker died, timed out or cancelled;
 *                                 failure is what its future completed with (null if answered or cancelled), and
 *                                 the recorder fills {@link TaskInsights#error()} from it
 * workerLaunched(name, pid)       a worker JVM was started (a local child: its /proc is read at snapshot time)
 * workerReady(name, startup)      it said hello, {@code startup} after its launch
 * workerEnded(name, pid, code, r) its process ended (after the owner settled the tasks it held), code in Python's
 *                                 convention, r why (retired, pool closed, the death's message)
 * respawned(name, reason)         the owner starts a replacement for the worker {@code name} (before or after its end)
 * snapshot(queued, inFlight, live, calls)  the owner's own numbers; the recorder adds what it accumulated
 * </pre>
 * A worker the recorder never saw launched (a cluster member) gets its counters on its first task and no
 * {@code /proc} reading.
 *
 * <p>Cost: {@link #taskFinished} does a few counter adds, one map lookup, one array store, a compare against the
 * fifth-slowest run time (a lock only for a new top-5 task or a failure) and a JFR check that is a constant
 * {@code false} while no recording runs. Snapshots copy bounded buffers and read {@code /proc} for the live pids.
 *
 * <p>Thread-safety: thread-safe; every method may be called from any thread. Per-worker counters are atomics, the
 * bounded lists are guarded by their own monitors, the recent-task ring is lock-free (a snapshot taken while it wraps
 * may miss a task or two).
 */
public final class InsightsRecorder {
    static final int SLOWEST = 5;
    static final int FAILURES = 20;
    static final int ENDED = EndedWorkers.KEPT;
    /** Recent tasks kept for the task stream (a power of two). */
    static final int RECENT = 2048;
    static final long STREAM_SECONDS = 60;
    static final int RATE_SECONDS = Throughput.RATE_SECONDS;
    static final int ARGUMENTS_MAX_CHARS = 120;

    private final String poolName;
    private final boolean recordArguments;
    private final Clock clock;
    private final ProcStats proc;

    private final ConcurrentHashMap<String, WorkerStats> workers = new ConcurrentHashMap<>();
    private volatile boolean launchesSeen;
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicInteger respawns = new AtomicInteger();

    private final Throughput throughput;

    private final AtomicReferenceArray<TaskInsights> recent = new AtomicReferenceArray<>(RECENT);
    private final AtomicLong recentNext = new AtomicLong();

    /** Run time of the fifth-slowest task, -1 while fewer than five: the cheap check before the lock. */
    private volatile long slowestThresholdNanos = -1;
    private final List<TaskInsights> slowest = new ArrayList<>(SLOWEST + 1);      // guarded by itself
    private final ArrayDeque<FailureInsights> failures = new ArrayDeque<>();      // guarded by itself
    private final EndedWorkers ended = new EndedWorkers();

    /**
     * @param poolName        the pool's name, in the JFR events
     * @param recordArguments whether tasks carry a summary of their arguments (the builder's {@code recordArguments})
     */
    public InsightsRecorder(String poolName, boolean recordArguments) {
        this(poolName, recordArguments, Clock.systemUTC(), new ProcStats());
    }

    InsightsRecorder(String poolName, boolean recordArguments, Clock clock, ProcStats proc) {
        this.poolName = Objects.requireNonNull(poolName, "poolName");
        this.recordArguments = recordArguments;
        this.clock = clock;
        this.proc = proc;
        this.throughput = new Throughput(clock.instant());
    }

    /** @return whether the owner should put {@link #summarize(Object) a summary} of each task's arguments */
    public boolean recordsArguments() {
        return recordArguments;
    }

    /** @return a clock reading, for the owner's task times (the recorder's clock, so tests can move it) */
    public Instant now() {
        return clock.instant();
    }

    /**
     * A short {@code toString()} of a task's arguments for {@link TaskInsights#arguments()}: arrays element by
     * element, cut at {@value #ARGUMENTS_MAX_CHARS} characters.
     *
     * @param arguments the argument, or an {@code Object[]} of a chunk's items
     * @return the summary
     */
    public static String summarize(Object arguments) {
        String text;
        try {
            text = arguments instanceof Object[] array ? Arrays.deepToString(array) : String.valueOf(arguments);
        } catch (RuntimeException e) {
            text = "(toString() threw " + e.getClass().getName() + ")";
        }
        return text.length() <= ARGUMENTS_MAX_CHARS ? text : text.substring(0, ARGUMENTS_MAX_CHARS - 3) + "...";
    }

    // ---------------------------------------------------------------------------------------------- events

    /**
     * One task finished, whatever its outcome.
     *
     * @param task    what the owner knows about it
     * @param failure the exception its future completed with, or {@code null} when answered or cancelled
     */
    public void taskFinished(TaskInsights task, Throwable failure) {
        if (failure != null && task.error() == null) {
            task = withError(task, failure);
        }
        WorkerStats stats = task.worker() == null ? null : statsFor(task.worker());
        long runNanos = task.runTime().toNanos();
        boolean isFailure = task.isFailure();
        if (task.outcome() == TaskInsights.Outcome.ANSWERED) {
            completed.increment();
        } else if (isFailure) {
            failed.increment();
        }
        if (stats != null) {
            stats.busyNanos.addAndGet(runNanos);
            (isFailure ? stats.failed : stats.completed).incrementAndGet();
        }
        throughput.count(task.finished().getEpochSecond());
        recent.set((int) (recentNext.getAndIncrement() & (RECENT - 1)), task);
        if (runNanos > slowestThresholdNanos && task.outcome() != TaskInsights.Outcome.CANCELLED) {
            addSlowest(task, runNanos);
        }
        if (isFailure && failure != null) {
            addFailure(task, failure);
        }
        TaskEvent event = new TaskEvent();
        if (event.shouldCommit()) {
            event.pool = poolName;
            event.taskId = task.id();
            event.function = task.function();
            event.worker = task.worker();
            event.items = task.items();
            event.queueTime = task.started() == null ? 0
                    : Math.max(0, Duration.between(task.queued(), task.started()).toNanos());
            event.runTime = runNanos;
            event.decodeTime = task.decodeTime().toNanos();
            event.outcome = task.outcome().name();
            event.error = task.error();
            event.commit();
        }
    }

    /**
     * A local worker JVM was started.
     *
     * @param name its name
     * @param pid  its process id
     */
    public void workerLaunched(String name, long pid) {
        launchesSeen = true;
        workers.put(name, new WorkerStats(pid, clock.instant(), true));
        commitWorker(name, pid, "LAUNCHED", 0, 0, null);
    }

    /**
     * A worker said hello.
     *
     * @param name    its name
     * @param startup from its launch to its hello
     */
    public void workerReady(String name, Duration startup) {
        WorkerStats stats = workers.get(name);
        if (stats != null) {
            stats.startup = startup;
            stats.ready = clock.instant();
        }
        commitWorker(name, stats == null ? -1 : stats.pid, "READY", startup.toNanos(), 0, null);
    }

    /**
     * A worker's process ended; call it after the tasks it held were settled, so they count for it.
     *
     * @param name     its name
     * @param pid      its process id
     * @param exitCode its exit code in Python's convention
     * @param reason   why it ended
     */
    public void workerEnded(String name, long pid, int exitCode, String reason) {
        WorkerStats stats = workers.remove(name);
        Instant now = clock.instant();
        EndedWorker record = stats == null
                ? new EndedWorker(name, pid, now, exitCode, reason, false, 0, 0, Duration.ZERO, Duration.ZERO)
                : new EndedWorker(name, pid, now, exitCode, reason, stats.respawned, stats.completed.get(),
                        stats.failed.get(), Duration.ofNanos(stats.busyNanos.get()),
                        Duration.between(stats.launched, now));
        ended.add(record);
        commitWorker(name, pid, "ENDED", 0, exitCode, reason);
    }

    /**
     * The owner starts a replacement for a worker that ended (or is ending).
     *
     * @param name   the worker being replaced
     * @param reason why it is replaced
     */
    public void respawned(String name, String reason) {
        respawns.incrementAndGet();
        WorkerStats stats = workers.get(name);
        if (stats != null) {
            stats.respawned = true;
            return;
        }
        ended.markRespawned(name); // it ended first: mark its record
    }

    // ---------------------------------------------------------------------------------------------- snapshot

    /**
     * Takes a snapshot.
     *
     * @param queued   tasks waiting for a worker
     * @param inFlight tasks sent and not yet answered
     * @param live     the live workers, in start order
     * @param calls    the map-like calls still running
     * @return the snapshot
     */
    public PoolInsights snapshot(int queued, int inFlight, List<LiveWorker> live, List<Progress> calls) {
        Instant now = clock.instant();
        List<WorkerInsights> workerInsights = new ArrayList<>(live.size());
        for (LiveWorker worker : live) {
            workerInsights.add(insightsOf(worker, now));
        }
        List<TaskInsights> top;
        synchronized (slowest) {
            top = List.copyOf(slowest);
        }
        List<FailureInsights> lastFailures;
        synchronized (failures) {
            lastFailures = List.copyOf(failures);
        }
        return new PoolInsights(now, queued, inFlight, completed.sum(), failed.sum(), respawns.get(),
                throughput.perSecond(now), workerInsights, ended.snapshot(), top, calls, lastFailures,
                recentTasks(now), throughput.history(now.getEpochSecond(), STREAM_SECONDS));
    }

    private WorkerInsights insightsOf(LiveWorker worker, Instant now) {
        WorkerStats stats = workers.get(worker.name());
        Optional<CurrentTask> current = Optional.ofNullable(worker.currentTask());
        if (stats == null) {
            return new WorkerInsights(worker.name(), worker.pid(), worker.state(), Duration.ZERO, 0, 0,
                    Duration.ZERO, Duration.ZERO, 0, -1, Optional.empty(), current);
        }
        long busy = stats.busyNanos.get();
        // the task running now counts as busy so far: a worker deep in one long task is not idle
        long running = current.map(task -> Math.max(0, Duration.between(task.since(), now).toNanos())).orElse(0L);
        Instant ready = stats.ready;
        long alive = ready == null ? 0 : Math.max(0, Duration.between(ready, now).toNanos());
        long busyNow = busy + running;
        long idle = Math.max(0, alive - busyNow);
        double ratio = alive == 0 ? 0 : Math.min(1.0, (double) busyNow / alive);
        ProcStats.Sample sample = stats.local ? proc.read(worker.pid()) : ProcStats.Sample.UNKNOWN;
        return new WorkerInsights(worker.name(), worker.pid(), worker.state(), stats.startup,
                stats.completed.get(), stats.failed.get(), Duration.ofNanos(busy), Duration.ofNanos(idle), ratio,
                sample.rssBytes(), sample.cpuTime(), current);
    }

    private WorkerStats statsFor(String worker) {
        WorkerStats stats = workers.get(worker);
        if (stats != null || launchesSeen) {
            return stats; // a local worker that ended: its late tasks count for the pool only
        }
        Instant now = clock.instant(); // a cluster member, seen first with its first task
        WorkerStats fresh = new WorkerStats(-1, now, false);
        fresh.ready = now;
        WorkerStats raced = workers.putIfAbsent(worker, fresh);
        return raced != null ? raced : fresh;
    }

    private List<TaskInsights> recentTasks(Instant now) {
        Instant since = now.minusSeconds(STREAM_SECONDS);
        List<TaskInsights> tasks = new ArrayList<>();
        for (int i = 0; i < RECENT; i++) {
            TaskInsights task = recent.get(i);
            if (task != null && task.finished().isAfter(since)) {
                tasks.add(task);
            }
        }
        tasks.sort(Comparator.comparing(TaskInsights::finished));
        return tasks;
    }

    private void addSlowest(TaskInsights task, long runNanos) {
        synchronized (slowest) {
            if (slowest.size() == SLOWEST && runNanos <= slowestThresholdNanos) {
                return; // another thread raised the bar meanwhile
            }
            int at = 0;
            while (at < slowest.size() && slowest.get(at).runTime().toNanos() >= runNanos) {
                at++;
            }
            slowest.add(at, task);
            if (slowest.size() > SLOWEST) {
                slowest.remove(SLOWEST);
            }
            if (slowest.size() == SLOWEST) {
                slowestThresholdNanos = slowest.get(SLOWEST - 1).runTime().toNanos();
            }
        }
    }

    private void addFailure(TaskInsights task, Throwable failure) {
        Throwable own = ownException(failure);
        FailureInsights record = new FailureInsights(task.id(), task.function(), task.worker(), task.finished(),
                task.outcome(), own.getClass().getName(), own.getMessage(), failure);
        synchronized (failures) {
            failures.addFirst(record);
            if (failures.size() > FAILURES) {
                failures.removeLast();
            }
        }
    }

    /** The task's own exception for one that threw (a {@link TaskFailedException}'s cause), else the pool's. */
    private static Throwable ownException(Throwable failure) {
        return failure instanceof TaskFailedException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** The same task with {@link TaskInsights#error()} set from its failure: the exception's class and first line. */
    private static TaskInsights withError(TaskInsights task, Throwable failure) {
        Throwable own = ownException(failure);
        String message = own.getMessage();
        if (message != null) {
            int line = message.indexOf('\n');
            message = line < 0 ? message : message.substring(0, line); // a worker death's stderr tail stays out
        }
        String error = message == null ? own.getClass().getName() : own.getClass().getName() + ": " + message;
        return new TaskInsights(task.id(), task.function(), task.worker(), task.items(), task.queued(),
                task.started(), task.finished(), task.runTime(), task.decodeTime(), task.outcome(), error,
                task.arguments());
    }

    private void commitWorker(String name, long pid, String phase, long startupNanos, int exitCode, String reason) {
        WorkerEvent event = new WorkerEvent();
        if (event.shouldCommit()) {
            event.pool = poolName;
            event.worker = name;
            event.pid = pid;
            event.phase = phase;
            event.startup = startupNanos;
            event.exitCode = exitCode;
            event.reason = reason;
            event.commit();
        }
    }

    /** One worker's counters; the times are written once each (launch, ready) by the owner's lifecycle events. */
    private static final class WorkerStats {
        final long pid;
        final Instant launched;
        /** A child of this JVM, whose {@code /proc} entry is ours to read. */
        final boolean local;
        final AtomicLong completed = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong busyNanos = new AtomicLong();
        volatile Duration startup = Duration.ZERO;
        volatile Instant ready;
        volatile boolean respawned;

        WorkerStats(long pid, Instant launched, boolean local) {
            this.pid = pid;
            this.launched = launched;
            this.local = local;
        }
    }
}
