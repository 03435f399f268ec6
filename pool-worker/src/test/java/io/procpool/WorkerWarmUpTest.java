package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fresh worker warms its codec while idle after hello; the warm-up yields to the first task (its thread ends while
 * the task runs) and prints nothing.
 */
@Timeout(60)
class WorkerWarmUpTest {

    /** Runs in the worker: waits until no warm-up thread is alive there. */
    private static boolean warmUpEnds() {
        await().atMost(Duration.ofSeconds(20)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().endsWith("-warm-up") && t.isAlive()));
        return true;
    }

    @Test
    void theWarmUpEndsWhenTheFirstTaskRunsAndPrintsNothing() {
        org.slf4j.LoggerFactory.getLogger(WorkerWarmUpTest.class); // the parent's own logging set-up may print once
        try (CapturedOutput output = new CapturedOutput()) {
            try (ProcessPool pool = ProcessPool.builder().workers(1).build()) {
                assertEquals(true, pool.apply(WorkerWarmUpTest::warmUpEnds));
                assertEquals(java.util.List.of(2, 3, 4), pool.map((Integer x) -> x + 1, java.util.List.of(1, 2, 3)));
            }
            assertEquals(java.util.List.of(), output.stdout());
            assertEquals(java.util.List.of(), output.stderr());
        }
    }
}
