package io.procpool.internal.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One frame as it travels, header fields and raw payload; see {@link FrameType} for the layout. Immutable by
 * convention: the payload array is not copied, and nobody writes to it after the frame is built.
 *
 * <p>Thread-safety: safe to share between threads under that convention.
 *
 * @param type    what the frame means
 * @param id      task id, function id, stream number or exit kind, per {@code type}
 * @param payload the payload bytes, never {@code null} (empty for none)
 */
public record Frame(FrameType type, long id, byte[] payload) {

    private static final byte[] EMPTY = new byte[0];

    public Frame {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
    }

    /** @return a frame with an empty payload */
    public static Frame of(FrameType type, long id) {
        return new Frame(type, id, EMPTY);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Frame that && type == that.type && id == that.id
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, id, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return type + "(id=" + id + ", " + payload.length + " bytes)";
    }
}
