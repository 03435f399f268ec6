package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code mapAsync} returns without blocking however many tasks wait in the pool's queue (its bound is 8,192 tasks or
 * 64 MiB), as Python's {@code map_async}; a pool terminated meanwhile cancels the returned future.
 *
 * <p>Threading: JUnit's thread, one submitting thread, the pool's.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MapAsyncDoesNotBlockTest {
    /** More one-item chunks than the pool's queue holds. */
    private static final int PAST_THE_QUEUE = 9_000;

    static int park(int x) throws InterruptedException {
        Thread.sleep(60_000);
        return x;
    }

    @Test
    void mapAsyncOfMoreTasksThanTheQueueHoldsReturnsAndTerminateCancelsItsFuture() {
        ProcessPool pool = ProcessPool.builder().workers(1).name("async-full").build();
        try {
            CompletableFuture<List<Integer>> future = pool.mapAsync(MapAsyncDoesNotBlockTest::park,
                    Collections.nCopies(PAST_THE_QUEUE, 0), 1);
            assertFalse(future.isDone());
            pool.terminate(); // from the thread that submitted: nothing of it waits
            await().atMost(Duration.ofSeconds(30)).until(future::isDone);
            assertThrows(CancellationException.class, future::join);
        } finally {
            pool.terminate();
        }
    }

    @Test
    void terminateFromAnotherThreadWhileMapAsyncSubmitsCancelsTheFutureInsteadOfThrowing() throws Exception {
        ProcessPool pool = ProcessPool.builder().workers(1).name("async-terminated").build();
        try {
            AtomicReference<CompletableFuture<List<Integer>>> returned = new AtomicReference<>();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread submitter = new Thread(() -> {
                try {
                    returned.set(pool.mapAsync(MapAsyncDoesNotBlockTest::park,
                            Collections.nCopies(4 * PAST_THE_QUEUE, 0), 1));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, "map-async-submitter");
            submitter.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> pool.insights().queued() > 0);
            pool.terminate();
            submitter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(submitter.isAlive(), "mapAsync still blocks after terminate()");
            assertNull(thrown.get(), () -> "mapAsync threw " + thrown.get());
            CompletableFuture<List<Integer>> future = returned.get();
            await().atMost(Duration.ofSeconds(30)).until(future::isDone);
            assertThrows(CancellationException.class, future::join);
        } finally {
            pool.terminate();
        }
    }
}
