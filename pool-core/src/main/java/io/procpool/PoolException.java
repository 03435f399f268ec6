package io.procpool;

/**
 * The root of every failure procpool reports. Unchecked, like {@link java.util.concurrent.CompletionException}.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class PoolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, naming the object that failed
     */
    public PoolException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong, naming the object that failed
     * @param cause   the underlying failure
     */
    public PoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
