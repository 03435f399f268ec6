package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example of the tour, run as a user runs it: {@code java -jar pool-examples.jar <name>} in a JVM of its own,
 * checking the lines it prints and that it exits 0. Lines of different processes may come in any order, so the
 * checks compare sets or sorted lists where the order is not the point.
 */
class ExamplesTest {
    private static final Path JAR = Paths.get(System.getProperty("examples.jar", "target/pool-examples.jar"));
    private static final Path SOURCES = Paths.get(System.getProperty("examples.sources", "src/main/java"));
    private static final Pattern PID = Pattern.compile("[1-9][0-9]*");

    @TempDir
    Path directory;

    private JavaRun run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        return JavaRun.java(directory, command);
    }

    /** Runs an example that must exit 0, and returns what it printed. */
    private JavaRun runOk(String... args) throws IOException, InterruptedException {
        JavaRun run = run(args);
        assertEquals(0, run.exitCode(), () -> "exit code of " + String.join(" ", args) + "; " + run);
        return run;
    }

    private static List<String> sorted(List<String> lines) {
        List<String> copy = new ArrayList<>(lines);
        Collections.sort(copy);
        return copy;
    }

    private static List<String> times(int n, String line) {
        return Collections.nCopies(n, line);
    }

    @Test
    void listNamesEveryExample() throws Exception {
        List<String> names = runOk("list").stdout().stream().map(line -> line.split(" ")[0]).toList();
        assertEquals(List.of("isolation", "digest", "wordcount", "speedup", "spawn", "args", "import-target", "names",
                "daemon", "join", "join-timeout", "terminate", "exitcodes", "logging", "logger-level", "subclass",
                "pool-traceback", "shared", "cluster", "consumers", "event", "lock", "condition", "semaphore",
                "shared-map", "mapreduce"), names);
    }

    @Test
    void sharedMemoryIsSetByTheChildAndTheSharedDictionaryLookedUpByTheTasks() throws Exception {
        assertEquals(List.of("3.1415927", "[0, -1, -2, -3, -4, -5, -6, -7, -8, -9]", "[un, deux, trois, ?] (4 lookups)"),
                runOk("shared").stdout());
    }

    @Test
    void anUnknownNameIsAUsageError() throws Exception {
        JavaRun run = run("no-such-example");
        assertEquals(2, run.exitCode());
        assertTrue(run.stderr().get(0).startsWith("no example named 'no-such-example'. Usage:"), run::toString);
    }

    /**
     * The main demo: the thread pool's JVM dies with the first breaking item; the pool returns every good item's
     * result (equal to the serial run's), names each bad item with its cause, draws its bar, and leaves no crash
     * report in the working directory.
     */
    @Test
    void noArgumentRunsTheIsolationDemoWhereEveryBadItemIsNamedAndEveryGoodOneComputed() throws Exception {
        JavaRun run = JavaRun.javaIn(directory, List.of("-jar", JAR.toAbsolutePath().toString()));
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.stdout();
        String modules = Paths.get(System.getProperty("java.home"), "lib", "modules").toAbsolutePath().toString();
        assertEquals("Compressing 36 files (DEFLATE level 9, 4 MiB pieces of " + modules + ") on "
                + Runtime.getRuntime().availableProcessors() + " cores; 4 of them break the compression library:",
                lines.get(0), lines::toString);
        assertEquals(List.of("  #03 licensed.bin its licence check calls System.exit(3)",
                "  #12 corrupt.bin  a corrupt header sends its parser into an endless loop",
                "  #21 bomb.bin     a decompression bomb: it keeps every block until the heap is gone",
                "  #30 native.bin   its native code writes through a null pointer"), lines.subList(1, 5));
        assertTrue(lines.get(7).matches(" {3}the whole JVM (exited with code 3 \\(System.exit in a task\\)|hung, "
                + "and was killed after 10 s) after [0-9,]+ ms, with \\d+ of 36 items finished \\(\\d+ failed\\): the "
                + "results of all 36 items are lost"), lines::toString);
        assertTrue(lines.get(9).matches("2\\. The 32 good items one after the other in this JVM: [0-9,]+ ms \\(the "
                + "slowest took [0-9,]+ ms\\)"), lines::toString);
        assertTrue(lines.get(11).matches("3\\. A ProcessPool of 2 workers, taskTimeout\\([0-9,]+ ms\\), "
                + "retryOnWorkerDeath\\(1\\), workers with -Xmx256m:"), lines::toString);
        Matcher computed = Pattern.compile("(\\d+) good items compressed, [0-9.]+ MiB -> [0-9.]+ MiB, (\\d+) of 32 "
                + "equal to the serial run's \\(item, ratio, CRC-32 of the compressed bytes\\):").matcher(lines.get(12));
        assertTrue(computed.matches(), lines::toString);
        int good = Integer.parseInt(computed.group(1));
        assertEquals(computed.group(1), computed.group(2), "every result equals the serial run's");
        int badHeader = lines.indexOf((36 - good) + " bad items, each named with its cause, while the pool served on:");
        assertTrue(badHeader > 12, lines::toString);
        List<String> results = lines.subList(13, badHeader).stream()
                .flatMap(line -> Arrays.stream(line.trim().split(" {3}"))).toList();
        assertEquals(good, results.size(), lines::toString);
        results.forEach(result -> assertTrue(result.matches("#\\d\\d \\d\\.\\d\\dx crc [0-9a-f]{8}"), result));
        List<String> bad = lines.subList(badHeader + 1, badHeader + 1 + 36 - good);
        assertEquals(4, bad.stream().filter(line -> line.startsWith("  #03 licensed.bin exit code 3, on 2 workers one "
                + "after the other (retried once)") || line.startsWith("  #12 corrupt.bin  timeout: it ran past ")
                || line.startsWith("  #21 bomb.bin     out of memory: ")
                || line.startsWith("  #30 native.bin   signal: killed by SIGABRT")).count(), lines::toString);
        // on a machine so busy that a good item ran past the timeout (twice the slowest serial item), it says so
        bad.stream().filter(line -> line.contains(" modules.")).forEach(line ->
                assertTrue(line.matches("  #\\d\\d modules\\.\\d\\d {3}timeout: .*"), line));
        assertTrue(lines.get(badHeader + 38 - good).matches("end to end: {2}pool [0-9,]+ ms \\(its start, [0-9,]+ ms, "
                + "and \\d+ replacement workers included\\) {2}serial [0-9,]+ ms \\(good items only\\) {2}speedup "
                + "\\d+\\.\\d\\dx"), lines::toString);
        assertEquals(badHeader + 39 - good, lines.size(), lines::toString);
        List<String> bars = run.stderr().stream().filter(line -> line.contains(" items/s")).toList();
        assertTrue(bars.get(bars.size() - 1).matches("\\[#{20}] 100%  36/36 items  [0-9,]+ items/s  " + (36 - good)
                + " failed  done in \\d+:\\d\\d"), run::toString);
        try (Stream<Path> files = Files.list(directory)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith("hs_err")).toList());
        }
    }

    @Test
    void digestHashesTheJdkWithAProgressBar() throws Exception {
        JavaRun run = runOk("digest");
        List<String> lines = run.stdout();
        String javaHome = Paths.get(System.getProperty("java.home")).toAbsolutePath().toString();
        Matcher header = Pattern.compile("SHA-256 of ([0-9,]+) files \\([0-9,.]+ MB\\) under (.+) in [0-9,]+ pieces "
                + "and ([0-9,]+) batches of up to 8 MiB, serially and on a pool of \\d+ workers").matcher(lines.get(0));
        assertTrue(header.matches(), lines::toString);
        assertEquals(javaHome, header.group(2));
        String files = header.group(1);
        String batches = header.group(3);
        assertTrue(lines.get(1).matches("serial: +[0-9,]+ ms +[0-9,.]+ MB/s"), lines::toString);
        assertTrue(lines.get(2).matches("pool: +[0-9,]+ ms +[0-9,.]+ MB/s {2}\\(starting and warming up the \\d+ "
                + "workers took [0-9,]+ ms more\\)"), lines::toString);
        assertTrue(lines.get(3).matches("speedup: +[0-9]+\\.[0-9]{2}x"), lines::toString);
        assertEquals("digests:  " + files + " of " + files + " agree", lines.get(4));
        assertEquals("largest files:", lines.get(5));
        assertEquals(11, lines.size(), lines::toString);
        assertTrue(lines.get(6).endsWith("  lib" + File.separator + "modules"), lines::toString); // the JDK's largest
        List<String> bars = run.stderr().stream().filter(line -> line.contains(" batches/s")).toList();
        assertTrue(bars.get(bars.size() - 1).matches("\\[#{20}] 100%  " + batches + "/" + batches
                + " batches  [0-9,]+ batches/s  done in \\d+:\\d\\d"), run::toString);
    }

    /**
     * Files of up to 8 MiB get their plain SHA-256; a bigger one (here 17 MiB, three pieces: 8 + 8 + 1) the SHA-256
     * of its pieces' SHA-256 digests, computed here independently of the demo's code. The two full pieces are a batch
     * each; the last piece and the five small files share the third.
     */
    @Test
    void digestOfAGivenTreeListsTheLargestFilesWithTheirDigests() throws Exception {
        Path tree = Files.createDirectories(directory.resolve("tree"));
        Files.createDirectories(tree.resolve("sub"));
        List<String> names = List.of("a.bin", "sub/b.bin", "c.bin", "sub/d.bin", "e.bin", "big.bin");
        int mib = 1 << 20;
        for (int i = 0; i < names.size(); i++) {
            byte[] content = new byte[i < names.size() - 1 ? (i + 1) * 100_000 : 17 * mib];
            for (int b = 0; b < content.length; b++) {
                content[b] = (byte) (b * 31 + i);
            }
            Files.write(tree.resolve(names.get(i)), content);
        }
        List<String> lines = runOk("digest", tree.toString()).stdout();
        assertTrue(lines.get(0).startsWith("SHA-256 of 6 files (18.4 MB) under " + tree.toAbsolutePath()
                + " in 8 pieces and 3 batches of up to 8 MiB"), lines::toString);
        assertEquals("digests:  6 of 6 agree", lines.get(4));
        List<String> expected = new ArrayList<>();
        for (int i = names.size() - 1; i >= 1; i--) {
            byte[] content = Files.readAllBytes(tree.resolve(names.get(i)));
            String sha = HexFormat.of().formatHex(pieceListDigest(content, 8 * mib));
            expected.add(String.format(Locale.ROOT, "  %,10.1f MB  %s  %s", content.length / (1024.0 * 1024.0),
                    sha.substring(0, 16), Paths.get(names.get(i))));
        }
        assertEquals(expected, lines.subList(6, 11));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                Files.readAllBytes(tree.resolve("e.bin")))).substring(0, 16), lines.get(7).substring(17, 33));
    }

    /** The plain SHA-256 of a content of one piece, else the SHA-256 of its pieces' SHA-256 digests. */
    private static byte[] pieceListDigest(byte[] content, int piece) throws Exception {
        if (content.length <= piece) {
            return MessageDigest.getInstance("SHA-256").digest(content);
        }
        MessageDigest list = MessageDigest.getInstance("SHA-256");
        for (int offset = 0; offset < content.length; offset += piece) {
            MessageDigest one = MessageDigest.getInstance("SHA-256");
            one.update(content, offset, Math.min(piece, content.length - offset));
            list.update(one.digest());
        }
        return list.digest();
    }

    @Test
    void wordcountMergesTheCountsOfTheTextFilesAndSkipsBinaries() throws Exception {
        Path tree = Files.createDirectories(directory.resolve("words"));
        Files.createDirectories(tree.resolve("sub"));
        Files.writeString(tree.resolve("a.txt"), "The cat, the dog.\n");
        Files.writeString(tree.resolve("sub/b.md"), "the END; Zoë's cat\n");
        Files.write(tree.resolve("c.bin"), new byte[] {'z', 'e', 'b', 'r', 'a', 0, 1, 2});
        JavaRun run = runOk("wordcount", tree.toString());
        List<String> lines = run.stdout();
        assertEquals("Counting words in the text files among 3 files under " + tree.toAbsolutePath()
                + " on a pool of " + Runtime.getRuntime().availableProcessors() + " workers", lines.get(0));
        assertTrue(lines.get(1).matches("words: +9 \\(6 distinct\\) in 2 text files, [0-9,]+ ms with the pool's start"),
                lines::toString);
        assertEquals(List.of("top words:", "           3  the", "           2  cat", "           1  dog",
                "           1  end", "           1  s", "           1  zoë"), lines.subList(2, lines.size()));
        assertTrue(run.stderr().stream().anyMatch(line -> line.contains("100%  3/3 files")), run::toString);
    }

    @Test
    void speedupCountsThePrimesSeriallyAndOnThePool() throws Exception {
        List<String> lines = runOk("speedup").stdout();
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("Counting the primes below 6,000,000 in 48 ranges"), lines::toString);
        assertTrue(lines.get(1).matches("serial: +[0-9,]+ ms {2}\\(412,849 primes\\)"), lines::toString);
        assertTrue(lines.get(2).matches("pool: +[0-9,]+ ms {2}\\(412,849 primes; starting the \\d+ workers took "
                + "[0-9,]+ ms more\\)"), lines::toString);
        assertTrue(lines.get(3).matches("speedup: +[0-9]+\\.[0-9]{2}x"), lines::toString);
    }

    @Test
    void spawn() throws Exception {
        assertEquals(times(5, "Worker"), runOk("spawn").stdout());
    }

    @Test
    void args() throws Exception {
        assertEquals(IntStream.range(0, 5).mapToObj(i -> "Worker: " + i).toList(), sorted(runOk("args").stdout()));
    }

    @Test
    void importTarget() throws Exception {
        assertEquals(times(5, "Worker"), runOk("import-target").stdout());
    }

    @Test
    void names() throws Exception {
        List<String> lines = runOk("names").stdout();
        assertEquals(6, lines.size(), lines::toString);
        assertEquals(Set.of("my_service Starting", "my_service Exiting", "worker 1 Starting", "worker 1 Exiting",
                "JvmProcess-3 Starting", "JvmProcess-3 Exiting"), Set.copyOf(lines));
        for (String name : List.of("my_service", "worker 1", "JvmProcess-3")) {
            assertTrue(lines.indexOf(name + " Starting") < lines.indexOf(name + " Exiting"), lines::toString);
        }
    }

    @Test
    void daemon() throws Exception {
        List<String> lines = runOk("daemon").stdout();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.contains("Starting: daemon " + pidIn(lines, "Starting: daemon ")), lines::toString);
        String nonDaemonPid = pidIn(lines, "Starting: non-daemon ");
        assertTrue(lines.contains("Exiting : non-daemon " + nonDaemonPid), lines::toString);
        assertFalse(lines.stream().anyMatch(line -> line.startsWith("Exiting : daemon")), lines::toString);
    }

    /** The pid after {@code prefix} on the line that starts with it. */
    private static String pidIn(List<String> lines, String prefix) {
        String pid = lines.stream().filter(line -> line.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starts with '" + prefix + "': " + lines))
                .substring(prefix.length());
        assertTrue(PID.matcher(pid).matches(), () -> "not a pid: " + pid);
        return pid;
    }

    @Test
    void join() throws Exception {
        List<String> lines = runOk("join").stdout();
        assertEquals(sorted(List.of("Starting: daemon", "Exiting : daemon", "Starting: non-daemon",
                "Exiting : non-daemon")), sorted(lines));
    }

    @Test
    void joinTimeout() throws Exception {
        List<String> lines = runOk("join-timeout").stdout();
        assertTrue(lines.contains("d.isAlive() true"), lines::toString);
        assertTrue(lines.contains("Exiting : non-daemon"), lines::toString);
        assertFalse(lines.contains("Exiting : daemon"), lines::toString);
    }

    @Test
    void terminate() throws Exception {
        List<String> output = runOk("terminate").stdout();
        assertFalse(output.contains("Finished worker"), output::toString);
        // the worker is stopped so soon that it hardly ever gets to print "Starting worker", but it may
        List<String> lines = output.stream().filter(line -> !line.equals("Starting worker")).toList();
        String state = "<JvmProcess name='JvmProcess-1' pid=\\d+ parent=\\d+ ";
        assertEquals(4, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("BEFORE: <JvmProcess name='JvmProcess-1' parent=\\d+ initial> false"),
                lines::toString);
        assertTrue(lines.get(1).matches("DURING: " + state + "started> true"), lines::toString);
        assertTrue(lines.get(2).matches("TERMINATED: " + state + "(started> true|stopped exitcode=-15> false)"),
                lines::toString);
        assertTrue(lines.get(3).matches("JOINED: " + state + "stopped exitcode=-15> false"), lines::toString);
    }

    @Test
    void exitCodes() throws Exception {
        JavaRun run = runOk("exitcodes");
        assertEquals(List.of(
                "Starting process for exit_error",
                "Starting process for exit_ok",
                "Starting process for return_value",
                "Starting process for raises",
                "Starting process for terminated",
                "     exit_error.exitCode = 1",
                "        exit_ok.exitCode = 0",
                "   return_value.exitCode = 0",
                "         raises.exitCode = 1",
                "     terminated.exitCode = -15"), run.stdout());
        assertTrue(run.stderr().contains(
                "Exception in process \"raises\" java.lang.RuntimeException: There was an error!"), run::toString);
    }

    @Test
    void logging() throws Exception {
        JavaRun run = runOk("logging");
        assertEquals(List.of("Doing some work"), run.stdout());
        List<String> lifecycle = run.stderr().stream().filter(line -> line.contains(" DEBUG io.procpool.JvmProcess - "))
                .map(line -> line.substring(line.indexOf(" - ") + 3)).toList();
        assertEquals(4, lifecycle.size(), run::toString);
        assertTrue(lifecycle.get(0).matches("starting JvmProcess-1 \\(pid \\d+\\)"), lifecycle::toString);
        assertTrue(lifecycle.get(1).matches("JvmProcess-1 \\(pid \\d+\\) calling run\\(\\)"), lifecycle::toString);
        assertTrue(lifecycle.get(2).matches("JvmProcess-1 \\(pid \\d+\\) exiting with exit code 0"),
                lifecycle::toString);
        assertTrue(lifecycle.get(3).matches("JvmProcess-1 \\(pid \\d+\\) exited with code 0"), lifecycle::toString);
    }

    @Test
    void loggerLevel() throws Exception {
        JavaRun run = runOk("logger-level");
        assertEquals(List.of("Doing some work"), run.stdout());
        assertFalse(run.stderr().stream().anyMatch(line -> line.contains("DEBUG")), run::toString);
    }

    @Test
    void subclass() throws Exception {
        assertEquals(IntStream.rangeClosed(1, 5).mapToObj(i -> "In Worker-" + i).toList(),
                sorted(runOk("subclass").stdout()));
    }

    @Test
    void clusterCountsThePrimesOnTheClusterAndOnALocalPool() throws Exception {
        List<String> lines = runOk("cluster").stdout();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("Counting the primes below 6,000,000 in 48 ranges on a cluster of 2 "
                + "members and on a pool of"), lines::toString);
        assertTrue(lines.get(1).matches("cluster: +[0-9,]+ ms {2}\\(412,849 primes; starting the 2 members took "
                + "[0-9,]+ ms more\\)"), lines::toString);
        assertTrue(lines.get(2).matches("local pool: +[0-9,]+ ms {2}\\(412,849 primes; starting the \\d+ workers "
                + "took [0-9,]+ ms more\\)"), lines::toString);
    }

    @Test
    void poolTracebackShowsTheWorkersLine() throws Exception {
        List<String> lines = runOk("pool-traceback").stdout();
        List<String> source = Files.readAllLines(SOURCES.resolve("io/procpool/examples/PoolTraceback.java"));
        int divisionLine = source.indexOf(source.stream().filter(line -> line.contains("60 / (5 - i)"))
                .findFirst().orElseThrow()) + 1;
        assertTrue(lines.contains("Caused by: java.lang.ArithmeticException: / by zero"), lines::toString);
        assertTrue(lines.stream().anyMatch(line -> line.trim().matches(
                "at (app//)?io\\.procpool\\.examples\\.PoolTraceback\\.go\\(PoolTraceback\\.java:" + divisionLine
                        + "\\)")), lines::toString);
    }
}
