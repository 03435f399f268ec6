package io.procpool.internal.local;

import io.procpool.TaskRunnable;
import io.procpool.internal.process.DefaultLaunchSpec;
import io.procpool.internal.process.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The settings of a {@code ProcessPool} as its builder was given them, and their validation into a {@link PoolConfig}
 * with messages that name the bad value. The public builder keeps one and only sets its fields.
 *
 * <p>Thread-safety: not thread-safe; one builder's, on one thread.
 */
public final class PoolSettings {
    private static final AtomicInteger POOL_NUMBERS = new AtomicInteger();

    public int workers = Runtime.getRuntime().availableProcessors();
    public int maxWorkers = -1; // -1: as many as workers (a fixed pool)
    public Duration idleTimeout = PoolConfig.DEFAULT_IDLE_TIMEOUT;
    public long maxWorkerMemory;
    public int retryOnWorkerDeath;
    public String name;
    public TaskRunnable initializer;
    public long maxTasksPerWorker;
    public Duration taskTimeout;
    public final List<String> jvmOptions = new ArrayList<>();
    public List<String> classPath;
    public Path javaHome = Paths.get(System.getProperty("java.home"));
    public boolean recordArguments;

    /** Sets the class path from {@code entries} ({@code String}s, {@code Path}s or {@code File}s), copied. */
    public void classPath(List<?> entries) {
        Objects.requireNonNull(entries, "classPath");
        List<String> copy = new ArrayList<>();
        for (Object entry : entries) {
            copy.add(Objects.requireNonNull(entry, "a classPath entry is null").toString());
        }
        this.classPath = copy;
    }

    /** The class loader a pool built on this thread decodes its answers with: the context loader, or the system's. */
    public static ClassLoader contextLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }

    /**
     * Validates the settings.
     *
     * @param maxAllowed      the most workers a pool may have
     * @param minWorkerMemory the least maxWorkerMemory other than 0 (no limit)
     * @throws IllegalArgumentException a setting is invalid (the message names it and its value)
     */
    public PoolConfig validate(int maxAllowed, long minWorkerMemory) {
        if (workers < 1 || workers > maxAllowed) {
            throw new IllegalArgumentException((maxWorkers < 0 ? "workers" : "workers(min, max): min")
                    + " must be between 1 and " + maxAllowed + " (procpool's limit: each worker is a JVM), got "
                    + workers);
        }
        int max = maxWorkers < 0 ? workers : maxWorkers;
        if (max < workers || max > maxAllowed) {
            throw new IllegalArgumentException("workers(min, max): max must be between min (" + workers
                    + ") and " + maxAllowed + ", got " + max);
        }
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        }
        if (maxWorkerMemory < 0 || maxWorkerMemory > 0 && maxWorkerMemory < minWorkerMemory) {
            throw new IllegalArgumentException("maxWorkerMemory must be 0 (no limit) or at least " + minWorkerMemory
                    + " bytes (" + (minWorkerMemory >> 20) + " MiB: an idle worker JVM alone is resident at about "
                    + "50 MiB, so a smaller limit would start a JVM for every task), got " + maxWorkerMemory
                    + " bytes");
        }
        if (maxWorkerMemory > 0 && !Files.isReadable(Paths.get("/proc/self/status"))) {
            throw new IllegalArgumentException("maxWorkerMemory (" + maxWorkerMemory + " bytes) reads a "
                    + "worker's resident memory from /proc/<pid>/status, which this system does not have");
        }
        if (retryOnWorkerDeath < 0) {
            throw new IllegalArgumentException("retryOnWorkerDeath must be 0 (never) or positive, got "
                    + retryOnWorkerDeath);
        }
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank, got '" + name + "'");
        }
        if (maxTasksPerWorker < 0) {
            throw new IllegalArgumentException("maxTasksPerWorker must be 0 (never) or positive, got "
                    + maxTasksPerWorker);
        }
        if (taskTimeout != null && (taskTimeout.isNegative() || taskTimeout.isZero())) {
            throw new IllegalArgumentException("taskTimeout must be positive, got " + taskTimeout);
        }
        for (String option : jvmOptions) {
            checkJvmOption(option);
        }
        Objects.requireNonNull(javaHome, "javaHome");
        Path java = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
        if (!Files.isExecutable(java)) {
            throw new IllegalArgumentException("javaHome " + javaHome + " has no executable " + java);
        }
        List<String> entries = classPath != null ? classPath
                : DefaultLaunchSpec.forThisJvm("ProcessPool").classPath();
        String poolName = name != null ? name : "pool-" + POOL_NUMBERS.incrementAndGet();
        return new PoolConfig(workers, poolName, initializer, maxTasksPerWorker, Optional.ofNullable(taskTimeout),
                new LaunchSpec(javaHome, entries, jvmOptions), recordArguments, max, idleTimeout,
                maxWorkerMemory, retryOnWorkerDeath);
    }

    private static void checkJvmOption(String option) {
        if (option == null || option.isBlank()) {
            throw new IllegalArgumentException("a jvmOptions entry is empty: " + option);
        }
        if (option.startsWith("-Xlog") && !option.equals("-Xlog:disable")
                && (option.endsWith(":stdout") || !option.contains(":stderr") && !option.contains(":file="))) {
            throw new IllegalArgumentException("jvmOptions entry '" + option + "' would log to stdout, which "
                    + "carries the workers' protocol: send it to stderr (e.g. -Xlog:gc:stderr) or a file");
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }
}
