package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The codec warm-up is bounded, stops as soon as it is told, and prints nothing. */
@Timeout(60)
class CodecWarmUpTest {

    @Test
    void runsItsBoundedRoundsOfEveryShapeWhenNeverStopped() {
        assertEquals(CodecWarmUp.ROUNDS * 5, CodecWarmUp.run(() -> true));
    }

    @Test
    void stopsBetweenTwoChunksOnceTold() {
        AtomicInteger polls = new AtomicInteger();
        assertEquals(7, CodecWarmUp.run(() -> polls.incrementAndGet() <= 7));
        assertEquals(8, polls.get());
    }

    @Test
    void printsNothing() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            CodecWarmUp.run(() -> true);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }
}
