package io.procpool;

/**
 * A {@link ProcessQueue} was closed: thrown by {@code put}/{@code offer} after {@code close()}, and by {@code take()}
 * once the closed queue is drained.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class QueueClosedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which queue, and what was attempted
     */
    public QueueClosedException(String message) {
        super(message);
    }
}
