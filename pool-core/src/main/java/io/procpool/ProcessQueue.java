package io.procpool;

import io.procpool.internal.handles.HandleCalls;
import io.procpool.internal.handles.HostedQueue;
import io.procpool.internal.handles.Ops;
import io.procpool.internal.handles.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Python's {@code multiprocessing.Queue}: a FIFO queue shared by the JVM that created it (its host) and every process
 * that JVM starts, pool workers and grandchildren included. The handle travels with Kryo wherever a value travels
 * (captured by a lambda, a {@link JvmProcess} field, a task argument, a message on another queue).
 *
 * <p>Each element is encoded by the caller of {@code put}: one that cannot be encoded throws
 * {@link TaskSerializationException} there, at once, and every taker gets its own decoded copy. On an unbounded queue
 * a put in another process returns once its message is in the kernel (it survives a SIGKILL of the putter right
 * after); the host always reads, so a process that puts before anyone takes never blocks and can always be joined. A
 * bounded queue's put waits for room. A message cut off by its sender's death is dropped whole.
 *
 * <p>{@link #close()} stops every put everywhere; takers drain what is left, then {@link #take()} throws
 * {@link QueueClosedException} and {@link #poll} returns empty; {@link #stream()} ends there (the poison pill, built
 * in). {@code null} elements are refused with {@link NullPointerException}.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 *
 * @param <E> the element type
 */
public class ProcessQueue<E> extends HostedHandle {
    /** 0 for unbounded. */
    private final int capacity;

    ProcessQueue(io.procpool.internal.handles.HandleId id, int capacity) {
        super(id);
        this.capacity = capacity;
    }

    /**
     * An unbounded queue hosted by this JVM.
     *
     * @param <E> the element type
     * @return a handle of the new queue, hosted by this JVM
     */
    public static <E> ProcessQueue<E> create() {
        return new ProcessQueue<>(HostedQueue.create(0, false), 0);
    }

    /**
     * A queue hosted by this JVM whose {@code put} waits while {@code capacity} elements wait to be taken.
     *
     * @throws IllegalArgumentException if {@code capacity < 1}
     * @param <E> the element type
     * @param capacity how many elements may wait before {@code put} waits
     * @return a handle of the new queue, hosted by this JVM
     */
    public static <E> ProcessQueue<E> create(int capacity) {
        return new ProcessQueue<>(HostedQueue.create(checkCapacity(capacity), false), capacity);
    }

    static int checkCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        return capacity;
    }

    /**
     * Adds {@code element}, waiting for room if the queue is bounded.
     *
     * @throws QueueClosedException after {@link #close()}
     * @throws TaskSerializationException if the element cannot be encoded
     * @throws InterruptedException while waiting for room
     * @param element the element; {@code null} is refused
     */
    public void put(E element) throws InterruptedException {
        add(element, null);
    }

    /**
     * Adds {@code element} if there is room within {@code timeout} ({@code Duration.ZERO}: Python's
     * {@code put_nowait}).
     *
     * @return whether it was added
     * @param element the element; {@code null} is refused
     * @param timeout how long to wait at most; zero or negative: not at all
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean offer(E element, Duration timeout) throws InterruptedException {
        return add(element, checked(timeout));
    }

    /** Adds, waiting up to {@code timeout} for room ({@code null}: as long as it takes). */
    private boolean add(E element, Duration timeout) throws InterruptedException {
        byte[] bytes = encode(element, "element");
        Outcome outcome = capacity == 0 ? check(HandleCalls.oneWay(id, Ops.PUT, 0, bytes, null))
                : call(Ops.PUT, 0, bytes, null, timeout);
        return outcome.isDone();
    }

    /**
     * Takes the head, waiting for one.
     *
     * @throws QueueClosedException once the queue is closed and drained
     * @throws InterruptedException while waiting (nothing was taken)
     * @return the head
     */
    public E take() throws InterruptedException {
        return HandleCalls.decode(call(Ops.TAKE, 0, null, null, null).value(), "element");
    }

    /**
     * Takes the head if one comes within {@code timeout} ({@code Duration.ZERO}: Python's {@code get_nowait}).
     *
     * @return the head, or empty when none came in time or the queue is closed and drained
     * @param timeout how long to wait at most; zero or negative: not at all
     * @throws InterruptedException if interrupted while waiting
     */
    public Optional<E> poll(Duration timeout) throws InterruptedException {
        Outcome outcome;
        try {
            outcome = call(Ops.TAKE, 0, null, null, checked(timeout));
        } catch (QueueClosedException e) {
            return Optional.empty();
        }
        return outcome.isDone() ? Optional.of(HandleCalls.decode(outcome.value(), "element")) : Optional.empty();
    }

    /**
     * How many elements wait to be taken: exact.
     *
     * @return the count
     */
    public int size() {
        return (int) quick(Ops.SIZE, 0, null, null).number();
    }

    /** Refuses further puts everywhere; takers drain what is left. Idempotent. */
    public void close() {
        quick(Ops.CLOSE, 0, null, null);
    }

    /**
     * The elements as they are taken, until the queue is closed and drained. Closing the stream stops taking. An
     * interrupt while waiting ends the stream with a {@link PoolException} (the interrupt flag set).
     * @return the elements as they are taken; close it to stop
     */
    public Stream<E> stream() {
        Spliterator<E> takes = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED
                | Spliterator.NONNULL) {
            @Override
            public boolean tryAdvance(Consumer<? super E> action) {
                try {
                    action.accept(take());
                    return true;
                } catch (QueueClosedException e) {
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PoolException("interrupted while taking from " + id.describe(), e);
                }
            }
        };
        return StreamSupport.stream(takes, false);
    }

    @Override
    RuntimeException closedFailure() {
        return new QueueClosedException(id.describe() + " was closed");
    }
}
