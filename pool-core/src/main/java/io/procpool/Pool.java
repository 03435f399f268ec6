package io.procpool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.stream.Stream;

/**
 * A pool of workers that run tasks outside the caller's JVM, in the spirit of Python's
 * {@code multiprocessing.Pool}. {@link ProcessPool} is the local implementation (child JVMs on this machine).
 *
 * <p>Failures are unchecked and rooted at {@link PoolException}: synchronous methods throw them, futures complete
 * exceptionally with them. A worker that dies or times out is replaced; the pool is never broken for good. Work
 * submitted after {@link #close()} or {@link #terminate()} is rejected with
 * {@link java.util.concurrent.RejectedExecutionException}.
 *
 * <p>Thread-safety: every method may be called from any thread, concurrently.
 */
public interface Pool extends AutoCloseable {

    /** Chunk size that lets the pool choose. */
    int AUTO_CHUNK_SIZE = 0;

    /**
     * Applies {@code fn} to every item in the workers and returns the results in input order (Python's {@code map}).
     * The chunk size is chosen automatically.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return the results in input order
     * @throws PoolException the first failure in input order
     */
    default <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return map(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #map(TaskFunction, Iterable)}, sending the items in chunks of {@code chunkSize} ({@code 0}: automatic).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results in input order
     */
    <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize);

    /**
     * As {@link #map(TaskFunction, Iterable)}, without blocking (Python's {@code map_async}): the items are encoded in
     * the caller's thread and queued at once, however many wait in the pool already (the synchronous {@code map} and
     * {@code imap} wait for room instead, which bounds the memory of what waits). A pool closed or terminated while
     * the call submits its chunks completes the future with a {@link java.util.concurrent.CancellationException}.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return a future of the results in input order
     */
    default <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn,
                                                      Iterable<? extends T> items) {
        return mapAsync(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #map(TaskFunction, Iterable, int)}, without blocking (see {@link #mapAsync(TaskFunction, Iterable)}).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return a future of the results in input order
     */
    <T, R> CompletableFuture<List<R>> mapAsync(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                               int chunkSize);

    /**
     * A lazy stream of {@code fn} applied to each item, in input order (Python's {@code imap}). The input is read only
     * as far as the consumer has taken results plus a bounded window, so an infinite input works in bounded memory.
     * Closing the stream stops the work. A failure is thrown when the consumer reaches the failed item.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return the results, lazily, in input order
     */
    default <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return imap(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #imap(TaskFunction, Iterable)} with a chunk size ({@code 0}: automatic, adapted to task time).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results, lazily, in input order
     */
    <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize);

    /**
     * As {@link #imap(TaskFunction, Iterable)} over a stream, which is read lazily and closed with the result.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return the results, lazily, in input order
     */
    default <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items) {
        return imap(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #imap(TaskFunction, Stream)} with a chunk size ({@code 0}: automatic).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results, lazily, in input order
     */
    <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items, int chunkSize);

    /**
     * As {@link #imap(TaskFunction, Iterable)}, but results come as they complete (Python's {@code imap_unordered}).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return the results, lazily, as they complete
     */
    default <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return imapUnordered(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #imapUnordered(TaskFunction, Iterable)} with a chunk size ({@code 0}: automatic).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results, lazily, as they complete
     */
    <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items, int chunkSize);

    /**
     * As {@link #imapUnordered(TaskFunction, Iterable)} over a stream.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @return the results, lazily, as they complete
     */
    default <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items) {
        return imapUnordered(fn, items, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #imapUnordered(TaskFunction, Stream)} with a chunk size ({@code 0}: automatic).
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param items the arguments
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results, lazily, as they complete
     */
    <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items, int chunkSize);

    /**
     * As {@link #map(TaskFunction, Iterable)}, reporting progress to {@code listener} every {@code every} while the
     * call runs, and once more when it is over. Counting happens as chunks complete and costs the workers nothing.
     *
     * <pre>{@code
     * List<String> digests = pool.map(Digest::of, files,
     *         p -> System.err.printf("%d of %d%n", p.done(), p.total().getAsLong()), Duration.ofSeconds(1));
     * }</pre>
     *
     * @param fn       the function, run in the workers
     * @param items    the arguments; their count is the reports' total
     * @param listener receives the reports on procpool's progress thread
     * @param every    the reports' cadence; positive
     * @param <T>      the argument type
     * @param <R>      the result type
     * @return the results in input order
     * @throws PoolException                 the first failure in input order
     */
    <T, R> List<R> map(TaskFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                               ProgressListener listener, Duration every);

    /**
     * As {@link #imap(TaskFunction, Stream)}, reporting progress to {@code listener} every {@code every} until the
     * stream is exhausted or closed, and once more then. The total is known when the input stream is sized (a
     * collection's {@code stream()}).
     *
     * @param fn       the function, run in the workers
     * @param items    the arguments, read lazily
     * @param listener receives the reports on procpool's progress thread
     * @param every    the reports' cadence; positive
     * @param <T>      the argument type
     * @param <R>      the result type
     * @return the results, lazily, in input order
     */
    <T, R> Stream<R> imap(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                  ProgressListener listener, Duration every);

    /**
     * As {@link #imapUnordered(TaskFunction, Stream)}, reporting progress as
     * {@link #imap(TaskFunction, Stream, ProgressListener, Duration)} does.
     *
     * @param fn       the function, run in the workers
     * @param items    the arguments, read lazily
     * @param listener receives the reports on procpool's progress thread
     * @param every    the reports' cadence; positive
     * @param <T>      the argument type
     * @param <R>      the result type
     * @return the results, lazily, as they complete
     */
    <T, R> Stream<R> imapUnordered(TaskFunction<? super T, ? extends R> fn, Stream<? extends T> items,
                                           ProgressListener listener, Duration every);

    /**
     * Applies {@code fn} to each pair's key and value, results in input order (Python's {@code starmap}).
     *
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param pairs the argument pairs
     * @return the results in input order
     * @throws PoolException the first failure in input order
     */
    default <A, B, R> List<R> starmap(TaskBiFunction<? super A, ? super B, ? extends R> fn,
                                      Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs) {
        return starmap(fn, pairs, AUTO_CHUNK_SIZE);
    }

    /**
     * As {@link #starmap(TaskBiFunction, Iterable)} with a chunk size ({@code 0}: automatic).
     *
     * @param <A> the first argument's type
     * @param <B> the second argument's type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param pairs the argument pairs
     * @param chunkSize items per task; {@link #AUTO_CHUNK_SIZE} lets the pool choose
     * @return the results in input order
     */
    <A, B, R> List<R> starmap(TaskBiFunction<? super A, ? super B, ? extends R> fn,
                              Iterable<? extends Map.Entry<? extends A, ? extends B>> pairs, int chunkSize);

    /**
     * Runs one task in a worker and waits for its result (Python's {@code apply}).
     *
     * @param <R> the result type
     * @param task the task, run in a worker
     * @return the task's result
     * @throws PoolException the task's failure
     */
    <R> R apply(TaskCallable<? extends R> task);

    /**
     * Runs one task in a worker (Python's {@code apply_async}). Use {@link CompletableFuture}'s own callbacks.
     * {@code cancel} stops the task; its worker is replaced if the task was already running.
     *
     * @param <R> the result type
     * @param task the task, run in a worker
     * @return a future of the task's result
     */
    <R> CompletableFuture<R> applyAsync(TaskCallable<? extends R> task);

    /**
     * Runs {@code fn(arg)} in a worker.
     *
     * @param <T> the argument type
     * @param <R> the result type
     * @param fn the function, run in the workers
     * @param arg the argument
     * @return a future of the task's result
     */
    <T, R> CompletableFuture<R> applyAsync(TaskFunction<? super T, ? extends R> fn, T arg);

    /**
     * Takes no new work, waits for the work already accepted, then stops the workers (Python's {@code close()} and
     * {@code join()}). Idempotent.
     */
    @Override
    void close();

    /**
     * Stops the workers now. Unfinished futures complete exceptionally with
     * {@link java.util.concurrent.CancellationException}. Idempotent.
     */
    void terminate();

    /** {@return a snapshot of the live workers: name, pid, state, tasks completed} */
    List<WorkerInfo> workers();

    /**
     * A snapshot of what the pool is doing and has done (in the spirit of mpire's worker insights): tasks queued and
     * in flight, completed and failed, throughput, every live worker's counters, busy ratio, memory, CPU time and
     * current task, the slowest tasks, the running map calls' progress, the recent failures with their stack traces
     * and the workers that ended. Cheap enough to call every 100 ms while a job runs; {@code pool-dashboard} shows
     * it live in a browser.
     *
     * <p>Arguments appear in the task records only when the pool was built with {@code recordArguments(true)}
     * (arguments can be private data).
     *
     * @return an immutable snapshot
     */
    PoolInsights insights();

    /**
     * Sends {@code value} to the workers once instead of with every task that needs it (mpire's
     * {@code shared_objects}, Spark's broadcast variables): it is encoded once, here, and each worker decodes it on
     * its first {@link Shared#get()} and keeps it, respawned workers too. Tasks capture the returned handle, which
     * travels as a few bytes. {@link Shared#close()} releases it everywhere; closing the pool closes it too.
     *
     * @param <T> the value's type
     * @param value the value, not null
     * @return its handle; {@code get()} in this JVM returns {@code value} itself
     * @throws TaskSerializationException {@code value} cannot be encoded (naming the class); nothing is left behind
     * @throws PoolException it does not fit in shared memory, or this kind of pool cannot share values (the message
     *     says why)
     */
    <T> Shared<T> share(T value);

    /**
     * This pool as a {@link ExecutorService}, for code written against the JDK's interface. Each {@code Callable} or
     * {@code Runnable} runs as one task in a worker, so it must be something Kryo can encode: a lambda typed as a plain
     * {@code Callable} is not (cast it to {@code Callable<T> & Serializable}, or use a class); one that cannot be
     * encoded is rejected at submit time with {@link TaskSerializationException} naming its class.
     *
     * <p>{@code Future.get} throws an {@link java.util.concurrent.ExecutionException} whose cause is the task's own
     * exception with the worker's stack frames, or the pool's failure ({@link WorkerDiedException},
     * {@link TaskTimeoutException}) when the task could not finish; {@code cancel(true)} stops a running task.
     * {@code shutdown()} stops the view taking tasks and leaves the pool running; closing the pool rejects the view's
     * new tasks too.
     *
     * <pre>{@code
     * ExecutorService executor = pool.asExecutorService();
     * Future<Integer> answer = executor.submit((Callable<Integer> & Serializable) () -> 6 * 7);
     * }</pre>
     *
     * @return a new view; thread-safe
     */
    ExecutorService asExecutorService();
}
