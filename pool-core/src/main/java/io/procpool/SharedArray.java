package io.procpool;

import io.procpool.internal.shm.Region;
import io.procpool.internal.shm.Regions;
import java.util.Objects;

/**
 * What {@link SharedLongArray} and {@link SharedDoubleArray} have in common: a fixed number of 8-byte elements in
 * shared memory, their bounds checks, and the byte offset of an element.
 *
 * <p>Thread-safety: thread-safe.
 */
abstract class SharedArray extends SharedMemoryHandle {
    private final long length;

    SharedArray(Region region) {
        super(region);
        this.length = region.handle().dataBytes() / Long.BYTES;
    }

    /** A zero-filled region for {@code length} elements of the type {@code kind}. */
    static Region allocate(long length, String kind) {
        if (length < 0 || length > Long.MAX_VALUE / Long.BYTES) {
            throw new IllegalArgumentException(kind + " length " + length + " is negative or too large");
        }
        return Regions.create(length * Long.BYTES, kind + " of " + length + " elements");
    }

    /** {@return the number of elements} */
    public final long length() {
        return length;
    }

    /** The byte offset of element {@code index}, checked. */
    final long offsetOf(long index) {
        Objects.checkIndex(index, length);
        return index * Long.BYTES;
    }

    /** The byte offset of element {@code index}, checking that {@code count} elements from there exist. */
    final long offsetOfRun(long index, int count) {
        Objects.checkFromIndexSize(index, count, length);
        return index * Long.BYTES;
    }
}
