package io.procpool.internal.insights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.CurrentTask;
import io.procpool.EndedWorker;
import io.procpool.FailureInsights;
import io.procpool.PoolInsights;
import io.procpool.Progress;
import io.procpool.TaskFailedException;
import io.procpool.TaskInsights;
import io.procpool.TaskInsights.Outcome;
import io.procpool.WorkerDiedException;
import io.procpool.WorkerInfo;
import io.procpool.WorkerInsights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder fed by events, as its owner would feed it, on a clock the test moves and a {@code /proc} the test
 * writes: per-worker counters and ratios, the slowest five, the rate over ten seconds, the failure and ended-worker
 * lists, the task stream's window.
 *
 * <p>Threading: single-threaded, except {@link #concurrentTasksAreAllCounted}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InsightsRecorderTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = T0;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TempDir
    Path proc;

    private final ManualClock clock = new ManualClock();

    private InsightsRecorder recorder() {
        return new InsightsRecorder("test", false, clock, new ProcStats(proc));
    }

    private TaskInsights task(long id, String worker, Duration run, Outcome outcome) {
        Instant now = clock.instant();
        return new TaskInsights(id, "Job.lambda$main$0", worker, 1, now.minus(run).minusMillis(1), now.minus(run),
                now, run, Duration.ofNanos(500), outcome, null, null);
    }

    private void writeProc(long pid, long rssKb, long utime, long stime) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("status"), "Name:\tjava\nVmPeak:\t 999 kB\nVmRSS:\t  " + rssKb + " kB\n");
        Files.writeString(dir.resolve("stat"), pid + " (java (worker) 1) S 1 2 3 4 5 6 7 8 9 10 " + utime + " "
                + stime + " 0 0 20 0 30\n");
    }

    @Test
    void workerCountersBusyIdleAndProcReadingsAddUp() throws IOException {
        InsightsRecorder recorder = recorder();
        recorder.workerLaunched("w-1", 101);
        clock.advance(Duration.ofMillis(100));
        recorder.workerReady("w-1", Duration.ofMillis(100));
        clock.advance(Duration.ofSeconds(1));
        recorder.taskFinished(task(1, "w-1", Duration.ofMillis(300), Outcome.ANSWERED), null);
        recorder.taskFinished(task(2, "w-1", Duration.ofMillis(200), Outcome.FAILED),
                new TaskFailedException("w-1", 101, new IllegalStateException("bad item")));
        clock.advance(Duration.ofSeconds(1));
        writeProc(101, 2048, 250, 50);

        PoolInsights insights = recorder.snapshot(3, 1, List.of(new LiveWorker("w-1", 101, WorkerInfo.State.RUNNING,
                null)), List.of());

        WorkerInsights worker = insights.workers().get(0);
        assertEquals(Duration.ofMillis(100), worker.startup());
        assertEquals(1, worker.tasksCompleted());
        assertEquals(1, worker.tasksFailed());
        assertEquals(Duration.ofMillis(500), worker.busy());
        assertEquals(Duration.ofMillis(1500), worker.idle(), "alive since ready (2 s) minus busy");
        assertEquals(0.25, worker.busyRatio(), 1e-9);
        assertEquals(2048 * 1024, worker.rssBytes());
        assertEquals(Duration.ofSeconds(3), worker.cpuTime().orElseThrow(), "300 ticks of 10 ms");
        assertEquals(3, insights.queued());
        assertEquals(1, insights.inFlight());
        assertEquals(1, insights.completed());
        assertEquals(1, insights.failed());
    }

    @Test
    void aRunningTaskCountsAsBusyAndIsShownAsCurrent() {
        InsightsRecorder recorder = recorder();
        recorder.workerLaunched("w-1", 101);
        recorder.workerReady("w-1", Duration.ofMillis(90));
        Instant since = clock.instant();
        clock.advance(Duration.ofSeconds(4));
        CurrentTask current = new CurrentTask(7, "Job.slow", 1, since);

        WorkerInsights worker = recorder.snapshot(0, 1, List.of(new LiveWorker("w-1", 101,
                WorkerInfo.State.RUNNING, current)), List.of()).workers().get(0);

        assertEquals(current, worker.currentTask().orElseThrow());
        assertEquals(1.0, worker.busyRatio(), 1e-9);
        assertEquals(Duration.ZERO, worker.idle());
        assertEquals(-1, worker.rssBytes(), "no /proc entry for it");
        assertTrue(worker.cpuTime().isEmpty());
    }

    @Test
    void slowestKeepsTheFiveLongestRunTimesLongestFirst() {
        InsightsRecorder recorder = recorder();
        int[] millis = {5, 80, 20, 1, 300, 40, 2, 90, 7, 60};
        for (int i = 0; i < millis.length; i++) {
            recorder.taskFinished(task(i, "w-1", Duration.ofMillis(millis[i]), Outcome.ANSWERED), null);
        }
        List<Long> slowest = recorder.snapshot(0, 0, List.of(), List.of()).slowest().stream()
                .map(t -> t.runTime().toMillis()).toList();
        assertEquals(List.of(300L, 90L, 80L, 60L, 40L), slowest);
    }

    @Test
    void tasksPerSecondCountsTheLastTenSecondsAndThroughputEachWholeSecond() {
        InsightsRecorder recorder = recorder();
        for (int second = 0; second < 20; second++) {
            int tasks = second < 10 ? 100 : 10;   // a burst that is over by the time of the snapshot
            for (int i = 0; i < tasks; i++) {
                recorder.taskFinished(task(i, "w-1", Duration.ofMillis(1), Outcome.ANSWERED), null);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        PoolInsights insights = recorder.snapshot(0, 0, List.of(), List.of());
        // at 20.000 s: seconds 11..19 had 10 each, the current (20) has none; a window of nine whole seconds
        assertEquals(10.0, insights.tasksPerSecond(), 1e-9);
        List<Long> history = insights.throughput();
        assertEquals(60, history.size());
        assertEquals(List.of(100L, 10L), history.subList(49, 51), "seconds 9 (the burst) and 10 (after it)");
        assertEquals(10L, history.get(59), "the last whole second");
        assertEquals(0L, history.get(0), "before the pool started");
    }

    @Test
    void failuresKeepTheTwentyLatestWithTheTasksOwnExceptionAndTrace() {
        InsightsRecorder recorder = recorder();
        for (int i = 0; i < 25; i++) {
            recorder.taskFinished(task(i, "w-1", Duration.ofMillis(1), Outcome.FAILED),
                    new TaskFailedException("w-1", 101, new IllegalArgumentException("item " + i)));
        }
        recorder.taskFinished(task(99, "w-2", Duration.ZERO, Outcome.WORKER_DIED),
                new WorkerDiedException("worker w-2 (pid 5) was killed by SIGKILL\nLast lines of its stderr:\nx",
                        "w-2", 5, -9, "x"));
        List<FailureInsights> failures = recorder.snapshot(0, 0, List.of(), List.of()).recentFailures();

        assertEquals(20, failures.size());
        FailureInsights died = failures.get(0);
        assertEquals(Outcome.WORKER_DIED, died.outcome());
        assertEquals(WorkerDiedException.class.getName(), died.exceptionClass());
        FailureInsights threw = failures.get(1);
        assertEquals(24, threw.taskId());
        assertEquals(IllegalArgumentException.class.getName(), threw.exceptionClass());
        assertEquals("item 24", threw.message());
        assertTrue(threw.trace().contains("IllegalArgumentException: item 24"), threw.trace());
        TaskInsights inStream = recorder.snapshot(0, 0, List.of(), List.of()).recentTasks().stream()
                .filter(t -> t.id() == 99).findFirst().orElseThrow();
        assertEquals(WorkerDiedException.class.getName() + ": worker w-2 (pid 5) was killed by SIGKILL",
                inStream.error(), "the error of a task record is one line");
    }

    @Test
    void cancelledTasksCountNeitherAsCompletedNorFailed() {
        InsightsRecorder recorder = recorder();
        recorder.taskFinished(task(1, null, Duration.ZERO, Outcome.CANCELLED), null);
        PoolInsights insights = recorder.snapshot(0, 0, List.of(), List.of());
        assertEquals(0, insights.completed());
        assertEquals(0, insights.failed());
        assertTrue(insights.recentFailures().isEmpty());
        assertEquals(1, insights.recentTasks().size());
    }

    @Test
    void endedWorkersKeepTheirReasonExitCodeAndRespawnWhicheverComesFirst() {
        InsightsRecorder recorder = recorder();
        recorder.workerLaunched("w-1", 101);
        recorder.workerLaunched("w-2", 102);
        recorder.workerReady("w-1", Duration.ofMillis(80));
        recorder.taskFinished(task(1, "w-1", Duration.ofMillis(30), Outcome.ANSWERED), null);
        recorder.respawned("w-1", "killed by SIGKILL");             // before its end, as the owner replaces it
        recorder.workerEnded("w-1", 101, -9, "killed by SIGKILL");
        recorder.workerEnded("w-2", 102, 0, "pool closed");
        recorder.respawned("w-2", "late");                          // after its end
        recorder.workerLaunched("w-3", 103);

        PoolInsights insights = recorder.snapshot(0, 0, List.of(), List.of());
        assertEquals(2, insights.respawns());
        List<EndedWorker> ended = insights.endedWorkers();
        assertEquals(List.of("w-2", "w-1"), ended.stream().map(EndedWorker::name).toList(), "most recent first");
        EndedWorker first = ended.get(1);
        assertEquals(-9, first.exitCode());
        assertEquals("killed by SIGKILL", first.reason());
        assertTrue(first.respawned());
        assertEquals(1, first.tasksCompleted());
        assertEquals(Duration.ofMillis(30), first.busy());
        assertTrue(ended.get(0).respawned());
    }

    @Test
    void lateTasksOfAnEndedLocalWorkerCountForThePoolOnly() {
        InsightsRecorder recorder = recorder();
        recorder.workerLaunched("w-1", 101);
        recorder.workerEnded("w-1", 101, 1, "exited");
        recorder.taskFinished(task(1, "w-1", Duration.ofMillis(3), Outcome.FAILED), new IllegalStateException());
        PoolInsights insights = recorder.snapshot(0, 0, List.of(new LiveWorker("w-1", 101,
                WorkerInfo.State.RUNNING, null)), List.of());
        assertEquals(1, insights.failed());
        assertEquals(0, insights.workers().get(0).tasksFailed(), "its counters went with its end");
    }

    @Test
    void aMemberNeverLaunchedHereGetsCountersButNoProcReading() throws IOException {
        InsightsRecorder recorder = recorder();
        writeProc(555, 100, 1, 1); // a local pid with the same number as the remote member's
        recorder.taskFinished(task(1, "member 10.0.0.2:5701", Duration.ofMillis(10), Outcome.ANSWERED), null);
        WorkerInsights member = recorder.snapshot(0, 0, List.of(new LiveWorker("member 10.0.0.2:5701", 555,
                WorkerInfo.State.RUNNING, null)), List.of()).workers().get(0);
        assertEquals(1, member.tasksCompleted());
        assertEquals(-1, member.rssBytes());
    }

    @Test
    void theTaskStreamHoldsTheLastMinuteOldestFirst() {
        InsightsRecorder recorder = recorder();
        recorder.taskFinished(task(1, "w-1", Duration.ofMillis(1), Outcome.ANSWERED), null);
        clock.advance(Duration.ofSeconds(61));
        recorder.taskFinished(task(2, "w-1", Duration.ofMillis(1), Outcome.ANSWERED), null);
        clock.advance(Duration.ofSeconds(1));
        recorder.taskFinished(task(3, "w-1", Duration.ofMillis(1), Outcome.ANSWERED), null);
        List<Long> ids = recorder.snapshot(0, 0, List.of(), List.of()).recentTasks().stream()
                .map(TaskInsights::id).toList();
        assertEquals(List.of(2L, 3L), ids);
    }

    @Test
    void theTaskStreamIsBounded() {
        InsightsRecorder recorder = recorder();
        for (int i = 0; i < InsightsRecorder.RECENT + 100; i++) {
            recorder.taskFinished(task(i, "w-1", Duration.ofMillis(1), Outcome.ANSWERED), null);
        }
        List<TaskInsights> recent = recorder.snapshot(0, 0, List.of(), List.of()).recentTasks();
        assertEquals(InsightsRecorder.RECENT, recent.size());
    }

    @Test
    void callsAreTheOwnersProgressAsGiven() {
        Progress progress = new Progress(3, 1, OptionalLong.of(10), Duration.ofSeconds(2), false);
        assertEquals(List.of(progress), recorder().snapshot(0, 0, List.of(), List.of(progress)).calls());
    }

    @Test
    void argumentsAreSummarizedShortAndOnlyWhenAsked() {
        assertFalse(recorder().recordsArguments());
        assertEquals("[1, [a, b], null]", InsightsRecorder.summarize(new Object[] {1, new String[] {"a", "b"}, null}));
        String summary = InsightsRecorder.summarize("x".repeat(500));
        assertEquals(InsightsRecorder.ARGUMENTS_MAX_CHARS, summary.length());
        assertTrue(summary.endsWith("..."));
        assertNull(task(1, "w", Duration.ZERO, Outcome.ANSWERED).arguments());
    }

    @Test
    void concurrentTasksAreAllCounted() throws InterruptedException {
        InsightsRecorder recorder = recorder();
        recorder.workerLaunched("w-1", 101);
        TaskInsights one = task(1, "w-1", Duration.ofMillis(2), Outcome.ANSWERED);
        List<Thread> threads = IntStream.range(0, 4).mapToObj(n -> new Thread(() -> {
            for (int i = 0; i < 10_000; i++) {
                recorder.taskFinished(one, null);
            }
        })).toList();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        PoolInsights insights = recorder.snapshot(0, 0, List.of(new LiveWorker("w-1", 101,
                WorkerInfo.State.RUNNING, null)), List.of());
        assertEquals(40_000, insights.completed());
        assertEquals(40_000, insights.workers().get(0).tasksCompleted());
        assertEquals(Duration.ofMillis(80_000), insights.workers().get(0).busy());
    }
}
