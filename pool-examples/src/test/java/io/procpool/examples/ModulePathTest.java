package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool on the module path and on the class path: a tiny application module ({@code demo.modular}, which requires
 * {@code io.procpool.core} and opens its package to Kryo) is compiled against procpool's jars and run both ways, and
 * a {@code map} with a record result must work. The workers of the module-path run get a class path built from the
 * parent's module path.
 */
class ModulePathTest {
    private static final String EXPECTED = "[Square[n=1, square=1], Square[n=2, square=4], Square[n=3, square=9]]";

    @TempDir
    Path directory;
    private Path classes;
    private String jars;

    @BeforeEach
    void compileTheModule() throws IOException {
        jars = System.getProperty("examples.modulepath");
        assertTrue(jars != null && jars.contains("pool-core"), () -> "no module path from the build: " + jars);
        Path sources = Files.createDirectories(directory.resolve("src/demo/modular"));
        Files.writeString(sources.getParent().getParent().resolve("module-info.java"), String.join("\n",
                "module demo.modular {",
                "    requires io.procpool.core;",
                "    opens demo.modular to com.esotericsoftware.kryo;",
                "}"));
        Files.writeString(sources.resolve("Main.java"), String.join("\n",
                "package demo.modular;",
                "import io.procpool.ProcessPool;",
                "import java.util.List;",
                "public final class Main {",
                "    record Square(int n, int square) {}",
                "    public static void main(String[] args) {",
                "        try (ProcessPool pool = ProcessPool.create(2)) {",
                "            System.out.println(pool.map(n -> new Square(n, n * n), List.of(1, 2, 3)));",
                "            try (io.procpool.SharedLong sum = io.procpool.SharedLong.create(0)) {",
                "                pool.map(n -> sum.addAndGet(n), List.of(1, 2, 3));",
                "                System.out.println(\"shared \" + sum.get() + \" \" + pool.share(7).get());",
                "            }",
                "            System.out.println(Main.class.getModule().getName() + \" \"",
                "                    + ProcessPool.class.getModule().getName());",
                "        }",
                "    }",
                "}"));
        classes = directory.resolve("classes");
        int status = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--module-path", jars, "-d",
                classes.toString(), sources.getParent().getParent().resolve("module-info.java").toString(),
                sources.resolve("Main.java").toString());
        assertEquals(0, status, "javac of the test module");
    }

    @Test
    void mapWorksOnTheModulePath() throws Exception {
        List<String> lines = run("--module-path", jars + File.pathSeparator + classes, "-m",
                "demo.modular/demo.modular.Main");
        assertEquals(List.of(EXPECTED, "shared 6 7", "demo.modular io.procpool.core"), lines);
    }

    @Test
    void mapWorksOnTheClassPath() throws Exception {
        List<String> lines = run("-cp", jars + File.pathSeparator + classes, "demo.modular.Main");
        assertEquals(List.of(EXPECTED, "shared 6 7", "null null"), lines); // unnamed modules
    }

    /** Runs java with {@code args}, which must exit 0, and returns its stdout. */
    private List<String> run(String... args) throws IOException, InterruptedException {
        JavaRun run = JavaRun.java(directory, List.of(args));
        assertEquals(0, run.exitCode(), () -> String.join(" ", args) + " failed:\n" + run.stderr());
        return run.stdout();
    }
}
