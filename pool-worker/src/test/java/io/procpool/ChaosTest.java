package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.FaultTasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * 20,000 tasks from 4 threads on a 2-worker pool while about 1% of them kill their worker (SIGKILL, System.exit,
 * Runtime.halt): every future completes exactly once, every innocent task has its exact result, every fault task fails
 * with WorkerDiedException, and the pool still serves with 2 live workers afterwards.
 */
class ChaosTest {
    private static final int THREADS = 4;
    private static final int TASKS_PER_THREAD = 5_000;
    /** One task in this many kills its worker. */
    private static final int FAULT_EVERY = 100;

    private static boolean isFault(int task) {
        return task % FAULT_EVERY == 37;
    }

    private static TaskCallable<Integer> faultFor(int task) {
        return switch ((task / FAULT_EVERY) % 3) {
            case 0 -> FaultTasks.sigkillSelf();
            case 1 -> FaultTasks.exit(5);
            default -> FaultTasks.halt(6);
        };
    }

    @Test
    void everyTaskCompletesExactlyOnceWhileWorkersDie() throws Exception {
        long start = System.nanoTime();
        int total = THREADS * TASKS_PER_THREAD;
        AtomicIntegerArray completions = new AtomicIntegerArray(total);
        List<CompletableFuture<Integer>> futures = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            futures.add(null);
        }
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("chaos").build()) {
            ExecutorService submitters = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int first = t * TASKS_PER_THREAD;
                    done.add(submitters.submit(() -> {
                        for (int i = first; i < first + TASKS_PER_THREAD; i++) {
                            int task = i;
                            CompletableFuture<Integer> future = isFault(task) ? pool.applyAsync(faultFor(task))
                                    : pool.applyAsync((Integer x) -> x * 2 + 1, task);
                            future.whenComplete((value, error) -> completions.incrementAndGet(task));
                            futures.set(task, future);
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                submitters.shutdownNow();
            }
            int faults = 0;
            for (int i = 0; i < total; i++) {
                CompletableFuture<Integer> future = futures.get(i);
                if (isFault(i)) {
                    faults++;
                    try {
                        future.get(60, TimeUnit.SECONDS);
                        throw new AssertionError("fault task " + i + " succeeded");
                    } catch (ExecutionException e) {
                        assertTrue(e.getCause() instanceof WorkerDiedException, "task " + i + ": " + e.getCause());
                    }
                } else {
                    assertEquals(i * 2 + 1, future.get(60, TimeUnit.SECONDS), "task " + i);
                }
            }
            for (int i = 0; i < total; i++) {
                assertEquals(1, completions.get(i), "task " + i + " completed exactly once");
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> pool.workers().stream()
                    .filter(w -> w.state() == WorkerInfo.State.RUNNING).count() == 2);
            assertEquals(List.of(1, 3, 5), pool.map(x -> x * 2 + 1, List.of(0, 1, 2)));
            System.out.printf("chaos: %d tasks, %d faults injected, %d respawns, %.1f s%n", total, faults,
                    pool.respawnCount(), (System.nanoTime() - start) / 1e9);
        } catch (TimeoutException e) {
            throw new AssertionError("a future never completed", e);
        }
    }
}
