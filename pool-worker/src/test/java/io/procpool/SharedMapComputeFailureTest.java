package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link SharedMap#compute} function is the user's code running in the map's host, under the map: what it throws,
 * an {@code Error} too, is that call's failure and nothing else's, and a wait inside it is refused instead of blocking
 * the map for every process. Each case with the caller in a real child JVM, whose broker connection a stray
 * {@code Error} used to end (the caller was told its host had exited, and the lock it held was given away).
 */
@Timeout(120)
class SharedMapComputeFailureTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    /** Makes two compute functions overlap in the host (they run there, in this JVM, with this class). */
    private static final CyclicBarrier BOTH_COMPUTING = new CyclicBarrier(2);
    private final Elsewhere elsewhere = new Elsewhere(null);

    @AfterEach
    void killChildren() throws InterruptedException {
        elsewhere.close();
    }

    @Test
    void computeFunctionThrowingAnErrorFailsThatCallOnlyAndTheCallerKeepsItsLock() throws Exception {
        SharedMap<String, Integer> map = SharedMap.create();
        ProcessLock lock = ProcessLock.create();
        ProcessQueue<String> report = ProcessQueue.create();
        elsewhere.child(() -> {
            lock.lock();
            PoolException failed = assertThrows(PoolException.class, () -> map.compute("k", (key, old) -> {
                throw new AssertionError("broken invariant");
            }));
            report.put(String.valueOf(failed.getCause()));
            lock.unlock(); // still its holder: its connection did not end
            report.put("unlocked");
        });
        assertEquals(Optional.of("java.lang.AssertionError: broken invariant"), report.poll(GENEROUS));
        assertEquals(Optional.of("unlocked"), report.poll(GENEROUS));
        map.put("k", 1);
        assertEquals(2, map.compute("k", (key, old) -> old + 1), "the map works on");
    }

    @Test
    void computeFunctionThatWouldWaitOnAHandleIsRefusedInsteadOfBlockingTheMap() throws Exception {
        SharedMap<String, Integer> map = SharedMap.create();
        ProcessQueue<Integer> empty = ProcessQueue.create();
        ProcessLock lock = ProcessLock.create();
        ProcessQueue<String> report = ProcessQueue.create();
        elsewhere.child(() -> {
            lock.lock(); // the function below waits for it: without the refusal, forever
            PoolException failed = assertThrows(PoolException.class, () -> map.compute("k", (key, old) -> {
                lock.lock();
                return 1;
            }));
            report.put(failed.getCause().getClass().getSimpleName());
        });
        assertEquals(Optional.of("IllegalStateException"), report.poll(GENEROUS));

        CompletableFuture<Integer> inTheHost = CompletableFuture.supplyAsync(() -> map.compute("k",
                (key, old) -> empty.take()));
        Exception e = assertThrows(Exception.class, () -> inTheHost.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause().getCause(), "refused in the host's own call too");
        assertEquals(Optional.empty(), empty.poll(Duration.ZERO));
        assertEquals(1, map.compute("k", (key, old) -> empty.poll(Duration.ZERO).orElse(1)),
                "a zero timeout is allowed");
    }

    @Test
    void computeFunctionUsingAnotherMapIsRefusedInsteadOfDeadlockingTwoMaps() throws Exception {
        SharedMap<String, Integer> first = SharedMap.create();
        SharedMap<String, Integer> second = SharedMap.create();
        CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> first.compute("k", (key, old) -> {
            BOTH_COMPUTING.await();
            return second.get("k");
        }));
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> second.compute("k", (key, old) -> {
            BOTH_COMPUTING.await();
            return first.get("k");
        }));
        for (CompletableFuture<Integer> compute : java.util.List.of(one, other)) {
            Exception e = assertThrows(Exception.class, () -> compute.get(GENEROUS.toSeconds(), TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause().getCause(), "refused, not deadlocked");
        }
        first.put("k", 1);
        assertEquals(2, first.compute("k", (key, old) -> first.get("k") + 1), "its own map it may use");
    }
}
