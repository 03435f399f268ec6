package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.procpool.faults.FaultTasks;
import io.procpool.faults.RunLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 20,000 tasks from 4 threads on a 2-worker pool while about 1% of them kill their worker (SIGKILL, System.exit,
 * Runtime.halt): every future completes, every innocent task has its exact result and ran exactly once (the workers
 * write an append-only {@link RunLog}), every fault task fails with a WorkerDiedException that names the worker it
 * really ran in, and the pool still serves with 2 live workers afterwards.
 *
 * <p>Threading: four submitting threads, then JUnit's thread checks.
 */
class ChaosTest {
    private static final int THREADS = 4;
    private static final int TASKS_PER_THREAD = 5_000;
    /** One task in this many kills its worker. */
    private static final int FAULT_EVERY = 100;

    private static boolean isFault(int task) {
        return task % FAULT_EVERY == 37;
    }

    private static TaskCallable<Integer> faultFor(int task, String log) {
        TaskCallable<Integer> fault = switch ((task / FAULT_EVERY) % 3) {
            case 0 -> FaultTasks.sigkillSelf();
            case 1 -> FaultTasks.exit(5);
            default -> FaultTasks.halt(6);
        };
        return () -> {
            RunLog.append(log, task);
            return fault.call();
        };
    }

    @Test
    void everyTaskRunsAtMostOnceAndCompletesWithItsOwnOutcomeWhileWorkersDie(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        int total = THREADS * TASKS_PER_THREAD;
        String log = dir.resolve("runs.log").toString();
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
                            CompletableFuture<Integer> future = isFault(task)
                                    ? pool.applyAsync(faultFor(task, log))
                                    : pool.applyAsync((Integer x) -> {
                                        RunLog.append(log, x);
                                        return x * 2 + 1;
                                    }, task);
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
            Map<Integer, String> blamed = new HashMap<>();
            for (int i = 0; i < total; i++) {
                CompletableFuture<Integer> future = futures.get(i);
                if (isFault(i)) {
                    faults++;
                    try {
                        future.get(60, TimeUnit.SECONDS);
                        throw new AssertionError("fault task " + i + " succeeded");
                    } catch (ExecutionException e) {
                        WorkerDiedException death = assertInstanceOf(WorkerDiedException.class, e.getCause(),
                                "task " + i);
                        blamed.put(i, death.workerName());
                    }
                } else {
                    assertEquals(i * 2 + 1, future.get(60, TimeUnit.SECONDS), "task " + i);
                }
            }
            Map<Integer, List<String>> runs = RunLog.read(Path.of(log));
            for (int i = 0; i < total; i++) {
                assertEquals(1, runs.getOrDefault(i, List.of()).size(), "task " + i + " ran " + runs.get(i));
            }
            blamed.forEach((task, worker) -> assertEquals(runs.get(task).get(0), worker,
                    "the failure of task " + task + " names the worker it ran in"));
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
