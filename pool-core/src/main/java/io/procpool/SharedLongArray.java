package io.procpool;

import io.procpool.internal.shm.Region;

/**
 * A fixed-length array of {@code long} in shared memory that every process of the tree reads and writes in place:
 * Python's {@code Array('q', n)} or a {@code shared_memory} block seen as int64. Hosting, travelling and
 * {@link #close()} are those of {@link SharedLong}. It may be longer than 2<sup>31</sup> elements (it is mapped in
 * pieces of 1 GiB).
 *
 * <p>Each element is read and written whole (never torn), with the ordering of {@code VarHandle}'s opaque mode: a
 * write becomes visible to other processes without a lock, but writes to different elements are not ordered; publish
 * "the data is ready" through a {@link SharedLong} (a volatile access) or a lock. Runs copied in or out with
 * {@link #set(long, long[])} and {@link #get(long, long[])} are not atomic as a whole.
 *
 * <p>Thread-safety: thread-safe, also across processes (with the ordering above).
 */
public final class SharedLongArray extends SharedArray {
    private SharedLongArray(Region region) {
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
    public static SharedLongArray create(long length) {
        return new SharedLongArray(allocate(length, "SharedLongArray"));
    }

    /**
     * A new array holding a copy of {@code values}, hosted by this JVM.
     *
     * @param values the elements
     * @return the new array's handle
     */
    public static SharedLongArray of(long... values) {
        SharedLongArray array = create(values.length);
        array.set(0, values);
        return array;
    }

    @Override
    String kind() {
        return "SharedLongArray";
    }

    /**
     * Reads one element.
     *
     * @param index the element's index
     * @return element {@code index}
     */
    public long get(long index) {
        long offset = offsetOf(index);
        return region().getLong(offset);
    }

    /**
     * Sets element {@code index} to {@code value}.
     *
     * @param index the element's index
     * @param value its new value
     */
    public void set(long index, long value) {
        long offset = offsetOf(index);
        region().setLong(offset, value);
    }

    /**
     * Copies {@code values} into the elements from {@code index} on.
     *
     * @param index  the first element written
     * @param values what to write
     */
    public void set(long index, long[] values) {
        long offset = offsetOfRun(index, values.length);
        region().putLongs(offset, values, 0, values.length);
    }

    /**
     * Copies the elements from {@code index} on into {@code into}, filling it.
     *
     * @param index the first element read
     * @param into  where to copy them
     * @return {@code into}
     */
    public long[] get(long index, long[] into) {
        long offset = offsetOfRun(index, into.length);
        region().getLongs(offset, into, 0, into.length);
        return into;
    }

    /**
     * Adds to one element atomically.
     *
     * @param index the element's index
     * @param delta what to add
     * @return the value of element {@code index} after adding {@code delta}, atomically
     */
    public long addAndGet(long index, long delta) {
        long offset = offsetOf(index);
        return region().getAndAddLong(offset, delta) + delta;
    }

    /**
     * Sets one element atomically if it holds the expected value.
     *
     * @param index    the element's index
     * @param expected the value it must have
     * @param value    the value it gets if it had {@code expected}
     * @return whether element {@code index} was {@code expected} and is now {@code value}
     */
    public boolean compareAndSet(long index, long expected, long value) {
        long offset = offsetOf(index);
        return region().compareAndSetLong(offset, expected, value);
    }
}
