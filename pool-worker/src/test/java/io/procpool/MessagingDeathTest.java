package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a process that dies must never do to the others (API.md, "A process that dies never hangs or corrupts anyone
 * else"), each with a real child JVM SIGKILLed at the worst moment while the parent already waits on what it held:
 * the waiter is answered (here checked within 5 s; the death reaches the host as the end of its connection, at once),
 * and nothing is lost or corrupted. Also: an unencodable value fails in the caller, and joining a child that put
 * 100 MiB nobody took yet does not deadlock.
 */
@Timeout(120)
class MessagingDeathTest {
    private static final Duration TOLD = Duration.ofSeconds(5);
    private static final long FOREVER = 600_000;
    private final Elsewhere elsewhere = new Elsewhere(null);

    @AfterEach
    void killChildren() throws InterruptedException {
        elsewhere.close();
    }

    /** A child that runs {@code body}, sets {@code ready}, and then sleeps until it is killed. */
    private JvmProcess holdUntilKilled(ProcessEvent ready, TaskRunnable body) throws InterruptedException {
        JvmProcess child = elsewhere.child(() -> {
            body.run();
            ready.set();
            Thread.sleep(FOREVER);
        });
        assertTrue(ready.await(Duration.ofSeconds(60)), "the child never got ready");
        return child;
    }

    private static <T> T within(CompletableFuture<T> waiter) throws Exception {
        return waiter.get(TOLD.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void lockHeldByAKilledProcessGoesToTheWaiterWhoIsToldWhoDied() throws Exception {
        ProcessLock lock = ProcessLock.create();
        JvmProcess child = holdUntilKilled(ProcessEvent.create(), lock::lock);
        CompletableFuture<OptionalLong> waiter = CompletableFuture.supplyAsync(() -> {
            lock.lock();
            try {
                return lock.acquiredAfterDeathOf();
            } finally {
                lock.unlock();
            }
        });
        child.kill();
        assertEquals(OptionalLong.of(child.pid()), within(waiter));
        lock.lock();
        assertEquals(OptionalLong.empty(), lock.acquiredAfterDeathOf(), "told once, to the next holder only");
        lock.unlock();
    }

    @Test
    void permitsHeldByAKilledProcessAreReleased() throws Exception {
        ProcessSemaphore permits = ProcessSemaphore.create(2);
        JvmProcess child = holdUntilKilled(ProcessEvent.create(), () -> {
            permits.acquire();
            permits.acquire();
        });
        assertEquals(0, permits.availablePermits());
        CompletableFuture<OptionalLong> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                assertTrue(permits.tryAcquire(Duration.ofSeconds(60)));
                return permits.acquiredAfterDeathOf();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        child.kill();
        assertEquals(OptionalLong.of(child.pid()), within(waiter), "the waiter got a permit and was told who died");
        assertTrue(permits.tryAcquire(Duration.ofSeconds(5)), "both permits came back");
        assertEquals(OptionalLong.empty(), permits.acquiredAfterDeathOf(), "told once, to the next acquirer only");
        assertEquals(0, permits.availablePermits());
    }

    @Test
    void barrierBreaksWhenAPartyIsKilledWhileWaiting() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(3);
        JvmProcess child = elsewhere.child(barrier::await);
        await().atMost(Duration.ofSeconds(60)).until(() -> barrier.getNumberWaiting() == 1);
        CompletableFuture<Integer> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return barrier.await();
            } catch (InterruptedException | BrokenBarrierException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> barrier.getNumberWaiting() == 2);
        child.kill();
        ExecutionException e = assertThrows(ExecutionException.class, () -> within(waiter));
        assertInstanceOf(BrokenBarrierException.class, e.getCause().getCause());
        assertTrue(barrier.isBroken());
        barrier.reset();
        assertEquals(0, barrier.getNumberWaiting());
    }

    @Test
    void joinableItemTakenByAKilledConsumerGoesBackToTheHeadAndJoinCompletes() throws Exception {
        JoinableProcessQueue<String> work = JoinableProcessQueue.create();
        work.put("first");
        JvmProcess child = holdUntilKilled(ProcessEvent.create(), () -> {
            String taken = work.take();
            if (!taken.equals("first")) {
                throw new AssertionError(taken);
            }
        });
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return work.take();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals(false, work.join(Duration.ofMillis(100)), "the child holds an item not done");
        work.put("second");
        assertEquals("second", within(waiter));
        child.kill();
        assertEquals(Optional.of("first"), work.poll(TOLD), "the dead consumer's item is back at the head");
        work.taskDone();
        work.taskDone();
        assertTrue(work.join(TOLD));
        assertThrows(IllegalStateException.class, work::taskDone);
    }

    @Test
    void recvOnAPipeWhosePeerProcessIsKilledFailsWithPipeClosed() throws Exception {
        ProcessPipe<String> pipe = ProcessPipe.create();
        Connection<String> mine = pipe.left();
        Connection<String> theirs = pipe.right();
        JvmProcess child = elsewhere.child(() -> {
            theirs.send("hello");
            theirs.recv(); // waits: the parent sends nothing
        });
        assertEquals("hello", mine.recv());
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return mine.recv();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        child.kill();
        ExecutionException e = assertThrows(ExecutionException.class, () -> within(waiter));
        assertInstanceOf(PipeClosedException.class, e.getCause());
    }

    @Test
    void processKilledInTheMiddleOfPuttingTenMebibytesLeavesOnlyWholeMessages() throws Exception {
        ProcessQueue<byte[]> big = ProcessQueue.create();
        JvmProcess child = elsewhere.child(() -> {
            for (int i = 1; ; i++) {
                byte[] message = new byte[10 << 20];
                Arrays.fill(message, (byte) i);
                big.put(message);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> big.size() >= 3);
        child.kill(); // it puts without pause: the kill lands in a put (often mid-frame)
        child.join();
        int whole = big.size();
        for (int i = 1; i <= whole; i++) {
            byte[] message = big.take();
            byte[] expected = new byte[10 << 20];
            Arrays.fill(expected, (byte) i);
            assertArrayEquals(expected, message, "message " + i + " is whole and in order");
        }
        assertEquals(Optional.empty(), big.poll(Duration.ofMillis(200)), "no part of a cut-off message arrives");
        big.put(new byte[] {7});
        assertArrayEquals(new byte[] {7}, big.take(), "the queue works on");
    }

    /** Kryo cannot encode a JDK lock without opening java.base. */
    static final class Unencodable {
        final ReentrantLock lock = new ReentrantLock();
    }

    @Test
    void putOfAnUnencodableValueThrowsInTheCallerAtOnce() throws Exception {
        ProcessQueue<Object> queue = ProcessQueue.create();
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> queue.put(new Unencodable()));
        assertTrue(e.getMessage().contains("ReentrantLock") || e.getMessage().contains("Unencodable"),
                e.getMessage());
        ProcessPipe<Object> pipe = ProcessPipe.create();
        JvmProcess child = elsewhere.child(() -> {
            try {
                queue.put(new Unencodable());
                System.exit(3);
            } catch (TaskSerializationException expected) {
                pipe.right().send("refused");
            }
        });
        assertEquals("refused", pipe.left().recv());
        assertEquals(0, queue.size());
        assertTrue(child.join(Duration.ofSeconds(60)));
        assertEquals(0, child.exitCode().orElseThrow());
    }

    @Test
    void joiningAChildThatPutAHundredMebibytesNobodyTookDoesNotDeadlock() throws Exception {
        ProcessQueue<byte[]> queue = ProcessQueue.create();
        JvmProcess child = elsewhere.child(() -> {
            for (int i = 0; i < 100; i++) {
                queue.put(new byte[1 << 20]);
            }
        });
        assertTrue(child.join(Duration.ofSeconds(60)), "the child ended though nobody took its items");
        assertEquals(0, child.exitCode().orElseThrow());
        assertEquals(100, queue.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(1 << 20, queue.take().length);
        }
    }

    @Test
    void streamEndsWhenTheQueueIsClosedAndDrained() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create();
        JvmProcess child = elsewhere.child(() -> {
            for (int i = 0; i < 1000; i++) {
                queue.put(i);
            }
            queue.close();
        });
        try (var items = queue.stream()) {
            assertEquals(499_500, items.mapToInt(Integer::intValue).sum());
        }
        assertThrows(QueueClosedException.class, queue::take);
        assertEquals(Optional.empty(), queue.poll(Duration.ZERO));
        assertTrue(child.join(Duration.ofSeconds(60)));
    }

    @Test
    void aThreadWithItsInterruptFlagSetDoesNotBreakItsProcesssConnection() throws Exception {
        ProcessQueue<Integer> queue = ProcessQueue.create();
        ProcessEvent go = ProcessEvent.create();
        ProcessLock lock = ProcessLock.create();
        JvmProcess child = elsewhere.child(() -> {
            lock.lock();
            Thread.currentThread().interrupt();
            queue.put(1); // a write by an interrupted thread would close an interruptible channel
            Thread.interrupted();
            go.await(); // answered by a parent thread whose interrupt flag is set
            queue.put(2);
            lock.unlock();
        });
        assertEquals(Optional.of(1), queue.poll(Duration.ofSeconds(60)));
        Thread.currentThread().interrupt();
        go.set();
        Thread.interrupted();
        assertEquals(Optional.of(2), queue.poll(Duration.ofSeconds(60)));
        assertTrue(child.join(Duration.ofSeconds(60)));
        assertEquals(0, child.exitCode().orElseThrow(), "the child's connection survived");
        assertTrue(lock.tryLock(Duration.ZERO), "released by unlock, not by a death");
        assertEquals(OptionalLong.empty(), lock.acquiredAfterDeathOf());
    }

    /**
     * A waiting thread reads its process's connection itself (the leader); interrupting it there must end only its
     * own wait, not the connection (a blocking socket channel would be closed by the interrupt: the host would see
     * the process die and release its lock).
     */
    @Test
    void aThreadInterruptedWhileItReadsTheConnectionForItsWaitDoesNotBreakIt() throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(2);
        ProcessLock lock = ProcessLock.create();
        ProcessQueue<String> toChild = ProcessQueue.create();
        ProcessQueue<String> fromChild = ProcessQueue.create();
        JvmProcess child = elsewhere.child(() -> {
            lock.lock();
            String[] ended = new String[1];
            Thread waiter = new Thread(() -> {
                try {
                    barrier.await();
                    ended[0] = "passed";
                } catch (InterruptedException e) {
                    ended[0] = "interrupted";
                } catch (BrokenBarrierException e) {
                    ended[0] = "broken";
                }
            });
            waiter.start();
            toChild.take(); // the parent saw the waiter arrive: it reads the connection, this thread follows
            waiter.interrupt();
            waiter.join();
            fromChild.put(ended[0]);
            fromChild.put(toChild.take());
            lock.unlock();
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> barrier.getNumberWaiting() == 1);
        toChild.put("go");
        assertEquals(Optional.of("interrupted"), fromChild.poll(Duration.ofSeconds(60)));
        assertTrue(!lock.tryLock(Duration.ZERO), "the child still holds its lock: its connection lives");
        toChild.put("still connected");
        assertEquals(Optional.of("still connected"), fromChild.poll(Duration.ofSeconds(60)));
        assertTrue(child.join(Duration.ofSeconds(60)));
        assertEquals(0, child.exitCode().orElseThrow());
        assertTrue(lock.tryLock(Duration.ZERO), "released by unlock, not by a death");
        assertEquals(OptionalLong.empty(), lock.acquiredAfterDeathOf());
    }
}
