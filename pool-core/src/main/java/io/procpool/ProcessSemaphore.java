package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedSemaphore;
import io.procpool.internal.handles.Ops;
import io.procpool.internal.handles.Outcome;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Python's {@code multiprocessing.Semaphore}, with the JDK's {@code Semaphore} names: permits shared by every process
 * that may use the handle. {@link #release()} may raise the count past the initial permits.
 *
 * <p>A process that dies holding permits gives them back at once (the host counts what each process acquired and did
 * not release), logs a WARN naming the dead pid, and the thread that acquires next can see
 * {@link #acquiredAfterDeathOf()}.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 */
public final class ProcessSemaphore extends HostedHandle {

    ProcessSemaphore(HandleId id) {
        super(id);
    }

    /**
     * A semaphore hosted by this JVM.
     *
     * @throws IllegalArgumentException if {@code permits < 0}
     * @param permits the permits to start with
     * @return a handle of the new semaphore, hosted by this JVM
     */
    public static ProcessSemaphore create(int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits must not be negative, got " + permits);
        }
        return new ProcessSemaphore(HostedSemaphore.create(permits));
    }

    /**
     * Takes a permit, waiting for one.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void acquire() throws InterruptedException {
        acquired(call(Ops.ACQUIRE, 1, null, null, null));
    }

    /**
     * Takes a permit if one is free within {@code timeout}; returns whether it did.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return whether a permit was taken
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean tryAcquire(Duration timeout) throws InterruptedException {
        return acquired(call(Ops.ACQUIRE, 1, null, null, checked(timeout)));
    }

    /** Gives a permit back. */
    public void release() {
        quick(Ops.RELEASE, 1, null, null);
    }

    /**
     * The permits free now.
     *
     * @return the free permits
     */
    public int availablePermits() {
        return (int) quick(Ops.AVAILABLE, 0, null, null).number();
    }

    /**
     * The pid of a process that died holding permits of this semaphore, if the calling thread's last acquire came
     * right after that death; empty otherwise.
     * @return the dead holder's pid, or empty
     */
    public OptionalLong acquiredAfterDeathOf() {
        return DeathNotices.last(id);
    }

    /** Frees the semaphore in its host; using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }

    private boolean acquired(Outcome outcome) {
        if (outcome.isDone()) {
            DeathNotices.record(id, outcome.number());
        }
        return outcome.isDone();
    }
}
