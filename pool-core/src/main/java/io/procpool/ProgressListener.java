package io.procpool;

/**
 * Receives {@link Progress} reports of a long {@code map} or {@code imap} on the cadence the caller chose, and one
 * last report with {@link Progress#finished()} set when the call is over (completed, failed, or its stream closed).
 *
 * <p>Threading: called on procpool's progress thread, never concurrently for one call, and never on the thread that
 * completes results, so counting costs the workers nothing. Every pool in the JVM shares that one thread: keep the
 * listener short (print a line, update a gauge). An exception it throws is logged and does not stop the reports.
 */
@FunctionalInterface
public interface ProgressListener {
    /**
     * Takes one report.
     *
     * @param progress the counts so far
     */
    void onProgress(Progress progress);
}
