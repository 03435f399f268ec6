package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Pool} shows, whatever carries its tasks: map, starmap, apply, lazy imap, remote
 * exceptions, close and terminate. A subclass supplies the pool (local worker JVMs, a cluster) and inherits these
 * tests; tests of one implementation's own features stay in its subclass. Published in pool-worker's test-jar so other
 * modules' pools run the same bodies. The tasks are static methods and lambdas of this class, so the workers need this
 * class on their class path.
 *
 * <p>Threading: JUnit's; each test uses the shared pool from its own thread (one test from eight).
 */
public abstract class PoolContractTest {

    /** @return the pool under test, shared by the tests of a class; the subclass starts and closes it */
    protected abstract Pool pool();

    /** @return a fresh pool of the same kind, for the tests that close or terminate it; the test closes it */
    protected abstract Pool newPool();

    /** A task's own exception type: public, with a cause, as user exceptions are. */
    public static class InventoryException extends Exception {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is missing
         * @param cause   why
         */
        public InventoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    record Point(int x, int y) {
    }

    static int failingStep(int x) throws InventoryException {
        InventoryException failure = new InventoryException("item " + x + " is missing",
                new IllegalStateException("shelf empty"));
        failure.addSuppressed(new IllegalArgumentException("cleanup failed"));
        throw failure;
    }

    static int slowIdentity(int x) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(200); // simulated work, not a wait for a condition
        return x;
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    // ---------------------------------------------------------------------------------------------- map, apply

    @Test
    void mapOfOneThousandItemsKeepsInputOrder() {
        assertEquals(range(1_000).stream().map(x -> x * 3).toList(), pool().map(x -> x * 3, range(1_000)));
    }

    @Test
    void chunkSizesAgree() {
        List<String> expected = range(500).stream().map(x -> "#" + x).toList();
        for (int chunkSize : new int[] {Pool.AUTO_CHUNK_SIZE, 1, 7, 500, 1_000}) {
            assertEquals(expected, pool().map(x -> "#" + x, range(500), chunkSize), "chunk size " + chunkSize);
        }
    }

    @Test
    void mapAsyncCompletesWithTheList() throws Exception {
        assertEquals(List.of(2, 3, 4), pool().mapAsync(x -> x + 1, List.of(1, 2, 3)).get());
    }

    @Test
    void mapOfNothingIsEmpty() {
        assertEquals(List.of(), pool().map(x -> x, List.of()));
    }

    @Test
    void nullResultsArePreserved() {
        assertEquals(Arrays.asList(null, "odd", null, "odd"), pool().map(x -> x % 2 == 0 ? null : "odd", range(4)));
    }

    @Test
    void negativeChunkSizeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pool().map(x -> x, List.of(1), -3));
        assertTrue(e.getMessage().contains("-3"), e::getMessage);
    }

    @Test
    void recordsCapturedValuesAndCollectionsTravel() {
        int offset = 10;
        Map<String, Integer> weights = Map.of("a", 1, "b", 2);
        List<Point> out = pool().map((Point p) -> new Point(p.x() + offset, p.y() * weights.get("b")),
                List.of(new Point(1, 2), new Point(3, 4)));
        assertEquals(List.of(new Point(11, 4), new Point(13, 8)), out);
    }

    @Test
    void starmapSpreadsEachPair() {
        List<Map.Entry<Integer, String>> pairs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            pairs.add(Map.entry(i, "v" + i));
        }
        pairs.add(new AbstractMap.SimpleEntry<>(7, "simple"));
        List<String> out = pool().starmap((Integer n, String s) -> s + ":" + n, pairs);
        assertEquals("v0:0", out.get(0));
        assertEquals("v99:99", out.get(99));
        assertEquals("simple:7", out.get(100));
    }

    @Test
    void applyRunsOneTaskInAWorker() {
        long workerPid = pool().apply(() -> ProcessHandle.current().pid());
        assertTrue(workerPid != ProcessHandle.current().pid());
        assertTrue(pool().workers().stream().anyMatch(w -> w.pid() == workerPid), () -> "ran in one of the workers "
                + pool().workers());
    }

    @Test
    void applyAsyncWithAnArgument() throws Exception {
        assertEquals("41!", pool().applyAsync((Integer x) -> x + "!", 41).get());
    }

    @Test
    void eightThreadsTimesFiveHundredApplyAsyncAllExact() throws Exception {
        ExecutorService submitters = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<CompletableFuture<Long>>>> batches = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                long thread = t;
                batches.add(submitters.submit(() -> {
                    List<CompletableFuture<Long>> mine = new ArrayList<>();
                    for (long i = 0; i < 500; i++) {
                        mine.add(pool().applyAsync((Long v) -> v * 2 + 1, thread * 1_000_000 + i));
                    }
                    return mine;
                }));
            }
            for (int t = 0; t < 8; t++) {
                List<CompletableFuture<Long>> mine = batches.get(t).get();
                for (int i = 0; i < 500; i++) {
                    assertEquals((t * 1_000_000L + i) * 2 + 1, mine.get(i).get());
                }
            }
        } finally {
            submitters.shutdownNow();
        }
    }

    @Test
    void mapWithProgressEndsWithAReportOfEveryItemDone() {
        List<Progress> reports = new CopyOnWriteArrayList<>();
        assertEquals(range(200).stream().map(x -> x + 1).toList(),
                pool().map(x -> x + 1, range(200), reports::add, Duration.ofMillis(10)));
        await().atMost(Duration.ofSeconds(30)).until(() -> reports.stream().anyMatch(Progress::finished));
        Progress last = reports.stream().filter(Progress::finished).findFirst().orElseThrow();
        assertEquals(200, last.done());
        assertEquals(0, last.failed());
        assertEquals(OptionalLong.of(200), last.total());
    }

    // ---------------------------------------------------------------------------------------------- imap

    @Test
    void imapOverAnInfiniteStreamWithLimit() {
        try (Stream<Long> results = pool().imap(n -> n * 2, Stream.iterate(0L, n -> n + 1))) {
            assertEquals(LongStream.range(0, 5_000).map(n -> n * 2).boxed().toList(), results.limit(5_000).toList());
        }
    }

    @Test
    void imapReadsOnlyABoundedWindowAheadOfTheConsumerAndOnlyOnItsThread() {
        AtomicLong pulled = new AtomicLong();
        Set<String> readers = ConcurrentHashMap.newKeySet();
        Stream<Integer> input = Stream.generate(() -> {
            readers.add(Thread.currentThread().getName());
            return (int) pulled.incrementAndGet();
        });
        int chunk = 10;
        try (Stream<Integer> results = pool().imap(x -> x + 1, input, chunk)) {
            Iterator<Integer> it = results.iterator();
            for (int i = 0; i < 100; i++) {
                assertEquals(i + 2, it.next());
            }
            // The window is a few chunks per worker; 64 workers' worth is far below an unbounded read-ahead.
            long ahead = pulled.get() - 100;
            assertTrue(ahead <= 64L * 4 * chunk, "read " + ahead + " items ahead of 100 consumed");
            assertEquals(Set.of(Thread.currentThread().getName()), readers, "the input is read by the consumer");
        }
    }

    @Test
    void imapUnorderedDeliversTheSameMultiset() {
        try (Stream<Integer> results = pool().imapUnordered(x -> x * 3, range(2_000))) {
            assertEquals(range(2_000).stream().map(x -> x * 3).toList(), results.sorted().toList());
        }
    }

    @Test
    void imapWithChunkSizeOneKeepsOrder() {
        try (Stream<Integer> results = pool().imap(x -> -x, range(500), 1)) {
            assertEquals(range(500).stream().map(x -> -x).toList(), results.toList());
        }
    }

    @Test
    void imapFailureArrivesAtTheFailedItemAfterTheResultsBeforeIt() {
        Iterator<Integer> results = pool().imap((Integer x) -> 10 / (5 - x), List.of(0, 1, 2, 3, 4, 5, 6), 3)
                .iterator();
        assertEquals(List.of(2, 2, 3, 5, 10), List.of(results.next(), results.next(), results.next(),
                results.next(), results.next()));
        TaskFailedException e = assertThrows(TaskFailedException.class, results::next);
        assertInstanceOf(ArithmeticException.class, e.getCause());
    }

    @Test
    void closingTheStreamStopsReadingInputAndReleasesTheWork() {
        AtomicLong pulled = new AtomicLong();
        Set<String> readers = ConcurrentHashMap.newKeySet();
        Stream<Integer> results = pool().imap((Integer x) -> {
            Thread.sleep(5); // simulated work
            return x;
        }, Stream.generate(() -> {
            readers.add(Thread.currentThread().getName());
            return (int) pulled.incrementAndGet();
        }));
        Iterator<Integer> it = results.iterator();
        it.next();
        results.close();
        long pulledAtClose = pulled.get();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool().apply(() -> "free").equals("free"));
        assertEquals(pulledAtClose, pulled.get(), "no input is read after close, by any thread");
        assertEquals(Set.of(Thread.currentThread().getName()), readers, "the input is read by the consumer");
        assertTrue(pulledAtClose < 10_000, "read " + pulledAtClose);
    }

    // ---------------------------------------------------------------------------------------------- failures

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
    void aSynchronousFailureShowsWhereTheCallWasMade() {
        TaskFailedException e = assertThrows(TaskFailedException.class,
                () -> pool().map(PoolContractTest::failingStep, List.of(6)));
        assertTrue(java.util.Arrays.stream(e.getStackTrace()).anyMatch(
                frame -> frame.getMethodName().contains("aSynchronousFailureShowsWhereTheCallWasMade")),
                "the caller's frames, not the reader thread's");
    }

    @Test
    void remoteExceptionThroughApplyAsyncKeepsClassFramesCauseAndSuppressed() {
        CompletableFuture<Integer> future = pool().applyAsync(PoolContractTest::failingStep, 5);
        ExecutionException e = assertThrows(ExecutionException.class, future::get);
        assertFullFidelity(assertInstanceOf(TaskFailedException.class, e.getCause()), 5);
    }

    @Test
    void mapFailsWithTheFirstFailureInInputOrder() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool().map((Integer x) -> {
            if (x == 2 || x == 7) {
                throw new IllegalStateException("bad " + x);
            }
            return x;
        }, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8), 1));
        assertEquals("bad 2", e.getCause().getMessage());
    }

    @Test
    void errorsTravelToo() {
        TaskFailedException e = assertThrows(TaskFailedException.class, () -> pool().apply(() -> {
            throw new StackOverflowError("deep");
        }));
        assertInstanceOf(StackOverflowError.class, e.getCause());
    }

    @Test
    void theWorkersGoOnServingAfterATaskFails() {
        assertThrows(TaskFailedException.class, () -> pool().apply(() -> failingStep(1)));
        assertEquals(List.of(1, 2), pool().map(x -> x + 1, List.of(0, 1)));
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
        assertTrue(printed.toString().contains("failingStep(PoolContractTest.java:"), printed::toString);
    }

    // ---------------------------------------------------------------------------------------------- lifecycle

    @Test
    void closeWaitsForAcceptedWorkIsIdempotentAndThenRejectsNewWork() throws Exception {
        Pool pool = newPool();
        List<CompletableFuture<Integer>> accepted = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                accepted.add(pool.applyAsync(PoolContractTest::slowIdentity, i));
            }
        } finally {
            pool.close();
        }
        for (int i = 0; i < 6; i++) {
            assertEquals(i, accepted.get(i).getNow(-1), "finished before close returned");
        }
        pool.close();
        assertThrows(RejectedExecutionException.class, () -> pool.apply(() -> 1));
        assertThrows(RejectedExecutionException.class, () -> pool.map(x -> x, List.of(1, 2)));
    }

    @Test
    void terminateCancelsUnfinishedWorkAndThenRejectsNewWork() {
        Pool pool = newPool();
        CompletableFuture<Integer> unfinished;
        try {
            unfinished = pool.applyAsync(PoolContractTest::slowIdentity, 8);
        } finally {
            pool.terminate();
        }
        assertTrue(unfinished.isCancelled(), unfinished::toString);
        assertThrows(CancellationException.class, unfinished::join);
        pool.terminate();
        pool.close();
        assertThrows(RejectedExecutionException.class, () -> pool.applyAsync(() -> 1));
    }
}
