package io.procpool;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * A snapshot of a long {@code map} or {@code imap}, handed to a {@link ProgressListener}: how many items are done and
 * failed, how many there are when the input's size is known, and the average rate since the call started.
 *
 * <pre>{@code
 * pool.map(fn, files, p -> System.err.printf("%d/%s %.0f/s%n", p.done(), p.total(), p.itemsPerSecond()),
 *          Duration.ofMillis(200));
 * }</pre>
 *
 * <p>Items count when the chunk that holds them has been answered by a worker, not when the caller consumes them.
 *
 * <p>Thread-safety: immutable.
 *
 * @param done     items whose result has come back
 * @param failed   items whose task threw or could not be run (a worker died, a timeout)
 * @param total    how many items the call has, when the input's size is known up front
 * @param elapsed  time since the call started
 * @param finished whether this is the last report of the call (the call completed, failed or was closed)
 */
public record Progress(long done, long failed, OptionalLong total, Duration elapsed, boolean finished) {

    /**
     * Validates the components.
     *
     * @param done     items whose result has come back
     * @param failed   items whose task threw or could not be run
     * @param total    how many items the call has, when known
     * @param elapsed  time since the call started
     * @param finished whether this is the last report of the call
     * @throws NullPointerException     {@code total} or {@code elapsed} is null
     * @throws IllegalArgumentException a count is negative
     */
    public Progress {
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(elapsed, "elapsed");
        if (done < 0 || failed < 0) {
            throw new IllegalArgumentException("counts must not be negative: done " + done + ", failed " + failed);
        }
    }

    /** {@return items per second, done and failed together, averaged since the call started; 0 at the start} */
    public double itemsPerSecond() {
        long nanos = elapsed.toNanos();
        return nanos <= 0 ? 0 : (done + failed) * 1e9 / nanos;
    }

    /** {@return the finished share in {@code [0, 1]}, when the total is known} */
    public OptionalDouble fraction() {
        if (total.isEmpty()) {
            return OptionalDouble.empty();
        }
        long all = total.getAsLong();
        return OptionalDouble.of(all == 0 ? 1.0 : Math.min(1.0, (double) (done + failed) / all));
    }

    /** {@return the time left at the average rate so far, when the total is known and some items are finished} */
    public Optional<Duration> eta() {
        double rate = itemsPerSecond();
        if (total.isEmpty() || rate <= 0) {
            return Optional.empty();
        }
        long left = Math.max(0, total.getAsLong() - done - failed);
        return Optional.of(Duration.ofNanos((long) (left / rate * 1e9)));
    }
}
