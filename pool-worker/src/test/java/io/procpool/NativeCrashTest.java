package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.internal.process.DefaultLaunchSpec;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child JVM that crashes natively (what a buggy JNI library does: a write to address 0 through
 * {@code sun.misc.Unsafe}) dies with SIGABRT after the JVM's crash handler wrote its {@code hs_err_pid<pid>.log}.
 * That report goes to procpool's private crash directory, never into the user's working directory. (The JVM prints its
 * crash banner, which names the report, on file descriptor 1 whatever {@code -XX:+DisplayVMOutputToStderr} says: a
 * worker's banner is thus skipped as stray bytes of its channel, a {@code JvmProcess} child's reaches the parent's
 * output.)
 */
@Timeout(60)
class NativeCrashTest {
    /** Writes a long to address 0: SIGSEGV in the JVM's own code, which its crash handler turns into an abort. */
    static void crashNatively() throws Exception {
        Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        unsafeClass.getMethod("putLong", long.class, long.class).invoke(theUnsafe.get(null), 0L, 42L);
    }

    private static Set<Path> crashReportsIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().startsWith("hs_err_pid")).collect(Collectors.toSet());
        }
    }

    private static Path workingDirectory() {
        return Paths.get(System.getProperty("user.dir")).toAbsolutePath();
    }

    /** The crashed pid's report is in the crash directory; removes it. */
    private static void assertReportInCrashDirectory(long pid) throws IOException {
        Path report = DefaultLaunchSpec.crashDirectory().orElseThrow().resolve("hs_err_pid" + pid + ".log");
        assertTrue(Files.isRegularFile(report), () -> "no crash report " + report + "; in the working directory: "
                + Files.exists(workingDirectory().resolve(report.getFileName())));
        assertTrue(Files.readString(report).contains("SIGSEGV"), report::toString);
        Files.delete(report);
    }

    @Test
    void aWorkerThatCrashesNativelyLeavesNoCrashReportInTheWorkingDirectory() throws Exception {
        Set<Path> before = crashReportsIn(workingDirectory());
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("crashing").build()) {
            WorkerDiedException died = assertThrows(WorkerDiedException.class, () -> pool.apply(() -> {
                crashNatively();
                return "unreachable";
            }));
            assertEquals(-6, died.exitCode(), died::getMessage); // SIGABRT, after the crash handler
            assertReportInCrashDirectory(died.pid());
            assertEquals(List.of(2), pool.map(x -> x + 1, List.of(1)), "the pool serves on");
        }
        assertEquals(before, crashReportsIn(workingDirectory()));
    }

    @Test
    void aJvmProcessChildThatCrashesNativelyLeavesNoCrashReportInTheWorkingDirectory() throws Exception {
        Set<Path> before = crashReportsIn(workingDirectory());
        CapturedOutput output = new CapturedOutput();
        JvmProcess child;
        try (output) {
            child = new JvmProcess("crasher", NativeCrashTest::crashNatively);
            child.start();
            assertTrue(child.join(Duration.ofSeconds(30)));
        }
        assertEquals(-6, child.exitCode().orElseThrow());
        String report = DefaultLaunchSpec.crashDirectory().orElseThrow().resolve("hs_err_pid" + child.pid() + ".log")
                .toString();
        assertTrue(output.stdout().contains("# " + report) || output.stderr().contains("# " + report),
                () -> "the banner names " + report + ": " + output.stdout() + output.stderr());
        assertReportInCrashDirectory(child.pid());
        assertEquals(before, crashReportsIn(workingDirectory()));
    }
}
