package io.procpool;

import io.procpool.internal.shm.Region;

/**
 * A fixed-length array of {@code double} in shared memory that every process of the tree reads and writes in place:
 * Python's {@code Array('d', n)} or a {@code shared_memory} block seen as float64. Element access, ordering, hosting,
 * travelling and {@link #close()} are those of {@link SharedLongArray}.
 *
 * <p>Thread-safety: thread-safe, also across processes (with {@link SharedLongArray}'s ordering).
 */
public final class SharedDoubleArray extends SharedArray {
    private SharedDoubleArray(Region region) {
        super(region);
    }

    /**
     * A new array of {@code length} zeros hosted by this JVM.
     *
     * @param length the number of elements
     * @return the new array's handle
     * @throws IllegalArgumentException {@code length} is negative
     * @throws PoolException it does not fit in shared memory (the message names its size and the free space)
     */
    public static SharedDoubleArray create(long length) {
        return new SharedDoubleArray(allocate(length, "SharedDoubleArray"));
    }

    /**
     * A new array holding a copy of {@code values}, hosted by this JVM.
     *
     * @param values the elements
     * @return the new array's handle
     */
    public static SharedDoubleArray of(double... values) {
        SharedDoubleArray array = create(values.length);
        array.set(0, values);
        return array;
    }

    @Override
    String kind() {
        return "SharedDoubleArray";
    }

    /**
     * Reads one element.
     *
     * @param index the element's index
     * @return element {@code index}
     */
    public double get(long index) {
        long offset = offsetOf(index);
        return region().getDouble(offset);
    }

    /**
     * Sets element {@code index} to {@code value}.
     *
     * @param index the element's index
     * @param value its new value
     */
    public void set(long index, double value) {
        long offset = offsetOf(index);
        region().setDouble(offset, value);
    }

    /**
     * Copies {@code values} into the elements from {@code index} on.
     *
     * @param index  the first element written
     * @param values what to write
     */
    public void set(long index, double[] values) {
        long offset = offsetOfRun(index, values.length);
        region().putDoubles(offset, values, 0, values.length);
    }

    /**
     * Copies the elements from {@code index} on into {@code into}, filling it.
     *
     * @param index the first element read
     * @param into  where to copy them
     * @return {@code into}
     */
    public double[] get(long index, double[] into) {
        long offset = offsetOfRun(index, into.length);
        region().getDoubles(offset, into, 0, into.length);
        return into;
    }
}
