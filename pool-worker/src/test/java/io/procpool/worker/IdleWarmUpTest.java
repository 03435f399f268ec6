package io.procpool.worker;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The worker's idle warm-up runs on its own thread and ends for good as soon as the worker is busy. */
@Timeout(30)
class IdleWarmUpTest {

    private static boolean warmUpAlive(String workerName) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(workerName + "-warm-up") && t.isAlive());
    }

    @Test
    void endsForGoodOnceTheWorkerIsBusy() {
        AtomicBoolean idle = new AtomicBoolean(true);
        AtomicBoolean polledWhileIdle = new AtomicBoolean();
        IdleWarmUp.start("idle-test", () -> {
            polledWhileIdle.compareAndSet(false, idle.get());
            return idle.get();
        });
        await().atMost(Duration.ofSeconds(10)).untilTrue(polledWhileIdle);
        idle.set(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !warmUpAlive("idle-test"));
    }
}
