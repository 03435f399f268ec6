package io.procpool.internal.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * The Kryo-encoded payload of a frame, as it travels: a task, a function, a result, a failure. Immutable by
 * convention: the array is not copied, and nobody writes to it after the frame is built. Equal by content.
 *
 * <p>Thread-safety: safe to share between threads under that convention.
 *
 * @param bytes the encoded bytes, never {@code null}
 */
public record Encoded(byte[] bytes) {
    /** No payload. */
    public static final Encoded NONE = new Encoded(new byte[0]);

    public Encoded {
        Objects.requireNonNull(bytes, "bytes");
    }

    /** @return the payload's size in bytes */
    public int length() {
        return bytes.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Encoded that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length + " bytes";
    }
}
