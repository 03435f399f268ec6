package io.procpool.internal.insights;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a process's resident memory and CPU time from Linux's {@code /proc}: {@code VmRSS} in
 * {@code /proc/<pid>/status}, {@code utime + stime} in {@code /proc/<pid>/stat} (clock ticks of
 * {@code sysconf(_SC_CLK_TCK)}, which is 100 on every Linux the JDK runs on). Where there is no {@code /proc} or the
 * process is gone, the answers are unknown (-1, empty).
 *
 * <p>Thread-safety: stateless, thread-safe.
 */
public final class ProcStats {
    /** Linux's USER_HZ, fixed at 100 for user space on every architecture the JDK supports. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final boolean AVAILABLE = Files.isDirectory(Paths.get("/proc/self"));

    /** What was read for one pid. */
    record Sample(long rssBytes, Optional<Duration> cpuTime) {
        static final Sample UNKNOWN = new Sample(-1, Optional.empty());
    }

    private final Path root;

    ProcStats() {
        this(Paths.get("/proc"));
    }

    /** @param root where to read, {@code /proc} or a test's copy of it */
    ProcStats(Path root) {
        this.root = root;
    }

    /** The resident bytes of a process ({@code VmRSS}), or -1 when unknown (no {@code /proc}, or it is gone). */
    public static long residentBytes(long pid) {
        return pid <= 0 || !AVAILABLE ? -1 : rss(Paths.get("/proc", Long.toString(pid)));
    }

    Sample read(long pid) {
        if (pid <= 0 || !AVAILABLE && root.equals(Paths.get("/proc"))) {
            return Sample.UNKNOWN;
        }
        Path dir = root.resolve(Long.toString(pid));
        return new Sample(rss(dir), cpu(dir));
    }

    private static long rss(Path dir) {
        try {
            for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always in kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1; // gone, or not a format we know
        }
        return -1;
    }

    private static Optional<Duration> cpu(Path dir) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
            // the command name in parentheses may hold spaces and parentheses: fields start after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // fields 14 and 15 of stat(5)
            return Optional.of(Duration.ofMillis(ticks * 1000 / CLOCK_TICKS_PER_SECOND));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
