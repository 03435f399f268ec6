package io.procpool;

/**
 * A task, an argument or a result could not be encoded or decoded. For tasks and arguments it is thrown in the caller
 * at submit time; for a result it fails that task and the worker goes on serving.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class TaskSerializationException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** The class that would not serialize, or {@code null} when unknown. */
    private final String failedClassName;

    /**
     * Creates the exception.
     *
     * @param message         what could not be encoded or decoded, naming the class
     * @param failedClassName the class that failed, or {@code null} when unknown
     * @param cause           the codec's own exception, possibly {@code null}
     */
    public TaskSerializationException(String message, String failedClassName, Throwable cause) {
        super(message, cause);
        this.failedClassName = failedClassName;
    }

    /** {@return the fully qualified name of the class that would not serialize, or {@code null} when unknown} */
    public String failedClassName() {
        return failedClassName;
    }
}
