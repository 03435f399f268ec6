package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** imap and imapUnordered: lazy, ordered or not, bounded read-ahead, closing stops the work. */
class PoolImapTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("imaptest").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    @Test
    void imapOverAnInfiniteStreamWithLimit() {
        try (Stream<Long> results = pool.imap(n -> n * 2, Stream.iterate(0L, n -> n + 1))) {
            List<Long> first = results.limit(5_000).collect(Collectors.toList());
            assertEquals(LongStream.range(0, 5_000).map(n -> n * 2).boxed().collect(Collectors.toList()), first);
        }
    }

    @Test
    void imapReadsOnlyABoundedWindowAheadOfTheConsumer() {
        AtomicLong pulled = new AtomicLong();
        Stream<Integer> input = Stream.generate(() -> (int) pulled.incrementAndGet());
        try (Stream<Integer> results = pool.imap(x -> x + 1, input)) {
            Iterator<Integer> it = results.iterator();
            for (int i = 0; i < 100; i++) {
                it.next();
            }
            long pulledAfter100 = pulled.get();
            assertTrue(pulledAfter100 < 1_000_000, "read " + pulledAfter100 + " items ahead of 100 consumed");
            // nothing more is read while the consumer waits
            assertEquals(pulledAfter100, pulled.get());
        }
    }

    @Test
    void imapUnorderedDeliversTheSameMultiset() {
        List<Integer> input = IntStream.range(0, 2_000).boxed().collect(Collectors.toList());
        try (Stream<Integer> results = pool.imapUnordered(x -> x * 3, input)) {
            List<Integer> sorted = results.sorted().collect(Collectors.toList());
            assertEquals(input.stream().map(x -> x * 3).collect(Collectors.toList()), sorted);
        }
    }

    @Test
    void imapWithChunkSizeOneKeepsOrder() {
        List<Integer> input = IntStream.range(0, 500).boxed().collect(Collectors.toList());
        try (Stream<Integer> results = pool.imap(x -> -x, input, 1)) {
            assertEquals(input.stream().map(x -> -x).collect(Collectors.toList()), results.toList());
        }
    }

    @Test
    void imapFailureArrivesAtTheFailedItemAfterTheResultsBeforeIt() {
        Iterator<Integer> results = pool.imap((Integer x) -> 10 / (5 - x), List.of(0, 1, 2, 3, 4, 5, 6), 3)
                .iterator();
        assertEquals(List.of(2, 2, 3, 5, 10), List.of(results.next(), results.next(), results.next(),
                results.next(), results.next()));
        TaskFailedException e = assertThrows(TaskFailedException.class, results::next);
        assertTrue(e.getCause() instanceof ArithmeticException, e.toString());
    }

    @Test
    void closingTheStreamStopsReadingInputAndReleasesTheWork() {
        AtomicLong pulled = new AtomicLong();
        Stream<Integer> results = pool.imap((Integer x) -> {
            Thread.sleep(5);
            return x;
        }, Stream.generate(() -> (int) pulled.incrementAndGet()));
        Iterator<Integer> it = results.iterator();
        it.next();
        results.close();
        long pulledAtClose = pulled.get();
        assertEquals(pulledAtClose, pulled.get(), "no input is read after close");
        // the pool is free again: an apply is answered promptly
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.apply(() -> "free").equals("free"));
        assertTrue(pulledAtClose < 10_000, "read " + pulledAtClose);
    }
}
