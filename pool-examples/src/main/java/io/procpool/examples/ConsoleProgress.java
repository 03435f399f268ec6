package io.procpool.examples;

import io.procpool.Progress;
import io.procpool.ProgressListener;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A one-line progress bar with rate and ETA on stderr: {@code [#########-----------]  45%  95/211 files  70 files/s
 * ETA 0:02}. On a terminal ({@code System.console() != null}) it is redrawn in place with a carriage return ten times a
 * second; otherwise (output redirected to a file or a pipe) it prints a plain line every second, so a log stays
 * readable. The last report ends the line.
 *
 * <p>Threading: called by the pool on its progress thread, one report at a time; it writes to its stream only.
 * {@link #awaitLastReport()} may be called from any thread.
 */
final class ConsoleProgress implements ProgressListener {
    private static final int BAR_WIDTH = 20;

    private final PrintStream out;
    private final String unit;
    private final boolean terminal;
    private final CountDownLatch finished = new CountDownLatch(1);
    private int drawnLength; // confined to the progress thread

    ConsoleProgress(PrintStream out, String unit, boolean terminal) {
        this.out = out;
        this.unit = unit;
        this.terminal = terminal;
    }

    /** A bar on {@code System.err}, redrawn in place when this JVM runs on a terminal. */
    static ConsoleProgress onStderr(String unit) {
        return new ConsoleProgress(System.err, unit, System.console() != null);
    }

    /** @return how often the pool should report: often on a terminal, once a second in a log */
    Duration cadence() {
        return terminal ? Duration.ofMillis(100) : Duration.ofSeconds(1);
    }

    @Override
    public void onProgress(Progress progress) {
        String line = render(progress);
        if (terminal) {
            String padding = " ".repeat(Math.max(0, drawnLength - line.length())); // cover a longer previous line
            drawnLength = line.length();
            out.print("\r" + line + padding + (progress.finished() ? System.lineSeparator() : ""));
            out.flush();
        } else {
            out.println(line);
        }
        if (progress.finished()) {
            finished.countDown();
        }
    }

    /**
     * Waits for the last report to be drawn, so what the caller prints next comes after the bar. The pool sends it
     * right after the call ends, so this returns at once in practice.
     *
     * @throws InterruptedException interrupted while waiting
     */
    void awaitLastReport() throws InterruptedException {
        finished.await();
    }

    /** The bar, percentage, counts, rate and ETA; what is unknown (the total) is left out. */
    String render(Progress progress) {
        long finished = progress.done() + progress.failed();
        StringBuilder line = new StringBuilder();
        if (progress.fraction().isPresent()) {
            double fraction = progress.fraction().getAsDouble();
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append('[').append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%  ", Math.round(fraction * 100)));
        }
        line.append(String.format(Locale.ROOT, "%,d", finished));
        progress.total().ifPresent(total -> line.append(String.format(Locale.ROOT, "/%,d", total)));
        line.append(' ').append(unit).append(String.format(Locale.ROOT, "  %,.0f %s/s", progress.itemsPerSecond(), unit));
        if (progress.failed() > 0) {
            line.append(String.format(Locale.ROOT, "  %,d failed", progress.failed()));
        }
        if (progress.finished()) {
            line.append(String.format(Locale.ROOT, "  done in %s", clock(progress.elapsed())));
        } else {
            progress.eta().ifPresent(eta -> line.append("  ETA ").append(clock(eta)));
        }
        return line.toString();
    }

    private static String clock(Duration duration) {
        long seconds = (duration.toMillis() + 999) / 1000;
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
