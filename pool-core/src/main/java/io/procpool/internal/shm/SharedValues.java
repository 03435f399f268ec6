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
 * <p>The process that frees a value cannot reach into the others' heaps; each process drops its copy of a freed
 * value (and its mapping) the next time a task asks for it, or when a task asks for any shared value at least a
 * second after the last such sweep.
 *
 * <p>Thread-safety: thread-safe; concurrent first reads of one value in a process decode it once.
 */
public final class SharedValues {
    private static final AtomicLong ENCODES = new AtomicLong();
    private static final AtomicLong DECODES = new AtomicLong();
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;
    private static final Map<RegionHandle, Decoded> DECODED = new ConcurrentHashMap<>();
    private static volatile long lastSweep = System.nanoTime();

    /** A decoded value and the region it came from (whose state says whether the value was freed). */
    private record Decoded(Region region, Object value) {
    }

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
        sweepFreedNowAndThen();
        Decoded decoded = DECODED.computeIfAbsent(region.handle(), h -> {
            DECODES.incrementAndGet();
            return new Decoded(region, Codec.decode(region.getBytes((int) h.dataBytes()), loader(), what));
        });
        if (region.isClosed()) {
            DECODED.remove(region.handle());
            region.checkOpen(what);
        }
        return decoded.value();
    }

    private static void sweepFreedNowAndThen() {
        long now = System.nanoTime();
        if (now - lastSweep > SWEEP_EVERY_NANOS) {
            lastSweep = now;
            DECODED.values().removeIf(decoded -> {
                boolean freed = decoded.region().isClosed();
                if (freed) {
                    Regions.forget(decoded.region());
                }
                return freed;
            });
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : SharedValues.class.getClassLoader();
    }

    /** How many values this JVM encoded into shared memory. */
    public static long encodes() {
        return ENCODES.get();
    }

    /** How many decoded values this JVM holds now. */
    public static int held() {
        return DECODED.size();
    }

    /** How many shared values this JVM decoded. */
    public static long decodes() {
        return DECODES.get();
    }
}
