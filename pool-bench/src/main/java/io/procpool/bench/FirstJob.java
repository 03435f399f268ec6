package io.procpool.bench;

import io.procpool.ProcessPool;
import io.procpool.TaskFunction;
import io.procpool.WorkerInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The first job of a fresh program, as a user who runs a batch once gets it (issue 13): a fresh JVM builds a pool of 2,
 * warms it as Python's benchmark warms its pool (100 tasks at chunk 1), then runs ONE measured job and exits. No JIT
 * has compiled anything beyond what those 100 tasks and start-up did, in the parent or in the workers.
 *
 * <p>{@link #measure} runs each job in {@link #RUNS} fresh JVMs (this JVM's java and options) and records the median;
 * {@link #main} is what such a JVM runs: {@code FirstJob JOB [WORKER_OPTION...]} prints one line
 * {@code first-job JOB ITEMS_PER_SECOND CPU_MILLISECONDS} (the CPU time of this JVM and its workers during the job).
 * JOB is {@code cs_default} (map of 200,000 {@code x -> x + 1}, automatic chunks), {@code cs1} (the same map at
 * chunk 1) or {@code imap} (imap over a lazy 2,000,000-item stream, default chunks).
 *
 * <p>Threading: the main thread runs the job; {@link #measure} waits for each child JVM in turn.
 */
final class FirstJob {
    static final String[] JOBS = {"cs_default", "cs1", "imap"};
    private static final int RUNS = 3;
    private static final int MAP_N = 200_000;
    private static final long IMAP_N = 2_000_000L;
    private static final String PREFIX = "first-job ";

    private FirstJob() {
    }

    /**
     * One measured first job in this (fresh) JVM.
     *
     * @param args the job name, then options for the workers' JVMs
     * @throws Exception the job failed or its result was wrong
     */
    public static void main(String[] args) throws Exception {
        String job = args[0];
        List<String> workerOptions = Arrays.asList(args).subList(1, args.length);
        try (ProcessPool pool = ProcessPool.builder().workers(2).jvmOptions(workerOptions).build()) {
            TaskFunction<Integer, Integer> inc = x -> x + 1;
            List<Integer> warm = pool.map(inc, IntStream.range(0, 100).boxed().collect(Collectors.toList()), 1);
            PoolBench.check(warm.get(99) == 100, "warm-up");
            long cpuBefore = cpuNanos(pool);
            double itemsPerSecond = switch (job) {
                case "cs_default" -> map(pool, inc, 0);
                case "cs1" -> map(pool, inc, 1);
                case "imap" -> imap(pool);
                default -> throw new IllegalArgumentException("unknown job " + job + "; one of " + Arrays.toString(JOBS));
            };
            double cpuMillis = (cpuNanos(pool) - cpuBefore) / 1e6;
            System.out.println(PREFIX + job + " " + itemsPerSecond + " " + cpuMillis);
        }
    }

    /**
     * CPU time used so far by this JVM and the pool's workers, JIT compiler threads and GC included: what a job
     * costs, which a machine shared with other work does not change as much as it changes the wall-clock time.
     */
    private static long cpuNanos(ProcessPool pool) throws IOException {
        long nanos = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
        for (WorkerInfo worker : pool.workers()) {
            String stat = Files.readString(Paths.get("/proc", Long.toString(worker.pid()), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            nanos += ticks * 10_000_000L; // USER_HZ is 100 on Linux
        }
        return nanos;
    }

    private static double map(ProcessPool pool, TaskFunction<Integer, Integer> inc, int chunk) {
        List<Integer> items = IntStream.range(0, MAP_N).boxed().collect(Collectors.toList());
        long start = System.nanoTime();
        List<Integer> results = pool.map(inc, items, chunk);
        double seconds = (System.nanoTime() - start) / 1e9;
        PoolBench.check(results.stream().mapToLong(Integer::longValue).sum() == (long) MAP_N * (MAP_N + 1) / 2,
                "first map sum");
        return MAP_N / seconds;
    }

    private static double imap(ProcessPool pool) {
        long start = System.nanoTime();
        long sum = 0;
        try (Stream<Long> results = pool.imap((Long x) -> x + 1, Stream.iterate(0L, x -> x + 1).limit(IMAP_N))) {
            for (Iterator<Long> it = results.iterator(); it.hasNext(); ) {
                sum += it.next();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PoolBench.check(sum == IMAP_N * (IMAP_N + 1) / 2, "first imap sum");
        return IMAP_N / seconds;
    }

    /**
     * Runs every job in {@link #RUNS} fresh JVMs and reports {@code first.JOB.items_per_s} (the median),
     * {@code .min}/{@code .max}, and {@code .cpu_ms} (the median CPU time of parent and workers) through {@code put}.
     */
    static void measure(List<String> workerOptions, BiConsumer<String, Double> put) throws IOException,
            InterruptedException {
        for (String job : JOBS) {
            double[] rates = new double[RUNS];
            double[] cpu = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                String[] figures = runFresh(job, workerOptions).split(" ");
                rates[i] = Double.parseDouble(figures[0]);
                cpu[i] = Double.parseDouble(figures[1]);
            }
            Arrays.sort(rates);
            Arrays.sort(cpu);
            put.accept("first." + job + ".items_per_s", rates[RUNS / 2]);
            put.accept("first." + job + ".min", rates[0]);
            put.accept("first." + job + ".max", rates[RUNS - 1]);
            put.accept("first." + job + ".cpu_ms", cpu[RUNS / 2]);
        }
    }

    /** The figures line of one fresh JVM: items/s, then CPU milliseconds. */
    private static String runFresh(String job, List<String> workerOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(FirstJob.class.getName());
        command.add(job);
        command.addAll(workerOptions);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_TOOL_OPTIONS");
        Process process = builder.start();
        String result = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith(PREFIX + job + " ")) {
                    result = line.substring(PREFIX.length() + job.length() + 1);
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0 || result == null) {
            throw new IllegalStateException("first job " + job + " failed (exit " + exit + "):\n" + output);
        }
        return result;
    }
}
