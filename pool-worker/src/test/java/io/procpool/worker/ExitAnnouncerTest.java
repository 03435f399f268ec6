package io.procpool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.JvmProcess;
import io.procpool.internal.protocol.FrameWriter;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exit announcer installed while the JVM is already shutting down (issue 20, item 9): a signal that reaches a
 * child between its signal handlers and its shutdown hook made {@code addShutdownHook} throw "Shutdown in progress"
 * onto the user's stderr. The window is too narrow to hit on purpose, so the child installs the announcer from a
 * shutdown hook of its own, where the JVM is shutting down for certain; a throw halts it with {@link #THREW}.
 *
 * <p>Threading: JUnit's thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExitAnnouncerTest {
    private static final int THREW = 7;

    @Test
    void installingTheAnnouncerDuringShutdownDoesNotThrow() throws InterruptedException {
        JvmProcess child = new JvmProcess("announcer-during-shutdown", () ->
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        ExitAnnouncer.install(FrameWriter.toParent(OutputStream.nullOutputStream()), () -> { });
                    } catch (RuntimeException e) {
                        Runtime.getRuntime().halt(THREW);
                    }
                })));
        child.start();
        try {
            assertTrue(child.join(Duration.ofSeconds(30)), "the child did not end");
            assertEquals(0, child.exitCode().orElseThrow());
        } finally {
            child.kill();
            child.join();
        }
    }
}
