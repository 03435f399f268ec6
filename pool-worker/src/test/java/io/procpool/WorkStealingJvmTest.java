package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Work stealing on real worker JVMs: a straggler is first in the input, so the first writer to take work puts it and
 * the task after it into one worker's window; the other worker runs the rest and, idle, takes back the task that waits
 * behind the straggler. Every quick task arrives before the straggler ends.
 *
 * <p>Threading: JUnit's thread and the pool's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkStealingJvmTest {
    private static final int STRAGGLER_MILLIS = 4_000;

    static int park(int millis) throws InterruptedException {
        Thread.sleep(millis);
        return millis;
    }

    @Test
    void noQuickTaskWaitsBehindAStragglerWhileAnotherWorkerIdles() {
        List<Integer> input = new ArrayList<>(List.of(STRAGGLER_MILLIS));
        IntStream.range(0, 40).forEach(i -> input.add(1));
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("steal").build();
             Stream<Integer> results = pool.imapUnordered(WorkStealingJvmTest::park, input, 1)) {
            long start = System.nanoTime();
            Iterator<Integer> it = results.iterator();
            for (int i = 0; i < 40; i++) {
                assertEquals(1, it.next(), "a quick task came after the straggler");
            }
            long quickMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(quickMillis < STRAGGLER_MILLIS, "the quick tasks took " + quickMillis + " ms");
            assertEquals(STRAGGLER_MILLIS, it.next());
        }
    }

    /**
     * The quick tasks arrive after the straggler started, one at a time: the writer of the straggler's worker may put
     * one behind it, and the idle worker must take it back (it waited with no deadline, nothing was stealable yet).
     */
    @Test
    void aTaskThatArrivesAfterAStragglerStartedDoesNotWaitBehindIt() {
        ProcessPool pool = ProcessPool.builder().workers(2).name("late").build();
        try {
            assertEquals(20, pool.map(x -> x, IntStream.range(0, 20).boxed().toList(), 1).size()); // warm: both ran
            CompletableFuture<Integer> straggler = pool.applyAsync(WorkStealingJvmTest::park, 120_000);
            await().atMost(Duration.ofSeconds(20)).until(() -> pool.insights().workers().stream()
                    .anyMatch(worker -> worker.currentTask() != null));
            for (int i = 0; i < 4; i++) {
                CompletableFuture<Integer> quick = pool.applyAsync(() -> 1);
                await().atMost(Duration.ofSeconds(20)).until(quick::isDone);
                assertEquals(1, quick.join());
            }
            assertFalse(straggler.isDone(), "the straggler ended: the quick tasks may have waited for it");
        } finally {
            pool.terminate(); // close() would wait for the straggler
        }
    }
}
