package io.procpool.internal.shm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.PoolException;
import io.procpool.internal.process.HostProcess;
import io.procpool.internal.process.RuntimeDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Shared-memory regions in one JVM: the file's name, mode and lifetime, the mapping in segments, the refusal of a
 * region bigger than the file system's free space. Processes sharing a region are tested in pool-worker.
 */
class RegionTest {

    @Test
    void regionIsAnOwnerOnlyFileInTheOwnerOnlyDirectoryNamedAfterItsHost() throws IOException {
        Region region = Regions.create(64, "test region");
        try {
            Path file = region.file();
            assertEquals(RuntimeDirectory.get(), file.getParent());
            assertEquals(HostProcess.current().fileStem() + "-" + region.handle().id() + ".shm",
                    file.getFileName().toString());
            assertEquals("rw-------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS)));
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file.getParent(), LinkOption.NOFOLLOW_LINKS)));
            assertEquals(Region.HEADER_BYTES + 64, Files.size(file));
        } finally {
            Regions.free(region);
        }
    }

    @Test
    void freeDeletesTheFileAndMarksTheRegionClosedForEveryMapping() {
        Region region = Regions.create(8, "test region");
        Region secondMapping = Region.open(region.handle(), "test region");
        Regions.free(region);
        assertFalse(Files.exists(region.file()));
        assertTrue(secondMapping.isClosed());
        PoolException closed = assertThrows(PoolException.class, () -> secondMapping.checkOpen("test region"));
        assertEquals("test region #" + region.handle().id() + " of process " + ProcessHandle.current().pid()
                + " was closed", closed.getMessage());
        PoolException gone = assertThrows(PoolException.class, () -> Regions.resolve(region.handle(), "SharedLong"));
        assertEquals("SharedLong #" + region.handle().id() + " of process " + ProcessHandle.current().pid()
                + " was closed", gone.getMessage());
    }

    @Test
    void writesThroughOneMappingAreSeenThroughAnother() {
        Region region = Regions.create(4 * Long.BYTES, "test region");
        try {
            Region other = Region.open(region.handle(), "test region");
            region.setLongVolatile(8, 42);
            assertEquals(42, other.getLongVolatile(8));
            assertEquals(43, other.getAndAddLong(8, 1) + 1);
            assertTrue(region.compareAndSetLong(8, 43, 7));
            assertEquals(7, other.getLong(8));
            other.setDouble(16, 2.5);
            assertEquals(2.5, region.getDouble(16));
        } finally {
            Regions.free(region);
        }
    }

    @Test
    void regionBiggerThanTheFreeSpaceFailsNamingBothAndLeavesNoFile() throws IOException {
        long free = Files.getFileStore(RuntimeDirectory.get()).getUsableSpace();
        long[] before = filesOfThisHost();
        PoolException e = assertThrows(PoolException.class, () -> Regions.create(free + (1L << 30), "huge array"));
        assertTrue(e.getMessage().startsWith("huge array needs " + (free + (1L << 30) + Region.HEADER_BYTES)
                + " bytes of shared memory but " + RuntimeDirectory.get() + " has only "), e.getMessage());
        assertArrayEquals(before, filesOfThisHost());
    }

    @Test
    void regionWhoseSizeOverflowsWithItsHeaderFailsNamingTheFreeSpaceAndLeavesNoFile() throws IOException {
        long[] before = filesOfThisHost();
        PoolException e = assertThrows(PoolException.class, () -> Regions.create(Long.MAX_VALUE - 8, "huge array"));
        assertTrue(e.getMessage().startsWith("huge array needs " + Long.MAX_VALUE + " bytes of shared memory but "
                + RuntimeDirectory.get() + " has only "), e.getMessage());
        assertArrayEquals(before, filesOfThisHost());
    }

    @Test
    void runsCopiedAcrossTheBoundaryOfTwoMappingsArriveWhole() {
        long longsPerSegment = Region.SEGMENT_BYTES / Long.BYTES;
        Region region = Regions.create(Region.SEGMENT_BYTES + 1024, "two-segment region");
        try {
            long[] run = {1, 2, 3, 4, 5, 6};
            long start = (longsPerSegment - 3) * Long.BYTES;
            region.putLongs(start, run, 0, run.length);
            assertEquals(3, region.getLong(longsPerSegment * Long.BYTES - 8));
            assertEquals(4, region.getLong(longsPerSegment * Long.BYTES));
            long[] back = new long[run.length];
            region.getLongs(start, back, 0, back.length);
            assertArrayEquals(run, back);
        } finally {
            Regions.free(region);
        }
    }

    @Test
    void bytesRoundTrip() {
        byte[] bytes = "a value encoded once".getBytes();
        Region region = Regions.create(bytes.length, "bytes");
        try {
            region.putBytes(bytes);
            assertArrayEquals(bytes, Region.open(region.handle(), "bytes").getBytes(bytes.length));
        } finally {
            Regions.free(region);
        }
    }

    private static long[] filesOfThisHost() throws IOException {
        try (Stream<Path> files = Files.list(RuntimeDirectory.get())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(HostProcess.current().fileStem() + "-"))
                    .mapToLong(name -> Long.parseLong(name.replaceAll(".*-(\\d+)\\.shm$", "$1"))).sorted().toArray();
        }
    }
}
