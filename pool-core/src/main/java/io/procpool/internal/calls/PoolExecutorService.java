package io.procpool.internal.calls;

import io.procpool.TaskCallable;
import io.procpool.TaskFailedException;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool seen as a {@link ExecutorService}: each {@code Callable} or {@code Runnable} is encoded in the submitting
 * thread (one Kryo cannot encode is rejected there with a {@link TaskSerializationException} naming its class) and runs
 * as one task in a worker. The view's lifecycle is its own: {@link #shutdown()} stops this view taking tasks and
 * leaves the pool running; closing the pool rejects the view's new tasks too.
 *
 * <p>A returned future's {@code get} throws an {@link ExecutionException} whose cause is the task's own exception
 * (rebuilt with the worker's stack frames), or the pool's failure when the task could not finish
 * ({@code WorkerDiedException}, {@code TaskTimeoutException}). {@code cancel(true)} stops a running task.
 *
 * <p>Thread-safety: thread-safe. The set of unfinished tasks is concurrent; the shutdown flag and the count of
 * submissions in progress are guarded by {@code this}; termination is a future completed under that lock.
 */
public final class PoolExecutorService implements ExecutorService {
    private static final Logger LOG = LoggerFactory.getLogger(PoolExecutorService.class);

    private final PoolCalls calls;
    /** The pool whose view this is, for messages only (typed {@code Object}: the public Pool depends on this class). */
    private final Object pool;
    /** Each unfinished task's future and what was submitted, for shutdownNow. */
    private final Map<CompletableFuture<?>, Runnable> unfinished = new ConcurrentHashMap<>();
    /** Completes once shut down with every task finished: what awaitTermination waits on. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private boolean shutdown;  // guarded by this
    private int submitting;    // guarded by this: submissions past the shutdown check, not yet in unfinished

    /**
     * @param calls the calls of the pool that runs the tasks
     * @param pool  that pool, named in messages
     */
    public PoolExecutorService(PoolCalls calls, Object pool) {
        this.calls = Objects.requireNonNull(calls, "calls");
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return start(new TaskAdapters.JdkCallable<>(task), task, new FutureTask<>(task));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<Object> ran = start(new TaskAdapters.JdkRunnable(task), task, task);
        return linked(ran, ran.thenApply(ignored -> result));
    }

    @Override
    public Future<?> submit(Runnable task) {
        return submit(task, null);
    }

    /** Runs the task in a worker; a failure is logged, since nobody holds a future for it. */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command");
        start(new TaskAdapters.JdkRunnable(command), command, command).whenComplete((value, error) -> {
            if (error != null && !(error instanceof CancellationException)) {
                LOG.warn("a task given to execute() failed: {}", command, error);
            }
        });
    }

    /** Submits {@code adapter}, naming {@code task}'s class when it cannot be encoded. */
    private <T> CompletableFuture<T> start(TaskCallable<T> adapter, Object task, Runnable forShutdownNow) {
        synchronized (this) {
            if (shutdown) {
                throw new RejectedExecutionException("this ExecutorService view of " + pool + " is shut down");
            }
            submitting++;
        }
        try {
            return track(submitRemote(adapter, task), forShutdownNow);
        } finally {
            synchronized (this) {
                submitting--;
                checkTerminated();
            }
        }
    }

    private <T> CompletableFuture<T> submitRemote(TaskCallable<T> adapter, Object task) {
        try {
            return calls.applyAsync(adapter);
        } catch (TaskSerializationException e) {
            Codec.encode(task, "task"); // throws naming the task's own class when it is the culprit
            throw e;
        }
    }

    /** The caller's future: the task's own exception on failure, tracked until it completes. */
    private <T> CompletableFuture<T> track(CompletableFuture<T> remote, Runnable forShutdownNow) {
        CompletableFuture<T> result = linked(remote, new CompletableFuture<>());
        remote.whenComplete((value, error) -> {
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        unfinished.put(result, forShutdownNow);
        result.whenComplete((value, error) -> {
            unfinished.remove(result);
            synchronized (this) {
                checkTerminated();
            }
        });
        return result;
    }

    /** {@code dependent}, whose {@code cancel} also cancels {@code source} (which stops the task in its worker). */
    private static <T> CompletableFuture<T> linked(CompletableFuture<?> source, CompletableFuture<T> dependent) {
        dependent.whenComplete((value, error) -> {
            if (dependent.isCancelled()) {
                source.cancel(true);
            }
        });
        return dependent;
    }

    /** The task's own exception for a task that threw; the pool's failure otherwise. */
    private static Throwable unwrap(Throwable error) {
        Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return failure instanceof TaskFailedException && failure.getCause() != null ? failure.getCause() : failure;
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Future<T>> futures = submitAll(tasks);
        try {
            for (Future<T> future : futures) {
                awaitQuietly(future);
            }
            return futures;
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        List<Future<T>> futures = submitAll(tasks);
        try {
            for (Future<T> future : futures) {
                try {
                    future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException | CancellationException e) {
                    // the future holds it
                } catch (TimeoutException e) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
        futures.forEach(future -> future.cancel(true)); // no-op for those done
        return futures;
    }

    private <T> List<Future<T>> submitAll(Collection<? extends Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                futures.add(submit(task));
            }
        } catch (RuntimeException e) {
            futures.forEach(future -> future.cancel(true));
            throw e;
        }
        return futures;
    }

    private static void awaitQuietly(Future<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException | CancellationException e) {
            // the future holds it
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return invokeAny(tasks, Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no deadline, yet timed out", e);
        }
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("invokeAny needs at least one task");
        }
        long deadline = System.nanoTime() + Math.min(unit.toNanos(timeout), Long.MAX_VALUE / 2);
        BlockingQueue<Future<T>> completed = new LinkedBlockingQueue<>();
        List<Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                CompletableFuture<T> future = (CompletableFuture<T>) submit(task);
                future.whenComplete((value, error) -> completed.add(future));
                futures.add(future);
            }
            ExecutionException last = null;
            for (int i = 0; i < futures.size(); i++) {
                Future<T> next = completed.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (next == null) {
                    throw new TimeoutException("no task completed within " + timeout + " " + unit);
                }
                try {
                    return next.get();
                } catch (ExecutionException e) {
                    last = e;
                } catch (CancellationException e) {
                    last = new ExecutionException(e);
                }
            }
            throw last;
        } finally {
            futures.forEach(future -> future.cancel(true));
        }
    }

    @Override
    public synchronized void shutdown() {
        shutdown = true;
        checkTerminated();
    }

    private void checkTerminated() { // caller holds this
        if (shutdown && submitting == 0 && unfinished.isEmpty()) {
            terminated.complete(null);
        }
    }

    /**
     * Shuts down and cancels every unfinished task, stopping those running in a worker.
     *
     * @return what was submitted for the tasks it cancelled (some may have been running already)
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> cancelled = new ArrayList<>();
        for (Map.Entry<CompletableFuture<?>, Runnable> task : List.copyOf(unfinished.entrySet())) {
            if (task.getKey().cancel(true)) {
                cancelled.add(task.getValue());
            }
        }
        return cancelled;
    }

    @Override
    public synchronized boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return terminated.isDone();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            terminated.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("termination never completes exceptionally", e);
        }
    }

    @Override
    public String toString() {
        return "ExecutorService view of " + pool + (isShutdown() ? " (shut down)" : "");
    }
}
