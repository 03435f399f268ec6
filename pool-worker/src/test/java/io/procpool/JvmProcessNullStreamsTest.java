package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@link JvmProcess} whose target sets {@code System.out} or {@code System.err} to null (issue 20, item 12): the
 * child exits as its target says, 0 or 1, and procpool's own flushing at exit prints no {@code NullPointerException}
 * on the parent's stderr. Real child JVMs.
 *
 * <p>Threading: JUnit's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JvmProcessNullStreamsTest {
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private static int exitCodeOf(JvmProcess process) throws InterruptedException {
        process.start();
        try {
            assertTrue(process.join(GENEROUS), "the child did not end");
            return process.exitCode().orElseThrow();
        } finally {
            process.kill();
            process.join();
        }
    }

    @Test
    void aTargetThatSetsItsStreamsToNullExitsZeroWithoutNullPointerTraces() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(0, exitCodeOf(new JvmProcess("null-out", () -> System.setOut(null))));
            assertEquals(0, exitCodeOf(new JvmProcess("null-err", () -> System.setErr(null))));
            assertEquals(0, exitCodeOf(new JvmProcess("null-both", () -> {
                System.out.print("a partial line, then no stream");
                System.setOut(null);
                System.setErr(null);
            })));
            List<String> stderr = output.stderr();
            assertTrue(stderr.stream().noneMatch(line -> line.contains("NullPointerException")), stderr::toString);
            assertTrue(output.stdout().contains("a partial line, then no stream"), output.stdout()::toString);
        }
    }

    @Test
    void aTargetThatThrowsAfterSettingStderrToNullExitsOne() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            assertEquals(1, exitCodeOf(new JvmProcess("null-err-throws", () -> {
                System.setErr(null);
                throw new IllegalStateException("nowhere to print this");
            })));
            List<String> stderr = output.stderr();
            assertTrue(stderr.stream().noneMatch(line -> line.contains("NullPointerException")), stderr::toString);
        }
    }
}
