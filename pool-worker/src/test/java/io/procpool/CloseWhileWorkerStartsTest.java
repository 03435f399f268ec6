package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.procpool.faults.FaultTasks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * close() while a worker is still starting (a replacement of one that died or retired): the pool waits for its hello
 * and sends it SHUTDOWN, so it exits with 0 like the others; it is not killed after the stop grace.
 *
 * <p>Threading: JUnit's thread and the pool's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CloseWhileWorkerStartsTest {

    @Test
    void closeWhileAReplacementStartsShutsItDownInsteadOfKillingIt() {
        ProcessPool pool = ProcessPool.builder().workers(2).name("closing").build();
        String exited;
        try {
            exited = assertThrows(WorkerDiedException.class, () -> pool.apply(FaultTasks.exit(1))).workerName();
            await().pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> pool.workers()
                    .stream().anyMatch(worker -> worker.state() == WorkerInfo.State.STARTING));
        } finally {
            pool.close();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.insights().endedWorkers().size() == 3);
        List<EndedWorker> ended = pool.insights().endedWorkers();
        for (EndedWorker worker : ended) {
            int expected = worker.name().equals(exited) ? 1 : 0;
            assertEquals(expected, worker.exitCode(), worker.name() + " ended so: " + ended);
        }
    }

    @Test
    void closeWhileWorkersThatRetiredAfterMaxTasksAreReplacedKillsNone() {
        ProcessPool pool = ProcessPool.builder().workers(2).name("recycled").maxTasksPerWorker(2).build();
        try {
            assertEquals(List.of(0, 1, 2, 3, 4, 5), pool.map(x -> x, List.of(0, 1, 2, 3, 4, 5), 1));
        } finally {
            pool.close();
        }
        // Every worker that was started has ended: as many ended as the highest worker number.
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.insights().endedWorkers().size()
                == pool.insights().endedWorkers().stream()
                .mapToInt(worker -> Integer.parseInt(worker.name().substring("recycled-worker-".length())))
                .max().orElse(-1));
        for (EndedWorker worker : pool.insights().endedWorkers()) {
            assertEquals(0, worker.exitCode(), worker.name() + " ended so: " + pool.insights().endedWorkers());
        }
    }
}
