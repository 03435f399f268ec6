package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The workers' class archive as a user meets it (issue 20, items 2 and 3), with the example jar run as a user runs
 * it, each run with its own {@code java.io.tmpdir}: a truncated archive, which made every JDK 17 worker die with
 * SIGBUS and every later {@code build()} fail, is never passed to a worker; a directory another local user could
 * have planted (another user's, open to all, a symbolic link) gets nothing written into it, and the runs print
 * nothing on stderr. Runs on the JDK of the build and on JDK 25.
 */
class ClassArchiveTest {
    private static final String JDK_25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private static final int TRAINING_RUNS = 4;

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"build", JDK_25})
    @Timeout(300)
    void aTruncatedArchiveNeverFailsAStart(String jdkHome) throws Exception {
        Path jdk = jdkHome.equals("build") ? Paths.get(System.getProperty("java.home")) : Paths.get(jdkHome);
        Path temporary = Files.createDirectories(directory.resolve("tmp"));
        Path archive = trainArchive(jdk, temporary);
        long size = Files.size(archive);
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(size / 2);
        }
        JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback();
        JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback();
        // a JDK 25 run that trained a new cache leaves a JVM assembling it: let it end before the directory goes
        Awaitility.await("the AOT cache assembled").atMost(Duration.ofSeconds(120))
                .until(() -> trainingDone(temporary));
    }

    /** Whether no JVM is assembling an AOT cache there: its shell removes the recording ({@code .conf}) last. */
    private static boolean trainingDone(Path temporary) throws IOException {
        try (Stream<Path> files = Files.walk(temporary)) {
            return files.noneMatch(file -> file.getFileName().toString().endsWith(".conf"));
        }
    }

    /**
     * Runs the example until it has left an archive, at most {@link #TRAINING_RUNS} times: a JDK 17 worker dumps its
     * archive as it exits, and on a loaded machine the run may end (and kill it) first, which only skips the
     * archive.
     */
    private Path trainArchive(Path jdk, Path temporary) throws Exception {
        for (int run = 1; ; run++) {
            JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback();
            try {
                Awaitility.await("the archive made after run " + run).atMost(Duration.ofSeconds(run < TRAINING_RUNS
                        ? 20 : 120)).until(() -> archives(temporary).size() == 1);
                return archives(temporary).get(0);
            } catch (ConditionTimeoutException e) {
                if (run == TRAINING_RUNS) {
                    throw e;
                }
            }
        }
    }

    /**
     * An archive broken in a way its size cannot tell (here: truncated, then renamed to its new size) crashes the
     * JDK 17 worker it is given; the crash deletes it, so the run after that works. (A JDK 25 worker starts without
     * an unusable AOT cache by itself: nothing crashes and every run works.)
     */
    @Test
    @Timeout(300)
    void anArchiveAWorkerCrashedWithIsDeletedSoTheNextRunWorks() throws Exception {
        Path jdk = Paths.get(System.getProperty("java.home"));
        Path temporary = Files.createDirectories(directory.resolve("tmp"));
        Path archive = trainArchive(jdk, temporary);
        String name = archive.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.'));
        String key = name.substring(0, name.indexOf('.'));
        long half = Files.size(archive) / 2;
        try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
            file.setLength(half);
        }
        Path forged = Files.move(archive, archive.resolveSibling(key + "." + half + extension));

        JavaRun crashed = JavaRun.poolTraceback(jdk, directory, temporary);
        if (crashed.exitCode() != 0) {
            assertTrue(Files.notExists(forged), () -> "the archive the worker crashed with is still there\n" + crashed);
        }
        JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback();
    }

    @ParameterizedTest
    @ValueSource(strings = {"another user's", "open to all", "a symbolic link"})
    @Timeout(300)
    void aDirectoryAnotherUserCouldHavePlantedGetsNoArchive(String kind) throws Exception {
        Path temporary = Files.createDirectories(directory.resolve("tmp"));
        Path planted = temporary.resolve("procpool-archives-" + System.getProperty("user.name"));
        Path elsewhere = Files.createDirectories(directory.resolve("elsewhere"));
        switch (kind) {
            case "another user's" -> {
                Files.createDirectory(planted);
                Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwx------"));
                Files.setOwner(planted, planted.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("nobody")); // the tests run as root, which may give it away
            }
            case "open to all" -> {
                Files.createDirectory(planted);
                Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            default -> Files.createSymbolicLink(planted, elsewhere);
        }
        Path jdk = Paths.get(System.getProperty("java.home"));
        for (int run = 0; run < 2; run++) { // the second where the first run's archive would be used
            JavaRun refused = JavaRun.poolTraceback(jdk, directory, temporary);
            assertEquals(0, refused.exitCode(), refused::toString);
            assertTrue(refused.stdout().contains("Caused by: java.lang.ArithmeticException: / by zero"),
                    refused::toString);
            // the examples' SLF4J binding prints procpool's one warning of why; nothing else
            assertEquals(1, refused.stderr().size(), refused::toString);
            assertTrue(refused.stderr().get(0).contains("WARN")
                    && refused.stderr().get(0).contains("child JVMs start without a class archive: " + planted),
                    refused::toString);
        }
        assertEquals(List.of(), filesUnder(planted.toRealPath()), kind);
        assertEquals(List.of(), filesUnder(elsewhere), kind);
        assertTrue(Files.isSymbolicLink(planted) || Files.isDirectory(planted, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * An archive directory its user made read-only: JDK 17 printed "Unable to create shared archive file ...
     * Permission denied" when the training worker ended. The run is made as {@code nobody} (the tests run as root,
     * for whom no directory is read-only), and prints nothing but procpool's one warning of why.
     */
    @Test
    @Timeout(300)
    void aReadOnlyArchiveDirectoryGetsOnlyTheOneWarning() throws Exception {
        Path temporary = Files.createDirectories(directory.resolve("nobody-tmp"));
        Path readOnly = Files.createDirectory(temporary.resolve("procpool-archives-nobody"));
        UserPrincipal nobody = temporary.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName("nobody");
        Files.setOwner(temporary, nobody);
        Files.setOwner(readOnly, nobody);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx--x--x")); // nobody passes
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-x------"));
        Path javaCommand = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path stdout = directory.resolve("nobody.out");
        Path stderr = directory.resolve("nobody.err");
        Process process = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                javaCommand.toString(), "-Djava.io.tmpdir=" + temporary, "-jar",
                JavaRun.EXAMPLES_JAR.toAbsolutePath().toString(), "pool-traceback")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        try {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the run did not end");
        } finally {
            process.destroyForcibly();
        }
        List<String> errors = Files.readAllLines(stderr);
        assertEquals(0, process.exitValue(), errors::toString);
        assertTrue(Files.readString(stdout).contains("Caused by: java.lang.ArithmeticException: / by zero"));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).contains("child JVMs start without a class archive: " + readOnly), errors::toString);
        assertEquals(List.of(), filesUnder(readOnly));
    }

    /** The complete archives: moved into place, so named {@code .jsa} or {@code .aot}. */
    private static List<Path> archives(Path temporary) throws IOException {
        try (Stream<Path> files = Files.walk(temporary)) {
            return files.filter(file -> file.getFileName().toString().matches(".*\\.(jsa|aot)")).toList();
        }
    }

    private static List<Path> filesUnder(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(file -> !file.equals(dir)).toList();
        }
    }
}
