package io.procpool.internal.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.procpool.internal.task.Task;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Work stealing ({@link StealPlanner}, {@link Placement}), with fake workers: a task sent into the window of a worker whose running task
 * goes on and on is taken back (UNQUEUE, answered CANCELLED by the worker) and run by a worker that idles, once, and
 * the take-back never ends the task as cancelled.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkStealingTest {

    @RepeatedTest(20)
    void aTaskQueuedBehindAStragglerIsTakenBackByAnIdleWorkerAndRunsOnce() {
        try (FakePool pool = FakePool.start(2)) {
            // two windows of two: all four are sent, so one task waits behind the straggler
            Task straggler = pool.submit(FakeWorker.HOLD + "a");
            List<Task> others = pool.submitAll(FakeWorker.HOLD + "b", "c", "d");
            pool.awaitReceived(straggler);

            Task held = others.get(0);
            pool.startedBy(held).release(held.id()); // wherever it was sent, it runs (stolen if need be)
            for (Task task : others) {
                assertEquals("answered", pool.verify(task, List.of(FakeWorker.HOLD + "b", "c", "d")
                        .get(others.indexOf(task))), task + " waited behind the straggler");
            }
            assertFalse(straggler.isDone(), "the straggler is still running");

            pool.startedBy(straggler).release(straggler.id());
            assertEquals("answered", pool.verify(straggler, FakeWorker.HOLD + "a"));
        }
    }
}
