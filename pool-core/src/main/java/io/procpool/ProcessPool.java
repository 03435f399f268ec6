package io.procpool;

import io.procpool.internal.calls.PoolCalls;
import io.procpool.internal.local.LocalSink;
import io.procpool.internal.local.PoolConfig;
import io.procpool.internal.local.PoolSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A {@link Pool} of long-lived worker JVMs on this machine, fed Kryo-encoded tasks over their stdin and answering on
 * their stdout. Python's {@code multiprocessing.Pool}, minus its failure modes: a worker that dies or times out fails
 * only the task it was running and is replaced; the pool never hangs on it and is never broken for good.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>Thread-safety: thread-safe; any number of threads may submit concurrently. Callbacks chained onto the pool's
 * futures ({@code thenAccept}, {@code whenComplete}, ...) run on the pool's callback threads
 * ({@code <name>-callbacks-<n>}), never on the threads that read the workers' pipes, so a slow callback delays no
 * answer and a callback may make any pool call, blocking ones and {@link #close()} included. Callbacks of different
 * tasks may run concurrently. A future nobody chained a callback onto is completed directly, which saves a thread
 * hand-off for {@code get()} and the synchronous calls.
 */
public final class ProcessPool implements Pool {
    /** Most workers a pool may have: each is a JVM of tens of MiB, and a machine with more cores is rare. */
    public static final int MAX_WORKERS = 1024;
    /**
     * Least {@code maxWorkerMemory} a pool accepts: 64 MiB. An idle worker JVM alone is resident at 45 to 58 MiB
     * (measured after its first task on JDK 17 and 25, from {@code -Xmx16m -XX:+UseSerialGC} to the defaults); a
     * limit below that would replace the worker after every task, a JVM start per task.
     */
    public static final long MIN_WORKER_MEMORY = 64L << 20;

    private final PoolConfig config;
    private final LocalSink sink;  // the local transport: the workers, their tasks, the pool's lifecycle
    private final PoolCalls calls; // what each call does with its tasks (chunking, ordering, progress)
    private final PoolShares shares = new PoolShares(); // what share() sent, closed with the pool

    private ProcessPool(PoolConfig config, LocalSink sink) {
        this.config = config;
        this.sink = sink;
        this.calls = new PoolCalls(sink);
    }

    /**
     * Starts a pool of {@code workers} worker JVMs with default settings and waits until all are ready.
     *
     * @param workers how many worker JVMs
     * @return the started pool; close it when done
     * @throws IllegalArgumentException {@code workers} is not positive
     * @throws PoolException            a worker could not start
     */
    public static ProcessPool create(int workers) {
        return builder().workers(workers).build();
    }

    /** {@return a builder for a pool with non-default settings} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the pool's name; its workers are named {@code <name>-worker-<n>}} */
    public String name() {
        return config.name();
    }

    @Override
    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize) {
        return calls.map(fn, items, chunkSize);
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn,
                                                      Iterable<? extends T> items, int chunkSize) {
        return calls.mapAsync(fn, items, chunkSize);
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                 int chunkSize) {
        return calls.imap(fn, items, chunkSize);
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items, int chunkSize) {
        return calls.imap(fn, items, chunkSize);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                          int chunkSize) {
        return calls.imapUnordered(fn, items, chunkSize);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          int chunkSize) {
        return calls.imapUnordered(fn, items, chunkSize);
    }

    @Override
    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              ProgressListener listener, Duration every) {
        return calls.map(fn, items, listener, every);
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                 ProgressListener listener, Duration every) {
        return calls.imap(fn, items, listener, every);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          ProgressListener listener, Duration every) {
        return calls.imapUnordered(fn, items, listener, every);
    }

    @Override
    public <A, B, R> List<R> starmap(TaskBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize) {
        return calls.starmap(fn, pairs, chunkSize);
    }

    @Override
    public <R> R apply(TaskCallable<? extends R> task) {
        return calls.apply(task);
    }

    @Override
    public <R> CompletableFuture<R> applyAsync(TaskCallable<? extends R> task) {
        return calls.applyAsync(task);
    }

    @Override
    public <T, R> CompletableFuture<R> applyAsync(TaskFunction<? super T, ? extends R> fn, T arg) {
        return calls.applyAsync(fn, arg);
    }

    /**
     * Takes no new work, waits for the work already accepted (every future done, its callbacks run), then stops the
     * workers. Idempotent. Called from a callback of one of this pool's futures (or another of the pool's threads) it
     * cannot wait for that callback: it starts closing and returns at once; a later {@code close()} from another
     * thread waits.
     */
    @Override
    public void close() {
        sink.close();
        shares.closeAll();
    }

    @Override
    public void terminate() {
        sink.terminate();
        shares.closeAll();
    }

    @Override
    public <T> Shared<T> share(T value) {
        return shares.share(value);
    }

    @Override
    public List<WorkerInfo> workers() {
        return sink.workers();
    }

    @Override
    public PoolInsights insights() {
        return sink.snapshot(calls.runningCalls());
    }

    /**
     * Counts the replacement workers.
     *
     * @return how many workers this pool started to replace workers that ended: that died, timed out, or retired
     *         after {@code maxTasksPerWorker} tasks or above {@code maxWorkerMemory} ({@link PoolInsights#respawns()}
     *         counts only the replacements of workers that died or timed out)
     */
    public int respawnCount() {
        return sink.respawns();
    }

    @Override
    public ExecutorService asExecutorService() {
        return calls.executorService(this);
    }

    @Override
    public String toString() {
        return "ProcessPool[" + config.name() + ", " + (config.elastic()
                ? config.workers() + " to " + config.maxWorkers() : config.workers()) + " workers]";
    }

    /**
     * Settings of a {@link ProcessPool}; {@link #build()} validates them, naming any bad value, and starts the pool.
     *
     * <p>Thread-safety: not thread-safe; configure it on one thread.
     */
    public static final class Builder {
        /** The settings as given; validated into a {@code PoolConfig} by {@link #build()}. */
        private final PoolSettings settings = new PoolSettings();

        private Builder() {
        }

        /**
         * How many worker JVMs; default {@code Runtime.availableProcessors()}.
         *
         * @param workers at least 1
         * @return this builder
         */
        public Builder workers(int workers) {
            settings.workers = workers;
            settings.maxWorkers = -1;
            return this;
        }

        /**
         * An elastic pool: it starts {@code min} workers, adds one (up to {@code max}) when work waits and every
         * worker is busy, and stops a worker beyond {@code min} once it has idled for {@link #idleTimeout}.
         * {@code workers(n, n)} is {@code workers(n)}.
         *
         * @param min at least 1: the workers it starts with and keeps
         * @param max at least {@code min}, at most {@link #MAX_WORKERS}
         * @return this builder
         */
        public Builder workers(int min, int max) {
            settings.workers = min;
            settings.maxWorkers = max;
            return this;
        }

        /**
         * How long a worker beyond an elastic pool's minimum may idle before it stops; default 60 s. A fixed pool
         * ignores it.
         *
         * @param idleTimeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            settings.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * A worker whose resident memory ({@code VmRSS} of {@code /proc/<pid>/status}, Linux only) exceeds this
         * after a task is replaced as {@link #maxTasksPerWorker} replaces one: its replacement starts before it
         * leaves and no task fails. For a native library or a cache that leaks. 0 means no limit (the default).
         *
         * <p>An idle worker alone is resident at about 50 MiB, so {@link #build()} refuses a limit below
         * {@link #MIN_WORKER_MEMORY} (64 MiB); set it to what an idle worker needs plus what your tasks may keep. A
         * limit above the floor that a worker still exceeds after its first task is logged as a warning (SLF4J,
         * {@code io.procpool}) once per pool: its workers are then replaced after about every task.
         *
         * @param bytes 0, or at least {@link #MIN_WORKER_MEMORY}: the resident bytes above which a worker is replaced
         * @return this builder
         */
        public Builder maxWorkerMemory(long bytes) {
            settings.maxWorkerMemory = bytes;
            return this;
        }

        /**
         * A task whose worker died under it (killed, {@code System.exit}, halted, out of memory, a corrupted
         * channel) runs again on another worker, up to this many more times; default 0. A task that threw is never
         * run again, nor one that timed out. When the attempts run out the task fails with the last
         * {@link WorkerDiedException}, the earlier deaths attached as suppressed exceptions.
         *
         * <p>A map's chunk is retried whole: its items that had finished before the death run again (a worker answers
         * a chunk once, at its end, so their results died with it). The function must be safe to run twice on an
         * item (as the item that was running when its worker died runs twice anyway); {@code chunkSize} 1 retries
         * exactly one item.
         *
         * @param times 0 or more
         * @return this builder
         */
        public Builder retryOnWorkerDeath(int times) {
            settings.retryOnWorkerDeath = times;
            return this;
        }

        /**
         * The pool's name; workers are named {@code <name>-worker-<n>}. Default {@code pool-<n>}.
         *
         * @param name not blank
         * @return this builder
         */
        public Builder name(String name) {
            settings.name = name;
            return this;
        }

        /**
         * Runs once in every worker, respawned ones included, before its first task.
         *
         * @param initializer what to run; it travels to the workers with Kryo
         * @return this builder
         */
        public Builder initializer(TaskRunnable initializer) {
            settings.initializer = initializer;
            return this;
        }

        /**
         * A worker is replaced after this many tasks (chunks); 0 means never (the default).
         *
         * @param maxTasksPerWorker 0, or the number of tasks after which a worker is replaced
         * @return this builder
         */
        public Builder maxTasksPerWorker(long maxTasksPerWorker) {
            settings.maxTasksPerWorker = maxTasksPerWorker;
            return this;
        }

        /**
         * How long one task may run; its worker is then killed and replaced and the task fails with
         * {@link TaskTimeoutException}. A chunk of n items may run n times as long. Default: no limit.
         *
         * @param taskTimeout positive
         * @return this builder
         */
        public Builder taskTimeout(Duration taskTimeout) {
            settings.taskTimeout = taskTimeout;
            return this;
        }

        /**
         * Extra options for the worker JVMs, such as {@code -Xmx256m}. A {@code -Xlog} option must send its output to
         * stderr or a file: the workers' stdout carries the protocol.
         *
         * @param options the options, added after any given before
         * @return this builder
         */
        public Builder jvmOptions(String... options) {
            return jvmOptions(Arrays.asList(options));
        }

        /**
         * As {@link #jvmOptions(String...)}.
         *
         * @param options the options, added after any given before
         * @return this builder
         */
        public Builder jvmOptions(List<String> options) {
            Objects.requireNonNull(options, "jvmOptions");
            settings.jvmOptions.addAll(options);
            return this;
        }

        /**
         * The workers' class path; it must hold the tasks' classes, pool-core, pool-worker and their dependencies.
         * Default: this JVM's class path (plus the entries of the context class loader, for launchers that load the
         * application in a class loader of their own).
         *
         * @param entries jar files and directories ({@code String}s, {@code Path}s or {@code File}s)
         * @return this builder
         */
        public Builder classPath(List<?> entries) {
            settings.classPath(entries);
            return this;
        }

        /**
         * The Java installation that runs the workers; default: the running JVM's {@code java.home}.
         *
         * @param javaHome a directory with {@code bin/java}
         * @return this builder
         */
        public Builder javaHome(Path javaHome) {
            settings.javaHome = javaHome;
            return this;
        }

        /**
         * Whether {@link #insights()} keeps a short, truncated {@code toString()} of each task's arguments in its task
         * records (the slowest tasks, the dashboard's task stream). Off by default: arguments can be private data.
         *
         * @param recordArguments true to record them
         * @return this builder
         */
        public Builder recordArguments(boolean recordArguments) {
            settings.recordArguments = recordArguments;
            return this;
        }

        /**
         * Validates the settings and starts the pool, waiting until every worker is ready.
         *
         * @return the started pool; close it when done
         * @throws IllegalArgumentException a setting is invalid (the message names it and its value)
         * @throws PoolException            a worker could not start (with its command line and stderr)
         */
        public ProcessPool build() {
            PoolConfig config = settings.validate(MAX_WORKERS, MIN_WORKER_MEMORY);
            return new ProcessPool(config, LocalSink.start(config, PoolSettings.contextLoader()));
        }
    }
}
