package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A target whose class only an application class loader knows, as under {@code mvn exec:java}: the child finds it
 * when that loader is the context class loader at {@code start()}, and otherwise exits with 1 and says why on stderr.
 * The class is compiled here, into a directory that is not on the test's class path.
 */
class JvmProcessClassPathTest {
    private static final String TARGET_CLASS = "elsewhere.Hello";

    @TempDir
    Path classes;

    private URLClassLoader loader;
    private JvmProcess process;

    @BeforeEach
    void compileTheTargetElsewhere() throws Exception {
        Path source = classes.resolve("elsewhere/Hello.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package elsewhere;\n"
                + "public class Hello implements io.procpool.TaskRunnable {\n"
                + "    public void run() { System.out.println(\"hello from elsewhere\"); }\n"
                + "}\n");
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, compiler.run(null, null, null, "-cp", System.getProperty("java.class.path"),
                "-d", classes.toString(), source.toString()));
        loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        process = new JvmProcess("elsewhere", (TaskRunnable) loader.loadClass(TARGET_CLASS)
                .getDeclaredConstructor().newInstance());
    }

    @AfterEach
    void stopTheChild() throws Exception {
        if (process.isAlive()) {
            process.kill();
            process.join();
        }
        loader.close();
    }

    @Test
    void theContextClassLoadersEntriesReachTheChild() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (CapturedOutput output = new CapturedOutput()) {
            thread.setContextClassLoader(loader);
            try {
                process.start();
            } finally {
                thread.setContextClassLoader(original);
            }
            process.join();
            assertEquals(0, process.exitCode().orElseThrow());
            assertEquals(List.of("hello from elsewhere"), output.stdout());
        }
    }

    @Test
    void aTargetTheChildCannotLoadEndsItWithOneAndTheReason() throws Exception {
        try (CapturedOutput output = new CapturedOutput()) {
            process.start();
            process.join();
            assertEquals(1, process.exitCode().orElseThrow());
            List<String> stderr = output.stderr();
            assertTrue(stderr.stream().anyMatch(line -> line.startsWith("Cannot start process \"elsewhere\": ")
                    && line.contains("Unable to find class: " + TARGET_CLASS)), stderr::toString);
        }
    }
}
