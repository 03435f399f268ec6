package io.procpool.internal.calls;

import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.PoolFuture;
import io.procpool.internal.task.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assembles the chunks of one {@code map} into a list in input order. Chunks are added as they are encoded and
 * submitted, so the workers start on the first chunk while the caller still encodes the rest. The call fails with the
 * first failure in input order: when chunk {@code i} fails, chunks after it are cancelled (they cannot matter), chunks
 * before it are awaited (one of them may fail first).
 *
 * <p>Thread-safety: chunks are added by the submitting thread; their outcomes arrive on whichever thread ends them (a
 * worker's reader, a canceller), as task listeners. The chunk list and the failure bookkeeping are guarded by
 * {@code this}; the results array is written at disjoint offsets and published by the final countdown. The result
 * future is settled where user callbacks are safe ({@link PoolFuture}).
 */
final class MapRun<R> {
    private final List<Task> chunks = new ArrayList<>(); // guarded by this
    private final Object[] results;
    private final Runnable onDone;
    private final int chunkCount;
    private final AtomicInteger remaining;
    private final Executor callbacks;
    private final PoolFuture<List<R>> result = new PoolFuture<>(this::cancel);
    private volatile boolean cancelled;
    private int nextOffset;                      // submitting thread only
    private int failedChunk = Integer.MAX_VALUE; // guarded by this
    private Throwable failure;                   // guarded by this

    /**
     * @param chunkCount how many chunks {@link #add} will bring
     * @param itemCount  how many items they hold together
     * @param callbacks  settles the result when callbacks are chained onto it
     * @param onDone     runs once every chunk has completed (releases the function)
     */
    MapRun(int chunkCount, int itemCount, Executor callbacks, Runnable onDone) {
        this.results = new Object[itemCount];
        this.onDone = onDone;
        this.chunkCount = chunkCount;
        this.callbacks = callbacks;
        this.remaining = new AtomicInteger(chunkCount);
        if (chunkCount == 0) {
            onDone.run();
            result.complete(new ArrayList<>());
        }
    }

    /** The caller cancelled the map: every chunk is cancelled, and the map ends once they have. */
    private void cancel() {
        cancelled = true;
        synchronized (this) {
            if (failure == null) {
                failure = new CancellationException("the map was cancelled");
                failedChunk = -1;
            }
        }
        cancelFrom(0);
    }

    /** Adds the next chunk in input order, before it is submitted. */
    void add(Task chunk) {
        int index;
        int offset = nextOffset;
        nextOffset += chunk.itemCount();
        boolean cancelNow;
        synchronized (this) {
            index = chunks.size();
            chunks.add(chunk);
            cancelNow = index > failedChunk || cancelled;
        }
        chunk.onOutcome(ended -> onChunk(index, offset, ended));
        if (cancelNow) {
            chunk.complete(Outcome.Cancelled.because("an earlier chunk of the map failed or the map was cancelled"));
        }
    }

    /**
     * The caller could not submit the remaining chunks (one would not encode): cancel those already added and count
     * the missing ones as done, so the function is still released.
     */
    void abandon() {
        cancelFrom(0);
        int missing;
        synchronized (this) {
            missing = chunkCount - chunks.size();
        }
        if (missing > 0 && remaining.addAndGet(-missing) == 0) {
            finish();
        }
    }

    PoolFuture<List<R>> result() {
        return result;
    }

    private void onChunk(int index, int offset, Task chunk) {
        synchronized (this) {
            chunks.set(index, null); // done: let its encoded arguments go, a big map would otherwise hold them all
        }
        Outcome outcome = chunk.outcome();
        if (outcome instanceof Outcome.Answered answered) {
            if (answered.value() instanceof Object[] chunkResults && chunkResults.length == chunk.itemCount()) {
                System.arraycopy(chunkResults, 0, results, offset, chunkResults.length);
            } else {
                recordFailure(index, new IllegalStateException("a worker answered chunk " + chunk
                        + " with " + answered.value() + " instead of its results"));
            }
        } else {
            recordFailure(index, outcome.failure());
        }
        if (remaining.decrementAndGet() == 0) {
            finish();
        }
    }

    private void finish() {
        onDone.run();
        Throwable first;
        synchronized (this) {
            first = failure;
        }
        if (first != null) {
            result.settle(null, first, callbacks);
        } else {
            @SuppressWarnings("unchecked")
            List<R> list = (List<R>) new ArrayList<>(Arrays.asList(results));
            result.settle(list, null, callbacks);
        }
    }

    private void recordFailure(int index, Throwable error) {
        synchronized (this) {
            if (index >= failedChunk) {
                return;
            }
            failedChunk = index;
            failure = error;
        }
        cancelFrom(index + 1);
    }

    private void cancelFrom(int first) {
        List<Task> later;
        synchronized (this) {
            later = new ArrayList<>(chunks.subList(Math.min(first, chunks.size()), chunks.size()));
        }
        later.stream().filter(java.util.Objects::nonNull).forEach(chunk -> chunk.complete(
                Outcome.Cancelled.because("an earlier chunk of the map failed or the map was cancelled")));
    }
}
