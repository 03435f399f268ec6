package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code workers(min, max)} with {@code idleTimeout}: a pool that grows under a burst and shrinks back when idle. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ElasticPoolTest {
    @TempDir
    Path dir;

    @Test
    void aBurstGrowsThePoolToMaxNeverBeyondAndAfterTheIdleTimeoutItIsBackAtMin() throws Exception {
        String go = dir.resolve("go").toString();
        AtomicInteger most = new AtomicInteger();
        try (ProcessPool pool = ProcessPool.builder().workers(1, 3).idleTimeout(Duration.ofMillis(500))
                .name("elastic").build()) {
            assertEquals(1, pool.workers().size());
            List<CompletableFuture<Integer>> burst = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int value = i;
                burst.add(pool.applyAsync(() -> { // every task waits for the test: the pool stays busy
                    while (!Files.exists(Path.of(go))) {
                        Thread.sleep(5);
                    }
                    return value * 10;
                }));
            }

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
                most.accumulateAndGet(pool.workers().size(), Math::max);
                return pool.workers().stream().filter(w -> w.state() == WorkerInfo.State.RUNNING).count() == 3;
            });
            Files.createFile(Path.of(go));
            for (int i = 0; i < burst.size(); i++) {
                assertEquals(i * 10, burst.get(i).get(30, TimeUnit.SECONDS));
            }
            assertTrue(most.get() <= 3, "the pool grew past its max of 3: " + most.get());

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pool.workers().size() == 1);
            assertEquals(2, pool.insights().endedWorkers().stream().filter(w -> w.reason().contains("idle")).count(),
                    "ended: " + pool.insights().endedWorkers());
            assertEquals(List.of(1, 2, 3), pool.map(x -> x + 1, List.of(0, 1, 2)), "the pool at min serves on");
        }
    }

    @Test
    void theBoundsAreValidatedWithMessagesNamingTheValue() {
        assertRejected(b -> b.workers(0, 2), "min must be between 1 and 1024", "got 0");
        assertRejected(b -> b.workers(3, 2), "max must be between min (3)", "got 2");
        assertRejected(b -> b.workers(1, 5000), "max must be between min (1) and 1024", "got 5000");
        assertRejected(b -> b.workers(1, 2).idleTimeout(Duration.ZERO), "idleTimeout must be positive", "PT0S");
        assertRejected(b -> b.maxWorkerMemory(-1), "maxWorkerMemory must be 0", "got -1");
        assertRejected(b -> b.retryOnWorkerDeath(-2), "retryOnWorkerDeath must be 0", "got -2");
    }

    private static void assertRejected(Consumer<ProcessPool.Builder> settings, String... parts) {
        ProcessPool.Builder builder = ProcessPool.builder();
        settings.accept(builder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' does not say '" + part + "'");
        }
    }
}
