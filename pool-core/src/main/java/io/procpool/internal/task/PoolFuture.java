package io.procpool.internal.task;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A future the pool hands out (a task's, a map's): a plain {@link CompletableFuture} whose {@link #cancel} goes to
 * the pool first (so a cancel drops a queued task or stops a running one in the same step that decides how it ended),
 * and which is settled where user code is safe.
 *
 * <p>Where it is settled: a future that only blocked threads wait on ({@code get}, {@code join}, a synchronous call)
 * is settled on the completing thread, which saves a thread hand-off on every round trip; a future with callbacks
 * chained onto it is settled on the pool's callback executor, so user callbacks never run on a thread that reads a
 * worker's pipe or holds a pool lock. To tell the two apart it counts the threads blocked in {@code get}/{@code join}
 * ({@link CompletableFuture#getNumberOfDependents()} counts them too). A callback chained from another thread at the
 * very moment of settling can still run on the completing thread; the pool's own threads refuse blocking pool calls
 * and turn {@code close()} into a request, so even that callback cannot deadlock the pool.
 *
 * <p>Thread-safety: as {@link CompletableFuture}.
 *
 * @param <T> the value's type
 */
public final class PoolFuture<T> extends CompletableFuture<T> {
    private final Runnable onCancel;
    private final AtomicInteger blockedWaiters = new AtomicInteger();

    /** @param onCancel asks the pool to cancel the work behind this future; it settles the future itself */
    public PoolFuture(Runnable onCancel) {
        this.onCancel = onCancel;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        onCancel.run();
        return isCancelled();
    }

    /**
     * Settles the future with {@code value}, or with {@code failure} when it is not null (a
     * {@link java.util.concurrent.CancellationException} makes it cancelled), on the right thread (class comment).
     */
    public void settle(T value, Throwable failure, Executor callbacks) {
        settle(value, failure, callbacks, () -> { });
    }

    /**
     * As {@link #settle(Object, Throwable, Executor)}, then runs {@code then} on the same thread, once the future is
     * complete and the callbacks chained onto it have run: what waits for "all work done" (a pool's close) counts the
     * task out there, so that every future is done when it returns.
     */
    public void settle(T value, Throwable failure, Executor callbacks, Runnable then) {
        Runnable settle = () -> {
            try {
                if (failure == null) {
                    complete(value);
                } else {
                    completeExceptionally(failure);
                }
            } finally {
                then.run();
            }
        };
        if (getNumberOfDependents() <= blockedWaiters.get()) {
            settle.run();
            return;
        }
        try {
            callbacks.execute(settle);
        } catch (RejectedExecutionException e) {
            settle.run(); // the pool has shut its callback threads down: nobody else will
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        blockedWaiters.incrementAndGet();
        try {
            return super.get();
        } finally {
            blockedWaiters.decrementAndGet();
        }
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        blockedWaiters.incrementAndGet();
        try {
            return super.get(timeout, unit);
        } finally {
            blockedWaiters.decrementAndGet();
        }
    }

    @Override
    public T join() {
        blockedWaiters.incrementAndGet();
        try {
            return super.join();
        } finally {
            blockedWaiters.decrementAndGet();
        }
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>(); // dependents are plain futures: cancelling one does not cancel the work
    }
}
