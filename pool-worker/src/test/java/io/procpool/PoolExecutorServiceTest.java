package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pool.asExecutorService()} against real worker JVMs: each method of the JDK contract. */
class PoolExecutorServiceTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static ProcessPool pool;

    @TempDir
    Path directory;

    /** A {@link Callable} a lambda can be typed as and still travel. */
    interface RemoteCallable<T> extends Callable<T>, Serializable {
    }

    /** A {@link Runnable} a lambda can be typed as and still travel. */
    interface RemoteRunnable extends Runnable, Serializable {
    }

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("executortest").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    private static RemoteCallable<Long> workerPid() {
        return () -> ProcessHandle.current().pid();
    }

    private static RemoteCallable<Integer> sleepy(int value) {
        return () -> {
            Thread.sleep(60_000); // a task that outlives every deadline of the test; cancelled by it
            return value;
        };
    }

    @Test
    void submitRunsTheCallableInAWorker() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        long pid = executor.submit(workerPid()).get();
        assertNotEquals(ProcessHandle.current().pid(), pid);
        assertTrue(pool.workers().stream().anyMatch(worker -> worker.pid() == pid));
    }

    @Test
    void submitRunnableAndExecuteRunInAWorker() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        String file = directory.resolve("ran").toString();
        RemoteRunnable touch = () -> {
            try {
                Files.writeString(Path.of(file), String.valueOf(ProcessHandle.current().pid()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        assertEquals("done", executor.submit(touch, "done").get());
        assertEquals(null, executor.submit(touch).get());
        Files.delete(Path.of(file));
        executor.execute(touch);
        await().atMost(GENEROUS).until(() -> Files.exists(Path.of(file)));
    }

    @Test
    void aPlainLambdaIsRejectedAtSubmitNamingItsClass() {
        ExecutorService executor = pool.asExecutorService();
        Callable<Integer> plain = () -> 42; // not Serializable: Kryo cannot encode it
        TaskSerializationException e = assertThrows(TaskSerializationException.class, () -> executor.submit(plain));
        assertEquals(plain.getClass().getName(), e.failedClassName());
        assertTrue(e.getMessage().contains(plain.getClass().getName()), e::getMessage);
        Runnable plainRunnable = () -> { };
        assertThrows(TaskSerializationException.class, () -> executor.execute(plainRunnable));
    }

    @Test
    void aTaskThatThrowsFailsItsFutureWithItsOwnException() {
        ExecutorService executor = pool.asExecutorService();
        RemoteCallable<Integer> divide = () -> 1 / (int) (ProcessHandle.current().pid() * 0);
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.submit(divide).get());
        assertInstanceOf(ArithmeticException.class, e.getCause());
        assertTrue(List.of(e.getCause().getStackTrace()).stream()
                .anyMatch(frame -> frame.getClassName().startsWith(PoolExecutorServiceTest.class.getName())));
    }

    @Test
    void invokeAllReturnsEveryFutureDoneInOrder() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        List<RemoteCallable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> { throw new IllegalStateException("3"); });
        List<Future<Integer>> futures = executor.invokeAll(tasks);
        assertTrue(futures.stream().allMatch(Future::isDone));
        assertEquals(1, futures.get(0).get());
        assertEquals(2, futures.get(1).get());
        ExecutionException e = assertThrows(ExecutionException.class, () -> futures.get(2).get());
        assertEquals("3", e.getCause().getMessage());
    }

    @Test
    void invokeAllWithATimeoutCancelsWhatIsNotDone() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        List<RemoteCallable<Integer>> tasks = List.of(() -> 1, sleepy(2));
        List<Future<Integer>> futures = executor.invokeAll(tasks, 3, TimeUnit.SECONDS);
        assertEquals(1, futures.get(0).get());
        assertTrue(futures.get(1).isCancelled());
        assertEquals(5, pool.apply(() -> 5)); // the pool goes on serving
    }

    @Test
    void invokeAnyReturnsASuccessfulResult() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        List<RemoteCallable<Integer>> tasks = List.of(() -> { throw new IllegalStateException("no"); }, () -> 7);
        assertEquals(7, executor.invokeAny(tasks));
    }

    @Test
    void invokeAnyFailsWhenEveryTaskFails() {
        ExecutorService executor = pool.asExecutorService();
        List<RemoteCallable<Integer>> tasks = List.of(() -> { throw new IllegalStateException("a"); },
                () -> { throw new IllegalStateException("b"); });
        ExecutionException e = assertThrows(ExecutionException.class, () -> executor.invokeAny(tasks));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void invokeAnyWithATimeoutGivesUpAndCancels() {
        ExecutorService executor = pool.asExecutorService();
        assertThrows(TimeoutException.class,
                () -> executor.invokeAny(List.of(sleepy(1), sleepy(2)), 500, TimeUnit.MILLISECONDS));
        assertEquals(5, pool.apply(() -> 5));
    }

    @Test
    void shutdownRejectsNewTasksAndTerminatesOnceTheAcceptedOnesFinish() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        Future<Long> accepted = executor.submit(workerPid());
        executor.shutdown();
        assertTrue(executor.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> executor.submit(workerPid()));
        assertTrue(executor.awaitTermination(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertTrue(executor.isTerminated());
        assertTrue(accepted.isDone());
        assertEquals(5, pool.apply(() -> 5)); // the view's shutdown leaves the pool running
    }

    @Test
    void shutdownNowCancelsRunningTasks() throws Exception {
        ExecutorService executor = pool.asExecutorService();
        RemoteCallable<Integer> slow = sleepy(1);
        Future<Integer> running = executor.submit(slow);
        List<Runnable> cancelled = executor.shutdownNow();
        assertEquals(1, cancelled.size());
        assertTrue(running.isCancelled());
        assertTrue(executor.awaitTermination(GENEROUS.toSeconds(), TimeUnit.SECONDS));
        assertEquals(5, pool.apply(() -> 5));
    }

    @Test
    void aClosedPoolRejectsTheViewsTasks() {
        ExecutorService executor;
        try (ProcessPool closed = ProcessPool.builder().workers(1).name("closedview").build()) {
            executor = closed.asExecutorService();
        }
        assertFalse(executor.isShutdown());
        assertThrows(RejectedExecutionException.class, () -> executor.submit(workerPid()));
    }
}
