package io.procpool.internal.handles;

import java.nio.ByteBuffer;

/**
 * One operation on a hosted object, as a handle sends it: which object, which operation (the hosted type's own
 * codes), the calling thread (locks are held by threads), how long it may wait, one number and up to two encoded
 * values. Values are Kryo bytes made by the caller; the host decodes only what it must (map keys, compute functions).
 *
 * <p>Thread-safety: an immutable value by convention (the arrays are not copied and not written after building).
 *
 * @param objectId     the hosted object
 * @param op           what to do, per hosted type
 * @param threadId     the calling thread, unique within its process
 * @param timeoutNanos how long the operation may wait: {@code <= 0} not at all, {@link Long#MAX_VALUE} forever
 * @param arg          a number, per operation (a count, an end of a pipe, a condition)
 * @param first        an encoded value, or {@code null}
 * @param second       another encoded value, or {@code null}
 */
record Request(long objectId, int op, long threadId, long timeoutNanos, long arg, byte[] first, byte[] second) {
    /** Forever, for {@link #timeoutNanos}. */
    static final long FOREVER = Long.MAX_VALUE;

    private static final int FIXED = 8 + 1 + 8 + 8 + 8 + 4 + 4;

    /** This request as a whole frame of {@code type}. */
    ByteBuffer toFrame(Wire.Type type, long requestId) {
        int length = FIXED + length(first) + length(second);
        ByteBuffer frame = Wire.start(type, requestId, length);
        frame.putLong(objectId).put((byte) op).putLong(threadId).putLong(timeoutNanos).putLong(arg);
        put(frame, first);
        put(frame, second);
        return Wire.seal(frame);
    }

    static Request read(ByteBuffer payload) {
        return new Request(payload.getLong(), payload.get(), payload.getLong(), payload.getLong(), payload.getLong(),
                get(payload), get(payload));
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    static void put(ByteBuffer buffer, byte[] bytes) {
        if (bytes == null) {
            buffer.putInt(-1);
        } else {
            buffer.putInt(bytes.length).put(bytes);
        }
    }

    static byte[] get(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}
