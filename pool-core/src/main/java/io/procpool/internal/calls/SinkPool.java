package io.procpool.internal.calls;

import io.procpool.Pool;
import io.procpool.Progress;
import io.procpool.ProgressListener;
import io.procpool.TaskBiFunction;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * What every pool built on a {@link TaskSink} shares: each {@link Pool} call handed to {@link PoolCalls} (chunking,
 * ordering, lazy imap, progress, exception rebuilding), synchronous calls waiting through {@link PoolCalls#await}.
 * A pool implementation supplies its transport and its lifecycle ({@code close}, {@code terminate},
 * {@code workers}). Extended by {@code LocalPool} (behind {@code ProcessPool}) and {@code HazelcastPool}.
 *
 * <p>Thread-safety: thread-safe as its {@link TaskSink} is.
 */
public abstract class SinkPool implements Pool {
    private final PoolCalls calls;

    /** @param sink the transport every task of this pool goes through */
    protected SinkPool(TaskSink sink) {
        this.calls = new PoolCalls(sink);
    }

    /** @return the progress of this pool's map-like calls still running, for insights */
    protected List<Progress> runningCalls() {
        return calls.runningCalls();
    }

    @Override
    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize) {
        return PoolCalls.await(calls.mapAsync(fn, items, chunkSize, true));
    }

    @Override
    public <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn,
                                                      Iterable<? extends T> items, int chunkSize) {
        return calls.mapAsync(fn, items, chunkSize, false);
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                 int chunkSize) {
        Objects.requireNonNull(items, "items");
        return calls.imap(fn, items.iterator(), chunkSize, true, () -> { });
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items, int chunkSize) {
        Objects.requireNonNull(items, "items");
        Iterator<? extends T> iterator = items.iterator();
        return calls.imap(fn, iterator, chunkSize, true, items::close);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                          int chunkSize) {
        Objects.requireNonNull(items, "items");
        return calls.imap(fn, items.iterator(), chunkSize, false, () -> { });
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          int chunkSize) {
        Objects.requireNonNull(items, "items");
        Iterator<? extends T> iterator = items.iterator();
        return calls.imap(fn, iterator, chunkSize, false, items::close);
    }

    @Override
    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              ProgressListener listener, Duration every) {
        return PoolCalls.await(calls.mapAsync(fn, items, listener, every, true));
    }

    @Override
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                 ProgressListener listener, Duration every) {
        return imapWithProgress(fn, items, true, listener, every);
    }

    @Override
    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          ProgressListener listener, Duration every) {
        return imapWithProgress(fn, items, false, listener, every);
    }

    private <T, R> Stream<R> imapWithProgress(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                              boolean ordered, ProgressListener listener, Duration every) {
        Objects.requireNonNull(items, "items");
        Spliterator<? extends T> split = items.spliterator();
        return calls.imap(fn, Spliterators.iterator(split), split.getExactSizeIfKnown(), ordered, items::close,
                listener, every);
    }

    @Override
    public <A, B, R> List<R> starmap(TaskBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize) {
        return PoolCalls.await(calls.starmapAsync(fn, pairs, chunkSize, true));
    }

    @Override
    public <R> R apply(TaskCallable<? extends R> task) {
        return PoolCalls.await(calls.<R>applyAsync(task));
    }

    @Override
    public <R> CompletableFuture<R> applyAsync(TaskCallable<? extends R> task) {
        return calls.applyAsync(task);
    }

    @Override
    public <T, R> CompletableFuture<R> applyAsync(TaskFunction<? super T, ? extends R> fn, T arg) {
        return calls.applyAsync(fn, arg);
    }

}
