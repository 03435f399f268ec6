package io.procpool;

import io.procpool.internal.handles.HandleId;
import io.procpool.internal.shm.Region;
import io.procpool.internal.shm.RegionHandle;
import io.procpool.internal.shm.Regions;

/**
 * What {@link SharedLong}, {@link SharedLongArray}, {@link SharedDoubleArray} and {@link Shared} have in common: a
 * handle to a shared-memory region hosted by the JVM that created it. Only the {@link RegionHandle} travels (with
 * Kryo, wherever a value travels); each process maps the region on first use and keeps the mapping.
 *
 * <p>Thread-safety: thread-safe.
 */
abstract class SharedMemoryHandle implements AutoCloseable {
    private final RegionHandle handle;
    /** This process's mapping, resolved on first use; transient, so Kryo does not send it. */
    private transient volatile Region region;

    SharedMemoryHandle(Region region) {
        this.handle = region.handle();
        this.region = region;
    }

    /** The type's name in messages. */
    abstract String kind();

    /**
     * This process's mapping of the region.
     *
     * @throws PoolException it was closed, or this process is neither its host nor one of the host's descendants
     */
    final Region region() {
        Region mapped = region;
        if (mapped == null) {
            mapped = Regions.resolve(handle, kind());
            region = mapped;
        }
        if (mapped.isClosed()) {
            region = null;           // let the garbage collector unmap it: its memory returns once nobody maps it
            Regions.forget(mapped);
            mapped.checkOpen(kind());
        }
        return mapped;
    }

    /**
     * Frees the shared memory for every process (Python's {@code SharedMemory.unlink()}): afterwards every use, here
     * or in any other process, throws {@link PoolException}. Its host also frees it when it exits. Idempotent.
     */
    @Override
    public void close() {
        Region mapped = region;
        if (mapped == null) {
            try {
                mapped = Regions.resolve(handle, kind());
            } catch (PoolException alreadyGone) {
                return;
            }
        }
        Regions.free(mapped);
    }

    /** {@return whether it was closed, by any process (or cannot be used in this one)} */
    public boolean isClosed() {
        try {
            return region().isClosed();
        } catch (PoolException e) {
            return true;
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SharedMemoryHandle that && that.getClass() == getClass() && that.handle.equals(handle);
    }

    @Override
    public int hashCode() {
        return handle.hashCode();
    }

    @Override
    public String toString() {
        return new HandleId(kind(), handle.host(), handle.id()).describe();
    }
}
