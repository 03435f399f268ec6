package io.procpool.bench;

import io.procpool.JvmProcess;
import io.procpool.ProcessPool;
import io.procpool.Shared;
import io.procpool.SharedLong;
import io.procpool.internal.shm.SharedValues;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The data-movement figures of issue 19, each with its Python counterpart run by {@code pool-bench/compare-data.sh}:
 * <ul>
 *   <li>{@code payload}: echo of {@code byte[]} items through {@code map(x -> x, items, 1)} on a fresh 2-worker pool,
 *       16 KiB to 64 MiB, 128 MiB per pass, five passes: MB/s of payload per pass; and the same passes over the raw
 *       pipe between two JVMs ({@link RawPipe}), the limit without procpool.</li>
 *   <li>{@code share}: {@code Pool.share} of a 200 MB {@code long[]} to 2 workers, then 10,000 tasks (chunk 1) that
 *       each read one element of it, against 10,000 tasks that capture nothing; how many times it was encoded here
 *       and decoded in each worker.</li>
 *   <li>{@code shared_long}: two child JVMs each doing 1,000,000 {@code SharedLong.incrementAndGet}, child start
 *       included as in Python's {@code lock_value} row; and the increments alone, timed inside the children.</li>
 * </ul>
 * Prints a table on stderr and one JSON line (flat metric names) on stdout.
 *
 * <p>Threading: the main thread runs the sections one after the other.
 */
public final class DataBench {
    private static final int[] ITEM_SIZES = {16 << 10, 256 << 10, 1 << 20, 8 << 20, 64 << 20};
    private static final long PASS_BYTES = 128L << 20;
    private static final int PASSES = 5;
    private static final int SHARED_LONGS = 25_000_000; // 200 MB
    private static final int READ_TASKS = 10_000;
    private static final int INCREMENTS = 1_000_000;

    private final Map<String, Double> metrics = new LinkedHashMap<>();
    /** Options for the workers' JVMs ({@code --worker-opts}), e.g. a Flight Recording to see where the time goes. */
    private final List<String> workerOptions;
    private final int[] itemSizes;

    private DataBench(List<String> workerOptions, int[] itemSizes) {
        this.workerOptions = workerOptions;
        this.itemSizes = itemSizes;
    }

    /**
     * @param args the sections to run, among {@code payload share shared_long} (default: all three);
     *             {@code --worker-opts "OPTIONS"} (space-separated) for the workers' JVMs; {@code --sizes 1024,65536}
     *             for the payload's item sizes in KiB
     * @throws Exception a section failed or produced a wrong result
     */
    public static void main(String[] args) throws Exception {
        List<String> sections = new ArrayList<>();
        List<String> workerOptions = List.of();
        int[] sizes = ITEM_SIZES;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--worker-opts" -> workerOptions = Arrays.stream(args[++i].trim().split("\\s+"))
                        .filter(option -> !option.isEmpty()).toList();
                case "--sizes" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(k -> Integer.parseInt(k) << 10)
                        .toArray();
                default -> sections.add(args[i]);
            }
        }
        if (sections.isEmpty()) {
            sections = List.of("payload", "share", "shared_long");
        }
        DataBench bench = new DataBench(workerOptions, sizes);
        for (String section : sections) {
            switch (section) {
                case "payload" -> bench.payload();
                case "share" -> bench.share();
                case "shared_long" -> bench.sharedLong();
                default -> throw new IllegalArgumentException("unknown section " + section);
            }
        }
        System.out.println(bench.metrics.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + String.format("%.3f", e.getValue()))
                .collect(Collectors.joining(", ", "{", "}")));
    }

    private void payload() throws Exception {
        for (int size : itemSizes) {
            int items = (int) (PASS_BYTES / size);
            List<byte[]> arrays = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
                byte[] array = new byte[size];
                array[size - 1] = (byte) i;
                arrays.add(array);
            }
            double[] rates = new double[PASSES];
            try (ProcessPool pool = ProcessPool.builder().workers(2).jvmOptions(workerOptions).build()) {
                for (int pass = 0; pass < PASSES; pass++) {
                    long start = System.nanoTime();
                    List<byte[]> echoed = pool.map((byte[] a) -> a, arrays, 1);
                    rates[pass] = (double) items * size / 1e6 / ((System.nanoTime() - start) / 1e9);
                    for (int i = 0; i < items; i++) {
                        PoolBench.check(echoed.get(i).length == size && echoed.get(i)[size - 1] == (byte) i, "echo");
                    }
                }
            }
            String name = "payload." + (size >> 10) + "k";
            row(name, rates);
            row("raw." + (size >> 10) + "k", RawPipe.echoPasses(size, items, PASSES));
        }
    }

    private void row(String name, double[] rates) {
        for (int pass = 0; pass < rates.length; pass++) {
            metrics.put(name + ".pass" + (pass + 1) + "_mb_per_s", rates[pass]);
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        metrics.put(name + ".median_mb_per_s", sorted[sorted.length / 2]);
        System.err.printf("  %-14s MB/s %s  median %.0f%n", name,
                Arrays.stream(rates).mapToObj(r -> String.format("%6.0f", r)).collect(Collectors.joining(" ")),
                sorted[sorted.length / 2]);
    }

    private void share() {
        long[] table = new long[SHARED_LONGS];
        Arrays.setAll(table, i -> i);
        List<Integer> indexes = IntStream.range(0, READ_TASKS).map(i -> i * 2_000).boxed().toList();
        long expected = indexes.stream().mapToLong(Integer::longValue).sum();
        try (ProcessPool pool = ProcessPool.builder().workers(2).jvmOptions(workerOptions).build()) {
            pool.map((Integer i) -> i, indexes, 1); // both workers warm, as for the rows below
            long encodesBefore = SharedValues.encodes();
            long start = System.nanoTime();
            Shared<long[]> shared = pool.share(table);
            put("share.share_200mb_ms", (System.nanoTime() - start) / 1e6);
            put("share.encodes", SharedValues.encodes() - encodesBefore);

            start = System.nanoTime();
            List<long[]> first = pool.map((Integer i) -> new long[] {shared.get()[i], SharedValues.decodes()},
                    indexes, 1);
            put("share.first_10k_reads_tasks_per_s", READ_TASKS / ((System.nanoTime() - start) / 1e9));
            PoolBench.check(first.stream().mapToLong(r -> r[0]).sum() == expected, "shared reads");
            put("share.decodes_per_worker_max", first.stream().mapToLong(r -> r[1]).max().orElseThrow());
            for (int run = 0; run < 3; run++) {
                start = System.nanoTime();
                List<Long> reads = pool.map((Integer i) -> shared.get()[i], indexes, 1);
                double readRate = READ_TASKS / ((System.nanoTime() - start) / 1e9);
                PoolBench.check(reads.stream().mapToLong(Long::longValue).sum() == expected, "shared reads");
                start = System.nanoTime();
                List<Long> plain = pool.map((Integer i) -> (long) i, indexes, 1);
                double plainRate = READ_TASKS / ((System.nanoTime() - start) / 1e9);
                PoolBench.check(plain.stream().mapToLong(Long::longValue).sum() == expected, "plain tasks");
                put("share.reads_run" + (run + 1) + "_tasks_per_s", readRate);
                put("share.capturing_nothing_run" + (run + 1) + "_tasks_per_s", plainRate);
            }
            shared.close();
        }
    }

    private void sharedLong() throws Exception {
        SharedLong counter = SharedLong.create(0);
        SharedLong insideNanos = SharedLong.create(0);
        long start = System.nanoTime();
        List<JvmProcess> children = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            JvmProcess child = new JvmProcess(() -> {
                long from = System.nanoTime();
                for (int i = 0; i < INCREMENTS; i++) {
                    counter.incrementAndGet();
                }
                insideNanos.addAndGet(System.nanoTime() - from);
            });
            child.start();
            children.add(child);
        }
        for (JvmProcess child : children) {
            child.join();
            PoolBench.check(child.exitCode().orElseThrow() == 0, "incrementer exit code");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PoolBench.check(counter.get() == 2L * INCREMENTS, "exact sum");
        put("shared_long.incs_per_s_child_start_included", 2.0 * INCREMENTS / seconds);
        put("shared_long.incs_per_s_inside_children", 2.0 * INCREMENTS / (insideNanos.get() / 2 / 1e9));
        counter.close();
        insideNanos.close();
    }

    private void put(String name, double value) {
        metrics.put(name, value);
        System.err.printf("  %-48s %,.1f%n", name, value);
    }
}
