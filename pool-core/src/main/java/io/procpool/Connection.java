package io.procpool;

import io.procpool.internal.handles.HandleCalls;
import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.Ops;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One end of a {@link ProcessPipe} (Python's {@code Connection}). An end is open in each process that holds it;
 * {@link #close()} closes it in the calling process (later {@code send}/{@code recv} there throw
 * {@link PipeClosedException}). Once every process that used an end (sent, received or polled on it) has closed it or
 * died, the peer's {@link #recv()} returns what is left to read, then throws {@link PipeClosedException} (Python's
 * {@code EOFError}); a process waiting in {@code recv()} learns of the death at once.
 *
 * <p>Each message is encoded by the sender ({@link TaskSerializationException} there, at once, if it cannot be) and
 * arrives whole, also when several processes send on one end at once. {@code send} in another process than the host
 * returns once the message is in the kernel; a message sent after the peer end was closed everywhere is dropped.
 *
 * <p>Thread-safety: every method is safe from any thread of any process that may use the handle.
 *
 * @param <T> the message type
 */
public final class Connection<T> extends HostedHandle implements AutoCloseable {
    /** The ends closed in this process: a one-way send from here must fail here, not be dropped in the host. */
    private static final Set<Connection<?>> CLOSED_HERE = ConcurrentHashMap.newKeySet();

    private final int end;

    Connection(HandleId pipe, int end) {
        super(pipe);
        this.end = end;
    }

    /**
     * Sends {@code message} to the other end.
     *
     * @param message the message; {@code null} is refused
     */
    public void send(T message) {
        checkOpenHere();
        check(HandleCalls.oneWay(id, Ops.SEND, end, encode(message, "message"), null));
    }

    /**
     * Receives the next message, waiting for one.
     *
     * @return the message
     * @throws InterruptedException if interrupted while waiting
     */
    public T recv() throws InterruptedException {
        checkOpenHere();
        return HandleCalls.decode(call(Ops.RECV, end, null, null, null).value(), "message");
    }

    /**
     * Whether {@link #recv()} would not wait: a message waits, or the other end is closed.
     *
     * @param timeout how long to wait at most; zero or negative: not at all
     * @return see above
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean poll(Duration timeout) throws InterruptedException {
        checkOpenHere();
        return call(Ops.POLL, end, null, null, checked(timeout)).isDone();
    }

    /** Closes this end in the calling process. Idempotent. */
    @Override
    public void close() {
        if (CLOSED_HERE.add(this)) {
            quick(Ops.CLOSE_END, end, null, null);
        }
    }

    private void checkOpenHere() {
        if (CLOSED_HERE.contains(this)) {
            throw new PipeClosedException(this + " was closed in this process");
        }
    }

    @Override
    RuntimeException closedFailure() {
        return new PipeClosedException(this + " was closed");
    }

    @Override
    public boolean equals(Object other) {
        return super.equals(other) && ((Connection<?>) other).end == end;
    }

    @Override
    public int hashCode() {
        return 31 * super.hashCode() + end;
    }

    @Override
    public String toString() {
        return (end == 0 ? "left" : "right") + " end of " + super.toString();
    }
}
