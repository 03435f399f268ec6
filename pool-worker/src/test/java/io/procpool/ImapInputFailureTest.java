package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code imap} over an input whose iterator throws (issue 20, item 11): as Python's {@code imap}, the results of the
 * items read before the failing one come first, then the input's own exception. Real worker JVMs.
 *
 * <p>Threading: JUnit's thread, plus the pool's threads.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImapInputFailureTest {
    private static final IllegalStateException BROKEN_INPUT = new IllegalStateException("input broke at item 3");

    /** Yields 0, 1, 2, then throws {@link #BROKEN_INPUT} when asked for item 3. */
    private static Iterable<Integer> failingAtThree() {
        return () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (next == 3) {
                    throw BROKEN_INPUT;
                }
                return next++;
            }
        };
    }

    @Test
    void imapHandsOutTheResultsBeforeAFailingInputItemThenThrowsTheInputsException() {
        try (ProcessPool pool = ProcessPool.builder().workers(2).name("imap-input-failure").build()) {
            for (boolean ordered : new boolean[] {true, false}) {
                List<Integer> received = new ArrayList<>();
                try (Stream<Integer> results = ordered ? pool.imap(x -> x * x, failingAtThree(), 1)
                        : pool.imapUnordered(x -> x * x, failingAtThree(), 1)) {
                    Iterator<Integer> it = results.iterator();
                    IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> {
                        while (it.hasNext()) {
                            received.add(it.next());
                        }
                    });
                    assertSame(BROKEN_INPUT, thrown);
                }
                if (ordered) {
                    assertEquals(List.of(0, 1, 4), received);
                } else {
                    assertEquals(List.of(0, 1, 4), received.stream().sorted().toList());
                }
            }
            assertEquals(7, pool.<Integer>apply(() -> 7)); // the pool goes on serving
        }
    }

    @Test
    void anInputThatFailsAtOnceThrowsOnTheFirstResult() {
        Iterable<Integer> failingAtOnce = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                throw BROKEN_INPUT;
            }

            @Override
            public Integer next() {
                throw new NoSuchElementException();
            }
        };
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("imap-input-fails-at-once").build();
             Stream<Integer> results = pool.imap(x -> x, failingAtOnce)) {
            Iterator<Integer> it = results.iterator();
            assertSame(BROKEN_INPUT, assertThrows(IllegalStateException.class, it::hasNext));
            assertFalse(it.hasNext()); // thrown once; the stream is over
        }
    }
}
