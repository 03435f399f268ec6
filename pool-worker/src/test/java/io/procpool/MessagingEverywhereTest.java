package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.Elsewhere.Where;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every messaging type of the contract, used by the parent that hosts it and by the other side of the conversation
 * running in the parent, a {@link JvmProcess} child, a pool task and a grandchild (the handles travel captured by
 * the other side's lambda). Each test is the same conversation for the four places.
 */
@Timeout(120) // a broken conversation fails instead of hanging the build
class MessagingEverywhereTest {
    private static final Duration SHORT = Duration.ofMillis(200);
    private static ProcessPool pool;
    private Elsewhere elsewhere;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(1).name("messaging").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @BeforeEach
    void setUp() {
        elsewhere = new Elsewhere(pool);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        elsewhere.close();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void queueCarriesMessagesBothWays(Where where) throws Exception {
        ProcessQueue<Integer> requests = ProcessQueue.create();
        ProcessQueue<String> answers = ProcessQueue.create(2);
        Elsewhere.Running other = elsewhere.start(where, () -> {
            requests.stream().forEach(n -> {
                try {
                    answers.put("#" + n * 2);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            answers.put("end");
        });
        for (int i = 1; i <= 5; i++) {
            requests.put(i);
        }
        requests.close();
        assertThrows(QueueClosedException.class, () -> requests.put(6));
        List<String> got = List.of(answers.take(), answers.take(), answers.take(), answers.take(), answers.take(),
                answers.take());
        assertEquals(List.of("#2", "#4", "#6", "#8", "#10", "end"), got);
        assertEquals(0, answers.size());
        assertEquals(java.util.Optional.empty(), answers.poll(Duration.ZERO));
        other.finish();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void joinableQueueJoinsWhenEveryItemIsDone(Where where) throws Exception {
        JoinableProcessQueue<Integer> work = JoinableProcessQueue.create();
        SharedMap<Integer, Integer> squares = SharedMap.create();
        for (int i = 1; i <= 4; i++) {
            work.put(i);
        }
        Elsewhere.Running other = elsewhere.start(where, () -> {
            for (int i = 0; i < 4; i++) {
                int n = work.take();
                squares.put(n, n * n);
                work.taskDone();
            }
            assertThrows(IllegalStateException.class, work::taskDone);
        });
        work.join();
        assertEquals(Map.of(1, 1, 2, 4, 3, 9, 4, 16), squares.snapshot());
        other.finish();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void pipeEndsTalkAndSeeTheOtherEndClose(Where where) throws Exception {
        ProcessPipe<Integer> pipe = ProcessPipe.create();
        Connection<Integer> mine = pipe.left();
        Connection<Integer> theirs = pipe.right();
        Elsewhere.Running other = elsewhere.start(where, () -> {
            int n = theirs.recv();
            theirs.send(n + 1);
            theirs.close();
            assertThrows(PipeClosedException.class, () -> theirs.send(1));
        });
        mine.send(41);
        assertEquals(42, mine.recv());
        assertThrows(PipeClosedException.class, mine::recv);
        assertTrue(mine.poll(Duration.ZERO));
        other.finish();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void eventWakesAWaiterWithAndWithoutTimeout(Where where) throws Exception {
        ProcessEvent go = ProcessEvent.create();
        ProcessEvent waiting = ProcessEvent.create();
        ProcessEvent seen = ProcessEvent.create();
        Elsewhere.Running other = elsewhere.start(where, () -> {
            assertFalse(go.await(Duration.ofMillis(50)), "nobody set it yet");
            waiting.set();
            go.await();
            assertTrue(go.await(Duration.ofSeconds(1)));
            seen.set();
        });
        waiting.await();
        go.set();
        seen.await();
        assertTrue(seen.isSet());
        seen.clear();
        assertFalse(seen.isSet());
        other.finish();
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void lockExcludesAndConditionSignals(Where where) throws Exception {
        ProcessLock lock = ProcessLock.create();
        ProcessCondition ready = lock.newCondition();
        SharedMap<String, Integer> state = SharedMap.create();
        ProcessEvent parentHolds = ProcessEvent.create();
        lock.lock();
        Elsewhere.Running other = elsewhere.start(where, () -> {
            assertFalse(lock.tryLock(Duration.ofMillis(50)), "the parent holds it");
            parentHolds.set();
            lock.lock();
            try {
                assertFalse(lock.tryLock(Duration.ZERO), "not reentrant");
                assertThrows(IllegalStateException.class, lock::lock);
                while (state.get("stage") == null) {
                    ready.await();
                }
                state.put("seen", state.get("stage"));
            } finally {
                lock.unlock();
            }
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
        });
        parentHolds.await();
        lock.unlock();
        lock.lock();
        try {
            state.put("stage", 2);
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        other.finish();
        assertEquals(2, state.get("seen"));
        assertThrows(IllegalMonitorStateException.class, ready::signal);
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void semaphoreCountsPermitsAcrossProcesses(Where where) throws Exception {
        ProcessSemaphore permits = ProcessSemaphore.create(1);
        ProcessEvent tried = ProcessEvent.create();
        permits.acquire();
        Elsewhere.Running other = elsewhere.start(where, () -> {
            assertFalse(permits.tryAcquire(SHORT));
            tried.set();
            permits.acquire();
            permits.release();
            permits.release();
        });
        tried.await();
        permits.release();
        other.finish();
        assertEquals(2, permits.availablePermits(), "release() may raise the count past the initial permits");
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void barrierLetsPartiesGoTogether(Where where) throws Exception {
        ProcessBarrier barrier = ProcessBarrier.create(2);
        SharedMap<String, Integer> arrivals = SharedMap.create();
        Elsewhere.Running other = elsewhere.start(where, () -> {
            arrivals.put("other", barrier.await());
            barrier.await();
        });
        int mine = barrier.await();
        barrier.await();
        other.finish();
        assertEquals(Set.of(0, 1), new HashSet<>(List.of(mine, arrivals.get("other"))));
        assertEquals(2, barrier.getParties());
        assertFalse(barrier.isBroken());
    }

    @ParameterizedTest
    @EnumSource(Where.class)
    void sharedMapComputesAtomicallyInTheHost(Where where) throws Exception {
        SharedMap<String, Integer> counts = SharedMap.create();
        ProcessQueue<ProcessLock> handles = ProcessQueue.create();
        handles.put(ProcessLock.create());
        Elsewhere.Running other = elsewhere.start(where, () -> {
            for (int i = 0; i < 200; i++) {
                counts.compute("n", (key, old) -> old == null ? 1 : old + 1);
            }
            handles.take().lock(); // a handle that travelled on a queue works too
            counts.put("queue", 1);
        });
        for (int i = 0; i < 200; i++) {
            counts.compute("n", (key, old) -> old == null ? 1 : old + 1);
        }
        other.finish();
        assertEquals(400, counts.get("n"));
        assertTrue(counts.containsKey("queue"));
        assertEquals(2, counts.size());
        assertEquals(1, counts.remove("queue"));
        counts.clear();
        assertEquals(Map.of(), counts.snapshot());
    }
}
