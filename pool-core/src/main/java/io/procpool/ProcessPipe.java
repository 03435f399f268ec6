package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HostedPipe;

/**
 * Python's {@code multiprocessing.Pipe()}: two duplex ends; what one end sends, the other receives, in order. Each
 * end is a {@link Connection} handle that travels like any value.
 *
 * <p>Thread-safety: immutable; see {@link Connection} for the ends.
 *
 * @param <T> the message type
 */
public final class ProcessPipe<T> extends HostedHandle {

    ProcessPipe(HandleId id) {
        super(id);
    }

    /**
     * A pipe hosted by this JVM.
     *
     * @param <T> the message type
     * @return a handle of the new pipe, hosted by this JVM
     */
    public static <T> ProcessPipe<T> create() {
        return new ProcessPipe<>(HostedPipe.create());
    }

    /**
     * One end.
     *
     * @return the left end
     */
    public Connection<T> left() {
        return new Connection<>(id, 0);
    }

    /**
     * The other end.
     *
     * @return the right end
     */
    public Connection<T> right() {
        return new Connection<>(id, 1);
    }

    /** Frees the pipe in its host (both ends); using it afterwards throws {@link PoolException}. */
    public void close() {
        dispose();
    }
}
