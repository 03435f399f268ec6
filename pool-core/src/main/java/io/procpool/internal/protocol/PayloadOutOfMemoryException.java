package io.procpool.internal.protocol;

/**
 * The heap could not hold a frame's payload ({@link OutOfMemoryError} allocating it); the payload was read past, so
 * the stream is positioned on the next frame. Unchecked, so that a reader which only knows I/O failures treats it as
 * the internal failure it is, not as the end of the channel.
 *
 * <p>Thread-safety: immutable once thrown.
 */
public final class PayloadOutOfMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient FrameType type;
    private final long id;
    private final int length;

    PayloadOutOfMemoryException(FrameType type, long id, int length, OutOfMemoryError cause) {
        super("out of memory allocating the " + length + "-byte payload of a " + type + " frame (id " + id
                + "): " + cause.getMessage(), cause);
        this.type = type;
        this.id = id;
        this.length = length;
    }

    /** @return the type of the frame whose payload was skipped */
    public FrameType type() {
        return type;
    }

    /** @return its header id: the task id of a CALL, CHUNK, RESULT or FAILURE, the function id of a FUNCTION */
    public long id() {
        return id;
    }

    /** @return its payload length in bytes */
    public int length() {
        return length;
    }

    /** @return the error the allocation threw */
    public OutOfMemoryError error() {
        return (OutOfMemoryError) getCause();
    }
}
