package io.procpool;

/**
 * Stands in for a worker's exception whose class could not be rebuilt in the caller's JVM (the class is missing here,
 * or has no usable constructor). It keeps the remote class name, message, stack frames, cause and suppressed
 * exceptions; its message starts with the remote class name, so a printed stack trace reads
 * {@code io.procpool.RemoteException: com.example.MissingHere: the original message}.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public class RemoteException extends PoolException {
    private static final long serialVersionUID = 1L;

    /** The remote exception's fully qualified class name. */
    private final String remoteClassName;
    /** The remote exception's message, possibly {@code null}. */
    private final String remoteMessage;

    /**
     * Stands in for a remote exception of another class.
     *
     * @param remoteClassName the fully qualified class name of the exception in the worker
     * @param remoteMessage   its message, possibly {@code null}
     */
    public RemoteException(String remoteClassName, String remoteMessage) {
        super(remoteMessage == null ? remoteClassName : remoteClassName + ": " + remoteMessage);
        this.remoteClassName = remoteClassName;
        this.remoteMessage = remoteMessage;
    }

    /** {@return the fully qualified class name of the exception the worker threw} */
    public String remoteClassName() {
        return remoteClassName;
    }

    /** {@return the message of the exception the worker threw, possibly {@code null}} */
    public String remoteMessage() {
        return remoteMessage;
    }
}
