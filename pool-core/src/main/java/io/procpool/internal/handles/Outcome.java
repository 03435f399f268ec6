package io.procpool.internal.handles;

import io.procpool.PipeClosedException;
import io.procpool.PoolException;
import io.procpool.QueueClosedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * How a hosted object answered one request: done (with a number and an encoded value, per operation), gave up
 * waiting (timed out, or cancelled because the caller was interrupted), or refused (a {@link Failure} and a message).
 * Exceptions are built in the caller from the failure's kind, so their stack traces are the caller's own.
 *
 * <p>Thread-safety: an immutable value by convention (the value array is not written after building).
 *
 * @param status  how the request ended
 * @param failure why it was refused, for {@link Status#FAILED}; otherwise {@code null}
 * @param number  a number, per operation (a size, an arrival index, the pid of a dead previous holder)
 * @param value   an encoded value (a taken item, a map value, a failed function's exception), or {@code null}
 * @param message what was wrong, for {@link Status#FAILED}
 */
public record Outcome(Status status, Failure failure, long number, byte[] value, String message) {
    /** How a request ended. */
    public enum Status {
        DONE, TIMED_OUT, CANCELLED, FAILED
    }

    /** Why a request was refused; each kind becomes the exception the contract names. */
    public enum Failure {
        /** The object was closed (or never existed in its host). */
        CLOSED,
        /** Queue closed: put after close, or take of a closed and drained queue. */
        QUEUE_CLOSED,
        /** This end was closed here, or the other end is closed everywhere and nothing is left to read. */
        PIPE_CLOSED,
        /** {@link IllegalStateException}: lock() by the holder, taskDone() too often. */
        ILLEGAL_STATE,
        /** {@link IllegalMonitorStateException}: unlock or a condition used without holding the lock. */
        NOT_HOLDER,
        /** The barrier is broken. */
        BROKEN,
        /** The host is gone. */
        HOST_GONE,
        /** A function run in the host threw; the value is its encoded exception. */
        FUNCTION_FAILED
    }

    static Outcome done(long number, byte[] value) {
        return new Outcome(Status.DONE, null, number, value, null);
    }

    static Outcome done(long number) {
        return done(number, null);
    }

    static Outcome failed(Failure failure, String message) {
        return new Outcome(Status.FAILED, failure, 0, null, message);
    }

    static final Outcome TIMED_OUT = new Outcome(Status.TIMED_OUT, null, 0, null, null);
    static final Outcome CANCELLED = new Outcome(Status.CANCELLED, null, 0, null, null);

    public boolean isDone() {
        return status == Status.DONE;
    }

    /**
     * The unchecked exception for a refusal, built here in the caller; the types with checked exceptions
     * ({@link Failure#BROKEN}) test for them first.
     */
    public RuntimeException toException() {
        return switch (failure) {
            case QUEUE_CLOSED -> new QueueClosedException(message);
            case PIPE_CLOSED -> new PipeClosedException(message);
            case ILLEGAL_STATE -> new IllegalStateException(message);
            case NOT_HOLDER -> new IllegalMonitorStateException(message);
            default -> new PoolException(message);
        };
    }

    ByteBuffer toFrame(long requestId) {
        byte[] text = message == null ? null : message.getBytes(StandardCharsets.UTF_8);
        int length = 1 + 1 + 8 + 4 + (value == null ? 0 : value.length) + 4 + (text == null ? 0 : text.length);
        ByteBuffer frame = Wire.start(Wire.Type.REPLY, requestId, length);
        frame.put((byte) status.ordinal()).put((byte) (failure == null ? -1 : failure.ordinal())).putLong(number);
        Request.put(frame, value);
        Request.put(frame, text);
        return Wire.seal(frame);
    }

    static Outcome read(ByteBuffer payload) {
        Status status = Status.values()[payload.get()];
        int failure = payload.get();
        long number = payload.getLong();
        byte[] value = Request.get(payload);
        byte[] text = Request.get(payload);
        return new Outcome(status, failure < 0 ? null : Failure.values()[failure], number, value,
                text == null ? null : new String(text, StandardCharsets.UTF_8));
    }
}
