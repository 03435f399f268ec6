package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The binding details of the messaging contract (API.md), in the host itself: the same engine answers its
 * descendants, whose cases {@code MessagingEverywhereTest} and {@code MessagingDeathTest} (pool-worker) cover with
 * real child JVMs.
 */
@Timeout(60)
class MessagingContractTest {
    private static final Duration NEGATIVE = Duration.ofSeconds(-5);

    @Test
    void nullsAreRefusedWithNullPointerException() {
        ProcessQueue<String> queue = ProcessQueue.create();
        SharedMap<String, String> map = SharedMap.create();
        assertThrows(NullPointerException.class, () -> queue.put(null));
        assertThrows(NullPointerException.class, () -> queue.poll(null));
        assertThrows(NullPointerException.class, () -> map.put(null, "v"));
        assertThrows(NullPointerException.class, () -> map.put("k", null));
        assertThrows(NullPointerException.class, () -> ProcessPipe.<String>create().left().send(null));
    }

    @Test
    void aNegativeDurationWaitsNotAtAll() throws Exception {
        ProcessQueue<String> bounded = ProcessQueue.create(1);
        assertEquals(Optional.empty(), bounded.poll(NEGATIVE));
        assertTrue(bounded.offer("a", NEGATIVE));
        assertFalse(bounded.offer("b", NEGATIVE), "full: put_nowait fails at once");
        assertFalse(ProcessEvent.create().await(NEGATIVE));
        assertFalse(ProcessSemaphore.create(0).tryAcquire(NEGATIVE));
    }

    @Test
    void putAfterCloseThrowsAndTakersDrainFirst() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create();
        queue.put(1);
        queue.close();
        queue.close();
        assertThrows(QueueClosedException.class, () -> queue.put(2));
        assertThrows(QueueClosedException.class, () -> queue.offer(2, Duration.ZERO));
        assertEquals(1, queue.take());
        assertThrows(QueueClosedException.class, queue::take);
        assertEquals(Optional.empty(), queue.poll(Duration.ofSeconds(1)));
    }

    @Test
    void aWaitingTakerIsToldWhenTheQueueIsClosed() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create();
        CompletableFuture<Integer> taker = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        queue.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> taker.get(10, TimeUnit.SECONDS));
        assertInstanceOf(QueueClosedException.class, e.getCause());
    }

    @Test
    void anInterruptedTakeTakesNothing() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, queue::take);
        queue.put(7);
        assertEquals(1, queue.size(), "the cancelled take did not swallow the next item");
        assertEquals(7, queue.take());
    }

    @Test
    void boundedPutWaitsForRoom() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create(1);
        queue.put(1);
        assertFalse(queue.offer(2, Duration.ofMillis(50)));
        CompletableFuture<Void> putter = CompletableFuture.runAsync(() -> {
            try {
                queue.put(2);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(1, queue.take());
        putter.get(10, TimeUnit.SECONDS);
        assertEquals(2, queue.take());
        assertThrows(IllegalArgumentException.class, () -> ProcessQueue.create(0));
    }

    @Test
    void taskDoneMoreOftenThanTakenIsIllegal() throws Exception {
        JoinableProcessQueue<String> queue = JoinableProcessQueue.create();
        assertThrows(IllegalStateException.class, queue::taskDone);
        queue.put("x");
        assertThrows(IllegalStateException.class, queue::taskDone, "put but not taken");
        assertFalse(queue.join(Duration.ZERO));
        queue.take();
        queue.taskDone();
        assertTrue(queue.join(Duration.ZERO));
    }

    @Test
    void lockIsNotReentrantAndOnlyItsHolderUnlocks() throws Exception {
        ProcessLock lock = ProcessLock.create();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        assertFalse(lock.tryLock(Duration.ZERO));
        assertThrows(IllegalStateException.class, lock::lock);
        CompletableFuture<Void> other = CompletableFuture.runAsync(lock::unlock);
        ExecutionException e = assertThrows(ExecutionException.class, () -> other.get(10, TimeUnit.SECONDS));
        assertInstanceOf(IllegalMonitorStateException.class, e.getCause());
        lock.unlock();
        assertTrue(lock.tryLock(Duration.ZERO));
        lock.unlock();
    }

    @Test
    void conditionAwaitGivesTheLockUpAndHoldsItAgainAlsoOnTimeout() throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition condition = lock.newCondition();
        assertThrows(IllegalMonitorStateException.class, condition::await);
        assertThrows(IllegalMonitorStateException.class, condition::signalAll);
        lock.lock();
        CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> {
            lock.lock(); // possible only while the main thread awaits
            try {
                return true;
            } finally {
                lock.unlock();
            }
        });
        assertFalse(condition.await(Duration.ofMillis(300)), "nobody signalled");
        assertTrue(other.get(10, TimeUnit.SECONDS));
        lock.unlock(); // holds it again after the timeout: unlock does not throw
    }

    @Test
    void semaphoreReleaseMayRaiseTheCount() throws Exception {
        ProcessSemaphore semaphore = ProcessSemaphore.create(1);
        semaphore.release();
        assertEquals(2, semaphore.availablePermits());
        assertTrue(semaphore.tryAcquire(Duration.ZERO));
        assertTrue(semaphore.tryAcquire(Duration.ZERO));
        assertFalse(semaphore.tryAcquire(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ProcessSemaphore.create(-1));
    }

    @Test
    void aBarrierPartyThatTimesOutBreaksItForTheOthers() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(3);
        CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> {
            try {
                return barrier.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> barrier.getNumberWaiting() == 1);
        assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofMillis(100)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> other.get(10, TimeUnit.SECONDS));
        assertInstanceOf(BrokenBarrierException.class, e.getCause().getCause());
        assertTrue(barrier.isBroken());
        assertThrows(BrokenBarrierException.class, barrier::await);
        barrier.reset();
        assertFalse(barrier.isBroken());
    }

    @Test
    void usingAClosedObjectThrowsPoolExceptionNamingIt() throws Exception {
        ProcessLock lock = ProcessLock.create();
        lock.close();
        PoolException e = assertThrows(PoolException.class, lock::lock);
        assertTrue(e.getMessage().contains("ProcessLock") && e.getMessage().contains("was closed"), e.getMessage());
        SharedMap<String, Integer> map = SharedMap.create();
        map.close();
        assertThrows(PoolException.class, () -> map.get("a"));
        ProcessEvent event = ProcessEvent.create();
        CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return event.await(Duration.ofSeconds(30));
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(50)).until(() -> true);
        event.close();
        ExecutionException closed = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
        assertInstanceOf(PoolException.class, closed.getCause());
    }

    @Test
    void computeFailsWithTheFunctionsExceptionAsCause() {
        SharedMap<String, Integer> map = SharedMap.create();
        PoolException e = assertThrows(PoolException.class, () -> map.compute("k", (key, old) -> {
            throw new ArithmeticException("boom");
        }));
        assertInstanceOf(ArithmeticException.class, e.getCause());
        assertEquals(null, map.compute("k", (key, old) -> null));
        assertFalse(map.containsKey("k"));
    }

    @Test
    void handlesTravelInsideMessagesAndMapsAndStayEqual() throws Exception {
        ProcessQueue<Object> queue = ProcessQueue.create();
        ProcessLock lock = ProcessLock.create();
        SharedMap<String, Object> map = SharedMap.create();
        map.put("queue", queue);
        queue.put(lock);
        assertEquals(lock, queue.take());
        assertEquals(queue, map.get("queue"));
    }
}
