package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Pool} shows, whatever carries its tasks: a subclass supplies the pool (local worker JVMs,
 * a cluster) and inherits these tests. Published in pool-worker's test-jar so other modules' pools run the same bodies.
 * The tasks are static methods and lambdas of this class, so the workers need this class on their class path.
 *
 * <p>Threading: JUnit's; each test uses the shared pool from its own thread.
 */
public abstract class PoolContractTest {

    /** The pool under test, shared by the tests of a class; the subclass starts and closes it. */
    protected abstract Pool pool();

    /** A fresh pool of the same kind, for the tests that close or terminate it; the test closes it. */
    protected abstract Pool newPool();

    /** A task's own exception type: public, with a cause, as user exceptions are. */
    public static class InventoryException extends Exception {
        private static final long serialVersionUID = 1L;

        public InventoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static int failingStep(int x) throws InventoryException {
        InventoryException failure = new InventoryException("item " + x + " is missing",
                new IllegalStateException("shelf empty"));
        failure.addSuppressed(new IllegalArgumentException("cleanup failed"));
        throw failure;
    }

    static int slowIdentity(int x) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(300); // simulated work, not a wait for a condition
        return x;
    }

    @Test
    void mapOfOneThousandItemsKeepsInputOrder() {
        List<Integer> items = IntStream.range(0, 1_000).boxed().toList();
        assertEquals(items.stream().map(x -> x * 3).toList(), pool().map(x -> x * 3, items));
    }

    @Test
    void chunkSizesAgree() {
        List<Integer> items = IntStream.range(0, 500).boxed().toList();
        List<String> expected = items.stream().map(x -> "#" + x).toList();
        for (int chunkSize : new int[] {Pool.AUTO_CHUNK_SIZE, 1, 7, 500, 1_000}) {
            assertEquals(expected, pool().map(x -> "#" + x, items, chunkSize), "chunk size " + chunkSize);
        }
    }

    @Test
    void starmapSpreadsEachPair() {
        List<Map.Entry<String, Integer>> pairs = List.of(Map.entry("a", 1), Map.entry("b", 2), Map.entry("c", 3));
        assertEquals(List.of("a1", "bb2", "ccc3"), pool().starmap((s, n) -> s.repeat(n) + n, pairs));
    }

    @Test
    void imapOverAnInfiniteStreamWithLimit() {
        try (Stream<Long> squares = pool().imap(n -> n * n, Stream.iterate(0L, n -> n + 1))) {
            assertEquals(Stream.iterate(0L, n -> n + 1).map(n -> n * n).limit(2_000).toList(),
                    squares.limit(2_000).toList());
        }
    }

    @Test
    void imapUnorderedDeliversTheSameMultiset() {
        List<Integer> items = new ArrayList<>(IntStream.range(0, 300).map(i -> i % 100).boxed().toList());
        List<Integer> results;
        try (Stream<Integer> stream = pool().imapUnordered(x -> x + 1, items, 3)) {
            results = new ArrayList<>(stream.toList());
        }
        List<Integer> expected = new ArrayList<>(items.stream().map(x -> x + 1).toList());
        Collections.sort(results);
        Collections.sort(expected);
        assertEquals(expected, results);
    }

    @Test
    void applyAsyncWithAnArgument() throws Exception {
        assertEquals("41!", pool().applyAsync((Integer x) -> x + "!", 41).get());
    }

    @Test
    void mapWithProgressEndsWithAReportOfEveryItemDone() {
        List<Progress> reports = new CopyOnWriteArrayList<>();
        List<Integer> items = IntStream.range(0, 200).boxed().toList();
        assertEquals(items.stream().map(x -> x + 1).toList(),
                pool().map(x -> x + 1, items, reports::add, Duration.ofMillis(10)));
        await().atMost(Duration.ofSeconds(30)).until(() -> reports.stream().anyMatch(Progress::finished));
        Progress last = reports.stream().filter(Progress::finished).findFirst().orElseThrow();
        assertEquals(200, last.done());
        assertEquals(0, last.failed());
        assertEquals(OptionalLong.of(200), last.total());
    }

    @Test
    void remoteExceptionThroughMapKeepsClassFramesCauseAndSuppressed() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> pool().map(PoolContractTest::failingStep, List.of(3)));
        assertFullFidelity(e, 3);
    }

    @Test
    void remoteExceptionThroughApplyKeepsClassFramesCauseAndSuppressed() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool().apply(() -> failingStep(4)));
        assertFullFidelity(e, 4);
    }

    @Test
    void remoteExceptionThroughApplyAsyncKeepsClassFramesCauseAndSuppressed() {
        CompletableFuture<Integer> future = pool().applyAsync(PoolContractTest::failingStep, 5);
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertFullFidelity(assertInstanceOf(TaskFailedException.class, e.getCause()), 5);
    }

    @Test
    void closeWaitsForAcceptedWorkThenRejectsNewWork() throws Exception {
        Pool pool = newPool();
        CompletableFuture<Integer> accepted;
        try {
            accepted = pool.applyAsync(PoolContractTest::slowIdentity, 7);
        } finally {
            pool.close();
        }
        assertTrue(accepted.isDone(), "close() returned before the accepted task completed");
        assertEquals(7, accepted.get());
        assertThrows(RejectedExecutionException.class, () -> pool.applyAsync(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> pool.map(x -> x, List.of(1, 2)));
    }

    @Test
    void terminateCancelsUnfinishedWork() {
        Pool pool = newPool();
        CompletableFuture<Integer> unfinished;
        try {
            unfinished = pool.applyAsync(PoolContractTest::slowIdentity, 8);
        } finally {
            pool.terminate();
        }
        assertThrows(CancellationException.class, unfinished::join);
        assertThrows(RejectedExecutionException.class, () -> pool.applyAsync(() -> 1));
    }

    private static void assertFullFidelity(TaskFailedException e, int x) {
        assertTrue(!e.workerName().isBlank() && e.getMessage().contains(e.workerName()), e::getMessage);
        assertTrue(e.workerPid() > 0, () -> "pid " + e.workerPid());
        InventoryException cause = assertInstanceOf(InventoryException.class, e.getCause());
        assertEquals("item " + x + " is missing", cause.getMessage());
        assertTrue(Arrays.stream(cause.getStackTrace()).anyMatch(
                f -> f.getMethodName().equals("failingStep") && "PoolContractTest.java".equals(f.getFileName())
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
        assertTrue(printed.toString().contains("Caused by: " + InventoryException.class.getName()), printed::toString);
    }
}
