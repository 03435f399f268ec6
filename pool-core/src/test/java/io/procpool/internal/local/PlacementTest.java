package io.procpool.internal.local;

import static io.procpool.internal.local.FakePool.awaitEnd;
import static io.procpool.internal.local.FakePool.until;
import static io.procpool.internal.local.FakeWorker.HOLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rules of the owner of a task's life ({@link Placement}, with {@link LocalSink}, {@link Watchdog}, {@link WorkerEnds}, {@link Supervisor} and
 * {@link WorkerConnection} around it), checked against {@link FakeWorker}s in threads of this JVM: no child JVM, so each
 * rule is checked at the moment it matters (a worker holding exactly these tasks dies now) instead of hoping a real
 * worker is there at that moment. End-to-end tests with real workers live in pool-worker.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PlacementTest {

    private static List<Long> ids(List<Task> tasks) {
        return tasks.stream().map(Task::id).toList();
    }

    @ParameterizedTest(name = "with its EXIT frame: {0}")
    @ValueSource(booleans = {true, false})
    void aDeadWorkerFailsOnlyItsRunningTaskAndRequeuesTheRestInOrder(boolean exitFrame) {
        // The first fake reports tasks that take no time, so after one answer its window opens wide.
        try (FakePool pool = FakePool.start(1, n -> FakeWorker.Faults.NONE.reporting(0))) {
            Task warm = pool.submit("warm");
            assertEquals("warm", awaitEnd(warm));
            Task running = pool.submit(HOLD + "running");
            List<Task> behind = pool.submitAll("b", "c", "d", "e");
            pool.awaitReceived(behind.toArray(Task[]::new));
            FakeWorker first = pool.startedBy(running);

            first.die(exitFrame);

            assertEquals("worker died", pool.verify(running, HOLD + "running"));
            WorkerDiedException death = assertInstanceOf(WorkerDiedException.class, running.outcome().failure());
            assertEquals(exitFrame ? 3 : -9, death.exitCode());
            assertEquals(first.name, death.workerName());
            for (Task task : behind) {
                pool.verify(task, List.of("b", "c", "d", "e").get(behind.indexOf(task)));
                assertInstanceOf(Outcome.Answered.class, task.outcome(), task.toString());
                assertEquals(1, task.completionAttempts(), task + " was ended more than once");
            }
            assertEquals(List.of(warm.id(), running.id()), first.started());
            assertEquals(ids(behind), pool.worker(2).started(), "the requeued tasks ran in their order");
            assertEquals(1, running.completionAttempts());
            assertEquals(1, pool.sink.respawns());
        }
    }

    @ParameterizedTest(name = "with its EXIT frame: {0}")
    @ValueSource(booleans = {true, false})
    void aWorkerThatDiesAfterTwoTasksFailsOnlyTheThirdWithItsExitCode(boolean exitFrame) {
        try (FakePool pool = FakePool.start(1, n -> n == 1 ? FakeWorker.Faults.NONE.dieAfter(2, exitFrame)
                : FakeWorker.Faults.NONE)) {
            String[] values = {"t1", "t2", "t3", "t4", "t5", "t6"};
            List<Task> tasks = pool.submitAll(values);
            List<Task> failed = new ArrayList<>();
            for (Task task : tasks) {
                if (!pool.verify(task, values[tasks.indexOf(task)]).equals("answered")) {
                    failed.add(task);
                }
                assertEquals(1, task.completionAttempts(), task + " was ended more than once");
            }
            FakeWorker first = pool.worker(1);
            assertEquals(3, first.started().size());
            assertEquals(List.of(first.started().get(2)), ids(failed), "only the task it ran when it died failed");
            WorkerDiedException death = assertInstanceOf(WorkerDiedException.class, failed.get(0).outcome().failure());
            assertEquals(exitFrame ? 3 : -9, death.exitCode());
        }
    }

    @Test
    void aTimedOutTaskFailsAloneAndTheTasksBehindItRunOnTheReplacement() {
        try (FakePool pool = FakePool.start(1)) {
            Task slow = pool.submit(HOLD + "slow");
            Task behind = pool.submit("behind");
            pool.awaitReceived(slow, behind);
            FakeWorker first = pool.startedBy(slow);

            pool.sink.watchdog.checkTimeouts(Duration.ZERO);

            assertEquals("timed out", pool.verify(slow, HOLD + "slow"));
            assertInstanceOf(Outcome.TimedOut.class, slow.outcome());
            assertEquals("answered", pool.verify(behind, "behind"));
            assertEquals(List.of(behind.id()), pool.worker(2).started());
            assertTrue(first.isDead());
        }
    }

    @Test
    void aLateAnswerAfterATimeoutIsDropped() throws Exception {
        // The fake's stdout outlives it (a process it started holds fd 1), so its answer arrives after the pool has
        // stopped waiting for the drain and failed the task with its timeout.
        try (FakePool pool = FakePool.start(1, n -> n == 1 ? FakeWorker.Faults.NONE.keepingStdoutOpenAfterDeath()
                : FakeWorker.Faults.NONE)) {
            Task task = pool.submit(HOLD + "late");
            FakeWorker first = pool.startedBy(task);
            pool.sink.watchdog.checkTimeouts(Duration.ZERO);
            assertEquals("timed out", pool.verify(task, HOLD + "late"));
            int signals = first.process.signals();

            first.writeRaw(FakeWorker.encodedFrame(new ToParent.Result(task.id(),
                    new Encoded(Codec.encodeTimed(0, HOLD + "late", "result")))));
            // An unexpected frame after it makes the reader kill the worker: once it has, the answer was read.
            first.writeRaw(FakeWorker.encodedFrame(new ToParent.Retiring()));
            first.writeRaw(FakeWorker.encodedFrame(new ToParent.Hello(Encoded.NONE)));
            until(() -> first.process.signals() > signals);

            assertInstanceOf(TaskTimeoutException.class, task.outcome().failure());
            assertEquals(1, task.completionAttempts(), "the late answer reached the task");
            first.process.closeStdout();
            assertEquals("answered", pool.verify(pool.submit("next"), "next"));
        }
    }

    @Test
    void aCancelledQueuedTaskNeverReachesAWorker() {
        try (FakePool pool = FakePool.start(1)) {
            Task running = pool.submit(HOLD + "a");
            Task windowed = pool.submit("b");
            Task queued = pool.submit("c"); // the window holds two tasks until a run time is known
            pool.awaitReceived(running, windowed);

            assertTrue(queued.future().cancel(true));
            pool.startedBy(running).release(running.id());

            assertEquals("answered", pool.verify(running, HOLD + "a"));
            assertEquals("answered", pool.verify(windowed, "b"));
            assertEquals("answered", pool.verify(pool.submit("d"), "d"));
            assertEquals("cancelled", pool.verify(queued, "c"));
            assertEquals(1, queued.completionAttempts());
            assertTrue(pool.workers().stream().noneMatch(fake -> fake.received().contains(queued.id())),
                    "the cancelled task was sent to a worker");
        }
    }

    @Test
    void aCancelledTaskInTheWorkersWindowIsSkippedAndSparesTheTaskItRuns() {
        try (FakePool pool = FakePool.start(1)) {
            Task running = pool.submit(HOLD + "a");
            Task windowed = pool.submit("b");
            pool.awaitReceived(running, windowed);
            FakeWorker worker = pool.startedBy(running);

            assertTrue(windowed.future().cancel(true));
            until(() -> worker.gotCancelOf(windowed.id())); // else it may start the task before it reads the CANCEL
            worker.release(running.id());

            assertEquals("answered", pool.verify(running, HOLD + "a"));
            assertEquals("cancelled", pool.verify(windowed, "b"));
            assertFalse(worker.started().contains(windowed.id()));
            assertEquals("answered", pool.verify(pool.submit("c"), "c"));
            assertFalse(worker.isDead());
            assertEquals(1, pool.workers().size());
            // the worker's CANCELLED confirmation is a second, dropped attempt
            until(() -> windowed.completionAttempts() == 2);
        }
    }

    @Test
    void aStalledTaskThatIgnoresItsCancelIsKilledAfterTheGraceAndFailsOnlyItself() {
        try (FakePool pool = FakePool.start(1, n -> n == 1 ? FakeWorker.Faults.NONE.stallAfter(0)
                : FakeWorker.Faults.NONE)) {
            Task stalled = pool.submit("stalls");
            Task behind = pool.submit("behind");
            pool.awaitReceived(stalled, behind);
            FakeWorker first = pool.startedBy(stalled);

            assertTrue(stalled.future().cancel(true));

            until(first::isDead); // after Watchdog.CANCEL_GRACE_MILLIS
            assertEquals("cancelled", pool.verify(stalled, "stalls"));
            assertEquals("answered", pool.verify(behind, "behind"));
            assertEquals(List.of(behind.id()), pool.worker(2).started());
        }
    }

    @Test
    void aRetiringWorkerRequeuesEverythingItHeldAndBlamesNothing() {
        try (FakePool pool = FakePool.start(1, n -> n == 1 ? FakeWorker.Faults.NONE.retireAfter(1).reporting(0)
                : FakeWorker.Faults.NONE)) {
            String[] values = {"t1", "t2", "t3", "t4", "t5", "t6"};
            List<Task> tasks = pool.submitAll(values);
            for (Task task : tasks) {
                assertEquals("answered", pool.verify(task, values[tasks.indexOf(task)]));
                assertEquals(1, task.completionAttempts());
            }
            FakeWorker first = pool.worker(1);
            until(first::isDead);
            assertEquals(0, first.process.exitValue(), "it exited on the pool's SHUTDOWN");
            assertEquals(List.of(tasks.get(0).id()), first.started());
            assertEquals(ids(tasks.subList(1, tasks.size())), pool.worker(2).started(), "requeued in order");
            assertEquals(1, pool.sink.respawns(), "the retired worker's replacement counts (API.md)");
            assertEquals(1, pool.sink.workers().size());
            assertEquals(2, pool.workers().size(), "the retiring worker was replaced once");
        }
    }

    @Test
    void garbageWhileIdleFailsNoTask() throws Exception {
        try (FakePool pool = FakePool.start(1)) {
            assertEquals("answered", pool.verify(pool.submit("before"), "before"));
            FakeWorker first = pool.worker(1);

            first.writeRaw("native code printed this line on fd 1\n".getBytes(StandardCharsets.UTF_8));

            List<Task> after = pool.submitAll("x", "y", "z");
            for (Task task : after) {
                assertEquals("answered", pool.verify(task, List.of("x", "y", "z").get(after.indexOf(task))));
            }
            assertFalse(first.isDead(), "bytes between frames are skipped: the worker serves on");
            assertEquals(List.of(first), pool.workers());
        }
    }

    @Test
    void aWorkerThatDiesWhileIdleFailsNoTask() {
        // Its stdout outlives it (a process it started holds fd 1), so the pool handles its exit only after the
        // drain gives up, seconds later: tasks submitted meanwhile must not be given to it and failed as its own.
        try (FakePool pool = FakePool.start(1, n -> n == 1 ? FakeWorker.Faults.NONE.keepingStdoutOpenAfterDeath()
                : FakeWorker.Faults.NONE)) {
            assertEquals("answered", pool.verify(pool.submit("before"), "before"));
            FakeWorker first = pool.worker(1);

            first.die(false);

            List<Task> after = pool.submitAll("x", "y");
            for (Task task : after) {
                assertEquals("answered", pool.verify(task, List.of("x", "y").get(after.indexOf(task))));
            }
            first.process.closeStdout();
        }
    }

    @Test
    void answersOutOfOrderEachEndTheirOwnTask() {
        try (FakePool pool = FakePool.start(1, n -> FakeWorker.Faults.NONE.answeringOutOfOrder())) {
            String[] values = {"t1", "t2", "t3", "t4", "t5", "t6"};
            List<Task> tasks = pool.submitAll(values);
            for (Task task : tasks) {
                assertEquals("answered", pool.verify(task, values[tasks.indexOf(task)]));
                assertEquals(1, task.completionAttempts());
            }
            List<Long> answered = pool.worker(1).answered();
            assertEquals(List.of(tasks.get(1).id(), tasks.get(0).id()), answered.subList(0, 2),
                    "the fake answered in order: this test proves nothing");
        }
    }

    @Test
    void theWindowHoldsTwoTasksUntilARunTimeIsKnownAndNoMoreForLongTasks() {
        // 5 ms a task: after the first answer the window stays at ceil(10 ms / 5 ms) = 2
        try (FakePool pool = FakePool.start(1, n -> FakeWorker.Faults.NONE.reporting(5_000_000))) {
            Task held = pool.submit(HOLD + "first");
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < 49; i++) {
                tasks.add(pool.submit("t" + i));
            }
            FakeWorker worker = pool.startedBy(held);
            until(() -> worker.received().size() >= 2);
            assertEquals(48, pool.sink.placement.queued(), "the window took more than two tasks");

            worker.release(held.id());

            assertEquals("answered", pool.verify(held, HOLD + "first"));
            tasks.forEach(task -> assertEquals("answered", pool.verify(task, "t" + tasks.indexOf(task))));
            assertEquals(2, worker.maxUnanswered());
        }
    }

    @Test
    void theWindowNeverHoldsMoreThanItsLimitForTinyTasks() {
        int limit = 256; // LocalWorker.MAX_WINDOW
        try (FakePool pool = FakePool.start(1, n -> FakeWorker.Faults.NONE.reporting(0))) {
            assertEquals("answered", pool.verify(pool.submit("warm"), "warm"));
            Task held = pool.submit(HOLD + "first");
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < 2 * limit; i++) {
                tasks.add(pool.submit("t" + i));
            }
            FakeWorker worker = pool.startedBy(held);
            until(() -> worker.received().size() >= 1 + limit); // "warm", then the held task and limit - 1 more
            assertEquals(limit + 1, pool.sink.placement.queued(), "the window took more than its limit");

            worker.release(held.id());

            assertEquals("answered", pool.verify(held, HOLD + "first"));
            tasks.forEach(task -> assertEquals("answered", pool.verify(task, "t" + tasks.indexOf(task))));
            assertEquals(limit, worker.maxUnanswered());
        }
    }

    @Test
    void closeWaitsForAcceptedWork() throws Exception {
        FakePool pool = FakePool.start(1);
        try {
            Task held = pool.submit(HOLD + "a");
            List<Task> rest = pool.submitAll("b", "c");
            FakeWorker worker = pool.startedBy(held);
            AtomicBoolean allDoneWhenCloseReturned = new AtomicBoolean();
            Thread closer = new Thread(() -> {
                pool.sink.close();
                allDoneWhenCloseReturned.set(held.isDone() && rest.stream().allMatch(Task::isDone));
            }, "closer");
            closer.start();
            until(() -> closer.getState() == Thread.State.WAITING);

            assertTrue(closer.isAlive(), "close() returned with a task running");
            assertThrows(RejectedExecutionException.class, () -> pool.submit("too late"));
            worker.release(held.id());
            closer.join(10_000);

            assertFalse(closer.isAlive());
            assertTrue(allDoneWhenCloseReturned.get(), "close() returned before its accepted tasks ended");
            assertEquals("answered", pool.verify(held, HOLD + "a"));
            assertEquals("answered", pool.verify(rest.get(0), "b"));
            assertEquals("answered", pool.verify(rest.get(1), "c"));
            assertTrue(worker.isDead());
            assertEquals(0, worker.process.exitValue(), "the worker exited on SHUTDOWN");
            assertTrue(pool.sink.workers().isEmpty());
        } finally {
            pool.close();
        }
    }

    @Test
    void terminateCancelsEverythingUnfinished() {
        FakePool pool = FakePool.start(1);
        Task running = pool.submit(HOLD + "a");
        List<Task> rest = pool.submitAll("b", "c", "d");
        pool.awaitReceived(running, rest.get(0));
        FakeWorker worker = pool.startedBy(running);

        pool.sink.terminate();

        for (Task task : List.of(running, rest.get(0), rest.get(1), rest.get(2))) {
            assertEquals("cancelled", pool.verify(task, "unused"), task.toString());
            assertEquals(1, task.completionAttempts(), task + " was ended more than once");
        }
        assertTrue(worker.isDead());
        assertEquals(143, worker.process.exitValue(), "terminate() sends SIGTERM");
        assertThrows(RejectedExecutionException.class, () -> pool.submit("after"));
        assertTrue(pool.workers().stream().noneMatch(fake -> fake.started().contains(rest.get(1).id())));
    }
}
