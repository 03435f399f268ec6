package io.procpool.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeDirectoryTest {
    @TempDir
    Path temp;

    @Test
    void theSweepRemovesOnlyTheFilesOfHostsThatNoLongerRun() throws IOException {
        HostProcess me = HostProcess.current();
        // the same pid with another start instant is another, finished, process
        HostProcess gone = new HostProcess(me.pid(), me.startMillis() - 1);
        Path mine = Files.createFile(temp.resolve(me.fileStem() + "-1.shm"));
        Path stale = Files.createFile(temp.resolve(gone.fileStem() + "-1.shm"));
        Path staleSocket = Files.createFile(temp.resolve(gone.fileStem() + ".sock"));
        Path other = Files.createFile(temp.resolve("notes.txt"));

        assertEquals(2, RuntimeDirectory.sweepDeadHosts(temp));

        assertTrue(Files.exists(mine));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(staleSocket));
        assertTrue(Files.exists(other));
    }

    @Test
    void aHostIsNamedInItsFilesAndReadBackFromThem() {
        HostProcess me = HostProcess.current();
        assertTrue(me.isThisJvm());
        assertTrue(me.isAlive());
        assertFalse(me.isAncestorOfThisJvm());
        assertEquals(Optional.of(me), HostProcess.fromFileName(me.fileStem() + "-42.shm"));
        assertEquals(Optional.empty(), HostProcess.fromFileName("host-x-1.shm"));
        assertEquals(Optional.empty(), HostProcess.fromFileName("hostile"));
    }

    @Test
    void theDirectoryIsOwnerOnly() throws IOException {
        Path dir = RuntimeDirectory.get();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    }

    @Test
    void aDirectoryOpenToOthersOrALinkIsRefusedNamingWhy() throws IOException {
        Path open = Files.createDirectory(temp.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException modeRefused = assertThrows(IOException.class, () -> PrivateDirectory.open(temp, "open"));
        assertTrue(modeRefused.getMessage().contains("rwxrwxrwx"), modeRefused.getMessage());

        Files.createSymbolicLink(temp.resolve("link"), open);
        IOException linkRefused = assertThrows(IOException.class, () -> PrivateDirectory.open(temp, "link"));
        assertTrue(linkRefused.getMessage().contains("symbolic link"), linkRefused.getMessage());

        Path made = PrivateDirectory.open(temp, "fresh");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    }
}
