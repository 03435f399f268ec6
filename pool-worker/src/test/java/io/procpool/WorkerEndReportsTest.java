package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the pool reports about workers that ended: how many it started to replace them, and why each ended.
 *
 * <p>Threading: JUnit's thread and the pool's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class WorkerEndReportsTest {

    @Test
    void respawnCountCountsTheReplacementsOfWorkersThatDiedAfterTheirLastTask() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("respawning").maxTasksPerWorker(1).build()) {
            for (int i = 0; i < 5; i++) {
                assertThrows(WorkerDiedException.class, () -> pool.apply(FaultTasks.exit(3)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.respawnCount() == 5);
            assertEquals(1, pool.apply(() -> 1), "the fifth replacement serves");
        }
    }

    @Test
    void anIdleWorkerThatIsKilledIsNotSaidToHaveRunATask() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("idle-kill").build()) {
            assertEquals(1, pool.apply(() -> 1));
            WorkerInfo idle = pool.workers().get(0);
            ProcessHandle.of(idle.pid()).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.insights().endedWorkers().stream()
                    .anyMatch(ended -> ended.name().equals(idle.name())));
            EndedWorker ended = pool.insights().endedWorkers().stream()
                    .filter(each -> each.name().equals(idle.name())).findFirst().orElseThrow();
            assertEquals(-9, ended.exitCode());
            assertTrue(ended.reason().contains("SIGKILL"), ended.reason());
            assertFalse(ended.reason().contains("running the task"), ended.reason());
            assertEquals(2, pool.apply(() -> 2), "its replacement serves");
        }
    }
}
