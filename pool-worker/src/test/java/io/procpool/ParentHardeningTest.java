package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import io.procpool.internal.process.DefaultLaunchSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parent side of the pool under hostile use (the hardening issue): callbacks that close the pool or run long,
 * initializers that print, exit or cannot load, a retiring worker that times out, a {@code java} that cannot start,
 * cancels of tasks that wait in a worker's window, and a close while an {@code imap} is half consumed. Each test is
 * named after the behaviour that must hold, with real worker JVMs.
 *
 * <p>Threading: JUnit's thread, plus the pools' threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ParentHardeningTest {

    @Test
    void closeInsideANonAsyncCallbackNeitherDeadlocksNorBlocksLaterCloses() {
        ProcessPool pool = ProcessPool.builder().workers(1).name("close-in-callback").build();
        try {
            AtomicReference<String> closedOn = new AtomicReference<>();
            pool.applyAsync(() -> {
                Thread.sleep(200); // so the callback below is chained before the answer comes
                return 1;
            }).thenAccept(x -> {
                pool.close();
                closedOn.set(Thread.currentThread().getName());
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> closedOn.get() != null);
            assertTrue(closedOn.get().startsWith("close-in-callback-callbacks-"), closedOn::get);
            pool.close(); // idempotent, returns at once
            assertThrows(RejectedExecutionException.class, () -> pool.apply(() -> 2));
        } finally {
            pool.terminate();
        }
    }

    @Test
    void aSlowCallbackDoesNotMakeTheNextTaskTimeOut() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("slow-callback")
                .taskTimeout(Duration.ofMillis(800)).build()) {
            CompletableFuture<Void> slowCallback = pool.applyAsync(() -> {
                Thread.sleep(200);
                return 1;
            }).thenAccept(x -> busyFor(Duration.ofSeconds(3))); // user code that takes its time
            assertEquals(2, pool.<Integer>apply(() -> 2)); // the same worker, while the callback still runs
            assertEquals(0, pool.respawnCount());
            slowCallback.get(30, TimeUnit.SECONDS);
        }
    }

    private static void busyFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    @Test
    void anInitializerThatPrintsStartsThePoolAndItsLinesAreForwarded() {
        try (CapturedOutput output = new CapturedOutput()) {
            try (ProcessPool pool = ProcessPool.builder().workers(1).name("printing-init").initializer(() -> {
                System.out.println("loading model");
                System.err.println("model warning");
                System.out.print("no newline");
            }).build()) {
                assertEquals(3, pool.<Integer>apply(() -> 3));
            }
            assertTrue(output.stdout().contains("loading model"), output.stdout()::toString);
            assertTrue(output.stdout().contains("no newline"), output.stdout()::toString);
            assertTrue(output.stderr().contains("model warning"), output.stderr()::toString);
        }
    }

    @Test
    void anInitializerThatPrintsThenThrowsFailsBuildWithItsOwnException() {
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(1)
                .name("throwing-init").initializer(() -> {
                    System.out.println("loading model");
                    throw new IllegalStateException("no model file");
                }).build());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("no model file", cause.getMessage());
        assertTrue(e.getMessage().contains("initializer failed"), e::getMessage);
    }

    @Test
    void anInitializerThatExitsFailsBuildWithItsExitCode() {
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(1)
                .name("exiting-init").initializer(() -> System.exit(4)).build());
        assertTrue(e.getMessage().contains("exited with code 4 before it was ready"), e::getMessage);
    }

    @Test
    void aWorkerWithoutKryoFailsBuildWithTheReasonFromItsStderr() {
        List<String> withoutKryo = DefaultLaunchSpec.forThisJvm("test").classPath().stream()
                .filter(entry -> !entry.contains("kryo")).toList();
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(1)
                .name("no-kryo").classPath(withoutKryo).build());
        assertTrue(e.getMessage().contains("before it was ready"), e::getMessage);
        assertTrue(e.getMessage().contains("com/esotericsoftware/kryo")
                || e.getMessage().contains("com.esotericsoftware.kryo"), e::getMessage);
    }

    @Test
    void aRetiringWorkerThatTimesOutIsReplacedOnlyOnce() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("retire-timeout").maxTasksPerWorker(1)
                .taskTimeout(Duration.ofMillis(300)).build()) {
            for (int i = 0; i < 3; i++) {
                assertThrows(TaskTimeoutException.class, () -> pool.apply(FaultTasks.spinForever()));
            }
            assertEquals(5, pool.<Integer>apply(() -> 5));
            await().atMost(Duration.ofSeconds(30)).until(() -> liveChildren("retire-timeout") <= 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> liveChildren("retire-timeout") <= 1);
            assertTrue(pool.workers().size() <= 1, pool.workers()::toString);
        }
    }

    /** Child JVMs of this one that belong to the pool named {@code pool}. */
    private static long liveChildren(String pool) {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive)
                .filter(child -> child.info().arguments().map(args -> String.join(" ", args)).orElse("")
                        .contains("procpool.child.name=" + pool + "-worker-"))
                .count();
    }

    @Test
    void aJavaThatCannotStartStopsTheLaunchesAfterTheFirstWave(@TempDir Path home) throws IOException {
        Path launches = home.resolve("launches");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho launched >> " + launches + "\necho 'no such JVM' >&2\nexit 3\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(500)
                .name("broken-java").javaHome(home).build());
        assertTrue(e.getMessage().contains("exited with code 3"), e::getMessage);
        assertTrue(e.getMessage().contains("no such JVM"), e::getMessage);
        int wave = Math.max(2, Runtime.getRuntime().availableProcessors());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(launches));
        assertTrue(Files.readAllLines(launches).size() <= wave, () -> "launches: " + lines(launches));
    }

    private static int lines(Path file) {
        try {
            return Files.readAllLines(file).size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void tooManyWorkersIsRefusedNamingTheLimit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().workers(5000).build());
        assertTrue(e.getMessage().contains("between 1 and " + ProcessPool.MAX_WORKERS), e::getMessage);
        assertTrue(e.getMessage().contains("5000"), e::getMessage);
    }

    @Test
    void aKillAfterACancelFailsOnlyTheCancelledTask() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("cancel-running").build()) {
            CompletableFuture<Integer> stubborn = pool.applyAsync(FaultTasks.spinForever());
            CompletableFuture<Integer> behind = pool.applyAsync(() -> 42);
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.workers().get(0).state()
                    == WorkerInfo.State.RUNNING);
            assertTrue(stubborn.cancel(true));
            assertEquals(42, behind.get(30, TimeUnit.SECONDS));
            assertTrue(stubborn.isCancelled());
        }
    }

    @Test
    void closeWhileAnImapIsHalfConsumedDeliversWhatWasAcceptedThenSaysTheRestWasNot() {
        ProcessPool pool = ProcessPool.builder().workers(2).name("close-imap").build();
        try {
            Stream<Integer> squares = pool.imap(x -> x * x, Stream.iterate(0, x -> x + 1), 1);
            Iterator<Integer> results = squares.iterator();
            List<Integer> seen = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                seen.add(results.next());
            }
            pool.close(); // waits for the chunks the stream had submitted
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> {
                while (results.hasNext()) {
                    seen.add(results.next());
                }
            });
            assertTrue(seen.size() > 5, () -> "results after close: " + seen);
            assertEquals(IntStream.range(0, seen.size()).map(x -> x * x).boxed().toList(), seen);
            assertTrue(e.getMessage().contains("not processed"), e::getMessage);
        } finally {
            pool.terminate();
        }
    }

    @Test
    void anAnswerTooBigForTheParentsHeapFailsItsTaskNamingTheMemoryAndSparesTheWorker() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "-Xmx48m", "-cp", System.getProperty("java.class.path"),
                SmallHeapParent.class.getName()).redirectErrorStream(true).start();
        try {
            String output = new String(parent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(parent.waitFor(60, TimeUnit.SECONDS), output);
            assertTrue(output.contains("FAILED: PoolException: the parent ran out of memory"), output);
            assertTrue(output.contains("NEXT 7 RESPAWNS 0"), output);
            assertTrue(output.contains("AFTER TERMINATE cancelled=true"), output);
            assertEquals(0, parent.exitValue(), output);
        } finally {
            parent.destroyForcibly();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {'\n', 'p'}) // 'p' is the first byte of the magic: it looks like the start of a frame
    void aStrayByteOnFd1WhileIdleFailsNoTaskAndIsShownOnStderr(int stray, @TempDir Path dir) {
        Path written = dir.resolve("written");
        try (CapturedOutput output = new CapturedOutput();
             ProcessPool pool = ProcessPool.builder().workers(1).name("stray-byte").build()) {
            long strayPid = pool.apply(FaultTasks.strayByteWhileIdle(stray, written.toString()));
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(written));
            if (stray == '\n') { // shown as it arrives; a 'p' is known to be noise only once the next frame comes
                await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n", output.stderr())
                        .contains("outside procpool's frames"));
            }
            for (int i = 0; i < 20; i++) {
                int value = i;
                assertEquals(value, pool.<Integer>apply(() -> value));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n", output.stderr())
                    .contains("outside procpool's frames"));
            assertEquals(strayPid, pool.workers().get(0).pid(), "the worker serves on");
            assertEquals(0, pool.respawnCount());
        }
    }

    @Test
    void aWorkerStoppedWithSigstopTimesOutAndIsReplaced() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("sigstop")
                .taskTimeout(Duration.ofSeconds(1)).build()) {
            TaskTimeoutException e = assertThrows(TaskTimeoutException.class,
                    () -> pool.apply(FaultTasks.sigstopSelf()));
            assertTrue(e.getMessage().contains("sigstop-worker-1"), e::getMessage);
            assertEquals(9, pool.<Integer>apply(() -> 9));
            assertEquals(1, pool.respawnCount());
        }
    }

    @Test
    void terminateCompletesEveryUnfinishedFuture() {
        ProcessPool pool = ProcessPool.builder().workers(2).name("terminate-all").build();
        List<CompletableFuture<Integer>> futures = IntStream.range(0, 50).mapToObj(i -> pool.applyAsync(() -> {
            Thread.sleep(10_000);
            return i;
        })).toList();
        pool.terminate();
        await().atMost(Duration.ofSeconds(5)).until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        assertTrue(futures.stream().allMatch(CompletableFuture::isCancelled));
    }
}
