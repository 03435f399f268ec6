package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A task's exception reaches the caller with its class, message, worker frames, cause and suppressed. */
class RemoteExceptionTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("errors").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** A custom exception with a cause; package-private, as user exceptions often are. */
    static class InventoryException extends Exception {
        InventoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static int failingStep(int x) throws InventoryException {
        InventoryException failure = new InventoryException("item " + x + " is missing",
                new IllegalStateException("shelf empty"));
        failure.addSuppressed(new IllegalArgumentException("cleanup failed"));
        throw failure;
    }

    private static void assertFullFidelity(TaskFailedException e, int x) {
        assertTrue(e.workerName().startsWith("errors-worker-"), e.workerName());
        assertTrue(e.getMessage().contains(e.workerName()), e.getMessage());
        assertTrue(e.workerPid() > 0);
        InventoryException cause = assertInstanceOf(InventoryException.class, e.getCause());
        assertEquals("item " + x + " is missing", cause.getMessage());
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(
                f -> f.getMethodName().equals("failingStep") && f.getFileName().equals("RemoteExceptionTest.java")
                        && f.getLineNumber() > 0), "the worker's frame of failingStep is kept");
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(
                f -> f.getClassName().startsWith("io.procpool.worker.")), "frames are the worker's");
        assertInstanceOf(IllegalStateException.class, cause.getCause());
        assertEquals("shelf empty", cause.getCause().getMessage());
        assertEquals(1, cause.getSuppressed().length);
        assertInstanceOf(IllegalArgumentException.class, cause.getSuppressed()[0]);
        assertEquals("cleanup failed", cause.getSuppressed()[0].getMessage());
        StringWriter printed = new StringWriter();
        e.printStackTrace(new PrintWriter(printed));
        assertTrue(printed.toString().contains("Caused by: " + InventoryException.class.getName()), printed.toString());
        assertTrue(printed.toString().contains("failingStep(RemoteExceptionTest.java:"), printed.toString());
    }

    @Test
    void throughMap() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> pool.map(RemoteExceptionTest::failingStep, List.of(3)));
        assertFullFidelity(e, 3);
    }

    @Test
    void throughApply() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.apply(() -> failingStep(4)));
        assertFullFidelity(e, 4);
    }

    @Test
    void throughApplyAsyncGet() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> pool.applyAsync(() -> failingStep(5)).get());
        assertFullFidelity(assertInstanceOf(TaskFailedException.class, e.getCause()), 5);
    }

    @Test
    void mapFailsWithTheFirstFailureInInputOrder() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.map((Integer x) -> {
            if (x == 2 || x == 7) {
                throw new IllegalStateException("bad " + x);
            }
            return x;
        }, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), 1));
        assertEquals("bad 2", e.getCause().getMessage());
    }

    @Test
    void errorsTravelToo() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool.apply(() -> {
            throw new StackOverflowError("deep");
        }));
        assertInstanceOf(StackOverflowError.class, e.getCause());
    }

    @Test
    void theWorkerGoesOnServingAfterATaskFails() {
        assertThrows(TaskFailedException.class, () -> pool.apply(() -> failingStep(1)));
        assertEquals(List.of(1, 2), pool.map(x -> x + 1, List.of(0, 1)));
        assertEquals(0, pool.respawnCount());
    }
}
