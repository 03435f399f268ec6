package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedBarrier;
import io.procpool.internal.handles.Ops;
import io.procpool.internal.handles.Outcome;
import java.time.Duration;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * Python's {@code multiprocessing.Barrier}, with the JDK's {@code CyclicBarrier} names: {@link #await()} waits until
 * the given number of parties (threads of any processes) have arrived, then all go on; it is reusable.
 *
 * <p>A party whose own timeout runs out gets {@link TimeoutException} and the barrier breaks for the others
 * ({@link BrokenBarrierException}); so does an interrupted party ({@link InterruptedException}). A process that dies
 * while waiting, or is killed after it once waited, breaks it too: nobody waits for a party that will never come.
 * {@link #reset()} breaks the current generation and makes the barrier usable again.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 */
public final class ProcessBarrier extends HostedHandle {
    private final int parties;

    ProcessBarrier(HandleId id, int parties) {
        super(id);
        this.parties = parties;
    }

    /**
     * A barrier hosted by this JVM.
     *
     * @throws IllegalArgumentException if {@code parties < 1}
     * @param parties how many parties must arrive
     * @return a handle of the new barrier, hosted by this JVM
     */
    public static ProcessBarrier create(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("parties must be at least 1, got " + parties);
        }
        return new ProcessBarrier(HostedBarrier.create(parties), parties);
    }

    /**
     * Waits for all parties.
     *
     * @return the arrival index: {@code getParties() - 1} for the first to arrive, 0 for the last
     * @throws InterruptedException if interrupted while waiting
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting
     */
    public int await() throws InterruptedException, BrokenBarrierException {
        return arrival(callUnchecked(Ops.ARRIVE, 0, null));
    }

    /**
     * As {@link #await()}, for at most {@code timeout}.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return see above
     * @throws InterruptedException if interrupted while waiting
     * @throws BrokenBarrierException if the barrier is or becomes broken while waiting
     * @throws TimeoutException if the timeout ran out (the barrier breaks for the others)
     */
    public int await(Duration timeout) throws InterruptedException, BrokenBarrierException, TimeoutException {
        Outcome outcome = callUnchecked(Ops.ARRIVE, 0, checked(timeout));
        if (outcome.status() == Outcome.Status.TIMED_OUT) {
            throw new TimeoutException("no " + parties + " parties at " + id.describe() + " within " + timeout
                    + ": the barrier is broken");
        }
        return arrival(outcome);
    }

    /** {@return the number of parties that must arrive} */
    public int getParties() {
        return parties;
    }

    /** {@return how many parties wait at the barrier now} */
    public int getNumberWaiting() {
        return (int) quick(Ops.WAITING, 0, null, null).number();
    }

    /** {@return whether the barrier is broken} */
    public boolean isBroken() {
        return quick(Ops.IS_BROKEN, 0, null, null).number() != 0;
    }

    /** Breaks the waiting generation (its parties get {@link BrokenBarrierException}) and starts a new one. */
    public void reset() {
        quick(Ops.RESET, 0, null, null);
    }

    /** Frees the barrier in its host; using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }

    private int arrival(Outcome outcome) throws BrokenBarrierException {
        if (outcome.status() == Outcome.Status.FAILED && outcome.failure() == Outcome.Failure.BROKEN) {
            throw new BrokenBarrierException(outcome.message());
        }
        return (int) check(outcome).number();
    }
}
