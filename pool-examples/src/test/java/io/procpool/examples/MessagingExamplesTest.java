package io.procpool.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seven messaging examples of the tutorial's second half, run as a user runs them
 * ({@code java -jar pool-examples.jar <name>}), checking what they print and that they exit 0.
 */
class MessagingExamplesTest {
    private static final Path JAR = Paths.get(System.getProperty("examples.jar", "target/pool-examples.jar"));

    @TempDir
    Path directory;

    private List<String> runOk(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        JavaRun run = JavaRun.java(directory, command);
        assertEquals(0, run.exitCode(), () -> "exit code of " + String.join(" ", args) + "; " + run);
        return run.stdout();
    }

    @Test
    void consumersTakeEveryTaskStopAtTheirPillAndTheParentReadsEveryResult() throws Exception {
        List<String> lines = runOk("consumers");
        assertEquals("Creating 2 consumers", lines.get(0));
        List<String> results = lines.stream().filter(line -> line.startsWith("Result: ")).sorted().toList();
        assertEquals(IntStream.range(0, 10).mapToObj(i -> "Result: " + i + " * " + i + " = " + i * i).sorted()
                .toList(), results);
        List<String> work = lines.stream().filter(line -> line.matches("Consumer-\\d+: \\d+ \\* \\d+")).toList();
        assertEquals(10, work.size(), lines::toString);
        assertEquals(2, lines.stream().filter(line -> line.matches("Consumer-\\d+: Exiting")).count(),
                lines::toString);
        assertEquals(23, lines.size(), lines::toString);
    }

    @Test
    void eventWakesTheBlockingWaiterAfterTheTimedWaiterGaveUp() throws Exception {
        List<String> lines = runOk("event");
        assertEquals(Set.of("main: waiting before calling Event.set()", "wait_for_event: starting",
                "wait_for_event_timeout: starting", "wait_for_event_timeout: event.isSet()-> false",
                "main: event is set", "wait_for_event: event.isSet()-> true"), Set.copyOf(lines));
        assertTrue(lines.indexOf("wait_for_event_timeout: event.isSet()-> false")
                < lines.indexOf("main: event is set"), lines::toString);
        assertTrue(lines.indexOf("main: event is set") < lines.indexOf("wait_for_event: event.isSet()-> true"),
                lines::toString);
    }

    @Test
    void lockKeepsEachBlockOfLinesTogether() throws Exception {
        List<String> lines = runOk("lock");
        assertEquals(18, lines.size(), lines::toString);
        Pattern line = Pattern.compile("(writer-[12]) block ([123]) line ([123])");
        for (int start = 0; start < lines.size(); start += 3) {
            Matcher first = line.matcher(lines.get(start));
            assertTrue(first.matches(), lines::toString);
            for (int i = 1; i <= 3; i++) {
                assertEquals(first.group(1) + " block " + first.group(2) + " line " + i, lines.get(start + i - 1),
                        "a block was interleaved: " + lines);
            }
        }
    }

    @Test
    void stageTwoRunsOnlyAfterStageOneSignalled() throws Exception {
        List<String> lines = runOk("condition");
        assertEquals(Set.of("Starting stage_1", "stage_1 done and ready for stage 2", "Starting stage_2[1]",
                "Starting stage_2[2]", "stage_2[1] running", "stage_2[2] running"), Set.copyOf(lines));
        int signalled = lines.indexOf("stage_1 done and ready for stage 2");
        assertTrue(signalled < lines.indexOf("stage_2[1] running"), lines::toString);
        assertTrue(signalled < lines.indexOf("stage_2[2] running"), lines::toString);
    }

    @Test
    void semaphoreNeverLetsMoreThanTwoIn() throws Exception {
        List<String> lines = runOk("semaphore");
        assertEquals(7, lines.size(), lines::toString);
        for (String line : lines.subList(0, 6)) {
            assertTrue(line.matches("Now running: \\[worker-\\d(, worker-\\d)?\\]"), lines::toString);
        }
        assertTrue(lines.get(6).matches("Most active at once: [12] \\(permits: 2\\)"), lines::toString);
    }

    @Test
    void sharedMapHoldsEveryProcessesEntry() throws Exception {
        assertEquals(List.of("Results: {0=0, 1=2, 2=4, 3=6, 4=8, 5=10, 6=12, 7=14, 8=16, 9=18}"),
                runOk("shared-map"));
    }

    @Test
    void mapreduceCountsTheWordsOfTheTextFiles() throws Exception {
        Path tree = Files.createDirectories(directory.resolve("words"));
        Files.writeString(tree.resolve("a.txt"), "The cat, the dog.\n");
        Files.writeString(tree.resolve("b.txt"), "the end of the cat\n");
        Files.write(tree.resolve("c.bin"), new byte[] {'z', 'e', 'b', 'r', 'a', 0, 1, 2});
        List<String> lines = runOk("mapreduce", tree.toString());
        assertEquals("TOP 20 WORDS BY FREQUENCY of 5 words in 2 files under " + tree.toAbsolutePath(),
                lines.get(0));
        assertEquals(List.of("the                 :     4", "cat                 :     2",
                "dog                 :     1", "end                 :     1", "of                  :     1"),
                lines.subList(1, lines.size()));
    }
}
