package io.procpool.examples;

import io.procpool.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A CPU-bound batch job: count the primes below a limit by trial division, once serially in this JVM
 * and once split into ranges over a {@link ProcessPool} with one worker per core, and print both times and the
 * speedup. The pool's start-up is timed apart: a pool is started once and then reused.
 *
 * <p>Threading: the main thread only; the ranges are counted in the pool's workers.
 */
public final class Speedup {
    static final long LIMIT = 6_000_000;
    static final int RANGES = 48;

    private Speedup() {
    }

    /** A half-open range of numbers, {@code [from, to)}. */
    record Range(long from, long to) {
    }

    static long countPrimes(Range range) {
        long count = 0;
        for (long n = Math.max(2, range.from()); n < range.to(); n++) {
            if (isPrime(n)) {
                count++;
            }
        }
        return count;
    }

    private static boolean isPrime(long n) {
        if (n % 2 == 0) {
            return n == 2;
        }
        for (long divisor = 3; divisor * divisor <= n; divisor += 2) {
            if (n % divisor == 0) {
                return false;
            }
        }
        return true;
    }

    /** The numbers below {@link #LIMIT} in {@link #RANGES} ranges of equal length. */
    static List<Range> ranges() {
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < RANGES; i++) {
            ranges.add(new Range(LIMIT * i / RANGES, LIMIT * (i + 1) / RANGES));
        }
        return ranges;
    }

    /**
     * Runs the example.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        List<Range> ranges = ranges();
        int workers = Runtime.getRuntime().availableProcessors();
        System.out.printf("Counting the primes below %,d in %d ranges, serially and on a pool of %d workers%n",
                LIMIT, RANGES, workers);

        long start = System.nanoTime();
        long serialCount = ranges.stream().mapToLong(Speedup::countPrimes).sum();
        long serialNanos = System.nanoTime() - start;
        System.out.printf("serial:     %,6d ms  (%,d primes)%n", millis(serialNanos), serialCount);

        start = System.nanoTime();
        try (ProcessPool pool = ProcessPool.create(workers)) {
            long startupNanos = System.nanoTime() - start;
            start = System.nanoTime();
            long poolCount = pool.map(Speedup::countPrimes, ranges, 1).stream().mapToLong(Long::longValue).sum();
            long poolNanos = System.nanoTime() - start;
            System.out.printf("pool:       %,6d ms  (%,d primes; starting the %d workers took %,d ms more)%n",
                    millis(poolNanos), poolCount, workers, millis(startupNanos));
            System.out.printf("speedup:    %.2fx%n", (double) serialNanos / poolNanos);
        }
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
