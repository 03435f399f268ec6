package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's side of hardening: an Error on the frame reader, a CANCEL for a queued task, an Error inside the codec
 * and a huge single write each end with a clear answer for the task concerned, and never with a worker that is broken,
 * hung or serving on in a damaged JVM. Every test starts its own one-worker pool, since several retire their worker.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkerHardeningTest {

    private static long pidOfWorker(ProcessPool pool) {
        return pool.apply(() -> ProcessHandle.current().pid());
    }

    @Test
    void outOfMemoryReadingAnArgumentFailsThatTaskAtOnceAndRetiresTheWorker() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("small-heap").jvmOptions("-Xmx64m").build()) {
            long before = pidOfWorker(pool);
            byte[] argument = new byte[200 << 20];
            CompletableFuture<Integer> task = pool.applyAsync((byte[] bytes) -> bytes.length, argument);
            ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(60, TimeUnit.SECONDS));
            TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, e.getCause());
            String message = failure.getMessage();
            assertTrue(message.contains("ran out of memory reading the "), message);
            assertTrue(message.matches("(?s).*the \\d{9}-byte argument of task \\d+.*"), message);
            assertTrue(message.contains("jvmOptions(\"-Xmx...\")"), message);
            assertInstanceOf(OutOfMemoryError.class, failure.getCause());
            assertEquals(7, pool.apply(() -> 7), "the pool serves on");
            assertNotEquals(before, pidOfWorker(pool), "the worker retired and was replaced");
        }
    }

    @Test
    void outOfMemoryReadingAFunctionFailsItsChunksAndRetiresTheWorker() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("small-heap-fn").jvmOptions("-Xmx64m").build()) {
            long before = pidOfWorker(pool);
            byte[] captured = new byte[200 << 20];
            TaskSerializationException e = assertThrows(TaskSerializationException.class,
                    () -> pool.map(x -> x + captured.length, List.of(1, 2, 3), 1));
            assertTrue(e.getMessage().matches("(?s).*ran out of memory reading the \\d{9}-byte function \\d+.*"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("jvmOptions(\"-Xmx...\")"), e.getMessage());
            assertEquals(List.of(2, 3), pool.map(x -> x + 1, List.of(1, 2)), "the pool serves on");
            assertNotEquals(before, pidOfWorker(pool), "the worker retired and was replaced");
        }
    }

    @Test
    void cancellingAQueuedTaskAnswersItAtOnceAndSparesTheRunningTask(@TempDir Path dir) throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("cancel").build()) {
            long worker = pidOfWorker(pool);
            // many tiny tasks first: the parent's window for this worker opens wide, so B is sent while A runs
            List<Integer> items = java.util.stream.IntStream.range(0, 500).boxed().toList();
            assertEquals(items.stream().map(x -> x + 1).toList(), pool.map(x -> x + 1, items, 1));
            String started = dir.resolve("started").toString();
            String release = dir.resolve("release").toString();
            CompletableFuture<String> running = pool.applyAsync(() -> {
                Files.createFile(Path.of(started));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(Path.of(release)) && System.nanoTime() < deadline) {
                    Thread.sleep(5); // a cross-process gate: the test creates the file
                }
                return "A finished";
            });
            CompletableFuture<String> queued = pool.applyAsync(() -> "B ran");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(Path.of(started)));

            assertTrue(queued.cancel(true));
            // the old worker answered the cancel only after A, and the parent killed it (failing A) after 0.5 s
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !running.isDone());
            Files.createFile(Path.of(release));

            assertEquals("A finished", running.get(30, TimeUnit.SECONDS));
            assertTrue(queued.isCancelled());
            assertEquals(0, pool.respawnCount());
            assertEquals(worker, pidOfWorker(pool), "the worker was not replaced");
        }
    }

    /** A node of a linked list deep enough to overflow the stack of a recursive serializer. */
    record Node(int value, Node next) {
    }

    @Test
    void aResultNestedTooDeepFailsThatTaskWithoutOverflowingTheWorkersStack() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("deep-result").build()) {
            TaskSerializationException e = assertThrows(TaskSerializationException.class, () -> pool.apply(() -> {
                Node head = null;
                for (int i = 0; i < 200_000; i++) {
                    head = new Node(i, head);
                }
                return head;
            }));
            assertTrue(e.getMessage().contains(Node.class.getName()), e.getMessage());
            assertTrue(e.getMessage().contains("Max depth exceeded"), e.getMessage()); // a bound, not a stack overflow
            for (int i = 0; i < 5; i++) {
                int n = i;
                assertEquals("x" + n, pool.apply(() -> new StringBuffer("x").append(n).toString()));
            }
        }
    }

    /** A class whose static initializer fails in worker JVMs only, as one that needs a file only the parent has. */
    static final class BrokenInWorkers {
        static {
            if (System.getProperty("procpool.child.name") != null) {
                throw new IllegalStateException("cannot initialize in a worker");
            }
        }

        final int value;

        BrokenInWorkers(int value) {
            this.value = value;
        }
    }

    @Test
    void errorDecodingAnArgumentFailsThatTaskAndRetiresTheWorker() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("broken-class").build()) {
            long before = pidOfWorker(pool);
            CompletableFuture<Integer> task = pool.applyAsync((BrokenInWorkers b) -> b.value, new BrokenInWorkers(5));
            ExecutionException e = assertThrows(ExecutionException.class, () -> task.get(30, TimeUnit.SECONDS));
            TaskSerializationException failure = assertInstanceOf(TaskSerializationException.class, e.getCause());
            List<String> chain = new java.util.ArrayList<>();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                chain.add(t instanceof RemoteException r ? r.remoteClassName() : t.getClass().getName());
            }
            assertTrue(chain.contains(ExceptionInInitializerError.class.getName()), "the Error is in the chain: " + chain);
            assertInnocentTasksRunOnAFreshWorker(pool, before);
        }
    }

    /** Later tasks (which would meet NoClassDefFoundError in the damaged JVM) run, on another worker. */
    private static void assertInnocentTasksRunOnAFreshWorker(ProcessPool pool, long damaged) {
        for (int i = 0; i < 5; i++) {
            int n = i;
            assertEquals("x" + n, pool.apply(() -> new StringBuffer("x").append(n).toString()));
        }
        assertNotEquals(damaged, pidOfWorker(pool), "the damaged worker retired");
        assertEquals(1, pool.workers().size());
    }

    @Test
    void aSingleLargeWriteArrivesInLinesOfAtMost64KiB() {
        int size = 50_000_000;
        List<String> lines;
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("flood").build();
             CapturedOutput output = new CapturedOutput()) {
            assertEquals("written", pool.apply(() -> {
                byte[] flood = new byte[size];
                Arrays.fill(flood, (byte) 'x');
                System.out.write(flood, 0, flood.length);
                System.out.flush();
                return "written";
            }));
            lines = output.stdout();
        }
        List<String> ours = lines.stream().filter(l -> !l.isEmpty() && l.chars().allMatch(c -> c == 'x')).toList();
        assertTrue(ours.size() >= size / (64 * 1024), "split into pieces: " + ours.size());
        for (String line : ours) {
            assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024, "a piece of " + line.length());
        }
        assertEquals(size, ours.stream().mapToInt(String::length).sum());
    }
}
