package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Pool#insights()} on a real {@link ProcessPool}: the workers with the pids {@link Pool#workers()} reports,
 * their counters, memory and CPU from {@code /proc}, the task currently running, a running imap's progress, a
 * failure with its remote trace, a worker death with its respawn.
 *
 * <p>Threading: the test thread drives the pool; Awaitility polls snapshots.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolInsightsTest {

    static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(20);
        return x * x;
    }

    @Test
    void workersCountersAndFunctionNamesMatchWhatThePoolDid() {
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("seen").build()) {
            pool.map(PoolInsightsTest::slowSquare, IntStream.range(0, 20).boxed().toList(), 1);
            PoolInsights insights = pool.insights();

            Set<Long> pids = pool.workers().stream().map(WorkerInfo::pid).collect(Collectors.toSet());
            assertEquals(pids, insights.workers().stream().map(WorkerInsights::pid).collect(Collectors.toSet()));
            assertEquals(20, insights.completed());
            assertEquals(20, insights.workers().stream().mapToLong(WorkerInsights::tasksCompleted).sum());
            for (WorkerInsights worker : insights.workers()) {
                assertTrue(worker.startup().toMillis() > 0, worker.toString());
                assertTrue(worker.busy().toMillis() >= 20 * worker.tasksCompleted(), () -> worker + " "
                        + insights.recentTasks().stream().map(t -> t.worker() + ":" + t.runTime().toMillis()).toList());
                assertTrue(worker.busyRatio() > 0 && worker.busyRatio() <= 1, worker.toString());
                if (System.getProperty("os.name").startsWith("Linux")) {
                    assertTrue(worker.rssBytes() > 10L << 20, worker.toString());
                    assertTrue(worker.cpuTime().orElseThrow().toMillis() > 0, worker.toString());
                }
            }
            TaskInsights slowest = insights.slowest().get(0);
            assertEquals("PoolInsightsTest.slowSquare", slowest.function());
            assertTrue(slowest.runTime().toMillis() >= 20, slowest.toString());
            assertNull(slowest.arguments(), "arguments are off by default");
            assertTrue(insights.tasksPerSecond() > 0);
            assertEquals(20, insights.recentTasks().size());
            // the call's last count lands just after the caller has its result
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.insights().calls().isEmpty());
        }
    }

    @Test
    void aRunningImapShowsItsProgressAndEachWorkersCurrentTask() {
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("running").recordArguments(true).build()) {
            List<Integer> items = IntStream.range(0, 400).boxed().toList();
            try (Stream<Integer> results = pool.imap(PoolInsightsTest::slowSquare, items.stream(),
                    p -> { }, Duration.ofSeconds(1))) {
                Iterator<Integer> iterator = results.iterator();
                for (int i = 0; i < 10; i++) {
                    iterator.next();
                }
                PoolInsights insights = await().atMost(Duration.ofSeconds(30)).until(pool::insights,
                        snapshot -> snapshot.workers().stream().allMatch(w -> w.currentTask().isPresent()));
                Progress call = insights.calls().get(0);
                assertEquals(400, call.total().orElseThrow());
                assertTrue(call.done() >= 10, call.toString());
                CurrentTask current = insights.workers().get(0).currentTask().orElseThrow();
                assertEquals("PoolInsightsTest.slowSquare", current.function());
                assertTrue(insights.recentTasks().stream().allMatch(t -> t.arguments() != null
                        && t.arguments().startsWith("[")), "recordArguments(true) keeps them");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.insights().calls().isEmpty());
        }
    }

    @Test
    void aFailureAndAWorkerDeathAreRecordedWithTraceExitCodeAndRespawn() {
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("hurt").build()) {
            TaskCallable<Integer> failing = () -> {
                throw new IllegalStateException("no such item");
            };
            assertThrows(TaskFailedException.class, () -> pool.apply(failing));
            ExecutionException death = assertThrows(ExecutionException.class,
                    () -> pool.applyAsync(FaultTasks.halt(7)).get());
            WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, death.getCause());

            await().atMost(Duration.ofSeconds(30)).until(() -> pool.insights().endedWorkers().size() == 1
                    && pool.insights().workers().size() == 2);
            PoolInsights insights = pool.insights();
            assertEquals(2, insights.failed());
            assertEquals(1, insights.respawns());
            FailureInsights threw = insights.recentFailures().get(1);
            assertEquals(IllegalStateException.class.getName(), threw.exceptionClass());
            assertEquals("no such item", threw.message());
            assertTrue(threw.trace().contains("PoolInsightsTest"), "the worker's frames: " + threw.trace());
            FailureInsights halted = insights.recentFailures().get(0);
            assertEquals(TaskInsights.Outcome.WORKER_DIED, halted.outcome());
            EndedWorker ended = insights.endedWorkers().get(0);
            assertEquals(died.workerName(), ended.name());
            assertEquals(died.pid(), ended.pid());
            assertEquals(7, ended.exitCode());
            assertTrue(ended.respawned());
            assertTrue(ended.reason().contains("exit"), ended.reason());
        }
    }
}
