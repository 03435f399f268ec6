package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker that dies, hangs or corrupts its channel fails only its own task; the pool replaces it and goes on. */
class FaultToleranceTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("faulty").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static WorkerDiedException deathOf(TaskCallable<Integer> fault) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.applyAsync(fault).get());
        return assertInstanceOf(WorkerDiedException.class, e.getCause());
    }

    private static void assertPoolServesWithTwoWorkers() {
        await().atMost(Duration.ofSeconds(30)).until(() -> pool.workers().stream()
                .filter(w -> w.state() == WorkerInfo.State.RUNNING).count() == 2);
        assertEquals(List.of(1, 2, 3), pool.map(x -> x + 1, List.of(0, 1, 2)));
    }

    @Test
    void sigkillMidTaskFailsThatTaskWithMinusNine() {
        WorkerDiedException e = deathOf(FaultTasks.sigkillSelf());
        assertEquals(-9, e.exitCode());
        assertTrue(e.workerName().startsWith("faulty-worker-"), e.workerName());
        assertTrue(e.pid() > 0);
        assertTrue(e.getMessage().contains("SIGKILL"), e.getMessage());
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void sigtermMidTaskFailsThatTaskWithMinusFifteen() {
        assertEquals(-15, deathOf(FaultTasks.sigtermSelf()).exitCode());
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void systemExitIsReportedWithItsCodeEvenAboveOneTwentyEight() {
        assertEquals(3, deathOf(FaultTasks.exit(3)).exitCode());
        assertEquals(137, deathOf(FaultTasks.exit(137)).exitCode(), "not mistaken for SIGKILL");
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void haltIsReportedWithItsCode() {
        assertEquals(7, deathOf(FaultTasks.halt(7)).exitCode());
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void haltWithTheCodeOfACaughtSignalIsReportedAsAnExitNotAsThatSignal() {
        WorkerDiedException term = deathOf(FaultTasks.halt(143));
        assertEquals(143, term.exitCode(), "a worker catches SIGTERM and announces it; this one announced nothing");
        assertTrue(term.getMessage().contains("exited with code 143"), term.getMessage());
        assertEquals(130, deathOf(FaultTasks.halt(130)).exitCode(), "nor SIGINT");
        assertEquals(-9, deathOf(FaultTasks.sigkillSelf()).exitCode(), "a signal no worker catches stays a signal");
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void tasksQueuedBehindADyingWorkerStillComplete() throws Exception {
        CompletableFuture<Integer> fault = pool.applyAsync(FaultTasks.sigkillSelf());
        List<CompletableFuture<Integer>> innocents = IntStream.range(0, 200)
                .mapToObj(i -> pool.applyAsync((Integer x) -> x * 10, i)).collect(Collectors.toList());
        ExecutionException e = assertThrows(ExecutionException.class, fault::get);
        assertInstanceOf(WorkerDiedException.class, e.getCause());
        for (int i = 0; i < 200; i++) {
            assertEquals(i * 10, innocents.get(i).get());
        }
    }

    @Test
    void mapWithAWorkerDeathFailsInsteadOfHanging() {
        WorkerDiedException e = assertThrows(WorkerDiedException.class, () -> pool.map((Integer x) -> {
            if (x == 5) {
                Runtime.getRuntime().halt(1);
            }
            return x;
        }, IntStream.range(0, 10).boxed().toList(), 1));
        assertEquals(1, e.exitCode());
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void rawBytesOnTheChannelAreSkippedAndShownWithAHexDump() {
        int respawns = pool.respawnCount();
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(7, pool.apply(FaultTasks.writeGarbageToFd1()));
            await().atMost(Duration.ofSeconds(10)).until(() -> String.join("\n", output.stderr())
                    .contains("|native library s"));
            assertTrue(String.join("\n", output.stderr()).contains("outside procpool's frames"),
                    () -> output.stderr().toString());
        }
        assertEquals(respawns, pool.respawnCount(), "the worker serves on");
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void cancelStopsARunningTaskAndThePoolGoesOn(@TempDir Path dir) throws Exception {
        Path started = dir.resolve("started");
        String marker = started.toString();
        CompletableFuture<Integer> running = pool.applyAsync(() -> {
            Files.createFile(Path.of(marker));
            Thread.sleep(60_000);
            return 1;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));
        assertTrue(running.cancel(true));
        assertThrows(CancellationException.class, running::get);
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void cancelStopsATaskThatIgnoresInterrupts(@TempDir Path dir) {
        Path started = dir.resolve("spinning");
        String marker = started.toString();
        TaskCallable<Integer> spin = FaultTasks.spinForever();
        CompletableFuture<Integer> running = pool.applyAsync(() -> {
            Files.createFile(Path.of(marker));
            return spin.call();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));
        int respawnsBefore = pool.respawnCount();
        running.cancel(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.respawnCount() > respawnsBefore);
        assertPoolServesWithTwoWorkers();
    }

    @Test
    void cancelOfAQueuedTaskRemovesIt() throws Exception {
        try (ProcessPool single = ProcessPool.builder().workers(1).name("queue").build()) {
            CompletableFuture<Integer> blocker = single.applyAsync(() -> {
                Thread.sleep(300);
                return 1;
            });
            List<CompletableFuture<Integer>> queued = IntStream.range(0, 5)
                    .mapToObj(i -> single.applyAsync((Integer x) -> x, i)).toList();
            assertTrue(queued.get(4).cancel(true));
            assertEquals(1, blocker.get());
            for (int i = 0; i < 4; i++) {
                assertEquals(i, queued.get(i).get());
            }
            assertTrue(queued.get(4).isCancelled());
            assertEquals(0, single.respawnCount());
        }
    }

    @Test
    void timeoutKillsAndReplacesTheWorker() {
        try (ProcessPool timed = ProcessPool.builder().workers(1).name("timed")
                .taskTimeout(Duration.ofMillis(500)).build()) {
            long pid = timed.workers().get(0).pid();
            ExecutionException e = assertThrows(ExecutionException.class, () -> timed.applyAsync(() -> {
                Thread.sleep(60_000);
                return 1;
            }).get());
            TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, e.getCause());
            assertEquals(Duration.ofMillis(500), timeout.timeout());
            assertEquals("fine", timed.apply(() -> "fine"));
            assertTrue(timed.workers().get(0).pid() != pid, "a new worker serves");
        }
    }

    @Test
    void workerRunsOutOfMemoryAndTheMessageSaysSo() {
        try (ProcessPool small = ProcessPool.builder().workers(1).name("small")
                .jvmOptions("-Xmx32m", "-XX:+ExitOnOutOfMemoryError").build()) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> small.applyAsync(FaultTasks.exhaustHeap()).get());
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, e.getCause());
            assertTrue(died.getMessage().contains("OutOfMemoryError"), died.getMessage());
            assertEquals("alive", small.apply(() -> "alive"));
        }
    }

    @Test
    void maxTasksPerWorkerRetiresWorkersWithoutLosingTasks() {
        try (ProcessPool retiring = ProcessPool.builder().workers(2).name("retiring").maxTasksPerWorker(3).build()) {
            List<Long> pids = retiring.map((Integer x) -> ProcessHandle.current().pid(),
                    IntStream.range(0, 12).boxed().toList(), 1);
            assertEquals(12, pids.size());
            Set<Long> distinct = Set.copyOf(pids);
            assertTrue(distinct.size() >= 4, "12 tasks at 3 per worker need at least 4 workers: " + distinct);
            assertTrue(retiring.respawnCount() >= distinct.size() - 2,
                    "each worker after the first two replaced one that retired: " + retiring.respawnCount());
        }
    }

    static final class SetupCount {
        static int runs;
    }

    @Test
    void initializerRunsInEveryWorkerIncludingRespawnedOnes() throws Exception {
        try (ProcessPool initialized = ProcessPool.builder().workers(1).name("init")
                .initializer(() -> System.setProperty("procpool.test.setup", "done-" + (++SetupCount.runs)))
                .build()) {
            assertEquals("done-1", initialized.apply(() -> System.getProperty("procpool.test.setup")));
            assertThrows(ExecutionException.class, () -> initialized.applyAsync(FaultTasks.halt(1)).get());
            assertEquals("done-1", initialized.apply(() -> System.getProperty("procpool.test.setup")),
                    "the replacement ran its own initializer");
        }
    }

    @Test
    void failingInitializerFailsTheBuildWithItsRemoteCause() {
        PoolException e = assertThrows(PoolException.class, () -> ProcessPool.builder().workers(1).name("badinit")
                .initializer(() -> {
                    throw new IllegalStateException("no database");
                }).build());
        assertTrue(e.getMessage().contains("initializer"), e.getMessage());
        IllegalStateException cause = assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("no database", cause.getMessage());
        assertTrue(cause.getStackTrace().length > 0);
    }
}
