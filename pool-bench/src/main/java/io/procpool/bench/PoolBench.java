package io.procpool.bench;

import io.procpool.ProcessPool;
import io.procpool.TaskFunction;
import io.procpool.WorkerInfo;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The workloads of {@code shared/anchors/python_pool_bench.py}, run against {@link ProcessPool} with 2 workers, plus
 * the raw pipe limit between two JVMs without procpool: first the first-job figures (a fresh JVM per figure, see
 * {@link FirstJob}), then the steady-state ones (one pool, each workload warmed up before it counts). Every workload checks its results (sums, lengths) before its
 * time counts. Prints a table, then one JSON line (the last line) with flat metric names; {@code --json-out FILE}
 * writes that line to a file too. Run it with {@code java -jar pool-bench/target/pool-bench.jar}, or side by side
 * with Python through {@code pool-bench/compare.sh}.
 *
 * <p>Threading: the main thread runs the workloads one after the other.
 */
public final class PoolBench {
    private static final int WORKERS = 2;
    private static final int STARTUP_REPS = 5;
    private static final int TINY_N = 200_000;
    private static final int LATENCY_N = 20_000;
    private static final int PAYLOAD_N = 200;
    private static final int PAYLOAD_BYTES = 1 << 20;
    private static final int CPU_N = 200;
    private static final double CPU_TASK_MILLIS = 8.3;
    private static final long IMAP_N = 10_000_000L;
    private static final int WARM_UPS = 3;
    private static final int MEASURED = 3;

    private final Map<String, Double> metrics = new LinkedHashMap<>();
    /** Options for every worker JVM the benchmark starts ({@code --worker-opts}), to compare launch flags. */
    private final List<String> workerOptions;

    private PoolBench(List<String> workerOptions) {
        this.workerOptions = workerOptions;
    }

    private ProcessPool.Builder pool(int workers) {
        return ProcessPool.builder().workers(workers).jvmOptions(workerOptions);
    }

    /**
     * Runs every workload and prints the table and the JSON line.
     *
     * @param args {@code --json-out FILE} to also write the JSON line to a file; {@code --worker-opts "OPTIONS"}
     *             (space-separated) for the workers' JVMs; {@code --only first} or {@code --only steady} for one half
     * @throws Exception a workload failed or produced a wrong result
     */
    public static void main(String[] args) throws Exception {
        String jsonOut = null;
        String only = "all";
        List<String> workerOptions = List.of();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--json-out" -> jsonOut = args[i + 1];
                case "--only" -> only = args[i + 1];
                case "--worker-opts" -> workerOptions = Arrays.stream(args[i + 1].trim().split("\\s+"))
                        .filter(option -> !option.isEmpty()).collect(Collectors.toList());
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PoolBench bench = new PoolBench(workerOptions);
        bench.startup();
        if (!only.equals("steady")) {
            FirstJob.measure(workerOptions, bench::put);
        }
        if (!only.equals("first")) {
            try (ProcessPool pool = bench.pool(WORKERS).name("bench").build()) {
                bench.idleWorkerMemory(pool);
                bench.tinyTasks(pool);
                bench.latency(pool);
                bench.payload(pool);
                bench.imap(pool);
            }
            bench.cpuBound();
            RawPipe.measure(bench.metrics);
        }
        String json = bench.json();
        bench.printTable();
        System.out.println(json);
        if (jsonOut != null) {
            Files.writeString(Paths.get(jsonOut), json + "\n");
        }
    }

    private void put(String name, double value) {
        metrics.put(name, value);
        System.err.printf("  %-40s %,.2f%n", name, value);
    }

    /** (a) From build() to every worker ready, after one unmeasured start (which makes the CDS archive). */
    private void startup() {
        pool(WORKERS).build().close();
        double[] millis = new double[STARTUP_REPS];
        for (int i = 0; i < STARTUP_REPS; i++) {
            long start = System.nanoTime();
            ProcessPool pool = pool(WORKERS).build();
            millis[i] = (System.nanoTime() - start) / 1e6;
            check(pool.apply(() -> 42) == 42, "startup answer");
            pool.close();
        }
        Arrays.sort(millis);
        put("startup.all_ready_ms.median", millis[STARTUP_REPS / 2]);
        put("startup.all_ready_ms.min", millis[0]);
    }

    private void idleWorkerMemory(ProcessPool pool) throws IOException {
        double total = 0;
        for (WorkerInfo worker : pool.workers()) {
            total += residentMib(worker.pid(), "VmRSS:");
        }
        put("worker.idle_rss_mib", total / pool.workers().size());
    }

    /**
     * (b) 200,000 x {@code x + 1} through map at chunk 1, automatic and 1000. The JIT needs a few full runs to reach
     * steady state (a cold run is 2-5x slower), so each size runs {@link #WARM_UPS} times unmeasured and the median of
     * {@link #MEASURED} runs counts.
     */
    private void tinyTasks(ProcessPool pool) {
        List<Integer> items = IntStream.range(0, TINY_N).boxed().collect(Collectors.toList());
        long expected = (long) TINY_N * (TINY_N + 1) / 2;
        TaskFunction<Integer, Integer> inc = x -> x + 1;
        for (int chunk : new int[] {1, 0, 1000}) {
            double seconds = steadySeconds(() -> {
                List<Integer> results = pool.map(inc, items, chunk);
                check(results.stream().mapToLong(Integer::longValue).sum() == expected, "tiny sum");
            });
            put("tiny." + (chunk == 0 ? "cs_default" : "cs" + chunk) + ".tasks_per_s", TINY_N / seconds);
        }
    }

    /** The median time of {@link #MEASURED} runs of {@code run}, after {@link #WARM_UPS} unmeasured ones. */
    private static double steadySeconds(Runnable run) {
        for (int i = 0; i < WARM_UPS; i++) {
            run.run();
        }
        double[] seconds = new double[MEASURED];
        for (int i = 0; i < MEASURED; i++) {
            long start = System.nanoTime();
            run.run();
            seconds[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[MEASURED / 2];
    }

    /** (c) Sequential applyAsync(...).get() round trips. */
    private void latency(ProcessPool pool) throws Exception {
        for (int i = 0; i < 2_000; i++) {
            pool.applyAsync(() -> 1).get();
        }
        long[] nanos = new long[LATENCY_N];
        for (int i = 0; i < LATENCY_N; i++) {
            int value = i;
            long start = System.nanoTime();
            int answer = pool.applyAsync((Integer x) -> x + 1, value).get();
            nanos[i] = System.nanoTime() - start;
            check(answer == value + 1, "latency answer");
        }
        Arrays.sort(nanos);
        put("latency.median_us", nanos[LATENCY_N / 2] / 1e3);
        put("latency.p99_us", nanos[(int) (LATENCY_N * 0.99)] / 1e3);
        put("latency.min_us", nanos[0] / 1e3);
    }

    /** (d) 200 x 1 MiB arrays: returning their length (one way), and echoing them back. */
    private void payload(ProcessPool pool) {
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; i < PAYLOAD_N; i++) {
            byte[] array = new byte[PAYLOAD_BYTES];
            Arrays.fill(array, (byte) i);
            arrays.add(array);
        }
        double mb = (double) PAYLOAD_N * PAYLOAD_BYTES / 1e6;
        double oneWay = steadySeconds(() -> check(pool.map((byte[] a) -> a.length, arrays).stream()
                .allMatch(n -> n == PAYLOAD_BYTES), "payload lengths"));
        put("payload.len_oneway_mb_per_s", mb / oneWay);
        double echo = steadySeconds(() -> {
            List<byte[]> echoed = pool.map((byte[] a) -> a, arrays);
            for (int i = 0; i < PAYLOAD_N; i++) {
                check(echoed.get(i).length == PAYLOAD_BYTES && echoed.get(i)[PAYLOAD_BYTES - 1] == (byte) i, "echo");
            }
        });
        put("payload.echo_payload_mb_per_s", mb / echo);
    }

    /**
     * (f) imap over a lazy 10,000,000-item stream, default chunking: items/s, and the parent's live heap, read as the
     * heap in use right after each garbage collection (what survives is what imap holds; garbage between collections
     * says nothing about it).
     */
    private void imap(ProcessPool pool) {
        System.gc();
        double baseline = liveHeapMib();
        long start = System.nanoTime();
        long sum = 0;
        long count = 0;
        double peak = baseline;
        try (Stream<Long> results = pool.imap((Long x) -> x + 1, Stream.iterate(0L, x -> x + 1).limit(IMAP_N))) {
            java.util.Iterator<Long> it = results.iterator();
            while (it.hasNext()) {
                sum += it.next();
                if (++count % 1_000_000 == 0) {
                    peak = Math.max(peak, liveHeapMib());
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(sum == IMAP_N * (IMAP_N + 1) / 2, "imap sum");
        put("imap.items_per_s", IMAP_N / seconds);
        put("imap.live_heap_baseline_mib", baseline);
        put("imap.live_heap_peak_mib", peak);
    }

    /** Heap in use after the last collection of each pool, summed: the live set as of the last GC. */
    private static double liveHeapMib() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage afterGc = pool.getCollectionUsage();
            if (pool.getType() == MemoryType.HEAP && afterGc != null) {
                bytes += afterGc.getUsed();
            }
        }
        return bytes / 1048576.0;
    }

    /**
     * (e) 200 CPU-bound tasks of about 8 ms: serial in this JVM (already compiled by the calibration), then pools of 1
     * and 2 workers at steady state (their JIT warms up in the unmeasured runs).
     */
    private void cpuBound() {
        long iterations = calibrate();
        List<Long> seeds = java.util.stream.LongStream.range(0, CPU_N).boxed().collect(Collectors.toList());
        long start = System.nanoTime();
        long serialSum = seeds.stream().mapToLong(seed -> Spin.work(seed, iterations)).sum();
        double serial = (System.nanoTime() - start) / 1e9;
        put("cpu.task_ms", serial * 1000 / CPU_N);
        put("cpu.serial_s", serial);
        for (int workers : new int[] {1, 2}) {
            try (ProcessPool pool = pool(workers).build()) {
                double seconds = steadySeconds(() -> check(pool.map((Long seed) -> Spin.work(seed, iterations), seeds, 1)
                        .stream().mapToLong(Long::longValue).sum() == serialSum, "cpu sum"));
                put("cpu.w" + workers + ".speedup_vs_serial", serial / seconds);
            }
        }
    }

    /** How many iterations of {@link Spin#work} take about {@link #CPU_TASK_MILLIS} here, once compiled. */
    private static long calibrate() {
        long iterations = 100_000;
        for (int round = 0; round < 8; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                Spin.work(i, iterations);
            }
            double millis = (System.nanoTime() - start) / 5e6;
            iterations = Math.max(1_000, (long) (iterations * CPU_TASK_MILLIS / Math.max(millis, 0.01)));
        }
        return iterations;
    }

    static double residentMib(long pid, String field) throws IOException {
        Path status = Paths.get("/proc", Long.toString(pid), "status");
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("benchmark result is wrong: " + what);
        }
    }

    private void printTable() {
        System.out.println();
        System.out.printf("%-40s %15s%n", "metric (2 workers)", "value");
        metrics.forEach((name, value) -> System.out.printf("%-40s %,15.2f%n", name, value));
    }

    private String json() {
        return metrics.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + String.format(java.util.Locale.ROOT, "%.4f", e.getValue()))
                .collect(Collectors.joining(", ", "{\"metrics\": {", "}}"));
    }
}
