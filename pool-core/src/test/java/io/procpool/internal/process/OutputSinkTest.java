package io.procpool.internal.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The parent's output sink on a stream that blocks: lines are handed over without waiting for the stream, a full sink
 * makes the next hand-over wait instead of dropping a line, and the order of lines is kept.
 *
 * <p>Threading: JUnit's thread, one helper thread that hands over a line, and each sink's printer thread.
 */
@Timeout(60)
class OutputSinkTest {

    @Test
    void aLineIsHandedOverWhileTheStreamIsBlockedAndPrintedOnceItIsNot() throws InterruptedException {
        BlockedStream stdout = new BlockedStream();
        OutputSink sink = new OutputSink(1 << 20, "test-printer-blocked");
        long ticket = sink.print(new PrintStream(stdout, false, StandardCharsets.UTF_8), "first");
        assertTrue(stdout.awaitBlockedWrite());
        long second = sink.print(new PrintStream(stdout, false, StandardCharsets.UTF_8), "second");

        assertFalse(sink.awaitPrinted(ticket), "printed while the stream was blocked");
        stdout.release();
        awaitPrinted(sink, second);
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals("first\nsecond\n"));
    }

    @Test
    void aFullSinkMakesTheNextHandOverWaitAndDropsNothing() throws InterruptedException {
        BlockedStream stdout = new BlockedStream();
        PrintStream target = new PrintStream(stdout, false, StandardCharsets.UTF_8);
        OutputSink sink = new OutputSink(10, "test-printer-full");
        sink.print(target, "12345");
        assertTrue(stdout.awaitBlockedWrite());
        sink.print(target, "67890"); // 10 characters wait or print: full
        AtomicLong third = new AtomicLong();
        Thread reader = new Thread(() -> third.set(sink.print(target, "abc")), "test-reader");
        reader.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> reader.getState() == Thread.State.WAITING);
        assertEquals(0, third.get(), "the third line was taken although the sink was full");

        stdout.release();
        reader.join(10_000);
        assertFalse(reader.isAlive());
        awaitPrinted(sink, third.get());
        await().atMost(Duration.ofSeconds(10)).until(() -> stdout.text().equals("12345\n67890\nabc\n"));
    }

    /** Awaits a ticket in the sink's short waits, for at most 10 s in all. */
    private static void awaitPrinted(OutputSink sink, long ticket) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.awaitPrinted(ticket));
    }
}
