package io.procpool.internal.calls;

import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import com.google.common.base.Stopwatch;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.procpool.Progress;
import io.procpool.ProgressListener;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the items of one map-like call as its chunks complete and reports them to a {@link ProgressListener} from a
 * sampler on a shared scheduled thread. The hot path (a chunk's completion on a reader thread) adds to two counters
 * and nothing else; the sampler reads them on the caller's cadence. The last report comes once every watched chunk
 * has settled and the call has said it is over, whichever happens last, so it counts every chunk.
 *
 * <p>Thread-safety: thread-safe. {@link #watch} is called by the submitting thread, the counters are updated on the
 * pool's reader threads, and the listener is only ever called on the one sampler thread, so never concurrently.
 */
final class ProgressTracker {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressTracker.class);
    private final ProgressListener listener;
    private final OptionalLong total;
    private final Stopwatch stopwatch;
    private final ScheduledFuture<?> sampler;
    private final LongAdder done = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** Chunks watched and not yet settled, plus one until {@link #finish()}: the final report fires at zero. */
    private final AtomicInteger unsettled = new AtomicInteger(1);
    private final AtomicBoolean finishCalled = new AtomicBoolean();
    private final AtomicBoolean listenerFailed = new AtomicBoolean();
    /** The pool's running calls, for insights: this tracker is in it until its call is over. */
    private final Set<ProgressTracker> running;

    private ProgressTracker(ProgressListener listener, OptionalLong total, Duration every,
                            Set<ProgressTracker> running) {
        this.listener = listener;
        this.total = total;
        this.stopwatch = Stopwatch.createStarted();
        this.running = running;
        if (listener == null) {
            this.sampler = null;
        } else {
            long period = Math.max(1, every.toNanos());
            this.sampler = Sampler.THREAD.scheduleAtFixedRate(() -> report(false), period, period,
                    TimeUnit.NANOSECONDS);
        }
        running.add(this);
    }

    /** A tracker without a listener: it counts for insights only. */
    static ProgressTracker counting(long total, Set<ProgressTracker> running) {
        return new ProgressTracker(null, total < 0 ? OptionalLong.empty() : OptionalLong.of(total), null, running);
    }

    /** @return the call's progress now */
    Progress progress() {
        return new Progress(done.sum(), failed.sum(), total, stopwatch.elapsed(), false);
    }

    /**
     * Starts tracking a call and its sampler.
     *
     * @param listener receives the reports
     * @param total    how many items the call has, if known (-1 when not)
     * @param every    the cadence of the reports
     * @return the tracker
     * @throws IllegalArgumentException {@code every} is not positive
     */
    static ProgressTracker start(ProgressListener listener, long total, Duration every,
                                 Set<ProgressTracker> running) {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(every, "every");
        if (every.isNegative() || every.isZero()) {
            throw new IllegalArgumentException("the progress cadence must be positive, got " + every);
        }
        return new ProgressTracker(listener, total < 0 ? OptionalLong.empty() : OptionalLong.of(total), every,
                running);
    }

    /** Counts {@code task}'s items when it settles: done, or failed (its partial results done), or not at all if cancelled. */
    void watch(Task task) {
        unsettled.incrementAndGet();
        task.onOutcome(ended -> {
            Outcome outcome = ended.outcome();
            if (outcome instanceof Outcome.Answered) {
                done.add(ended.itemCount());
            } else if (!(outcome instanceof Outcome.Cancelled)) {
                done.add(ended.partialResults().length);
                failed.increment();
            }
            settle();
        });
    }

    /** The call is over (completed, failed or closed); the final report follows once every chunk has settled. */
    void finish() {
        if (finishCalled.compareAndSet(false, true)) {
            settle();
        }
    }

    /** The call never got going (its submission threw): stop sampling without a report. */
    void abandon() {
        running.remove(this);
        if (sampler != null) {
            sampler.cancel(false);
        }
    }

    private void settle() {
        if (unsettled.decrementAndGet() == 0) {
            running.remove(this);
            if (sampler != null) {
                sampler.cancel(false);
                Sampler.THREAD.execute(() -> report(true)); // after any periodic report already running
            }
        }
    }

    private void report(boolean finished) {
        Progress progress = new Progress(done.sum(), failed.sum(), total, stopwatch.elapsed(), finished);
        try {
            listener.onProgress(progress);
        } catch (RuntimeException e) {
            if (listenerFailed.compareAndSet(false, true)) {
                LOG.warn("a progress listener threw; its later failures are not logged", e);
            }
        }
    }

    /** The one thread that samples every tracker in this JVM, started on first use. */
    private static final class Sampler {
        static final ScheduledExecutorService THREAD = Executors.newSingleThreadScheduledExecutor(
                new ThreadFactoryBuilder().setNameFormat("procpool-progress").setDaemon(true).build());
    }
}
