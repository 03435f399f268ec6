package io.procpool.internal.process;

import java.io.PrintStream;

/**
 * Where children's output lands in the parent: each forwarded line is printed whole on the parent's current
 * {@code System.out} or {@code System.err}, so lines from different children never interleave inside a line.
 *
 * <p>Thread-safety: thread-safe; every line is printed under one lock shared by all children.
 */
public final class OutputSink {
    /** Stream number of {@code System.out} in OUTPUT frames. */
    public static final int STDOUT = 1;
    /** Stream number of {@code System.err} in OUTPUT frames. */
    public static final int STDERR = 2;

    private static final Object LOCK = new Object();

    private OutputSink() {
    }

    /** Prints one whole line on the parent's stream {@code stream} ({@link #STDOUT} or {@link #STDERR}). */
    public static void printLine(int stream, String line) {
        synchronized (LOCK) {
            PrintStream target = stream == STDOUT ? System.out : System.err;
            target.println(line);
            target.flush();
        }
    }
}
