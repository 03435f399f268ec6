package io.procpool.examples;

import com.google.common.base.Stopwatch;
import com.google.common.hash.Hashing;
import com.google.common.io.MoreFiles;
import io.procpool.ProcessPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The main demo, a real data-processing job on data every machine has: the SHA-256 of every file under a directory
 * tree (default: the running JDK's {@code java.home}), once serially in this JVM and once on a {@link ProcessPool}
 * with one worker per core, with a progress bar on stderr. It prints both times, MB/s, the speedup, whether the two
 * runs agree, and the five largest files.
 *
 * <p>The files go to the pool largest first through {@code imapUnordered}, whose automatic chunks follow the measured
 * time per file: big files travel one by one, the many small ones in larger chunks, so both workers stay busy to the
 * end. The serial run goes first and warms the page cache, so both runs read from memory.
 *
 * <p>Threading: the main thread drives; the digests run in the pool's workers, the bar on the pool's progress thread.
 */
public final class Digest {
    private static final int LARGEST = 5;
    private static final double MB = 1024.0 * 1024.0;
    private static final int WARM_UP_MB = 96;

    private Digest() {
    }

    /**
     * One file's digest.
     *
     * @param path   the file
     * @param size   its size in bytes
     * @param sha256 its SHA-256 in lower-case hex
     */
    record FileDigest(String path, long size, String sha256) {
    }

    /** Runs in a worker (and serially in the parent): the file's SHA-256, read through Guava's hashing. */
    static FileDigest digest(String path) throws IOException {
        Path file = Paths.get(path);
        return new FileDigest(path, Files.size(file), MoreFiles.asByteSource(file).hash(Hashing.sha256()).toString());
    }

    /**
     * Digests some of the files (smallest first, up to {@value #WARM_UP_MB} MB) so the JIT has compiled the read and
     * digest loops before anything is timed: run in this JVM before the serial pass and in every worker as the pool's
     * initializer, so neither side is timed cold.
     */
    static void warmUp(List<String> sample) {
        sample.forEach(Digest::digestUnchecked);
    }

    private static List<String> warmUpSample(List<String> largestFirst) {
        List<String> sample = new ArrayList<>();
        long bytes = 0;
        for (int i = largestFirst.size() - 1; i >= 0 && bytes < WARM_UP_MB * (long) MB; i--) {
            sample.add(largestFirst.get(i));
            bytes += sizeOf(Paths.get(largestFirst.get(i)));
        }
        return sample;
    }

    /**
     * Runs the demo.
     *
     * @param args an optional directory; default: this JVM's {@code java.home}
     * @throws IOException          the tree could not be walked or a file read
     * @throws InterruptedException interrupted while waiting for the progress bar's last line
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path root = Paths.get(args.length > 0 ? args[0] : System.getProperty("java.home")).toAbsolutePath();
        List<String> files = regularFiles(root);
        long bytes = files.stream().mapToLong(file -> sizeOf(Paths.get(file))).sum();
        int workers = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "SHA-256 of %,d files (%,.1f MB) under %s, serially and on a pool of %d workers%n",
                files.size(), bytes / MB, root, workers);

        List<String> sample = warmUpSample(files);
        warmUp(sample);
        Stopwatch serial = Stopwatch.createStarted();
        Map<String, FileDigest> serialDigests = files.stream().map(Digest::digestUnchecked)
                .collect(Collectors.toMap(FileDigest::path, Function.identity()));
        serial.stop();
        System.out.printf(Locale.ROOT, "serial:   %,7d ms  %,8.1f MB/s%n", serial.elapsed(TimeUnit.MILLISECONDS),
                bytes / MB / seconds(serial));

        Stopwatch startup = Stopwatch.createStarted();
        try (ProcessPool pool = ProcessPool.builder().workers(workers).initializer(() -> warmUp(sample)).build()) {
            startup.stop();
            ConsoleProgress bar = ConsoleProgress.onStderr("files");
            Stopwatch parallel = Stopwatch.createStarted();
            List<FileDigest> poolDigests;
            try (Stream<FileDigest> results = pool.imapUnordered(Digest::digest, files.stream(), bar, bar.cadence())) {
                poolDigests = results.collect(Collectors.toList());
            }
            parallel.stop();
            bar.awaitLastReport();
            System.out.printf(Locale.ROOT, "pool:     %,7d ms  %,8.1f MB/s  (starting and warming up the %d workers took %,d ms more)%n",
                    parallel.elapsed(TimeUnit.MILLISECONDS), bytes / MB / seconds(parallel), workers,
                    startup.elapsed(TimeUnit.MILLISECONDS));
            System.out.printf(Locale.ROOT, "speedup:  %.2fx%n", seconds(serial) / seconds(parallel));
            long agreeing = poolDigests.stream().filter(d -> d.equals(serialDigests.get(d.path()))).count();
            System.out.printf(Locale.ROOT, "digests:  %,d of %,d agree%n", agreeing, files.size());
            System.out.println("largest files:");
            poolDigests.stream().sorted(Comparator.comparingLong(FileDigest::size).reversed()
                            .thenComparing(FileDigest::path)).limit(LARGEST)
                    .forEach(d -> System.out.printf(Locale.ROOT, "  %,10.1f MB  %s  %s%n", d.size() / MB,
                            d.sha256().substring(0, 16), root.relativize(Paths.get(d.path()))));
        }
    }

    /** The readable regular files under {@code root}, largest first (the order the pool gets them in). */
    static List<String> regularFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(Files::isReadable)
                    .sorted(Comparator.comparingLong(Digest::sizeOf).reversed())
                    .map(Path::toString).collect(Collectors.toList());
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileDigest digestUnchecked(String path) {
        try {
            return digest(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(Stopwatch stopwatch) {
        return Math.max(1, stopwatch.elapsed(TimeUnit.NANOSECONDS)) / 1e9;
    }
}
