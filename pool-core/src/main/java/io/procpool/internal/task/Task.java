package io.procpool.internal.task;

import io.procpool.internal.protocol.FrameType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One unit of work on its way through a pool: a CALL (one callable) or a CHUNK (a function over consecutive items),
 * and the one place its life ends. Whoever learns first how it ended (a worker's answer, its death, a timeout, a
 * cancel, the pool's termination) calls {@link #complete(Outcome)}; the first call wins, later ones are counted
 * and dropped. Every other party asks the task ({@link #isDone()}, {@link #outcome()}) instead of keeping a copy.
 *
 * <p>Completing a task first runs its internal listeners (the pool's bookkeeping, a map's result assembly: short,
 * no I/O, no user code) on the completing thread, then settles the {@link #future()} where user code is safe
 * ({@link PoolFuture}).
 *
 * <p>Thread-safety: thread-safe. The descriptive fields are immutable; the outcome is set once by compare-and-set.
 */
public final class Task {
    private static final AtomicLong IDS = new AtomicLong();

    private final long id;
    private final FrameType type;
    private final byte[] payload;
    private final FunctionRef functionRef;
    private final int itemCount;
    private final ClassLoader loader;
    private final long createdNanos = System.nanoTime();
    private final Executor callbacks;
    private final String functionName;
    private final String arguments;
    /** Where and when it ran: set by the transport once known, for insights. */
    private volatile String workerName;
    private volatile long startedNanos;
    private volatile long decodeNanos;
    private final PoolFuture<Object> future = new PoolFuture<>(
            () -> complete(Outcome.Cancelled.because("cancelled by the caller")));
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private List<Consumer<Task>> listeners = new ArrayList<>(2); // guarded by this; null once completed
    private volatile Consumer<Task> onSettled = task -> { };

    /**
     * @param id        unique in this JVM
     * @param type      {@link FrameType#CALL} or {@link FrameType#CHUNK}
     * @param payload   the encoded callable or chunk request, ready for a worker
     * @param functionRef the function a CHUNK applies; {@code null} for a CALL
     * @param itemCount how many items (1 for a CALL)
     * @param loader    resolves the classes of the answer
     * @param callbacks settles the future when callbacks are chained onto it
     * @param functionName the function's name (class and method), for insights
     * @param arguments a short summary of the arguments, or {@code null} when the pool does not record them
     */
    public Task(long id, FrameType type, byte[] payload, FunctionRef functionRef, int itemCount, ClassLoader loader,
                Executor callbacks, String functionName, String arguments) {
        this.id = id;
        this.type = type;
        this.payload = payload;
        this.functionRef = functionRef;
        this.itemCount = itemCount;
        this.loader = loader;
        this.callbacks = callbacks;
        this.functionName = functionName;
        this.arguments = arguments;
    }

    /** A new task id, unique in this JVM (workers and cluster members key their answers by it). */
    public static long nextId() {
        return IDS.incrementAndGet();
    }

    /**
     * Ends the task as {@code how} says, unless it has ended already.
     *
     * @return whether this call decided the outcome
     */
    public boolean complete(Outcome how) {
        attempts.incrementAndGet();
        if (!outcome.compareAndSet(null, how)) {
            return false;
        }
        List<Consumer<Task>> toRun;
        synchronized (this) {
            toRun = listeners;
            listeners = null;
        }
        for (Consumer<Task> listener : toRun) {
            listener.accept(this);
        }
        future.settle(how instanceof Outcome.Answered answered ? answered.value() : null, how.failure(), callbacks,
                () -> onSettled.accept(this));
        return true;
    }

    /**
     * Runs {@code listener} once when the task ends, on the completing thread, before the future settles; at once
     * if it has ended already. For the pool's own bookkeeping only: it must be short and must not block.
     */
    public void onOutcome(Consumer<Task> listener) {
        synchronized (this) {
            if (listeners != null) {
                listeners.add(listener);
                return;
            }
        }
        listener.accept(this);
    }

    /**
     * Runs {@code hook} once the task's future is complete and the callbacks chained onto it have run (on the thread
     * that ran them). One hook per task, set by its transport before it submits the task: its count of unfinished
     * work, so that {@code close()} returns with every future done.
     */
    public void onSettled(Consumer<Task> hook) {
        this.onSettled = hook;
    }

    /** How the task ended, or {@code null} while it has not. */
    public Outcome outcome() {
        return outcome.get();
    }

    public boolean isDone() {
        return outcome.get() != null;
    }

    /** How many times a party tried to end the task (1 for a task ended once and told nothing later). */
    public int completionAttempts() {
        return attempts.get();
    }

    /** A chunk's results before its failed item; empty unless the task failed. */
    public Object[] partialResults() {
        return outcome.get() instanceof Outcome.Failed failed ? failed.completedItems() : new Object[0];
    }

    /** How long the task ran in its worker, once answered (a result or the task's own failure); -1 otherwise. */
    public long runNanos() {
        Outcome how = outcome.get();
        return how == null ? -1 : how.runNanos();
    }

    public long id() {
        return id;
    }

    /** {@link FrameType#CALL} or {@link FrameType#CHUNK}. */
    public FrameType type() {
        return type;
    }

    /** The encoded callable (CALL) or chunk request (CHUNK), ready for a worker. */
    public byte[] payload() {
        return payload;
    }

    /** The function a CHUNK applies; {@code null} for a CALL. */
    public FunctionRef function() {
        return functionRef;
    }

    /** The function's name (class and method of the lambda), for insights. */
    public String functionName() {
        return functionName;
    }

    /** A short summary of the arguments, or {@code null} when the pool does not record them. */
    public String arguments() {
        return arguments;
    }

    /**
     * Records where the task ran and since when, for insights; the transport calls it when it learns it (the worker
     * said it started it, an answer arrives, the worker died under it).
     *
     * @param worker  the worker's name
     * @param started {@link System#nanoTime()} when the worker started it
     */
    public void ranOn(String worker, long started) {
        this.workerName = worker;
        this.startedNanos = started;
    }

    /** Records how long decoding the answer took in the parent, for insights. */
    public void decodedIn(long nanos) {
        this.decodeNanos = nanos;
    }

    /** The worker it ran on, or {@code null} when it never reached one. */
    public String workerName() {
        return workerName;
    }

    /** {@link System#nanoTime()} when it started in its worker, or 0 when it never did. */
    public long startedNanos() {
        return startedNanos;
    }

    /** How long decoding its answer took, 0 when nothing was decoded. */
    public long decodeNanos() {
        return decodeNanos;
    }

    public int itemCount() {
        return itemCount;
    }

    /** Resolves the classes of the answer: the loader of the submitted task's class. */
    public ClassLoader loader() {
        return loader;
    }

    /** {@link System#nanoTime()} when the task was made (submitted). */
    public long createdNanos() {
        return createdNanos;
    }

    public PoolFuture<Object> future() {
        return future;
    }

    @Override
    public String toString() {
        return type + " #" + id + (type == FrameType.CHUNK ? " (" + itemCount + " items)" : "");
    }
}
