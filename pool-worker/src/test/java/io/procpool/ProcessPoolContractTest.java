package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link PoolContractTest} against the local pool (two worker JVMs on this machine), plus what only a
 * {@link ProcessPool} promises: named workers, a failed task leaves its worker in place, close stops the worker JVMs.
 *
 * <p>Threading: JUnit's; the pool is shared by the class's tests and closed after them.
 */
class ProcessPoolContractTest extends PoolContractTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("contract").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Override
    protected Pool pool() {
        return pool;
    }

    @Override
    protected Pool newPool() {
        return ProcessPool.create(2);
    }

    @Test
    void workersAreNamedAfterThePool() {
        List<String> names = pool.workers().stream().map(WorkerInfo::name).sorted().toList();
        assertEquals(List.of("contract-worker-1", "contract-worker-2"), names);
        assertTrue(pool.workers().stream().allMatch(w -> w.state() == WorkerInfo.State.RUNNING));
    }

    @Test
    void aFailedTaskNamesItsWorkerWhichIsNotReplaced() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.apply(() -> failingStep(2)));
        assertTrue(e.workerName().startsWith("contract-worker-"), e::workerName);
        assertEquals(0, pool.respawnCount());
    }

    @Test
    void closeStopsTheWorkerJvms() {
        ProcessPool closing = ProcessPool.create(2);
        List<Long> pids = closing.workers().stream().map(WorkerInfo::pid).toList();
        closing.close();
        assertTrue(closing.workers().isEmpty(), closing.workers()::toString);
        for (long pid : pids) {
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).isEmpty()
                    || !ProcessHandle.of(pid).get().isAlive());
        }
    }
}
