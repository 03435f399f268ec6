package io.procpool.internal.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a few actions at the same moment, as Caffeine's and NuProcess's race tests do: each action waits on its own
 * thread at a gate that opens when all are ready, so their interleavings vary from one run to the next. Reused over
 * the hundreds of rounds of one test.
 *
 * <p>Threading: one test thread calls {@link #race}; the racers run on this gate's threads.
 */
final class StartGate implements AutoCloseable {
    private final ExecutorService threads;
    private final int racers;

    StartGate(int racers) {
        this.racers = racers;
        this.threads = Executors.newFixedThreadPool(racers);
    }

    /** Runs every action at once and waits (bounded) until all have returned; a racer's exception fails the race. */
    void race(Runnable... actions) throws Exception {
        if (actions.length != racers) {
            throw new IllegalArgumentException(actions.length + " actions for a gate of " + racers + " racers");
        }
        CountDownLatch ready = new CountDownLatch(racers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> running = new ArrayList<>();
        for (Runnable action : actions) {
            running.add(threads.submit(() -> {
                ready.countDown();
                go.await(); // opened below, once every racer is here
                action.run();
                return null;
            }));
        }
        if (!ready.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the racers did not all start within 10 s");
        }
        go.countDown();
        for (Future<?> racer : running) {
            racer.get(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
