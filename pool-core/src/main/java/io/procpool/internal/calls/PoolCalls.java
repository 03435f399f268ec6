package io.procpool.internal.calls;

import io.procpool.Pool;
import io.procpool.PoolException;
import io.procpool.ProgressListener;
import io.procpool.TaskBiFunction;
import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
import io.procpool.TaskSerializationException;
import io.procpool.Progress;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.insights.FunctionNames;
import io.procpool.internal.insights.InsightsRecorder;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * The calls of a pool ({@code ProcessPool}, {@code HazelcastPool}), each with the public {@code Pool} method's
 * signature, turned into tasks for a {@link TaskSink}: encodes them in the caller's thread (so a
 * task or argument that will not serialize fails at once, naming its class), chunks map-like calls, registers their
 * function once, and assembles the answers.
 *
 * <p>Thread-safety: thread-safe; every method may be called from any thread.
 */
public final class PoolCalls {
    private final TaskSink sink;
    /** The map-like calls still running, for insights. */
    private final Set<ProgressTracker> running = ConcurrentHashMap.newKeySet();

    public PoolCalls(TaskSink sink) {
        this.sink = sink;
    }

    /** A new {@link java.util.concurrent.ExecutorService} view whose tasks run as this pool's tasks. */
    public PoolExecutorService executorService(Object pool) {
        return new PoolExecutorService(this, pool);
    }

    /** @return the progress of every map-like call still running */
    public List<Progress> runningCalls() {
        return running.stream().map(ProgressTracker::progress).toList();
    }

    // ---------------------------------------------------------------------------------------------- single tasks

    public <R> R apply(TaskCallable<? extends R> task) {
        return await(this.<R>applyAsync(task));
    }

    public <R> CompletableFuture<R> applyAsync(TaskCallable<? extends R> task) {
        Objects.requireNonNull(task, "task");
        byte[] payload = Codec.encode(task, "task");
        return submitCall(payload, task, null);
    }

    public <T, R> CompletableFuture<R> applyAsync(TaskFunction<? super T, ? extends R> fn, T arg) {
        Objects.requireNonNull(fn, "fn");
        TaskAdapters.BoundCall<T, R> call = new TaskAdapters.BoundCall<>(fn, arg);
        byte[] payload;
        try {
            payload = Codec.encode(call, "task");
        } catch (TaskSerializationException e) {
            Codec.encode(fn, "function");      // throws naming the function when it is the culprit
            Codec.encode(arg, "argument");     // or the argument
            throw e;
        }
        return submitCall(payload, fn, arg);
    }

    @SuppressWarnings("unchecked")
    private <R> CompletableFuture<R> submitCall(byte[] payload, Object task, Object arg) {
        String arguments = arg != null && sink.insights().recordsArguments() ? InsightsRecorder.summarize(arg) : null;
        Task pending = new Task(Task.nextId(), FrameType.CALL, payload, null, 1, loaderOf(task),
                sink.callbacks(), FunctionNames.of(task), arguments);
        sink.submit(pending);
        return (CompletableFuture<R>) (CompletableFuture<?>) pending.future();
    }

    // ---------------------------------------------------------------------------------------------- map

    /*
     * The synchronous map waits for room in the pool's queue as it submits (its caller waits anyway, and what waits in
     * memory stays bounded); the async map never does: it returns without blocking, as Python's map_async does.
     */

    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize) {
        return await(mapAsync(fn, items, chunkSize, true));
    }

    public <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              ProgressListener listener, Duration every) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        List<Object> list = copyOf(items);
        return await(mapList(fn, list, Pool.AUTO_CHUNK_SIZE,
                ProgressTracker.start(listener, list.size(), every, running), true));
    }

    public <A, B, R> List<R> starmap(TaskBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize) {
        return await(starmapAsync(fn, pairs, chunkSize, true));
    }

    /** Python's {@code map_async}: queues every chunk at once, however many tasks wait in the pool already. */
    public <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn,
                                                      Iterable<? extends T> items, int chunkSize) {
        return mapAsync(fn, items, chunkSize, false);
    }

    private <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn,
                                                       Iterable<? extends T> items, int chunkSize, boolean waits) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        List<Object> list = copyOf(items);
        return mapList(fn, list, chunkSize, ProgressTracker.counting(list.size(), running), waits);
    }

    private <A, B, R> CompletableFuture<List<R>> starmapAsync(
            TaskBiFunction<? super A, ? super B, ? extends R> fn,
            Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize, boolean waits) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(pairs, "pairs");
        List<Object> list = new ArrayList<>();
        for (Map.Entry<? extends A, ? extends B> entry : pairs) {
            list.add(new TaskAdapters.Pair<>(entry.getKey(), entry.getValue()));
        }
        return mapList(new TaskAdapters.Spread<>(fn), list, chunkSize, ProgressTracker.counting(list.size(), running),
                waits);
    }

    /** {@code waits}: whether a chunk's submit waits while the pool's queue is full. */
    private <R> CompletableFuture<List<R>> mapList(TaskFunction<?, ?> fn, List<Object> items, int chunkSize,
                                                   ProgressTracker progress, boolean waits) {
        try {
            return submitChunks(fn, items, chunkSize, progress, waits);
        } catch (RuntimeException e) {
            progress.abandon();
            throw e;
        }
    }

    private <R> CompletableFuture<List<R>> submitChunks(TaskFunction<?, ?> fn, List<Object> items, int chunkSize,
                                                        ProgressTracker progress, boolean waits) {
        checkChunkSize(chunkSize);
        int size = chunkSize > 0 ? chunkSize : AutoChunk.forList(items, sink.parallelism());
        FunctionRef function = FunctionRef.of(fn);
        ClassLoader loader = loaderOf(fn);
        int chunkCount = (items.size() + size - 1) / size;
        MapRun<R> run = new MapRun<>(chunkCount, items.size(), sink.callbacks(), () -> {
            sink.functionDone(function);
            progress.finish();
        });
        try {
            for (int start = 0; start < items.size(); start += size) {
                Task chunk = chunk(function, items.subList(start, Math.min(start + size, items.size())),
                        start, loader);
                try {
                    if (waits) {
                        sink.submit(chunk); // the workers start while the rest is still being encoded
                    } else {
                        sink.submitWithoutWaiting(chunk);
                    }
                } catch (RejectedExecutionException e) {
                    if (start == 0) {
                        throw e; // the pool was closed before the call: nothing of it was accepted
                    }
                    // Closed or terminated while its chunks were submitted: the map is cancelled whole (its future
                    // completes with CancellationException, as every unfinished future of a terminated pool does).
                    run.abandon();
                    return run.result();
                }
                // Watched after the pool's own listeners (its insights, its count of accepted work), so a caller
                // woken by the map's result finds the last chunk counted everywhere; one that ended already is
                // counted at once.
                progress.watch(chunk);
                run.add(chunk);
            }
        } catch (RuntimeException | Error e) { // an OutOfMemoryError while encoding must not orphan the chunks sent
            run.abandon();
            throw e;
        }
        return run.result();
    }

    /**
     * The items as a list of our own (the caller may change theirs while the map runs). A collection is copied in one
     * array copy: the per-element loop cost a cold JVM 30 ms per 200,000 items, half of a first map's time.
     */
    private static List<Object> copyOf(Iterable<?> items) {
        if (items instanceof java.util.Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        List<Object> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }

    private static void checkChunkSize(int chunkSize) {
        if (chunkSize < 0) {
            throw new IllegalArgumentException("chunkSize must be positive, or 0 for automatic; got " + chunkSize);
        }
    }

    /** Encodes a chunk; when that fails, finds the first item that will not encode and names it. */
    Task chunk(FunctionRef function, List<Object> slice, int firstIndex, ClassLoader loader) {
        Object[] items = slice.toArray();
        byte[] payload;
        try {
            payload = Codec.encode(new Payloads.ChunkRequest(function.id(), items), "arguments");
        } catch (TaskSerializationException e) {
            for (int i = 0; i < items.length; i++) {
                try {
                    Codec.encode(items[i], "argument");
                } catch (TaskSerializationException itemFailure) {
                    throw new TaskSerializationException("cannot encode the argument at index " + (firstIndex + i)
                            + ": " + itemFailure.getMessage(), itemFailure.failedClassName(), itemFailure);
                }
            }
            throw e;
        }
        String arguments = sink.insights().recordsArguments() ? InsightsRecorder.summarize(items) : null;
        return new Task(Task.nextId(), FrameType.CHUNK, payload, function, items.length, loader,
                sink.callbacks(), function.name(), arguments);
    }

    // ---------------------------------------------------------------------------------------------- imap

    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                 int chunkSize) {
        Objects.requireNonNull(items, "items");
        return imap(fn, items.iterator(), chunkSize, true, () -> { }, ProgressTracker.counting(-1, running));
    }

    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items, int chunkSize) {
        Objects.requireNonNull(items, "items");
        return imap(fn, items.iterator(), chunkSize, true, items::close, ProgressTracker.counting(-1, running));
    }

    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                          int chunkSize) {
        Objects.requireNonNull(items, "items");
        return imap(fn, items.iterator(), chunkSize, false, () -> { }, ProgressTracker.counting(-1, running));
    }

    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          int chunkSize) {
        Objects.requireNonNull(items, "items");
        return imap(fn, items.iterator(), chunkSize, false, items::close, ProgressTracker.counting(-1, running));
    }

    /**
     * As {@link #imap(TaskFunction, Stream, int)} with automatic chunks, reporting to {@code listener}; the total
     * is known when the stream is sized.
     */
    public <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                 ProgressListener listener, Duration every) {
        return imapWithProgress(fn, items, true, listener, every);
    }

    public <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                          ProgressListener listener, Duration every) {
        return imapWithProgress(fn, items, false, listener, every);
    }

    private <T, R> Stream<R> imapWithProgress(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                              boolean ordered, ProgressListener listener, Duration every) {
        Objects.requireNonNull(items, "items");
        Spliterator<? extends T> split = items.spliterator();
        return imap(fn, Spliterators.iterator(split), Pool.AUTO_CHUNK_SIZE, ordered, items::close,
                ProgressTracker.start(listener, split.getExactSizeIfKnown(), every, running));
    }

    private <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterator<? extends T> items,
                                  int chunkSize, boolean ordered, Runnable onClose, ProgressTracker progress) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        checkChunkSize(chunkSize);
        LazyMap<R> lazy;
        try {
            lazy = new LazyMap<>(this, sink, fn, items, chunkSize, ordered, progress);
        } catch (RuntimeException e) {
            progress.abandon();
            throw e;
        }
        return lazy.stream().onClose(onClose);
    }

    // ---------------------------------------------------------------------------------------------- waiting

    /**
     * Waits for a future as the synchronous methods do: its failure is thrown as is (a {@link PoolException}, or a
     * {@link CancellationException}), never wrapped.
     */
    public static <T> T await(CompletableFuture<T> future) {
        if (PoolThreads.isInternal()) {
            throw new IllegalStateException("a blocking pool call from one of the pool's own threads (a callback "
                    + "of a pool future) could wait on itself: use the async methods with thenCompose, or "
                    + "thenApplyAsync for the callback");
        }
        try {
            return future.get(); // every task ends: answer, failure, timeout, worker death, cancel or terminate
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PoolException failure) {
                // Built on a reader thread, its own frames say nothing; the caller's say where the call was made.
                // The future is this synchronous call's own, so no other thread sees the change.
                failure.fillInStackTrace();
            }
            throw rethrowable(e.getCause());
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new PoolException("interrupted while waiting for the pool", e);
        }
    }

    static RuntimeException rethrowable(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return new PoolException(String.valueOf(cause), cause);
    }

    static ClassLoader loaderOf(Object task) {
        ClassLoader loader = task.getClass().getClassLoader();
        if (loader == null) {
            loader = Thread.currentThread().getContextClassLoader();
        }
        return loader != null ? loader : ClassLoader.getSystemClassLoader();
    }
}
