package io.procpool;

/**
 * A {@link Connection} cannot be used: it was closed in this process, or the other end was closed (or its process
 * died) in every process that used it and nothing is left to read (Python's {@code EOFError}).
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class PipeClosedException extends PoolException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which end, and why it is closed
     */
    public PipeClosedException(String message) {
        super(message);
    }
}
