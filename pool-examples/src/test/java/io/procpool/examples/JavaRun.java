package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What one run of {@code java <args>} in a JVM of its own printed, and how it ended: the tests run the examples and
 * the module-path program as a user does.
 *
 * <p>Thread-safety: immutable; {@link #java} blocks the calling thread until the JVM ends.
 *
 * @param exitCode the JVM's exit code
 * @param stdout   the lines it printed on stdout
 * @param stderr   the lines it printed on stderr
 */
record JavaRun(int exitCode, List<String> stdout, List<String> stderr) {
    /** A hang guard, never a timing assertion: the slowest run takes a few seconds. */
    private static final long HANG_GUARD_SECONDS = 120;
    /** The examples' jar the build made; the tests run it as a user does, with {@code java -jar}. */
    static final Path EXAMPLES_JAR = Paths.get(System.getProperty("examples.jar", "target/pool-examples.jar"));

    /**
     * Runs this JVM's {@code java} with {@code args}, its output captured in files under {@code directory}.
     *
     * @param directory where the output files go
     * @param args      the arguments of {@code java}
     * @return what it printed and its exit code
     */
    static JavaRun java(Path directory, List<String> args) throws IOException, InterruptedException {
        return java(Paths.get(System.getProperty("java.home")), directory, args);
    }

    /** As {@link #java(Path, List)}, with the {@code java} of the runtime in {@code javaHome}. */
    static JavaRun java(Path javaHome, Path directory, List<String> args) throws IOException, InterruptedException {
        return java(javaHome, directory, args, null);
    }

    /**
     * As {@link #java(Path, List)}, run in the working directory {@code directory} (where a crashed JVM would leave
     * its {@code hs_err_pid*.log}).
     */
    static JavaRun javaIn(Path directory, List<String> args) throws IOException, InterruptedException {
        return java(Paths.get(System.getProperty("java.home")), directory, args, directory);
    }

    private static JavaRun java(Path javaHome, Path directory, List<String> args, Path workingDirectory)
            throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(directory, "stdout", ".txt");
        Path stderr = Files.createTempFile(directory, "stderr", ".txt");
        List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(workingDirectory == null ? null
                : workingDirectory.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        try {
            if (!process.waitFor(HANG_GUARD_SECONDS, TimeUnit.SECONDS)) {
                fail(String.join(" ", command) + " did not end");
            }
        } finally {
            process.destroyForcibly(); // its children leave with it: their stdin ends
        }
        return new JavaRun(process.exitValue(), Files.readAllLines(stdout, StandardCharsets.UTF_8),
                Files.readAllLines(stderr, StandardCharsets.UTF_8));
    }

    /**
     * Runs the {@code pool-traceback} example on the runtime in {@code javaHome}, with {@code temporary} as its
     * {@code java.io.tmpdir} (where the workers' class archives go). It runs in {@code directory}, where its output
     * files go, and so does the crash report of a worker that dies of a broken archive.
     */
    static JavaRun poolTraceback(Path javaHome, Path directory, Path temporary)
            throws IOException, InterruptedException {
        return java(javaHome, directory, List.of("-Djava.io.tmpdir=" + temporary, "-jar",
                EXAMPLES_JAR.toAbsolutePath().toString(), "pool-traceback"), directory);
    }

    /** Asserts that this run of {@code pool-traceback} ended well, printed its traceback, and nothing on stderr. */
    void assertPrintsOnlyTheTraceback() {
        assertEquals(0, exitCode, this::toString);
        assertTrue(stdout.contains("Caused by: java.lang.ArithmeticException: / by zero"), this::toString);
        assertEquals(List.of(), stderr, this::toString);
    }
}
