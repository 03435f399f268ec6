package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessLock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Controlling access to resources: two processes append lines to one file, each its block of lines under a
 * {@link ProcessLock}, so blocks never interleave (without the lock they would: each pauses between its lines). The
 * parent prints the file.
 *
 * <p>Threading: the main thread only; the writers run in their own JVMs.
 */
public final class LockedAccess {
    private static final int BLOCKS = 3;
    private static final int LINES = 3;

    private LockedAccess() {
    }

    static void writeBlocks(ProcessLock lock, String file) throws IOException, InterruptedException {
        String name = JvmProcess.current().getName();
        for (int block = 1; block <= BLOCKS; block++) {
            lock.lock();
            try {
                for (int line = 1; line <= LINES; line++) {
                    Files.writeString(Path.of(file), name + " block " + block + " line " + line + "\n",
                            StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                    Thread.sleep(20);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Runs the example.
     *
     * @param args unused
     * @throws Exception interrupted while waiting, or the file could not be written
     */
    public static void main(String[] args) throws Exception {
        ProcessLock lock = ProcessLock.create();
        Path file = Files.createTempFile("procpool-lock", ".txt");
        try {
            String path = file.toString();
            JvmProcess first = new JvmProcess("writer-1", () -> writeBlocks(lock, path));
            JvmProcess second = new JvmProcess("writer-2", () -> writeBlocks(lock, path));
            first.start();
            second.start();
            first.join();
            second.join();
            Files.readAllLines(file).forEach(System.out::println);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
