package io.procpool.internal.shm;

import io.procpool.PoolException;
import io.procpool.internal.handles.HandleId;
import io.procpool.internal.handles.HandleResolution;
import io.procpool.internal.process.RuntimeDirectory;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * One shared-memory region: the file {@code <host stem>-<id>.shm} (mode {@code 0600}) in the {@link RuntimeDirectory},
 * mapped into every process that uses it, so that a write by one is seen by the others without a copy.
 *
 * <p>Layout: a {@value #HEADER_BYTES}-byte header (its first long is the state: open or closed, so that a process that
 * still maps a region its host freed is told so instead of reading stale memory), then the data, mapped in segments
 * of {@value #SEGMENT_BYTES} bytes because one {@link MappedByteBuffer} covers at most 2 GiB. Segments are a power of
 * two, so an aligned long never straddles two of them. Longs and doubles are read and written in the platform's byte
 * order; the atomics are {@link MethodHandles#byteBufferViewVarHandle}'s, which work across processes on a mapped file.
 *
 * <p>A region is created by its host ({@link #create}) and opened by its host's descendants ({@link #open}); its host
 * deletes the file on {@link #free()} and at exit ({@link Regions}), and a host killed before that leaves a file that
 * the next procpool JVM's sweep of the directory removes. The mappings themselves go when the garbage collector
 * drops them (JDK 17 has no explicit unmap), so the memory of a freed region returns once every process let go of it.
 *
 * <p>Thread-safety: thread-safe; concurrent accesses to the same element race as they would on a Java array, except
 * through the atomic methods.
 */
public final class Region {
    /** Bytes before the data: the state word, padded to a cache line so the data does not share it. */
    static final int HEADER_BYTES = 64;
    /** Bytes per mapping (a power of two below 2 GiB). */
    static final long SEGMENT_BYTES = 1L << 30;
    private static final int SEGMENT_SHIFT = 30;
    private static final long SEGMENT_MASK = SEGMENT_BYTES - 1;
    private static final long OPEN = 0x5052_4F43_504F_4F4CL; // "PROCPOOL": written last when a region is ready
    private static final long CLOSED = -1;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle DOUBLES =
            MethodHandles.byteBufferViewVarHandle(double[].class, ByteOrder.nativeOrder());

    private final RegionHandle handle;
    private final Path file;
    private final ByteBuffer header;
    private final ByteBuffer[] segments;

    private Region(RegionHandle handle, Path file, ByteBuffer header, ByteBuffer[] segments) {
        this.handle = handle;
        this.file = file;
        this.header = header;
        this.segments = segments;
    }

    /**
     * Creates a zero-filled region of {@code dataBytes} hosted by this JVM. The file's memory is reserved at once, so a
     * region that does not fit fails here rather than with a bus error on a later write.
     *
     * @param what names the object in failure messages ("SharedLongArray of 4 elements")
     * @throws PoolException the file system has less usable space than the region needs (naming both), or the file
     *     cannot be made; no file is left behind in either case
     */
    static Region create(RegionHandle handle, String what) {
        Path file = fileOf(handle);
        // a size within the header of Long.MAX_VALUE would overflow to a negative one: it is more than any file system
        // has, so it is counted as Long.MAX_VALUE and refused below naming the free space
        long fileBytes = handle.dataBytes() > Long.MAX_VALUE - HEADER_BYTES ? Long.MAX_VALUE
                : HEADER_BYTES + handle.dataBytes();
        try {
            long usable = Files.getFileStore(file.getParent()).getUsableSpace();
            if (fileBytes > usable) {
                throw new PoolException(what + " needs " + fileBytes + " bytes of shared memory but " + file.getParent()
                        + " has only " + usable + " bytes free (" + (usable >> 20) + " MiB)");
            }
            try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                reserve(channel, fileBytes);
                Region region = map(handle, file, channel);
                LONGS.setVolatile(region.header, 0, OPEN);
                return region;
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            deleteQuietly(file);
            if (e instanceof PoolException known) {
                throw known;
            }
            throw new PoolException("cannot create " + what + " (" + fileBytes + " bytes of shared memory in "
                    + file.getParent() + "): " + e, e);
        }
    }

    /**
     * Maps a region that another process (an ancestor of this one) created.
     *
     * @throws PoolException the file is gone (its host freed it or exited) or cannot be mapped
     */
    static Region open(RegionHandle handle, String what) {
        Path file = fileOf(handle);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Region region = map(handle, file, channel);
            region.checkOpen(what);
            return region;
        } catch (NoSuchFileException e) {
            HandleId id = idOf(handle, what);
            throw handle.host().isAlive() ? HandleResolution.closed(id) : HandleResolution.hostExited(id);
        } catch (IOException e) {
            throw new PoolException("cannot map " + what + " from " + file + ": " + e, e);
        }
    }

    private static Path fileOf(RegionHandle handle) {
        try {
            return RuntimeDirectory.get().resolve(handle.host().fileStem() + "-" + handle.id() + ".shm");
        } catch (IOException e) {
            throw new PoolException("no directory for shared memory: " + e.getMessage(), e);
        }
    }

    /** Writes zeros over the whole file: tmpfs allocates on write, and a full one fails here with an IOException. */
    private static void reserve(FileChannel channel, long bytes) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(bytes, 1 << 20));
        for (long at = 0; at < bytes; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), bytes - at));
            at += channel.write(zeros, at);
        }
    }

    private static Region map(RegionHandle handle, Path file, FileChannel channel) throws IOException {
        long data = handle.dataBytes();
        if (channel.size() != HEADER_BYTES + data) {
            throw new IOException(file + " has " + channel.size() + " bytes, not the " + (HEADER_BYTES + data)
                    + " its handle names");
        }
        ByteBuffer header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES);
        ByteBuffer[] segments = new ByteBuffer[(int) ((data + SEGMENT_BYTES - 1) >>> SEGMENT_SHIFT)];
        for (int i = 0; i < segments.length; i++) {
            long start = (long) i << SEGMENT_SHIFT;
            segments[i] = channel.map(FileChannel.MapMode.READ_WRITE, HEADER_BYTES + start,
                    Math.min(SEGMENT_BYTES, data - start)).order(ByteOrder.nativeOrder());
        }
        return new Region(handle, file, header, segments);
    }

    /** What names this region in every process. */
    public RegionHandle handle() {
        return handle;
    }

    /** The file behind the region (for tests and messages). */
    public Path file() {
        return file;
    }

    /** Whether someone freed the region (in any process of the tree). */
    public boolean isClosed() {
        return (long) LONGS.getOpaque(header, 0) != OPEN;
    }

    /** @throws PoolException naming {@code what} if the region was freed */
    public void checkOpen(String what) {
        if (isClosed()) {
            throw HandleResolution.closed(idOf(handle, what));
        }
    }

    /** How the handle rule and its messages name this region. */
    static HandleId idOf(RegionHandle handle, String what) {
        return new HandleId(what, handle.host(), handle.id());
    }

    /**
     * Marks the region closed for every process that maps it and deletes its file; idempotent. The memory returns to
     * the system once no process maps it any more.
     */
    void free() {
        LONGS.setVolatile(header, 0, CLOSED);
        deleteQuietly(file);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // the sweep of the next procpool JVM removes it once this host is gone
        }
    }

    // ---------------------------------------------------------------------------------------------- access

    private ByteBuffer segment(long offset) {
        return segments[(int) (offset >>> SEGMENT_SHIFT)];
    }

    private static int inSegment(long offset) {
        return (int) (offset & SEGMENT_MASK);
    }

    public long getLong(long offset) {
        return (long) LONGS.getOpaque(segment(offset), inSegment(offset));
    }

    public void setLong(long offset, long value) {
        LONGS.setOpaque(segment(offset), inSegment(offset), value);
    }

    public long getLongVolatile(long offset) {
        return (long) LONGS.getVolatile(segment(offset), inSegment(offset));
    }

    public void setLongVolatile(long offset, long value) {
        LONGS.setVolatile(segment(offset), inSegment(offset), value);
    }

    public long getAndAddLong(long offset, long delta) {
        return (long) LONGS.getAndAdd(segment(offset), inSegment(offset), delta);
    }

    public boolean compareAndSetLong(long offset, long expected, long value) {
        return LONGS.compareAndSet(segment(offset), inSegment(offset), expected, value);
    }

    public double getDouble(long offset) {
        return (double) DOUBLES.getOpaque(segment(offset), inSegment(offset));
    }

    public void setDouble(long offset, double value) {
        DOUBLES.setOpaque(segment(offset), inSegment(offset), value);
    }

    /** Copies {@code values[from, from + count)} to the longs starting at {@code offset}. */
    public void putLongs(long offset, long[] values, int from, int count) {
        eachRun(offset, count, (at, done, n) -> at.asLongBuffer().put(values, from + done, n));
    }

    /** Copies the longs starting at {@code offset} into {@code into[from, from + count)}. */
    public void getLongs(long offset, long[] into, int from, int count) {
        eachRun(offset, count, (at, done, n) -> at.asLongBuffer().get(into, from + done, n));
    }

    /** Copies {@code values[from, from + count)} to the doubles starting at {@code offset}. */
    public void putDoubles(long offset, double[] values, int from, int count) {
        eachRun(offset, count, (at, done, n) -> at.asDoubleBuffer().put(values, from + done, n));
    }

    /** Copies the doubles starting at {@code offset} into {@code into[from, from + count)}. */
    public void getDoubles(long offset, double[] into, int from, int count) {
        eachRun(offset, count, (at, done, n) -> at.asDoubleBuffer().get(into, from + done, n));
    }

    /** Copies a run of 8-byte elements that lies in one segment. */
    private interface RunCopy {
        void copy(ByteBuffer at, int done, int count);
    }

    /** Splits a run of {@code count} 8-byte elements from {@code offset} at segment ends, each piece one copy. */
    private void eachRun(long offset, int count, RunCopy copy) {
        for (int done = 0; done < count; ) {
            int n = (int) Math.min(count - done, (SEGMENT_BYTES - inSegment(offset)) / Long.BYTES);
            copy.copy(segment(offset).slice().order(ByteOrder.nativeOrder()).position(inSegment(offset)), done, n);
            offset += (long) n * Long.BYTES;
            done += n;
        }
    }

    /** Copies {@code bytes} to the start of the data. */
    public void putBytes(byte[] bytes) {
        for (int from = 0; from < bytes.length; ) {
            int n = (int) Math.min(bytes.length - from, SEGMENT_BYTES);
            segment((long) from).duplicate().position(0).put(bytes, from, n);
            from += n;
        }
    }

    /** The first {@code length} bytes of the data, copied out. */
    public byte[] getBytes(int length) {
        byte[] bytes = new byte[length];
        for (int from = 0; from < length; ) {
            int n = (int) Math.min(length - from, SEGMENT_BYTES);
            segment((long) from).duplicate().position(0).get(bytes, from, n);
            from += n;
        }
        return bytes;
    }
}
