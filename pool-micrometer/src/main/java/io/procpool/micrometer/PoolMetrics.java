package io.procpool.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.procpool.Pool;
import io.procpool.PoolInsights;
import io.procpool.TaskInsights;
import io.procpool.WorkerInsights;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for any {@link Pool} ({@code ProcessPool}, {@code HazelcastPool}), read from its
 * {@link Pool#insights()}: bind it to the {@link MeterRegistry} your framework exports (Spring Boot, Quarkus and
 * Micronaut all give you one) and the pool appears next to your other metrics.
 *
 * <pre>{@code
 * ProcessPool pool = ProcessPool.builder().name("crunch").build();
 * PoolMetrics metrics = new PoolMetrics(pool, "crunch");
 * metrics.bindTo(registry);      // or declare it as a MeterBinder bean
 * ...
 * metrics.close();               // stops reading the pool's insights; before or after pool.close()
 * }</pre>
 *
 * <p>Every meter carries the tag {@code pool} (the name given here) plus the extra tags given:
 * <table>
 *   <caption>The meters (Prometheus names in parentheses)</caption>
 *   <tr><th>name</th><th>type</th><th>what</th></tr>
 *   <tr><td>{@code procpool.tasks.queued}</td><td>gauge</td><td>tasks accepted and waiting for a worker</td></tr>
 *   <tr><td>{@code procpool.tasks.in.flight}</td><td>gauge</td><td>tasks sent to a worker and not yet
 *       answered</td></tr>
 *   <tr><td>{@code procpool.workers.live}</td><td>gauge</td><td>live workers (starting, idle or busy)</td></tr>
 *   <tr><td>{@code procpool.workers.busy.ratio}</td><td>gauge</td><td>the live workers' mean busy ratio, in
 *       {@code [0, 1]}: the share of their time spent running tasks</td></tr>
 *   <tr><td>{@code procpool.tasks.completed} ({@code _total})</td><td>counter</td><td>tasks answered with a
 *       result</td></tr>
 *   <tr><td>{@code procpool.tasks.failed} ({@code _total}), tag {@code outcome}</td><td>counter</td><td>tasks that
 *       failed: {@code failed} (the task threw), {@code worker_died}, {@code timed_out}</td></tr>
 *   <tr><td>{@code procpool.workers.respawns} ({@code _total})</td><td>counter</td><td>workers started to replace
 *       ones that ended</td></tr>
 *   <tr><td>{@code procpool.tasks.queue.time} ({@code _seconds})</td><td>timer</td><td>per task, from submission
 *       to a worker taking it</td></tr>
 *   <tr><td>{@code procpool.tasks.run.time} ({@code _seconds}), tag {@code outcome}</td><td>timer</td><td>per task,
 *       how long it ran in its worker ({@code answered}, {@code failed}); for a task whose worker died or timed out,
 *       which never reported it, from its send to its outcome ({@code worker_died}, {@code timed_out})</td></tr>
 * </table>
 * A task is a call ({@code apply}, {@code submit}) or one chunk of a {@code map}-like call, as in
 * {@link PoolInsights}.
 *
 * <p>How it reads the pool: a daemon thread takes one insights snapshot per interval (default 1 s); the gauges and
 * the two function counters show the latest snapshot. The per-task meters (the failure counter and the timers) come
 * from the snapshot's recent-task stream ({@link PoolInsights#recentTasks()}: the tasks finished in the last 60
 * seconds, at most the last 2048): each task is recorded once, when a snapshot first shows it. A pool that finishes
 * more than 2048 tasks within one interval (tiny tasks at chunk size 1) therefore has its timers sampled, not
 * complete: the counters {@code procpool.tasks.completed} and the gauges stay exact, and a shorter interval samples
 * more. No hook of the pool is needed, so the binder works on any {@link Pool} as it is.
 *
 * <p>Thread-safety: {@link #bindTo} and {@link #close} may be called from any thread; the meters are updated by this
 * binder's own thread only.
 */
public final class PoolMetrics implements MeterBinder, AutoCloseable {
    /** How often the pool's insights are read unless another interval is given. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final String PREFIX = "procpool.";
    private static final List<TaskInsights.Outcome> FAILURES = List.of(TaskInsights.Outcome.FAILED,
            TaskInsights.Outcome.WORKER_DIED, TaskInsights.Outcome.TIMED_OUT);

    private final Pool pool;
    private final Tags tags;
    private final Duration interval;
    private final List<BoundRegistry> registries = new CopyOnWriteArrayList<>();
    private final Object readLock = new Object();
    private volatile PoolInsights latest;
    /** The ids of the recent tasks of the previous snapshot; guarded by {@link #readLock}. */
    private Set<Long> seenTaskIds = Set.of();
    private ScheduledExecutorService reader; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Meters for {@code pool}, tagged {@code pool=<poolName>}, read every {@link #DEFAULT_INTERVAL}.
     *
     * @param pool     the pool to watch
     * @param poolName the value of the {@code pool} tag, e.g. the pool's {@code name(..)}
     */
    public PoolMetrics(Pool pool, String poolName) {
        this(pool, poolName, Tags.empty(), DEFAULT_INTERVAL);
    }

    /**
     * Meters for {@code pool} with extra tags and another reading interval.
     *
     * @param pool      the pool to watch
     * @param poolName  the value of the {@code pool} tag
     * @param extraTags tags every meter carries besides {@code pool}
     * @param interval  how often the pool's insights are read (positive)
     * @throws NullPointerException     an argument is null
     * @throws IllegalArgumentException {@code interval} is not positive, or {@code poolName} is blank
     */
    public PoolMetrics(Pool pool, String poolName, Iterable<Tag> extraTags, Duration interval) {
        this.pool = Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(poolName, "poolName");
        Objects.requireNonNull(interval, "interval");
        if (poolName.isBlank()) {
            throw new IllegalArgumentException("poolName must not be blank");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.tags = Tags.of("pool", poolName).and(Objects.requireNonNull(extraTags, "extraTags"));
        this.interval = interval;
    }

    /**
     * Registers the meters in {@code registry} and starts reading the pool (once, for every registry bound).
     *
     * @throws IllegalStateException this binder was closed
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("these PoolMetrics were closed");
            }
            if (latest == null) {
                latest = pool.insights();
            }
        }
        Gauge.builder(PREFIX + "tasks.queued", this, metrics -> metrics.latest.queued()).tags(tags)
                .strongReference(true).description("tasks accepted and waiting for a worker").register(registry);
        Gauge.builder(PREFIX + "tasks.in.flight", this, metrics -> metrics.latest.inFlight()).tags(tags)
                .strongReference(true).description("tasks sent to a worker and not yet answered").register(registry);
        Gauge.builder(PREFIX + "workers.live", this, metrics -> metrics.latest.workers().size()).tags(tags)
                .strongReference(true).description("live worker processes").register(registry);
        Gauge.builder(PREFIX + "workers.busy.ratio", this, metrics -> busyRatio(metrics.latest)).tags(tags)
                .strongReference(true).description("the live workers' mean share of time spent running tasks")
                .register(registry);
        FunctionCounter.builder(PREFIX + "tasks.completed", this, metrics -> metrics.latest.completed()).tags(tags)
                .description("tasks answered with a result").register(registry);
        FunctionCounter.builder(PREFIX + "workers.respawns", this, metrics -> metrics.latest.respawns()).tags(tags)
                .description("workers started to replace ones that ended").register(registry);
        Map<TaskInsights.Outcome, Counter> failed = new EnumMap<>(TaskInsights.Outcome.class);
        for (TaskInsights.Outcome outcome : FAILURES) {
            failed.put(outcome, Counter.builder(PREFIX + "tasks.failed").tags(tags).tag("outcome", tagValue(outcome))
                    .description("tasks that failed, by how").register(registry));
        }
        Timer queueTime = Timer.builder(PREFIX + "tasks.queue.time").tags(tags)
                .description("from a task's submission to a worker taking it").register(registry);
        Map<TaskInsights.Outcome, Timer> runTime = new EnumMap<>(TaskInsights.Outcome.class);
        for (TaskInsights.Outcome outcome : TaskInsights.Outcome.values()) {
            if (outcome != TaskInsights.Outcome.CANCELLED) {
                runTime.put(outcome, Timer.builder(PREFIX + "tasks.run.time").tags(tags)
                        .tag("outcome", tagValue(outcome)).description("how long a task ran in its worker")
                        .register(registry));
            }
        }
        registries.add(new BoundRegistry(failed, queueTime, runTime));
        startReading();
    }

    private synchronized void startReading() {
        if (reader != null || closed) {
            return;
        }
        reader = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "procpool-metrics-" + tags.stream()
                    .filter(tag -> tag.getKey().equals("pool")).findFirst().map(Tag::getValue).orElse(""));
            thread.setDaemon(true); // never keeps an application alive
            return thread;
        });
        reader.scheduleWithFixedDelay(this::readSafely, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** One reading; a failure (a pool being torn down) keeps the last snapshot and tries again next time. */
    private void readSafely() {
        try {
            read();
        } catch (RuntimeException e) {
            // the meters keep showing the last snapshot
        }
    }

    /**
     * Takes a snapshot now and records the tasks it shows for the first time. The reading thread calls this every
     * interval; call it yourself (a test, a final scrape after {@code pool.close()}) to see the latest state at once.
     */
    public void read() {
        synchronized (readLock) {
            PoolInsights snapshot = pool.insights();
            Set<Long> ids = new HashSet<>();
            for (TaskInsights task : snapshot.recentTasks()) {
                ids.add(task.id());
                if (!seenTaskIds.contains(task.id())) {
                    registries.forEach(bound -> bound.record(task));
                }
            }
            seenTaskIds = ids;
            latest = snapshot;
        }
    }

    /** Stops reading the pool; the meters stay registered, showing the last snapshot. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        if (reader != null) {
            reader.shutdownNow();
        }
    }

    private static double busyRatio(PoolInsights insights) {
        return insights.workers().stream().mapToDouble(WorkerInsights::busyRatio).average().orElse(0);
    }

    private static String tagValue(TaskInsights.Outcome outcome) {
        return outcome.name().toLowerCase(Locale.ROOT);
    }

    /** The per-task meters of one registry. */
    private record BoundRegistry(Map<TaskInsights.Outcome, Counter> failed, Timer queueTime,
                                 Map<TaskInsights.Outcome, Timer> runTime) {
        void record(TaskInsights task) {
            Counter failure = failed.get(task.outcome());
            if (failure != null) {
                failure.increment();
            }
            if (task.started() == null) {
                return; // it never reached a worker: no queue time ended, nothing ran
            }
            queueTime.record(Duration.between(task.queued(), task.started()));
            Timer run = runTime.get(task.outcome());
            if (run != null) {
                // a worker that died or was killed never reported its run time: the caller's view, from the send
                // to the outcome, stands in for it
                run.record(task.runTime().isZero() ? Duration.between(task.started(), task.finished())
                        : task.runTime());
            }
        }
    }
}
