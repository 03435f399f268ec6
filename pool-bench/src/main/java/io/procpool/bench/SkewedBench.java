package io.procpool.bench;

import io.procpool.ProcessPool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * How well {@link ProcessPool} spreads uneven work: the heavy-tailed workload of
 * {@code shared/anchors/skewed_bench.py} (task i parks for {@code durations[i]} ms; 1000 lognormal durations, median
 * 0.5 ms, one of 139 ms), 2 workers. No schedule beats {@code max(sum / workers, max)}; each variant's median makespan
 * of 3 runs (after one warm-up) is printed against that bound, as one JSON line with the Python script's field names
 * where they mean the same, and an "oracle" row: the schedule made knowing every duration, one chunk per worker, which
 * shows what parking itself costs on this machine at this moment (a loaded machine wakes a parked thread late). Run it
 * with
 * {@code java -cp pool-bench/target/pool-bench.jar io.procpool.bench.SkewedBench [--durations FILE] [--reps N]}, or next
 * to Python with {@code pool-bench/compare-skewed.sh}.
 *
 * <p>Threading: the main thread runs the variants one after the other.
 */
public final class SkewedBench {
    private static final int WORKERS = 2;

    private SkewedBench() {
    }

    /** Parks for {@code millis} ms (to the deadline: a park may return early). Runs in the worker. */
    static double park(double millis) {
        long deadline = System.nanoTime() + (long) (millis * 1e6);
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return millis;
    }

    /** Parks through a list of durations in turn: one worker's share of a schedule made in advance. */
    static List<Double> parkAll(List<Double> millis) {
        millis.forEach(SkewedBench::park);
        return millis;
    }

    /**
     * The best schedule knowing every duration in advance (longest first, each to the less loaded worker), as one
     * chunk per worker: what parking costs on this machine now, the floor any scheduler is measured against.
     */
    static List<List<Double>> oracleShares(List<Double> durations) {
        List<List<Double>> shares = new ArrayList<>();
        double[] load = new double[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            shares.add(new ArrayList<>());
        }
        for (double d : durations.stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
            int least = 0;
            for (int w = 1; w < WORKERS; w++) {
                least = load[w] < load[least] ? w : least;
            }
            load[least] += d;
            shares.get(least).add(d);
        }
        return shares;
    }

    /**
     * @param args {@code --durations FILE} (default {@code ../shared/anchors/skewed-durations.txt}),
     *             {@code --reps N} (default 3)
     * @throws Exception the durations cannot be read, or a variant returned a wrong result
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of("../shared/anchors/skewed-durations.txt");
        int reps = 3;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--durations" -> file = Path.of(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Double> durations = Arrays.stream(Files.readString(file).trim().split("\\s+"))
                .map(Double::valueOf).toList();
        double sum = durations.stream().mapToDouble(Double::doubleValue).sum();
        double max = durations.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double bound = Math.max(sum / WORKERS, max) / 1000.0;
        List<Double> sorted = durations.stream().sorted().toList();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tasks", durations.size());
        out.put("sum_ms", sum);
        out.put("max_ms", max);
        out.put("bound_s", bound);
        out.put("workers", WORKERS);
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).name("skewed").build()) {
            pool.map(SkewedBench::park, java.util.Collections.nCopies(WORKERS * 50, 0.0), 1); // warm, as Python
            Map<String, Supplier<List<Double>>> variants = new LinkedHashMap<>();
            List<List<Double>> shares = oracleShares(durations);
            variants.put("oracle", () -> pool.map(SkewedBench::parkAll, shares, 1).stream()
                    .flatMap(List::stream).sorted().toList());
            variants.put("map_default", () -> pool.map(SkewedBench::park, durations));
            variants.put("map_cs1", () -> pool.map(SkewedBench::park, durations, 1));
            variants.put("imap", () -> pool.imap(SkewedBench::park, durations).toList());
            variants.put("imap_unordered", () -> pool.imapUnordered(SkewedBench::park, durations).toList());
            for (Map.Entry<String, Supplier<List<Double>>> variant : variants.entrySet()) {
                double[] times = new double[reps];
                for (int rep = -1; rep < reps; rep++) { // rep -1: the warm-up
                    long start = System.nanoTime();
                    List<Double> result = variant.getValue().get();
                    double seconds = (System.nanoTime() - start) / 1e9;
                    boolean unordered = variant.getKey().equals("imap_unordered") || variant.getKey().equals("oracle");
                    List<Double> check = unordered ? result.stream().sorted().toList() : result;
                    if (!check.equals(unordered ? sorted : durations)) {
                        throw new AssertionError(variant.getKey() + " returned wrong results");
                    }
                    if (rep >= 0) {
                        times[rep] = seconds;
                    }
                }
                Arrays.sort(times);
                double median = times[reps / 2];
                out.put(variant.getKey() + ".makespan_s", median);
                out.put(variant.getKey() + ".vs_bound", median / bound);
                System.err.printf("%-16s %.3f s  %.3fx the bound (runs: %s)%n", variant.getKey(), median,
                        median / bound, Arrays.stream(times).mapToObj(t -> String.format("%.3f", t))
                                .collect(Collectors.joining(" ")));
            }
        }
        List<String> fields = new ArrayList<>();
        out.forEach((key, value) -> fields.add("\"" + key + "\": " + value));
        System.out.println("{" + String.join(", ", fields) + "}");
    }
}
