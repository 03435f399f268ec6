package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An example run as a user runs it on JDK 25, whatever JDK runs the build: every machine of this project has
 * Temurin 25 at {@value #JDK_25} (CI tests on 17 and 25). The parent and its workers must print nothing of their own on
 * stderr: no JEP 498 warning about Kryo's {@code sun.misc.Unsafe} calls, no message of the AOT cache that the first
 * run trains and the second one maps.
 */
class Jdk25Test {
    private static final String JDK_25 = "/usr/lib/jvm/temurin-25-jdk-amd64";

    @TempDir
    Path directory;

    @Test
    @Timeout(300)
    void poolTracebackOnJdk25PrintsNoWarningsWhileTrainingOrUsingTheAotCache() throws Exception {
        Path jdk = Paths.get(JDK_25);
        assertTrue(Files.isExecutable(jdk.resolve("bin").resolve("java")), "this test needs Temurin 25 at " + JDK_25
                + " (apt-get install temurin-25-jdk from Adoptium's repository)");
        Path temporary = Files.createDirectories(directory.resolve("tmp")); // a fresh AOT cache directory
        JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback(); // no Unsafe warning either
        Awaitility.await("the AOT cache assembled after the first run").atMost(Duration.ofSeconds(120))
                .until(() -> aotCaches(temporary).size() == 1);
        JavaRun.poolTraceback(jdk, directory, temporary).assertPrintsOnlyTheTraceback();
    }

    private static List<Path> aotCaches(Path temporary) throws IOException {
        try (Stream<Path> files = Files.walk(temporary)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".aot")).toList();
        }
    }
}
