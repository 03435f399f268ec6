package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.Ops;
import java.time.Duration;

/**
 * Python's {@code multiprocessing.Condition}, the JDK's {@code Condition} of a {@link ProcessLock}: made by
 * {@link ProcessLock#newCondition()}. {@code await}, {@code signal} and {@code signalAll} need the lock held by the
 * calling thread ({@link IllegalMonitorStateException} otherwise); {@code await} gives the lock up while it waits and
 * holds it again when it returns, also on timeout or interrupt. A waiter whose process dies is simply gone; a signal
 * goes to a live waiter.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 */
public final class ProcessCondition extends HostedHandle {
    private final int condition;

    ProcessCondition(HandleId lock, int condition) {
        super(lock);
        this.condition = condition;
    }

    /**
     * Waits for a signal.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        call(Ops.AWAIT, condition, null, null, null);
    }

    /**
     * Waits for a signal at most {@code timeout}; returns whether it was signalled.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return see above
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return call(Ops.AWAIT, condition, null, null, checked(timeout)).isDone();
    }

    /** Wakes one waiter. */
    public void signal() {
        quick(Ops.SIGNAL, condition, null, null);
    }

    /** Wakes every waiter. */
    public void signalAll() {
        quick(Ops.SIGNAL_ALL, condition, null, null);
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && ((ProcessCondition) other).condition == condition;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + condition;
    }

    @Override
    public String toString() {
        return "condition " + condition + " of " + super.toString();
    }
}
