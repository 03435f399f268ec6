package io.procpool.hazelcast;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import io.procpool.Pool;
import io.procpool.PoolException;
import io.procpool.PoolInsights;
import io.procpool.Shared;
import io.procpool.WorkerInfo;
import io.procpool.hazelcast.internal.ClusterKey;
import io.procpool.hazelcast.internal.ClusterSink;
import io.procpool.ProgressListener;
import io.procpool.TaskBiFunction;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import io.procpool.internal.calls.PoolCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A {@link Pool} whose workers are the members of a Hazelcast cluster: the same calls, ordering, laziness, chunking
 * and exception types as {@link io.procpool.ProcessPool}, with tasks encoded by the same Kryo codec and run on the
 * members by the same executor a local worker uses. Members are started with {@link Member} (or are any Hazelcast
 * members with procpool and the tasks' classes on their class path).
 *
 * <pre>{@code
 * try (HazelcastPool pool = HazelcastPool.builder().clusterName("crunch")
 *         .addresses("10.0.0.1:5701", "10.0.0.2:5701").authKeyFile(Path.of("cluster.key")).build()) {
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));
 * }
 * }</pre>
 *
 * <p>Delivery: with failover (the default) tasks go through Hazelcast's durable executor, so a task whose member dies
 * is run again by the member holding its backup: <b>at least once</b>, and tasks should be idempotent. Without
 * failover a task whose member dies fails with {@link MemberLostException}: at most once. Either way no call waits
 * forever on a member that is gone. {@code cancel} and {@link #terminate()} stop the caller from waiting; a member
 * that already runs the task finishes it and its answer is dropped.
 *
 * <p>Thread-safety: thread-safe; any number of threads may submit concurrently. Futures complete on the pool's own
 * answer threads, never on Hazelcast's.
 */
public final class HazelcastPool implements Pool {
    /** The name of the (durable or plain) executor the tasks go through, as {@link Member} configures it. */
    public static final String DEFAULT_EXECUTOR = "procpool";

    private final HazelcastInstance instance;
    private final boolean ownsInstance;
    /** The cluster transport: members, their tasks and the pool's lifecycle. */
    private final ClusterSink sink;
    /** What each call does with its tasks (chunking, ordering, progress), on {@link #sink}. */
    private final PoolCalls calls;

    private HazelcastPool(HazelcastInstance instance, boolean ownsInstance, ClusterSink sink) {
        this.instance = instance;
        this.ownsInstance = ownsInstance;
        this.sink = sink;
        this.calls = new PoolCalls(sink);
    }

    /**
     * A pool on the cluster {@code instance} (a client or a member) belongs to, with failover and default settings.
     * Closing the pool leaves the instance running: it is the caller's.
     *
     * @param instance a Hazelcast client or member of the cluster that runs the tasks
     * @return the pool
     */
    public static HazelcastPool create(HazelcastInstance instance) {
        return builder().instance(instance).build();
    }

    /** {@return a builder for a pool that starts its own client, or one with non-default settings} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the Hazelcast client or member this pool submits through} */
    public HazelcastInstance instance() {
        return instance;
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

    @Override
    public ExecutorService asExecutorService() {
        return calls.executorService(this);
    }

    /**
     * Takes no new work, waits for the work already accepted, then shuts down the client this pool started (an
     * instance given to {@link #create} stays up). Idempotent.
     */
    @Override
    public void close() {
        sink.close();
        shutDownOwnInstance();
    }

    /**
     * Insights of the cluster pool: the counters, throughput, slowest tasks, running calls and failures as for a local
     * pool; the members as workers, with the tasks and busy time of this pool's tasks on them. Remote members'
     * memory, CPU time and start-up are unknown here (-1, empty, zero), and what a member runs now is not tracked.
     */
    @Override
    public PoolInsights insights() {
        return sink.snapshot(calls.runningCalls());
    }

    /**
     * Takes no new work; unfinished futures complete with {@link java.util.concurrent.CancellationException}; shuts
     * down the client this pool started. Members finish the tasks they already run. Idempotent.
     */
    @Override
    public void terminate() {
        sink.terminate();
        shutDownOwnInstance();
    }

    /**
     * Refused: a {@link Shared} value lives in the shared memory of one machine, which the members of a cluster do
     * not map. Send the value with the tasks, or load it on each member (a member's static cache).
     *
     * @param <T> the value's type
     * @param value not shared
     * @return never
     * @throws PoolException always
     */
    @Override
    public <T> Shared<T> share(T value) {
        throw new PoolException("share() is not supported by HazelcastPool: a Shared value lives in one machine's "
                + "shared memory, which cluster members do not map; capture the value in the tasks, or load it on "
                + "each member");
    }

    private void shutDownOwnInstance() {
        if (ownsInstance) {
            instance.shutdown();
        }
    }

    /**
     * @return the cluster's members as workers: name {@code member <host>:<port>}, the pid a {@link Member} launcher
     *     published (-1 otherwise), and the tasks each has answered for this pool
     */
    @Override
    public List<WorkerInfo> workers() {
        return sink.workers();
    }

    @Override
    public String toString() {
        return "HazelcastPool[" + instance.getName() + "]";
    }

    /**
     * Settings of a {@link HazelcastPool}; {@link #build()} validates them, naming any bad value, and starts the pool.
     *
     * <p>Thread-safety: not thread-safe; configure it on one thread.
     */
    public static final class Builder {
        private HazelcastInstance instance;
        private String clusterName = "dev";
        private final List<String> addresses = new ArrayList<>();
        private Duration connectTimeout = Duration.ofSeconds(30);
        private boolean failover = true;
        private int threadsPerMember = Runtime.getRuntime().availableProcessors();
        private String executorName = DEFAULT_EXECUTOR;
        private ClusterKey authKey;

        private Builder() {
        }

        /**
         * Submit through this client or member instead of starting a client; it is not shut down with the pool.
         *
         * @param instance a Hazelcast client or member
         * @return this builder
         */
        public Builder instance(HazelcastInstance instance) {
            this.instance = Objects.requireNonNull(instance, "instance");
            return this;
        }

        /**
         * Names the cluster.
         *
         * @param clusterName the cluster the started client joins; default {@code dev} (Hazelcast's default)
         * @return this builder
         */
        public Builder clusterName(String clusterName) {
            this.clusterName = clusterName;
            return this;
        }

        /**
         * Sets the members to connect to.
         *
         * @param addresses members the started client first connects to, {@code host[:port]}; default
         *                  {@code 127.0.0.1:5701}
         * @return this builder
         */
        public Builder addresses(String... addresses) {
            return addresses(Arrays.asList(addresses));
        }

        /**
         * As {@link #addresses(String...)}.
         *
         * @param addresses members the started client first connects to
         * @return this builder
         */
        public Builder addresses(List<String> addresses) {
            Objects.requireNonNull(addresses, "addresses");
            this.addresses.addAll(addresses);
            return this;
        }

        /**
         * How long the started client tries to reach the cluster, at start and after losing it, before it gives up
         * (then waiting tasks fail with {@link MemberLostException}). Default 30 s.
         *
         * @param connectTimeout a positive duration
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * {@code true} (default): Hazelcast's durable executor, at-least-once delivery: a member's death re-runs its
         * tasks on the backup. {@code false}: the plain executor, at-most-once: they fail with
         * {@link MemberLostException}.
         *
         * @param failover whether a dead member's tasks run again elsewhere
         * @return this builder
         */
        public Builder failover(boolean failover) {
            this.failover = failover;
            return this;
        }

        /**
         * How many tasks one member runs at once (its executor's pool size); sets chunk sizes and read-ahead. Default:
         * this machine's processor count, as {@link Member} sizes its executor.
         *
         * @param threadsPerMember at least 1
         * @return this builder
         */
        public Builder threadsPerMember(int threadsPerMember) {
            this.threadsPerMember = threadsPerMember;
            return this;
        }

        /**
         * Names the executor.
         *
         * @param executorName the executor's name on the members; default {@value HazelcastPool#DEFAULT_EXECUTOR}
         * @return this builder
         */
        public Builder executorName(String executorName) {
            this.executorName = executorName;
            return this;
        }

        /**
         * The cluster key (Python's {@code authkey}): the pool signs every task with HMAC-SHA256 under it, members
         * started with the same key ({@code Member --auth-key-file}) run only tasks whose signature they verify, and
         * the pool decodes only answers signed with it for the very task they answer. A task or answer that fails the
         * check completes with {@link PayloadSignatureException}, its bytes never decoded. Default: none (members
         * without a key, which listen on loopback only).
         *
         * @param key the shared secret, at least 16 bytes (32 random bytes recommended); copied
         * @return this builder
         * @throws IllegalArgumentException the key is null or shorter than 16 bytes
         */
        public Builder authKey(byte[] key) {
            this.authKey = ClusterKey.of(key);
            return this;
        }

        /**
         * As {@link #authKey(byte[])}, with the key read from a file exactly as {@code Member --auth-key-file} reads
         * it: its bytes, unchanged; the file must be readable by its owner only.
         *
         * @param file the key file
         * @return this builder
         * @throws IllegalArgumentException the file is missing, open to group or others, or holds under 16 bytes
         */
        public Builder authKeyFile(Path file) {
            this.authKey = ClusterKey.readFile(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Validates the settings, starts a client unless an instance was given, and returns the pool.
         *
         * @return the pool
         * @throws IllegalArgumentException a setting is invalid (the message names it and its value)
         * @throws PoolException            the client could not reach the cluster
         */
        public HazelcastPool build() {
            if (threadsPerMember < 1) {
                throw new IllegalArgumentException("threadsPerMember must be at least 1, got " + threadsPerMember);
            }
            if (executorName == null || executorName.isBlank()) {
                throw new IllegalArgumentException("executorName must not be blank, got '" + executorName + "'");
            }
            boolean owns = instance == null;
            HazelcastInstance target = owns ? startClient() : instance;
            ClusterSink.Launcher launcher = failover
                    ? ClusterSink.Launcher.durable(target.getDurableExecutorService(executorName))
                    : ClusterSink.Launcher.plain(target.getExecutorService(executorName));
            return new HazelcastPool(target, owns, new ClusterSink(target, launcher, threadsPerMember, authKey));
        }

        private HazelcastInstance startClient() {
            if (clusterName == null || clusterName.isBlank()) {
                throw new IllegalArgumentException("clusterName must not be blank, got '" + clusterName + "'");
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
            }
            for (String address : addresses) {
                if (address == null || address.isBlank()) {
                    throw new IllegalArgumentException("an addresses entry is empty: " + addresses);
                }
            }
            List<String> members = addresses.isEmpty() ? List.of("127.0.0.1:5701") : addresses;
            ClientConfig config = new ClientConfig();
            config.setClusterName(clusterName);
            config.setProperty("hazelcast.phone.home.enabled", "false");
            config.getNetworkConfig().setAddresses(new ArrayList<>(members));
            config.getConnectionStrategyConfig().getConnectionRetryConfig()
                    .setClusterConnectTimeoutMillis(connectTimeout.toMillis());
            try {
                return HazelcastClient.newHazelcastClient(config);
            } catch (IllegalStateException e) {
                throw new PoolException("no member of cluster '" + clusterName + "' answered at " + members
                        + " within " + connectTimeout.toMillis() + " ms: " + e.getMessage(), e);
            }
        }
    }
}
