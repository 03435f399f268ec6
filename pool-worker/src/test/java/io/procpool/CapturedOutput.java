package io.procpool;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures this JVM's {@code System.out} and {@code System.err} from construction until {@link #close()}. Children's
 * lines land on whatever {@code System.out}/{@code System.err} are when they arrive, so a child's output is captured
 * as long as it is joined before the capture closes.
 *
 * <p>Thread-safety: the captured text may be read from any thread while output arrives.
 */
final class CapturedOutput implements AutoCloseable {
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    CapturedOutput() {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** @return the lines printed on System.out so far */
    List<String> stdout() {
        return lines(out);
    }

    /** @return the lines printed on System.err so far */
    List<String> stderr() {
        return lines(err);
    }

    private static List<String> lines(ByteArrayOutputStream bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8); // synchronized with the writers
        return text.isEmpty() ? List.of() : List.of(text.split("\\R"));
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }
}
