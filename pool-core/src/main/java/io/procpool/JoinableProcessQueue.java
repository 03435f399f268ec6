package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedQueue;
import io.procpool.internal.handles.Ops;
import java.time.Duration;

/**
 * Python's {@code multiprocessing.JoinableQueue}: a {@link ProcessQueue} that counts the elements put and not yet
 * marked done; {@link #join()} waits until that count is zero.
 *
 * <p>Unlike Python, an element taken by a process that dies before it called {@link #taskDone()} is not lost: it goes
 * back to the head of the queue, another consumer takes it, and {@code join()} neither hangs nor returns early.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 *
 * @param <E> the element type
 */
public class JoinableProcessQueue<E> extends ProcessQueue<E> {

    JoinableProcessQueue(HandleId id, int capacity) {
        super(id, capacity);
    }

    /**
     * An unbounded joinable queue hosted by this JVM.
     *
     * @param <E> the element type
     * @return a handle of the new queue, hosted by this JVM
     */
    public static <E> JoinableProcessQueue<E> create() {
        return new JoinableProcessQueue<>(HostedQueue.create(0, true), 0);
    }

    /**
     * A bounded joinable queue hosted by this JVM; see {@link ProcessQueue#create(int)}.
     *
     * @param <E> the element type
     * @param capacity how many elements may wait before {@code put} waits
     * @return a handle of the new queue, hosted by this JVM
     */
    public static <E> JoinableProcessQueue<E> create(int capacity) {
        return new JoinableProcessQueue<>(HostedQueue.create(checkCapacity(capacity), true), capacity);
    }

    /**
     * Marks one taken element as done (by any process, as in Python).
     *
     * @throws IllegalStateException if called more often than elements were taken (Python's {@code ValueError})
     */
    public void taskDone() {
        quick(Ops.TASK_DONE, 0, null, null);
    }

    /**
     * Waits until every element put was taken and marked done.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        call(Ops.JOIN, 0, null, null, null);
    }

    /**
     * As {@link #join()}, for at most {@code timeout}; returns whether everything was done.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return whether every element was done in time
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        return call(Ops.JOIN, 0, null, null, checked(timeout)).isDone();
    }
}
