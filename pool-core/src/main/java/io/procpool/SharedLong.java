package io.procpool;

import io.procpool.internal.shm.Region;
import io.procpool.internal.shm.Regions;

/**
 * A {@code long} in shared memory that every process of the tree reads and writes in place, atomically: Python's
 * {@code Value('q', 0)} without the lock it needs for {@code +=}. Created in any JVM (the parent, a
 * {@link JvmProcess} child, a pool worker), which hosts it; it travels as a handle wherever a value travels (captured
 * by a task, a field of a {@code JvmProcess}, a task argument) and works in its host and every process the host
 * started (and theirs). Used anywhere else it throws {@link PoolException} saying why.
 *
 * <pre>{@code
 * SharedLong counter = SharedLong.create(0);
 * pool.map(x -> counter.incrementAndGet(), items);
 * }</pre>
 *
 * <p>Every method is a volatile access or an atomic read-modify-write (the semantics of {@code AtomicLong}).
 * {@link #close()} frees it for everyone; its host also frees it when it exits.
 *
 * <p>Thread-safety: thread-safe, also across processes.
 */
public final class SharedLong extends SharedMemoryHandle {
    private SharedLong(Region region) {
        super(region);
    }

    /**
     * A new shared {@code long} hosted by this JVM.
     *
     * @param initial its value
     * @return the new value's handle
     * @throws PoolException there is no room for it in shared memory
     */
    public static SharedLong create(long initial) {
        SharedLong value = new SharedLong(Regions.create(Long.BYTES, "SharedLong"));
        value.set(initial);
        return value;
    }

    @Override
    String kind() {
        return "SharedLong";
    }

    /** {@return the value (a volatile read)} */
    public long get() {
        return region().getLongVolatile(0);
    }

    /**
     * Sets the value.
     *
     * @param value the new value (a volatile write)
     */
    public void set(long value) {
        region().setLongVolatile(0, value);
    }

    /**
     * Adds to the value atomically.
     *
     * @param delta what to add
     * @return the value after adding {@code delta}, atomically
     */
    public long addAndGet(long delta) {
        return region().getAndAddLong(0, delta) + delta;
    }

    /** {@return the value after adding one, atomically} */
    public long incrementAndGet() {
        return addAndGet(1);
    }

    /**
     * Sets the value atomically if it is the expected one.
     *
     * @param expected the value it must have
     * @param value    the value it gets if it had {@code expected}
     * @return whether the value was {@code expected} and is now {@code value}
     */
    public boolean compareAndSet(long expected, long value) {
        return region().compareAndSetLong(0, expected, value);
    }
}
