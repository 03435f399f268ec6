package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What tasks print reaches the parent's System.out/err whole, and never disturbs the protocol. */
class OutputForwardingTest {
    private static ProcessPool pool;

    @BeforeAll
    static void startPool() {
        pool = ProcessPool.builder().workers(2).name("printer").build();
    }

    @AfterAll
    static void closePool() {
        pool.close();
    }

    /** Runs {@code action} with System.out or System.err captured, and returns the captured lines. */
    private static List<String> capture(boolean stdout, Runnable action) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream original = stdout ? System.out : System.err;
        PrintStream capturing = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Consumer<PrintStream> set = stdout ? System::setOut : System::setErr;
        set.accept(capturing);
        try {
            action.run();
        } finally {
            set.accept(original);
        }
        return Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    @Test
    void fiveHundredLinesArriveWholeOnStdout() {
        List<String> lines = capture(true, () -> assertEquals("done", pool.apply(() -> {
            for (int i = 0; i < 500; i++) {
                System.out.println("line " + i + " " + "x".repeat(100));
            }
            return "done";
        })));
        List<String> ours = lines.stream().filter(l -> l.startsWith("line ")).toList();
        assertEquals(500, ours.size());
        for (int i = 0; i < 500; i++) {
            assertEquals("line " + i + " " + "x".repeat(100), ours.get(i));
        }
    }

    @Test
    void stderrLinesArriveWholeOnStderr() {
        List<String> lines = capture(false, () -> pool.apply(() -> {
            for (int i = 0; i < 200; i++) {
                System.err.println("err " + i);
            }
            return null;
        }));
        List<String> ours = lines.stream().filter(l -> l.startsWith("err ")).toList();
        assertEquals(200, ours.size());
        assertEquals("err 199", ours.get(199));
    }

    @Test
    void twoWorkersPrintingAtOnceNeverInterleaveInsideALine() {
        List<String> lines = capture(true, () -> pool.map((Integer w) -> {
            String body = String.valueOf((char) ('a' + w)).repeat(3000);
            for (int i = 0; i < 100; i++) {
                System.out.print(body);
                System.out.println();
            }
            return w;
        }, List.of(0, 1), 1));
        List<String> ours = lines.stream().filter(l -> l.length() >= 3000).toList();
        assertEquals(200, ours.size());
        for (String line : ours) {
            assertTrue(line.equals("a".repeat(3000)) || line.equals("b".repeat(3000)), "a mixed line");
        }
    }

    /**
     * Regression (issue 16): the parent printed children's lines on the threads that read their pipes, so a parent
     * stdout nobody read (a pipe to a stopped process, a paused terminal) held up every answer behind a line.
     */
    @Test
    void aBlockedParentStdoutDoesNotHoldUpAnswers() throws Exception {
        PipedInputStream unread = new PipedInputStream(1); // one byte of room; nobody reads until the end
        PipedOutputStream stdout = new PipedOutputStream(unread);
        PrintStream original = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        ByteArrayOutputStream readAtLast = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            try {
                unread.transferTo(readAtLast);
            } catch (IOException e) {
                // the pipe broke: the assertions below say what was read
            }
        }, "test-late-stdout-reader");
        try (ProcessPool blocked = ProcessPool.builder().workers(1).name("blocked-stdout").build()) {
            try {
                for (int i = 0; i < 5; i++) {
                    int task = i;
                    assertEquals(task, blocked.applyAsync(() -> {
                        System.out.println("printed by task " + task);
                        return task;
                    }).get(10, TimeUnit.SECONDS), "answer " + task + " waited for the parent's stdout");
                }
            } finally {
                reader.start(); // the stream takes lines again
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> readAtLast.toString(StandardCharsets.UTF_8)
                    .contains("printed by task 4"));
        } finally {
            System.setOut(original);
            stdout.close(); // the reader's end of stream
            reader.join(10_000);
        }
        assertEquals(5, readAtLast.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("printed by"))
                .count(), "a line was lost");
    }

    @Test
    void aPartialLineIsSentWhenTheTaskEnds() {
        List<String> lines = capture(true, () -> pool.apply(() -> {
            System.out.print("no newline here");
            return 1;
        }));
        assertTrue(lines.contains("no newline here"), lines.toString());
    }
}
