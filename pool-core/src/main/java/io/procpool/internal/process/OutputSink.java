package io.procpool.internal.process;

import io.procpool.internal.protocol.ToParent.OutputLine;
import java.io.PrintStream;

/**
 * Where children's output lands in the parent: each forwarded line is printed whole on the parent's current
 * {@code System.out} or {@code System.err}, so lines from different children never interleave inside a line.
 *
 * <p>Thread-safety: thread-safe; every line is printed under one lock shared by all children.
 */
public final class OutputSink {
    private static final Object LOCK = new Object();

    private OutputSink() {
    }

    /** Prints one whole line on the parent's stream {@code stream}. */
    public static void printLine(OutputLine.Stream stream, String line) {
        synchronized (LOCK) {
            PrintStream target = stream == OutputLine.Stream.OUT ? System.out : System.err;
            target.println(line);
            target.flush();
        }
    }
}
