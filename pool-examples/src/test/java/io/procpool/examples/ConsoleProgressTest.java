package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.procpool.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The progress bar's line: bar, percentage, counts, rate and ETA; redrawn in place on a terminal only. */
class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aKnownTotalShowsTheBarPercentageRateAndEta() {
        ConsoleProgress bar = new ConsoleProgress(out, "files", false);
        assertEquals("[##########----------]  50%  50/100 files  10 files/s  ETA 0:05",
                bar.render(new Progress(50, 0, OptionalLong.of(100), Duration.ofSeconds(5), false)));
        assertEquals("[####################] 100%  100/100 files  10 files/s  1 failed  done in 0:10",
                bar.render(new Progress(99, 1, OptionalLong.of(100), Duration.ofSeconds(10), true)));
    }

    @Test
    void anUnknownTotalShowsCountsAndRateOnly() {
        ConsoleProgress bar = new ConsoleProgress(out, "items", false);
        assertEquals("1,500 items  750 items/s",
                bar.render(new Progress(1_500, 0, OptionalLong.empty(), Duration.ofSeconds(2), false)));
    }

    @Test
    void aTerminalGetsOneLineRedrawnInPlaceAndALogGetsPlainLines() {
        Progress half = new Progress(1, 0, OptionalLong.of(2), Duration.ofSeconds(1), false);
        Progress done = new Progress(2, 0, OptionalLong.of(2), Duration.ofSeconds(2), true);
        ConsoleProgress terminal = new ConsoleProgress(out, "files", true);
        terminal.onProgress(half);
        terminal.onProgress(done);
        String first = terminal.render(half);
        String last = terminal.render(done);
        String padding = " ".repeat(Math.max(0, first.length() - last.length()));
        assertEquals("\r" + first + "\r" + last + padding + System.lineSeparator(), printed());

        bytes.reset();
        ConsoleProgress log = new ConsoleProgress(out, "files", false);
        log.onProgress(half);
        log.onProgress(done);
        assertEquals(log.render(half) + System.lineSeparator() + log.render(done) + System.lineSeparator(), printed());
    }
}
