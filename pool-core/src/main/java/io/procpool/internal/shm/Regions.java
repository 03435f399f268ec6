package io.procpool.internal.shm;

import io.procpool.PoolException;
import io.procpool.internal.handles.HandleResolution;
import io.procpool.internal.process.HostProcess;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * This JVM's shared-memory regions: those it hosts (created here, freed on {@link #free} and by a shutdown hook at
 * exit) and those of its ancestors it mapped (one mapping per region, whatever the number of handles that name it).
 *
 * <p>Who may use a region is the rule every hosted object follows ({@link HandleResolution}): its host, and the
 * processes its host started and theirs; anyone else gets a {@link PoolException} that says why.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Regions {
    private static final AtomicLong IDS = new AtomicLong();
    private static final Map<RegionHandle, Region> MAPPED = new ConcurrentHashMap<>();
    private static final Map<RegionHandle, Region> HOSTED = new ConcurrentHashMap<>();

    static {
        Thread hook = new Thread(Regions::freeHosted, "procpool-shared-memory-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private Regions() {
    }

    /**
     * Creates a zero-filled region of {@code dataBytes} hosted by this JVM.
     *
     * @param what names the object in failure messages
     * @throws PoolException it does not fit in the shared-memory file system (naming its size and the free space)
     */
    public static Region create(long dataBytes, String what) {
        if (dataBytes < 0) {
            throw new IllegalArgumentException(what + ": negative size " + dataBytes);
        }
        Region region = Region.create(new RegionHandle(HostProcess.current(), IDS.incrementAndGet(), dataBytes), what);
        HOSTED.put(region.handle(), region);
        MAPPED.put(region.handle(), region);
        return region;
    }

    /**
     * The region {@code handle} names, mapped into this JVM on first use.
     *
     * @param what names the object in failure messages ("SharedLong")
     * @throws PoolException this JVM is neither the region's host nor one of its descendants, or the region was freed
     */
    public static Region resolve(RegionHandle handle, String what) {
        Region known = MAPPED.get(handle);
        if (known != null) {
            return known;
        }
        HandleResolution.resolve(Region.idOf(handle, what));
        return MAPPED.computeIfAbsent(handle, h -> Region.open(h, what));
    }

    /**
     * Frees the region everywhere: marks it closed for every process that maps it and deletes its file. Any process of
     * the tree may free it; idempotent.
     */
    public static void free(Region region) {
        region.free();
        HOSTED.remove(region.handle());
        MAPPED.remove(region.handle());
    }

    /**
     * Drops this JVM's mapping of a region someone freed, so that the garbage collector can unmap it (the file is
     * gone already; the memory returns once no process maps it).
     */
    public static void forget(Region region) {
        MAPPED.remove(region.handle(), region);
    }

    /** How many regions this JVM hosts now (for tests). */
    public static int hostedCount() {
        return HOSTED.size();
    }

    private static void freeHosted() {
        HOSTED.values().forEach(Region::free);
    }
}
