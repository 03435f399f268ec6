package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** close, terminate, rejection after either, and many threads submitting at once. */
class PoolLifecycleTest {

    @Test
    void closeWaitsForAcceptedWorkAndIsIdempotent() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(2).name("closing").build();
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            int n = i;
            futures.add(pool.applyAsync(() -> {
                Thread.sleep(200);
                return n;
            }));
        }
        List<Long> pids = pool.workers().stream().map(WorkerInfo::pid).toList();
        pool.close();
        for (int i = 0; i < 6; i++) {
            assertEquals(i, futures.get(i).getNow(-1), "finished before close returned");
        }
        pool.close();
        assertTrue(pool.workers().isEmpty(), pool.workers().toString());
        for (long pid : pids) {
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).isEmpty()
                    || !ProcessHandle.of(pid).get().isAlive());
        }
        assertThrows(RejectedExecutionException.class, () -> pool.apply(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> pool.map(x -> x, List.of(1)));
    }

    @Test
    void terminateCancelsUnfinishedWork() {
        ProcessPool pool = ProcessPool.builder().workers(1).name("terminating").build();
        List<CompletableFuture<String>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(pool.applyAsync(() -> {
                Thread.sleep(60_000);
                return "never";
            }));
        }
        pool.terminate();
        for (CompletableFuture<String> future : futures) {
            assertTrue(future.isCancelled(), future.toString());
            assertThrows(CancellationException.class, () -> future.get(0, TimeUnit.SECONDS));
        }
        pool.terminate();
        pool.close();
        assertThrows(RejectedExecutionException.class, () -> pool.applyAsync(() -> 1));
    }

    @Test
    void eightThreadsTimesFiveHundredApplyAsyncAllExact() throws Exception {
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("crowd").build()) {
            ExecutorService submitters = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<CompletableFuture<Long>>>> batches = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    long thread = t;
                    batches.add(submitters.submit(() -> {
                        List<CompletableFuture<Long>> mine = new ArrayList<>();
                        for (long i = 0; i < 500; i++) {
                            long value = thread * 1_000_000 + i;
                            mine.add(pool.applyAsync((Long v) -> v * 2 + 1, value));
                        }
                        return mine;
                    }));
                }
                for (int t = 0; t < 8; t++) {
                    List<CompletableFuture<Long>> mine = batches.get(t).get();
                    for (int i = 0; i < 500; i++) {
                        assertEquals((t * 1_000_000L + i) * 2 + 1, mine.get(i).get());
                    }
                }
            } finally {
                submitters.shutdownNow();
            }
        }
    }

    @Test
    void invalidSettingsAreRejectedWithTheValue() {
        IllegalArgumentException workers = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().workers(0).build());
        assertTrue(workers.getMessage().contains("0"), workers.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().taskTimeout(Duration.ofSeconds(-1)).build());
        assertTrue(timeout.getMessage().contains("PT-1S"), timeout.getMessage());
        IllegalArgumentException xlog = assertThrows(IllegalArgumentException.class,
                () -> ProcessPool.builder().jvmOptions("-Xlog:gc").build());
        assertTrue(xlog.getMessage().contains("-Xlog:gc"), xlog.getMessage());
    }

    @Test
    void aJvmThatRefusesToStartFailsBuildWithTheCommandLineAndStderr() {
        PoolException e = assertThrows(PoolException.class,
                () -> ProcessPool.builder().workers(1).name("refused").jvmOptions("-XX:+NoSuchOption").build());
        assertTrue(e.getMessage().contains("-XX:+NoSuchOption"), e.getMessage());
        assertTrue(e.getMessage().contains("Unrecognized VM option"), e.getMessage());
    }
}
