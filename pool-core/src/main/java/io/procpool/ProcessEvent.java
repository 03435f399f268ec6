package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedEvent;
import io.procpool.internal.handles.Ops;
import java.time.Duration;

/**
 * Python's {@code multiprocessing.Event}: a flag that processes wait on until some process sets it.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 */
public final class ProcessEvent extends HostedHandle {

    ProcessEvent(HandleId id) {
        super(id);
    }

    /**
     * An event, not set, hosted by this JVM.
     *
     * @return a handle of the new event, hosted by this JVM
     */
    public static ProcessEvent create() {
        return new ProcessEvent(HostedEvent.create());
    }

    /** Sets the flag and wakes every waiter. */
    public void set() {
        quick(Ops.SET, 0, null, null);
    }

    /** Clears the flag. */
    public void clear() {
        quick(Ops.CLEAR, 0, null, null);
    }

    /** {@return whether the flag is set} */
    public boolean isSet() {
        return quick(Ops.IS_SET, 0, null, null).number() != 0;
    }

    /**
     * Waits until the flag is set.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        call(Ops.WAIT, 0, null, null, null);
    }

    /**
     * Waits at most {@code timeout} for the flag; returns whether it is set.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return see above
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return call(Ops.WAIT, 0, null, null, checked(timeout)).isDone();
    }

    /** Frees the event in its host; using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }
}
