package io.procpool.internal.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assembles the chunks of one {@code map} into a list in input order. Chunks are added as they are encoded and
 * submitted, so the workers start on the first chunk while the caller still encodes the rest. The call fails with the
 * first failure in input order: when chunk {@code i} fails, chunks after it are cancelled (they cannot matter), chunks
 * before it are awaited (one of them may fail first).
 *
 * <p>Thread-safety: chunks are added by the submitting thread; completions arrive on the workers' reader threads. The
 * chunk list and the failure bookkeeping are guarded by {@code this}; the results array is written at disjoint offsets
 * and published by the final countdown.
 */
final class MapRun<R> {
    private final List<PendingTask> chunks = new ArrayList<>(); // guarded by this
    private final Object[] results;
    private final Runnable onDone;
    private final int chunkCount;
    private final AtomicInteger remaining;
    private final CompletableFuture<List<R>> result = new CompletableFuture<>();
    private int nextOffset;                      // submitting thread only
    private int failedChunk = Integer.MAX_VALUE; // guarded by this
    private Throwable failure;                   // guarded by this

    /**
     * @param chunkCount how many chunks {@link #add} will bring
     * @param itemCount  how many items they hold together
     * @param onDone     runs once every chunk has completed (releases the function)
     */
    MapRun(int chunkCount, int itemCount, Runnable onDone) {
        this.results = new Object[itemCount];
        this.onDone = onDone;
        this.chunkCount = chunkCount;
        this.remaining = new AtomicInteger(chunkCount);
        if (chunkCount == 0) {
            onDone.run();
            result.complete(new ArrayList<>());
        }
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                cancelFrom(0);
            }
        });
    }

    /** Adds the next chunk in input order, before it is submitted. */
    void add(PendingTask chunk) {
        int index;
        int offset = nextOffset;
        nextOffset += chunk.itemCount();
        synchronized (this) {
            index = chunks.size();
            chunks.add(chunk);
            if (index > failedChunk || result.isCancelled()) {
                chunk.future().cancel(true);
            }
        }
        chunk.future().whenComplete((value, error) -> onChunk(index, offset, chunk, value, error));
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

    CompletableFuture<List<R>> result() {
        return result;
    }

    private void onChunk(int index, int offset, PendingTask chunk, Object value, Throwable error) {
        synchronized (this) {
            chunks.set(index, null); // done: let its encoded arguments go, a big map would otherwise hold them all
        }
        if (error == null && value instanceof Object[] chunkResults && chunkResults.length == chunk.itemCount()) {
            System.arraycopy(chunkResults, 0, results, offset, chunkResults.length);
        } else if (error == null) {
            recordFailure(index, new IllegalStateException("a worker answered chunk " + chunk
                    + " with " + value + " instead of its results"));
        } else {
            recordFailure(index, error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
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
            result.completeExceptionally(first);
        } else {
            @SuppressWarnings("unchecked")
            List<R> list = (List<R>) new ArrayList<>(Arrays.asList(results));
            result.complete(list);
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
        List<PendingTask> later;
        synchronized (this) {
            later = new ArrayList<>(chunks.subList(Math.min(first, chunks.size()), chunks.size()));
        }
        later.stream().filter(java.util.Objects::nonNull).forEach(chunk -> chunk.future().cancel(true));
    }
}
