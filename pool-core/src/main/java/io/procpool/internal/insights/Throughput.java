package io.procpool.internal.insights;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Finished tasks counted per second of the clock: the rate over the last {@value #RATE_SECONDS} seconds and the
 * history the dashboard draws. A ring of per-second buckets, so counting costs an atomic add.
 *
 * <p>Thread-safety: thread-safe; counting is lock-free but for the first count of a second in its bucket.
 */
final class Throughput {
    static final int RATE_SECONDS = 10;
    /** The buckets: the history plus room for the current second. */
    private static final int BUCKETS = 64;

    private final Instant created;
    private final AtomicLongArray bucketSecond = new AtomicLongArray(BUCKETS);
    private final AtomicLongArray bucketCount = new AtomicLongArray(BUCKETS);

    /** @param created when counting began, so a young pool's rate is not diluted by seconds it did not live */
    Throughput(Instant created) {
        this.created = created;
        for (int i = 0; i < BUCKETS; i++) {
            bucketSecond.set(i, Long.MIN_VALUE);
        }
    }

    /** Counts one task finished in {@code second} (epoch seconds). */
    void count(long second) {
        int slot = (int) Math.floorMod(second, (long) BUCKETS);
        if (bucketSecond.get(slot) != second) {
            synchronized (bucketSecond) { // once per slot and second
                if (bucketSecond.get(slot) < second) {
                    bucketCount.set(slot, 0);
                    bucketSecond.set(slot, second);
                } else if (bucketSecond.get(slot) > second) {
                    return; // a task stamped a whole minute late: too old to count
                }
            }
        }
        bucketCount.incrementAndGet(slot);
    }

    /** Tasks per second over the last {@value #RATE_SECONDS} seconds up to {@code now}. */
    double perSecond(Instant now) {
        long second = now.getEpochSecond();
        long sum = 0;
        for (long s = second - RATE_SECONDS + 1; s <= second; s++) {
            sum += countOf(s);
        }
        double window = RATE_SECONDS - 1 + now.getNano() / 1e9; // nine whole seconds and the current part
        double age = Math.max(1e-3, Duration.between(created, now).toNanos() / 1e9);
        return sum / Math.min(window, age);
    }

    /** The counts of the {@code seconds} whole seconds before {@code second}, oldest first. */
    List<Long> history(long second, long seconds) {
        List<Long> history = new ArrayList<>((int) seconds);
        for (long s = second - seconds; s < second; s++) {
            history.add(countOf(s));
        }
        return history;
    }

    private long countOf(long second) {
        int slot = (int) Math.floorMod(second, (long) BUCKETS);
        return bucketSecond.get(slot) == second ? bucketCount.get(slot) : 0;
    }
}
