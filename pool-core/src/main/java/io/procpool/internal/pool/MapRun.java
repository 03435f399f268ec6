package io.procpool.internal.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Assembles the chunks of one {@code map} into a list in input order. The call fails with the first failure in input
 * order: when chunk {@code i} fails, chunks after it are cancelled (they cannot matter), chunks before it are awaited
 * (one of them may fail first).
 *
 * <p>Thread-safety: chunk completions arrive on the workers' reader threads; the failure bookkeeping is guarded by
 * {@code this}, the results array is written at disjoint offsets and published by the final countdown.
 */
final class MapRun<R> {
    private final List<PendingTask> chunks;
    private final int[] offsets;
    private final Object[] results;
    private final Runnable onDone;
    private final AtomicInteger remaining;
    private final CompletableFuture<List<R>> result = new CompletableFuture<>();
    private int failedChunk = Integer.MAX_VALUE; // guarded by this
    private Throwable failure;                   // guarded by this

    MapRun(List<PendingTask> chunks, int itemCount, Runnable onDone) {
        this.chunks = chunks;
        this.results = new Object[itemCount];
        this.onDone = onDone;
        this.offsets = new int[chunks.size()];
        this.remaining = new AtomicInteger(chunks.size());
        int offset = 0;
        for (int i = 0; i < chunks.size(); i++) {
            offsets[i] = offset;
            offset += chunks.get(i).itemCount();
            int index = i;
            chunks.get(i).future().whenComplete((value, error) -> onChunk(index, value, error));
        }
        if (chunks.isEmpty()) {
            onDone.run();
            result.complete(new ArrayList<>());
        }
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                chunks.forEach(chunk -> chunk.future().cancel(true));
            }
        });
    }

    CompletableFuture<List<R>> result() {
        return result;
    }

    private void onChunk(int index, Object value, Throwable error) {
        if (error == null && value instanceof Object[] chunkResults && chunkResults.length == chunks.get(index).itemCount()) {
            System.arraycopy(chunkResults, 0, results, offsets[index], chunkResults.length);
        } else if (error == null) {
            recordFailure(index, new IllegalStateException("a worker answered chunk " + chunks.get(index)
                    + " with " + value + " instead of its results"));
        } else {
            recordFailure(index, error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
        }
        if (remaining.decrementAndGet() == 0) {
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
    }

    private void recordFailure(int index, Throwable error) {
        synchronized (this) {
            if (index >= failedChunk) {
                return;
            }
            failedChunk = index;
            failure = error;
        }
        for (int later = index + 1; later < chunks.size(); later++) {
            chunks.get(later).future().cancel(true);
        }
    }
}
