package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.RunLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retryOnWorkerDeath}: a task whose worker died under it runs again on another worker, up to the set number of
 * times; a task that threw or timed out is not run again. Every run is counted by the task itself in an append-only
 * {@link RunLog} inside the workers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetryOnWorkerDeathTest {
    private static ProcessPool pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("retrying").retryOnWorkerDeath(1)
                .taskTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** Kills its own worker with SIGKILL, as the OOM killer would. */
    private static void sigkillOwnWorker() throws Exception {
        new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start()
                .waitFor();
        Thread.sleep(30_000); // the signal ends the JVM long before this
    }

    @Test
    void aTaskThatKillsItsWorkerOnTheFirstAttemptOnlySucceedsOnTheRetry() throws Exception {
        String log = dir.resolve("runs").toString();
        String marker = dir.resolve("killed-once").toString();

        String answer = pool.apply(() -> {
            RunLog.append(log, 1);
            if (!Files.exists(Path.of(marker))) {
                Files.createFile(Path.of(marker));
                sigkillOwnWorker();
            }
            return "second attempt in " + JvmProcess.current().getName();
        });

        List<String> runs = RunLog.read(Path.of(log)).get(1);
        assertEquals(2, runs.size(), "runs: " + runs);
        assertEquals("second attempt in " + runs.get(1), answer);
        assertTrue(!runs.get(0).equals(runs.get(1)), "the retry ran in the worker that died: " + runs);
    }

    @Test
    void aTaskThatKillsEveryWorkerFailsAfterTimesPlusOneAttemptsWithEachDeathAndThePoolServesOn()
            throws Exception {
        String log = dir.resolve("runs").toString();

        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.applyAsync(() -> {
            RunLog.append(log, 7);
            System.exit(3);
            return "never";
        }).get(60, TimeUnit.SECONDS));

        List<String> runs = RunLog.read(Path.of(log)).get(7);
        assertEquals(2, runs.size(), "retryOnWorkerDeath(1) allows 2 attempts; runs: " + runs);
        WorkerDiedException last = assertInstanceOf(WorkerDiedException.class, e.getCause());
        List<WorkerDiedException> deaths = new ArrayList<>();
        for (Throwable earlier : last.getSuppressed()) {
            deaths.add(assertInstanceOf(WorkerDiedException.class, earlier));
        }
        deaths.add(last);
        assertEquals(2, deaths.size(), "the earlier death is suppressed in the last: " + last);
        for (int i = 0; i < deaths.size(); i++) {
            assertEquals(runs.get(i), deaths.get(i).workerName(), "death " + i);
            assertEquals(3, deaths.get(i).exitCode(), "death " + i);
        }
        assertEquals(List.of(2, 3, 4), pool.map(x -> x + 1, List.of(1, 2, 3)));
    }

    @Test
    void aTaskThatThrowsIsNeverRunAgain() throws Exception {
        String log = dir.resolve("runs").toString();

        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.applyAsync(() -> {
            RunLog.append(log, 3);
            throw new IllegalStateException("the task's own answer");
        }).get(30, TimeUnit.SECONDS));

        assertInstanceOf(TaskFailedException.class, e.getCause());
        assertEquals(1, RunLog.read(Path.of(log)).get(3).size());
    }

    @Test
    void aTaskThatTimesOutIsNotRunAgain() throws Exception {
        String log = dir.resolve("runs").toString();

        ExecutionException e = assertThrows(ExecutionException.class, () -> pool.applyAsync(() -> {
            RunLog.append(log, 4);
            Thread.sleep(30_000);
            return "never";
        }).get(30, TimeUnit.SECONDS));

        assertInstanceOf(TaskTimeoutException.class, e.getCause());
        assertEquals(1, RunLog.read(Path.of(log)).get(4).size());
    }
}
