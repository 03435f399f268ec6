package io.procpool.internal.shm;

import io.procpool.PoolException;
import io.procpool.internal.codec.Codec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The values of {@code Pool.share}: encoded once into a region by their host, decoded at most once per process and
 * cached by region, so that 10,000 tasks reading a 200 MB model cost one decode per worker. Counts both so that tests
 * and benchmarks can show it.
 *
 * <p>A value whose region was freed is dropped from the cache the next time a task asks for it (the freeing process
 * cannot reach into the others' heaps; their mapping says the region is closed).
 *
 * <p>Thread-safety: thread-safe; concurrent first reads of one value in a process decode it once.
 */
public final class SharedValues {
    private static final AtomicLong ENCODES = new AtomicLong();
    private static final AtomicLong DECODES = new AtomicLong();
    private static final Map<RegionHandle, Object> DECODED = new ConcurrentHashMap<>();

    private SharedValues() {
    }

    /**
     * Encodes {@code value} into a new region hosted by this JVM.
     *
     * @throws io.procpool.TaskSerializationException it cannot be encoded (naming the class); nothing is left behind
     * @throws PoolException it does not fit in shared memory
     */
    public static Region encode(Object value) {
        byte[] bytes = Codec.encode(value, "shared value");
        Region region = Regions.create(bytes.length, "shared value of " + value.getClass().getName() + " ("
                + bytes.length + " bytes encoded)");
        region.putBytes(bytes);
        ENCODES.incrementAndGet();
        return region;
    }

    /**
     * The value in {@code region}, decoded on this process's first call and cached.
     *
     * @throws PoolException the region was freed (and the cached value is dropped)
     */
    public static Object decoded(Region region, String what) {
        RegionHandle handle = region.handle();
        Object value = DECODED.computeIfAbsent(handle, h -> {
            DECODES.incrementAndGet();
            return Codec.decode(region.getBytes((int) h.dataBytes()), loader(), what);
        });
        if (region.isClosed()) {
            DECODED.remove(handle);
            region.checkOpen(what);
        }
        return value;
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SharedValues.class.getClassLoader();
    }

    /** How many values this JVM encoded into shared memory. */
    public static long encodes() {
        return ENCODES.get();
    }

    /** How many shared values this JVM decoded. */
    public static long decodes() {
        return DECODES.get();
    }
}
