package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to children when their parent JVM ends: a non-daemon child keeps it alive, a daemon child is killed at
 * its exit, and no child outlives a parent killed with SIGKILL. Each test runs {@link ParentJvm} as a separate parent
 * JVM and watches its child by pid; every process a test starts is killed after it.
 */
class JvmProcessParentExitTest {
    /** A hang guard, never a timing assertion: a healthy run takes a few seconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killEverything() {
        started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    @Test
    void theParentWaitsForANonDaemonChild() throws Exception {
        Process parent = startParent("non-daemon");
        awaitChildPid();
        assertTrue(parent.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS), "the parent JVM did not exit");
        assertEquals(0, parent.exitValue());
        List<String> lines = output();
        assertTrue(lines.contains("main returns"), lines::toString);
        assertTrue(lines.indexOf("main returns") < lines.indexOf("child finished"), lines::toString);
    }

    @Test
    void aDaemonChildIsKilledWhenTheParentExits() throws Exception {
        Process parent = startParent("daemon");
        long child = awaitChildPid();
        assertTrue(parent.waitFor(GENEROUS.toSeconds(), TimeUnit.SECONDS), "the parent JVM did not exit");
        assertEquals(0, parent.exitValue());
        await().atMost(GENEROUS).until(() -> !isRunning(child)); // it would sleep for a minute
    }

    @Test
    void noChildOutlivesAParentKilledWithSigkill() throws Exception {
        assertChildEndsWhenItsParentIsSigkilled("wait");
    }

    @Test
    void noPoolWorkerOutlivesAParentKilledWithSigkill() throws Exception {
        assertChildEndsWhenItsParentIsSigkilled("pool");
    }

    private void assertChildEndsWhenItsParentIsSigkilled(String mode) throws IOException {
        Process parent = startParent(mode);
        long child = awaitChildPid();
        assertTrue(isRunning(child));
        parent.toHandle().destroyForcibly();
        await().atMost(Duration.ofSeconds(10)).until(() -> !isRunning(child));
    }

    private Process startParent(String mode) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process parent = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                ParentJvm.class.getName(), mode)
                .redirectOutput(directory.resolve("stdout").toFile())
                .redirectError(directory.resolve("stderr").toFile())
                .start();
        started.add(parent.pid());
        return parent;
    }

    /** Waits for the parent to name its child, and returns the child's pid. */
    private long awaitChildPid() {
        long pid = await().atMost(GENEROUS).until(this::childPid, Optional::isPresent).orElseThrow();
        started.add(pid);
        return pid;
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<Long> childPid() throws IOException {
        return output().stream().filter(line -> line.startsWith("child ") && !line.equals("child finished"))
                .map(line -> Long.parseLong(line.substring("child ".length()))).findFirst();
    }

    private List<String> output() throws IOException {
        return Files.readAllLines(directory.resolve("stdout"), StandardCharsets.UTF_8);
    }
}
