package io.procpool.examples;

import io.procpool.JvmProcess;
import io.procpool.ProcessPool;
import io.procpool.Progress;
import io.procpool.TaskFailedException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The main demo: what a pool of processes can do that a pool of threads cannot. A batch of 36 files is compressed
 * (DEFLATE at level 9; the "files" are 4 MiB pieces of the running JDK's {@code lib/modules}, data every machine with
 * a JDK has), and 4 of them break the compression library the way real libraries break: its licence check calls
 * {@code System.exit(3)}, a corrupt header sends its parser into an endless loop, a decompression bomb makes it keep
 * blocks until the heap is gone, and its native part writes through a null pointer (a write to address 0 through
 * {@code sun.misc.Unsafe}, which the JVM cannot survive).
 *
 * <ol>
 *   <li>The batch on an {@link ExecutorService} of 2 threads, in a {@link JvmProcess} child so that this demo
 *       survives it: the first breaking item takes the whole JVM, and the results of every other item, with it.</li>
 *   <li>The good items serially in this JVM: the time to beat. The slowest of them sets the task timeout of part
 *       3 ({@value #TIMEOUT_FACTOR} times as long, at least a second), so a busy machine does not time out good
 *       items.</li>
 *   <li>The batch on a {@link ProcessPool} of 2 workers with that task timeout and {@code retryOnWorkerDeath(1)},
 *       with a progress bar: every good item's result, every bad item named with its cause, and the time end to end,
 *       the pool's start and its replacement workers included.</li>
 * </ol>
 *
 * <p>Threading: the main thread drives; the items run in the child's threads, in this JVM's main thread (serial) and
 * in the pool's workers; the bar is drawn by a scheduler thread of its own.
 */
public final class Isolation {
    static final int PIECE_MIB = 4;
    private static final int PIECE = PIECE_MIB << 20;
    private static final int GOOD_ITEMS = 32;
    /** Where the bad items sit in the batch: the first breaks the thread pool early, the others are spread out. */
    private static final List<Integer> BAD_AT = List.of(3, 12, 21, 30);
    private static final int WORKERS = 2;
    /** The task timeout is this many times the slowest item of the serial run, and at least a second. */
    private static final int TIMEOUT_FACTOR = 2;
    private static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
    private static final int RESULTS_PER_LINE = 4;
    /** How long the thread pool's JVM may run before the demo calls it hung. */
    private static final Duration THREAD_POOL_LIMIT = Duration.ofSeconds(10);
    private static final double MIB = 1024.0 * 1024.0;
    private static final int EXIT_CODE = 3;
    private static final int SIGABRT = 6;

    private Isolation() {
    }

    /** How an item breaks the library that compresses it; {@link #NONE} for a good item. */
    enum Breakage {
        NONE(""),
        EXIT("its licence check calls System.exit(" + EXIT_CODE + ")"),
        LOOP("a corrupt header sends its parser into an endless loop"),
        HEAP("a decompression bomb: it keeps every block until the heap is gone"),
        CRASH("its native code writes through a null pointer");

        final String how;

        Breakage(String how) {
            this.how = how;
        }
    }

    /** One file of the batch: the piece of {@code lib/modules} at {@code offset}, and how it breaks the library. */
    record Item(int index, String name, String path, long offset, Breakage breakage) {
    }

    /** A compressed item: its sizes and the CRC-32 of its compressed bytes (to compare the runs). */
    record Compressed(int index, int inputBytes, int outputBytes, long crc) {
    }

    /**
     * Runs the demo.
     *
     * @param args none
     * @throws Exception an unexpected failure of the demo itself
     */
    public static void main(String[] args) throws Exception {
        List<Item> batch = batch();
        Path modules = Paths.get(batch.get(0).path());
        System.out.printf(Locale.ROOT, "Compressing %d files (DEFLATE level 9, %d MiB pieces of %s) on %d cores; "
                + "%d of them break the compression library:%n", batch.size(), PIECE_MIB, modules,
                Runtime.getRuntime().availableProcessors(), batch.size() - GOOD_ITEMS);
        for (Item item : batch) {
            if (item.breakage() != Breakage.NONE) {
                System.out.printf(Locale.ROOT, "  #%02d %-12s %s%n", item.index(), item.name(), item.breakage().how);
            }
        }
        System.out.println();
        onThreadPool(batch);
        System.out.println();
        long serialStart = System.nanoTime();
        List<Compressed> serial = new ArrayList<>();
        long slowest = 0;
        for (Item item : batch) {
            if (item.breakage() == Breakage.NONE) {
                long itemStart = System.nanoTime();
                serial.add(compress(item));
                slowest = Math.max(slowest, System.nanoTime() - itemStart);
            }
        }
        long serialNanos = System.nanoTime() - serialStart;
        Duration timeout = Duration.ofMillis(Math.max(MIN_TIMEOUT.toMillis(),
                TimeUnit.NANOSECONDS.toMillis(slowest * TIMEOUT_FACTOR)));
        System.out.printf(Locale.ROOT, "2. The %d good items one after the other in this JVM: %,d ms (the slowest "
                + "took %,d ms)%n%n", GOOD_ITEMS, TimeUnit.NANOSECONDS.toMillis(serialNanos),
                TimeUnit.NANOSECONDS.toMillis(slowest));
        onProcessPool(batch, serial, serialNanos, timeout);
    }

    /** 36 items: 32 good ones, and the bad ones at {@link #BAD_AT}. */
    static List<Item> batch() throws IOException {
        Path modules = Paths.get(System.getProperty("java.home"), "lib", "modules");
        long size = Files.size(modules);
        List<Breakage> bad = List.of(Breakage.EXIT, Breakage.LOOP, Breakage.HEAP, Breakage.CRASH);
        List<String> badNames = List.of("licensed.bin", "corrupt.bin", "bomb.bin", "native.bin");
        List<Item> items = new ArrayList<>();
        int good = 0;
        for (int index = 0; index < GOOD_ITEMS + bad.size(); index++) {
            int kind = BAD_AT.indexOf(index);
            long offset = (long) good * PIECE % (size - PIECE); // wraps on a small JDK; every piece is full
            if (kind >= 0) {
                items.add(new Item(index, badNames.get(kind), modules.toString(), offset, bad.get(kind)));
            } else {
                items.add(new Item(index, String.format(Locale.ROOT, "modules.%02d", good), modules.toString(), offset,
                        Breakage.NONE));
                good++;
            }
        }
        return items;
    }

    /**
     * Compresses one item, the way the fragile library does: a good item's piece is read and deflated; a bad one
     * breaks as its {@link Breakage} says.
     */
    static Compressed compress(Item item) throws Exception {
        byte[] input = new byte[PIECE];
        try (RandomAccessFile file = new RandomAccessFile(item.path(), "r")) {
            file.seek(item.offset());
            file.readFully(input);
        }
        switch (item.breakage()) {
            case EXIT -> System.exit(EXIT_CODE);
            case LOOP -> skipHeaders(input);
            case HEAP -> keepEveryBlock();
            case CRASH -> writeThroughNullPointer();
            case NONE -> {
                // compressed below
            }
        }
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] output = new byte[PIECE + 1024];
        int length = 0;
        try {
            deflater.setInput(input);
            deflater.finish();
            while (!deflater.finished()) {
                length += deflater.deflate(output, length, output.length - length);
            }
        } finally {
            deflater.end();
        }
        CRC32 crc = new CRC32();
        crc.update(output, 0, length);
        return new Compressed(item.index(), input.length, length, crc.getValue());
    }

    /** A parser that trusts a header's length field: a corrupt header of length 0 never lets it move on. */
    private static void skipHeaders(byte[] input) {
        int position = 0;
        while (position < input.length) {
            int headerLength = input[position] & 0; // the corrupt header says 0
            position += headerLength;
        }
    }

    /** Keeps 16 MiB blocks of an endless "decompressed" stream until the heap is gone. */
    private static void keepEveryBlock() {
        List<byte[]> blocks = new ArrayList<>();
        while (true) {
            blocks.add(new byte[16 << 20]);
        }
    }

    /** What a native library's bug does: a write to address 0, a SIGSEGV in the JVM that it cannot survive. */
    private static void writeThroughNullPointer() throws ReflectiveOperationException {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        unsafeClass.getMethod("putLong", long.class, long.class).invoke(theUnsafe.get(null), 0L, 0L);
    }

    /** Part 1: the batch on 2 threads of one JVM; counts, through a file, how many items it finished before it died. */
    private static void onThreadPool(List<Item> batch) throws Exception {
        System.out.printf(Locale.ROOT, "1. An ExecutorService of %d threads in one JVM (a JvmProcess child, so that "
                + "this demo survives it):%n", WORKERS);
        Path log = Files.createTempFile("procpool-isolation", ".log");
        try {
            String logPath = log.toString();
            long start = System.nanoTime();
            JvmProcess child = new JvmProcess("thread-pool", () -> compressOnThreads(batch, logPath));
            child.start();
            boolean ended = child.join(THREAD_POOL_LIMIT);
            if (!ended) {
                child.kill();
                child.join();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            List<String> finished = Files.readAllLines(log);
            long failed = finished.stream().filter(line -> line.startsWith("failed")).count();
            String how = ended ? "exited with code " + child.exitCode().orElseThrow() + exitMeaning(child)
                    : "hung, and was killed after " + THREAD_POOL_LIMIT.toSeconds() + " s";
            System.out.printf(Locale.ROOT, "   the whole JVM %s after %,d ms, with %d of %d items finished "
                    + "(%d failed): the results of all %d items are lost%n", how, millis, finished.size(), batch.size(),
                    failed, batch.size());
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String exitMeaning(JvmProcess child) {
        int code = child.exitCode().orElseThrow();
        return code == EXIT_CODE ? " (System.exit in a task)" : code < 0 ? " (signal " + -code + ")" : "";
    }

    /** In the child: the batch on a fixed thread pool; one line per finished item in the log, as it finishes. */
    private static void compressOnThreads(List<Item> batch, String logPath) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<Compressed>> results = new ArrayList<>();
            for (Item item : batch) {
                results.add(threads.submit(() -> {
                    try {
                        Compressed compressed = compress(item);
                        note(logPath, "done #" + item.index());
                        return compressed;
                    } catch (Exception | Error e) {
                        note(logPath, "failed #" + item.index() + ": " + e);
                        throw e;
                    }
                }));
            }
            for (Future<Compressed> result : results) {
                try {
                    result.get();
                } catch (ExecutionException e) {
                    // noted above; the point is that the JVM does not get here
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private static synchronized void note(String logPath, String line) throws IOException {
        Files.writeString(Paths.get(logPath), line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
    }

    /** Part 3: the batch on a pool, one task per item, and what became of each. */
    private static void onProcessPool(List<Item> batch, List<Compressed> serial, long serialNanos, Duration timeout)
            throws Exception {
        System.out.printf(Locale.ROOT, "3. A ProcessPool of %d workers, taskTimeout(%,d ms), retryOnWorkerDeath(1), "
                + "workers with -Xmx256m:%n", WORKERS, timeout.toMillis());
        ConsoleProgress bar = ConsoleProgress.onStderr("items");
        long start = System.nanoTime();
        List<CompletableFuture<Compressed>> results = new ArrayList<>();
        long startMillis;
        int respawns;
        try (ProcessPool pool = ProcessPool.builder().workers(WORKERS).name("compress").taskTimeout(timeout)
                .retryOnWorkerDeath(1).jvmOptions("-Xmx256m").build()) {
            startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            AtomicInteger done = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            for (Item item : batch) {
                results.add(pool.applyAsync(Isolation::compress, item).whenComplete((result, error) ->
                        (error == null ? done : failed).incrementAndGet()));
            }
            drawUntilDone(bar, results, done, failed, start);
            respawns = pool.respawnCount();
        }
        long poolNanos = System.nanoTime() - start;
        long inputBytes = 0;
        long outputBytes = 0;
        int agree = 0;
        List<String> good = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Item item = batch.get(i);
            try {
                Compressed compressed = results.get(i).join();
                inputBytes += compressed.inputBytes();
                outputBytes += compressed.outputBytes();
                agree += serial.contains(compressed) ? 1 : 0;
                good.add(String.format(Locale.ROOT, "#%02d %.2fx crc %08x", item.index(),
                        (double) compressed.inputBytes() / compressed.outputBytes(), compressed.crc()));
            } catch (CompletionException e) {
                bad.add(String.format(Locale.ROOT, "  #%02d %-12s %s", item.index(), item.name(), cause(e.getCause())));
            }
        }
        System.out.printf(Locale.ROOT, "%d good items compressed, %.1f MiB -> %.1f MiB, %d of %d equal to the serial "
                + "run's (item, ratio, CRC-32 of the compressed bytes):%n", good.size(), inputBytes / MIB,
                outputBytes / MIB, agree, serial.size());
        for (int from = 0; from < good.size(); from += RESULTS_PER_LINE) {
            System.out.println("  " + String.join("   ", good.subList(from, Math.min(good.size(),
                    from + RESULTS_PER_LINE))));
        }
        System.out.printf(Locale.ROOT, "%d bad items, each named with its cause, while the pool served on:%n",
                bad.size());
        bad.forEach(System.out::println);
        long poolMillis = TimeUnit.NANOSECONDS.toMillis(poolNanos);
        long serialMillis = TimeUnit.NANOSECONDS.toMillis(serialNanos);
        System.out.printf(Locale.ROOT, "%nend to end:  pool %,d ms (its start, %,d ms, and %d replacement workers "
                + "included)  serial %,d ms (good items only)  speedup %.2fx%n", poolMillis, startMillis, respawns,
                serialMillis, (double) serialNanos / poolNanos);
    }

    /** Redraws the bar at its cadence until every future is complete, then draws the last report. */
    private static void drawUntilDone(ConsoleProgress bar, List<CompletableFuture<Compressed>> results,
                                      AtomicInteger done, AtomicInteger failed, long start)
            throws InterruptedException {
        OptionalLong total = OptionalLong.of(results.size());
        ScheduledExecutorService drawer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "isolation-progress");
            thread.setDaemon(true);
            return thread;
        });
        try {
            drawer.scheduleAtFixedRate(() -> bar.onProgress(new Progress(done.get(), failed.get(), total,
                    Duration.ofNanos(System.nanoTime() - start), false)), 0, bar.cadence().toMillis(),
                    TimeUnit.MILLISECONDS);
            CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).exceptionally(error -> null).join();
        } finally {
            drawer.shutdownNow();
            drawer.awaitTermination(1, TimeUnit.SECONDS);
        }
        bar.onProgress(new Progress(done.get(), failed.get(), total, Duration.ofNanos(System.nanoTime() - start),
                true));
    }

    /** What broke, in the words a user needs: the exit code, the timeout, the heap, the signal. */
    static String cause(Throwable failure) {
        if (failure instanceof TaskTimeoutException timeout) {
            return "timeout: it ran past " + timeout.timeout().toMillis() + " ms; " + timeout.workerName()
                    + " was killed and replaced";
        }
        if (failure instanceof TaskFailedException failed) {
            Throwable cause = failed.getCause();
            String what = cause instanceof OutOfMemoryError ? "out of memory: " : "threw: ";
            return what + cause + " (in " + failed.workerName() + ", which served on)";
        }
        if (failure instanceof WorkerDiedException died) {
            int attempts = 1 + died.getSuppressed().length;
            if (died.getMessage().contains("OutOfMemoryError")) { // the heap ran out in one of the worker's own threads
                return "out of memory: the worker died with exit code " + died.exitCode() + ", on " + attempts
                        + " workers one after the other";
            }
            String how = died.exitCode() < 0
                    ? "signal: killed by SIG" + signalName(-died.exitCode()) + " (exit code " + died.exitCode() + ")"
                    : "exit code " + died.exitCode();
            // procpool gives workers -XX:ErrorFile in this directory, so no hs_err file lands in the working directory
            String crashReports = died.exitCode() == -SIGABRT
                    ? "; its hs_err_pid" + died.pid() + ".log is in " + Paths.get(System.getProperty("java.io.tmpdir"),
                    "procpool-crashes-" + System.getProperty("user.name"))
                    : "";
            return how + ", on " + attempts + " workers one after the other (retried once)" + crashReports;
        }
        return failure.toString();
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case SIGABRT -> "ABRT (the JVM's crash handler, after a SIGSEGV)";
            case 9 -> "KILL";
            case 15 -> "TERM";
            default -> " " + signal;
        };
    }
}
