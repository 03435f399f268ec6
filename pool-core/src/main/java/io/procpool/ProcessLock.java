package io.procpool;

import io.procpool.internal.handles.HandleCalls;
import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedLock;
import io.procpool.internal.handles.Ops;
import io.procpool.internal.handles.Outcome;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Python's {@code multiprocessing.Lock}: a mutual-exclusion lock for threads of every process that may use the handle.
 * It is held by a thread, and it is <b>not reentrant</b>: {@link #tryLock} by the holding thread returns
 * {@code false}, {@link #lock()} by it throws {@link IllegalStateException} (a self-deadlock is always a bug), and
 * {@link #unlock()} by any other thread throws {@link IllegalMonitorStateException}.
 *
 * <p>A process that dies holding the lock does not leave it locked (Python's does, forever): the host releases it at
 * once, logs a WARN naming the dead pid, and the thread that acquires it next can see
 * {@link #acquiredAfterDeathOf()}: whatever the dead holder was protecting may be half-updated.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 */
public final class ProcessLock extends HostedHandle {

    ProcessLock(HandleId id) {
        super(id);
    }

    /**
     * A lock hosted by this JVM.
     *
     * @return a handle of the new lock, hosted by this JVM
     */
    public static ProcessLock create() {
        return new ProcessLock(HostedLock.create());
    }

    /**
     * Acquires the lock, waiting as long as it takes (through interrupts, like the JDK's {@code Lock.lock()}).
     *
     * @throws IllegalStateException if the calling thread holds it already
     */
    public void lock() {
        acquired(check(HandleCalls.callUninterruptibly(id, Ops.LOCK, 0, null, null, null)));
    }

    /**
     * Acquires the lock if it is free within {@code timeout}.
     *
     * @return whether it was acquired; {@code false} also when the calling thread holds it already
     * @param timeout how long to wait at most; zero or negative: not at all
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean tryLock(Duration timeout) throws InterruptedException {
        return acquired(call(Ops.TRY_LOCK, 0, null, null, checked(timeout)));
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalMonitorStateException if the calling thread does not hold the lock
     */
    public void unlock() {
        quick(Ops.UNLOCK, 0, null, null);
    }

    /**
     * A condition of this lock (Python's {@code Condition(lock)}); it may be created in any process.
     *
     * @return a handle of the new condition
     */
    public ProcessCondition newCondition() {
        return new ProcessCondition(id, (int) quick(Ops.NEW_CONDITION, 0, null, null).number());
    }

    /**
     * The pid of the process that died holding this lock, if the calling thread's last acquire of it came right
     * after that death (the state the lock protects may be half-updated); empty otherwise.
     * @return the dead holder's pid, or empty
     */
    public OptionalLong acquiredAfterDeathOf() {
        return DeathNotices.last(id);
    }

    /** Frees the lock in its host; using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }

    private boolean acquired(Outcome outcome) {
        if (!outcome.isDone() || outcome.number() == HostedLock.NOT_ACQUIRED) {
            return false;
        }
        DeathNotices.record(id, outcome.number());
        return true;
    }
}
