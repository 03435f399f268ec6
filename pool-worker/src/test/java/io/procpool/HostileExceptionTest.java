package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.faults.HostileExceptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exceptions whose own methods misbehave fail only their task, with what could be read (the class name always), and
 * never their worker: one worker serves the whole class, and each test checks it is still the same process.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileExceptionTest {
    private static ProcessPool pool;
    private static long workerPid;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(1).name("hostile").build();
        workerPid = pool.apply(() -> ProcessHandle.current().pid());
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** The class of the worker's exception as the caller sees it: its own, or the one a stand-in names. */
    private static String remoteClassOf(Throwable rebuilt) {
        return rebuilt instanceof RemoteException remote ? remote.remoteClassName() : rebuilt.getClass().getName();
    }

    /** As {@link #thrownBy}, checking the class the caller sees is {@code thrown}. */
    private static Throwable failureOf(TaskCallable<Object> task, Class<? extends Throwable> thrown) {
        Throwable cause = thrownBy(task);
        assertEquals(thrown.getName(), remoteClassOf(cause));
        return cause;
    }

    /** Runs {@code task}, which throws, and returns the rebuilt exception after checking the worker lived. */
    private static Throwable thrownBy(TaskCallable<Object> task) {
        TaskFailedException failed = assertThrows(TaskFailedException.class, () -> pool.apply(task));
        Throwable cause = failed.getCause();
        assertNotNull(cause);
        assertNotNull(failed.getMessage());
        assertWorkerLived();
        return cause;
    }

    private static void assertWorkerLived() {
        assertEquals(workerPid, pool.apply(() -> ProcessHandle.current().pid()), "the same worker serves on");
        assertEquals(0, pool.respawnCount());
    }

    @Test
    void getMessageThatThrowsFailsTheTaskNotTheWorker() {
        Throwable cause = failureOf(() -> {
            throw new HostileExceptions.MessageThrows();
        }, HostileExceptions.MessageThrows.class);
        RemoteException remote = assertInstanceOf(RemoteException.class, cause);
        assertTrue(String.valueOf(remote.remoteMessage()).contains("getMessage() threw"), remote.remoteMessage());
    }

    @Test
    void getLocalizedMessageThatThrowsFailsTheTaskNotTheWorker() {
        Throwable cause = failureOf(() -> {
            throw new HostileExceptions.LocalizedMessageThrows("readable");
        }, HostileExceptions.LocalizedMessageThrows.class);
        assertEquals("readable", ((RemoteException) cause).remoteMessage());
    }

    @Test
    void toStringThatThrowsFailsTheTaskNotTheWorker() {
        failureOf(() -> {
            throw new HostileExceptions.ToStringThrows("readable");
        }, HostileExceptions.ToStringThrows.class);
    }

    @Test
    void toStringThatReturnsNullFailsTheTaskNotTheWorker() {
        failureOf(() -> {
            throw new HostileExceptions.ToStringNull("readable");
        }, HostileExceptions.ToStringNull.class);
    }

    @Test
    void getStackTraceThatThrowsFailsTheTaskNotTheWorker() {
        Throwable cause = failureOf(() -> {
            throw new HostileExceptions.StackTraceThrows("no frames");
        }, HostileExceptions.StackTraceThrows.class);
        assertEquals("no frames", cause.getMessage());
    }

    @Test
    void getStackTraceThatReturnsNullFailsTheTaskNotTheWorker() {
        Throwable cause = failureOf(() -> {
            throw new HostileExceptions.StackTraceNull("null frames");
        }, HostileExceptions.StackTraceNull.class);
        assertEquals("null frames", cause.getMessage());
    }

    @Test
    void getCauseThatThrowsFailsTheTaskNotTheWorker() {
        failureOf(() -> {
            throw new HostileExceptions.CauseThrows("readable");
        }, HostileExceptions.CauseThrows.class);
    }

    @Test
    void getMessageThatThrowsOnAnExceptionThatIsItsOwnCauseFailsTheTaskNotTheWorker() {
        failureOf(() -> {
            throw new HostileExceptions.SelfCauseMessageThrows();
        }, HostileExceptions.SelfCauseMessageThrows.class);
    }

    @Test
    void causeCycleOfLengthTwoTravelsOnce() {
        Throwable cause = failureOf(() -> {
            throw HostileExceptions.causeCycle();
        }, IllegalStateException.class);
        assertInstanceOf(IllegalArgumentException.class, cause.getCause());
        assertEquals(null, cause.getCause().getCause(), "the cycle is cut where it closes");
    }

    @Test
    void suppressedExceptionWhoseGetMessageThrowsTravels() {
        Throwable cause = failureOf(() -> {
            throw HostileExceptions.withHostileSuppressed();
        }, IllegalStateException.class);
        assertEquals(1, cause.getSuppressed().length);
        assertEquals(HostileExceptions.MessageThrows.class.getName(), remoteClassOf(cause.getSuppressed()[0]));
    }

    @Test
    void hostileErrorSubclassFailsTheTaskNotTheWorker() {
        failureOf(() -> {
            throw new HostileExceptions.HostileError();
        }, HostileExceptions.HostileError.class);
    }

    @Test
    void resultWhoseToStringThrowsArrivesIntact() {
        HostileExceptions.LoudResult result = pool.apply(() -> new HostileExceptions.LoudResult(42));
        assertEquals(42, result.value());
        assertWorkerLived();
    }

    @Test
    void exceptionThatDecoratesItsMessageComesBackAsItsOwnClass() {
        Throwable cause = failureOf(() -> {
            throw new HostileExceptions.DecoratedMessage("order 7 is gone");
        }, HostileExceptions.DecoratedMessage.class);
        assertInstanceOf(HostileExceptions.DecoratedMessage.class, cause);
        assertEquals("[order service] order 7 is gone (see the runbook)", cause.getMessage());
    }

    @Test
    void tenThousandDeepCauseChainKeepsItsFirstCausesAndItsRootCause() {
        Throwable cause = failureOf(() -> {
            throw HostileExceptions.deepChain(10_000);
        }, RuntimeException.class);
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = cause; t != null; t = t.getCause()) {
            chain.add(t);
        }
        assertEquals(64, chain.size());
        assertEquals("link 1", chain.get(0).getMessage());
        assertEquals("link 2", chain.get(1).getMessage());
        Throwable root = chain.get(chain.size() - 1);
        assertInstanceOf(IllegalArgumentException.class, root);
        assertEquals("the root cause", root.getMessage());
        Throwable marker = chain.get(chain.size() - 2);
        assertTrue(marker.getMessage().startsWith("9937 causes omitted here"), marker.getMessage());
    }

    @Test
    void procpoolExceptionsThrownInAWorkerComeBackAsTheirOwnClassesWithTheirFields() {
        WorkerDiedException died = assertInstanceOf(WorkerDiedException.class, failureOf(() -> {
            throw new WorkerDiedException("inner worker died", "inner-worker-1", 4242, -9, "Killed");
        }, WorkerDiedException.class));
        assertEquals("inner worker died", died.getMessage());
        assertEquals("inner-worker-1", died.workerName());
        assertEquals(4242, died.pid());
        assertEquals(-9, died.exitCode());
        assertEquals("Killed", died.stderrTail());

        TaskFailedException nested = assertInstanceOf(TaskFailedException.class, failureOf(() -> {
            throw new TaskFailedException("inner-worker-2", 99, new ArithmeticException("/ by zero"));
        }, TaskFailedException.class));
        assertEquals("inner-worker-2", nested.workerName());
        assertEquals(99, nested.workerPid());
        assertInstanceOf(ArithmeticException.class, nested.getCause());

        TaskTimeoutException timeout = assertInstanceOf(TaskTimeoutException.class, failureOf(() -> {
            throw new TaskTimeoutException("inner-worker-3", Duration.ofMillis(1500));
        }, TaskTimeoutException.class));
        assertEquals("inner-worker-3", timeout.workerName());
        assertEquals(Duration.ofMillis(1500), timeout.timeout());

        TaskSerializationException codec = assertInstanceOf(TaskSerializationException.class, failureOf(() -> {
            throw new TaskSerializationException("cannot encode", "com.example.Widget", null);
        }, TaskSerializationException.class));
        assertEquals("cannot encode", codec.getMessage());
        assertEquals("com.example.Widget", codec.failedClassName());

        RemoteException remote = assertInstanceOf(RemoteException.class, thrownBy(() -> {
            throw new RemoteException("com.example.Missing", "gone");
        }));
        assertEquals("com.example.Missing", remote.remoteClassName());
        assertEquals("gone", remote.remoteMessage());

        PoolException plain = assertInstanceOf(PoolException.class, failureOf(() -> {
            throw new PoolException("pool trouble", new IllegalStateException("why"));
        }, PoolException.class));
        assertEquals("pool trouble", plain.getMessage());
        assertInstanceOf(IllegalStateException.class, plain.getCause());
    }
}
