package io.procpool.internal.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner-only directory where the JVMs of this user keep their hosted objects' files: shared-memory regions
 * and the Unix-domain sockets of their brokers ({@code docs/handles-design.md}). It is
 * {@code /dev/shm/procpool-<user>} (memory-backed) or, where there is no {@code /dev/shm},
 * {@code <java.io.tmpdir>/procpool-<user>}; {@link PrivateDirectory} vouches that no other user can plant or read
 * anything there.
 *
 * <p>Every file there is named {@code host-<pid>-<startMillis>...} after the JVM that made it
 * ({@link HostProcess#fileStem()}). The first call of {@link #get()} in a JVM removes the files of hosts that no longer
 * run, so a host killed with SIGKILL leaves nothing behind past the next procpool JVM that needs the directory.
 *
 * <p>Thread-safety: thread-safe; the sweep runs once per JVM.
 */
public final class RuntimeDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeDirectory.class);
    private static final Path SHM = Paths.get("/dev/shm");

    private RuntimeDirectory() {
    }

    private static final class Holder {
        static final Path DIRECTORY;
        static final IOException FAILURE;

        static {
            Path dir = null;
            IOException failure = null;
            try {
                Path parent = Files.isDirectory(SHM) ? SHM : Paths.get(System.getProperty("java.io.tmpdir"));
                dir = PrivateDirectory.open(parent, "procpool-" + System.getProperty("user.name", "user"));
                sweepDeadHosts(dir);
            } catch (IOException e) {
                failure = e;
            }
            DIRECTORY = dir;
            FAILURE = failure;
        }
    }

    /**
     * The directory, swept of dead hosts' files on the first call.
     *
     * @throws IOException why there is none (another user's directory in the way, say); the same each call
     */
    public static Path get() throws IOException {
        if (Holder.FAILURE != null) {
            throw new IOException(Holder.FAILURE.getMessage(), Holder.FAILURE);
        }
        return Holder.DIRECTORY;
    }

    /** Deletes every {@code host-...} entry of {@code dir} whose host no longer runs; returns how many. */
    static int sweepDeadHosts(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "host-*")) {
            for (Path entry : entries) {
                boolean dead = HostProcess.fromFileName(entry.getFileName().toString())
                        .map(host -> !host.isAlive()).orElse(false);
                if (dead && Files.deleteIfExists(entry)) {
                    removed++;
                    LOG.debug("removed {}: its host is gone", entry);
                }
            }
        }
        return removed;
    }
}
