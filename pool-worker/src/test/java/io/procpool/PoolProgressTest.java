package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Progress reports of map, imap and imapUnordered against real worker JVMs. */
class PoolProgressTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private static final Duration OFTEN = Duration.ofMillis(10);
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("progresstest").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** Collects reports; the last one is the finished one. */
    private static final class Reports implements ProgressListener {
        final List<Progress> seen = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(Progress progress) {
            seen.add(progress);
        }

        Progress awaitFinished() {
            await().atMost(GENEROUS).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1).finished());
            assertEquals(1, seen.stream().filter(Progress::finished).count(), seen::toString);
            for (int i = 1; i < seen.size(); i++) {
                assertTrue(seen.get(i).done() >= seen.get(i - 1).done(), seen::toString);
            }
            return seen.get(seen.size() - 1);
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    private static int slowSquare(int x) throws InterruptedException {
        Thread.sleep(2); // work that takes time, so reports come while the call runs
        return x * x;
    }

    @Test
    void mapReportsWhileRunningAndOnceWhenFinished() {
        Reports reports = new Reports();
        List<Integer> squares = pool.map(PoolProgressTest::slowSquare, range(300), reports, OFTEN);
        assertEquals(range(300).stream().map(x -> x * x).collect(Collectors.toList()), squares);
        Progress last = reports.awaitFinished();
        assertEquals(300, last.done());
        assertEquals(0, last.failed());
        assertEquals(OptionalLong.of(300), last.total());
        assertEquals(1.0, last.fraction().orElseThrow());
        assertTrue(reports.seen.size() > 1, reports.seen::toString); // the call ran for about 300 ms
    }

    @Test
    void aFailedMapCountsTheFailure() {
        Reports reports = new Reports();
        assertThrows(TaskFailedException.class, () -> pool.map(x -> 10 / (x - 5), range(10), reports, OFTEN));
        Progress last = reports.awaitFinished();
        assertTrue(last.failed() >= 1, last::toString);
    }

    @Test
    void imapOverASizedStreamKnowsItsTotal() {
        Reports reports = new Reports();
        try (Stream<Integer> results = pool.imap(PoolProgressTest::slowSquare, range(100).stream(), reports, OFTEN)) {
            assertEquals(100, results.count());
        }
        Progress last = reports.awaitFinished();
        assertEquals(100, last.done());
        assertEquals(OptionalLong.of(100), last.total());
    }

    @Test
    void imapUnorderedOverAStreamOfUnknownSizeReportsWithoutATotal() {
        Reports reports = new Reports();
        Stream<Integer> input = Stream.iterate(0, x -> x + 1).limit(200);
        List<Integer> results = pool.imapUnordered((Integer x) -> x + 1, input, reports, OFTEN)
                .sorted().collect(Collectors.toList());
        assertEquals(IntStream.rangeClosed(1, 200).boxed().collect(Collectors.toList()), results);
        Progress last = reports.awaitFinished();
        assertEquals(200, last.done());
        assertTrue(last.total().isEmpty());
        assertTrue(last.eta().isEmpty());
    }

    @Test
    void closingAnImapEarlySendsTheFinalReport() {
        Reports reports = new Reports();
        try (Stream<Long> results = pool.imap((Long n) -> n * 2, Stream.iterate(0L, n -> n + 1), reports, OFTEN)) {
            assertEquals(1_000, results.limit(1_000).count());
        }
        Progress last = reports.awaitFinished();
        assertTrue(last.done() >= 1_000, last::toString);
    }

    @Test
    void aCadenceThatIsNotPositiveIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> pool.map(x -> x, range(3), progress -> { }, Duration.ZERO));
    }
}
