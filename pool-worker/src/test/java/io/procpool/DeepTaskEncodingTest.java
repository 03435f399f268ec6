package io.procpool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task that captures a deeply nested structure, submitted from a fresh JVM (issue 20, item 7). Encoding it in the
 * caller used to run out of stack, and the {@link StackOverflowError} could strike inside a class initializer of the
 * caller's thread, so that {@code new StringBuffer("x")} failed for good afterwards ("Could not initialize class
 * java.lang.StringBuffer"). Now a 50,000-node list travels and runs, a graph past procpool's depth bound fails with a
 * clear {@link TaskSerializationException}, and the caller's JVM is unharmed. The caller is a {@link JvmProcess}
 * child, so that no class of it was initialized before; its pool's worker is a grandchild.
 *
 * <p>Threading: JUnit's thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeepTaskEncodingTest {
    private static final int DEEP = 50_000;
    /** Past procpool's depth bound (100,000 levels). */
    private static final int TOO_DEEP = 300_000;

    record Node(int value, Node next) {
    }

    private static Node list(int length) {
        Node head = null;
        for (int i = 0; i < length; i++) {
            head = new Node(i, head);
        }
        return head;
    }

    private static int length(Node head) {
        int length = 0;
        for (Node node = head; node != null; node = node.next()) {
            length++;
        }
        return length;
    }

    /** The caller: runs in a fresh child JVM and prints what happened, one line per step. */
    static void submitDeepTasksThenUseTheJdk() {
        try (ProcessPool pool = ProcessPool.builder().workers(1).name("deep-caller").build()) {
            Node deep = list(DEEP);
            try {
                System.out.println("deep task ran: " + pool.<Integer>apply(() -> length(deep)));
            } catch (TaskSerializationException e) {
                System.out.println("deep task refused: " + e.getMessage().lines().findFirst().orElse(""));
            }
            Node tooDeep = list(TOO_DEEP);
            try {
                System.out.println("too deep task ran: " + pool.<Integer>apply(() -> length(tooDeep)));
            } catch (TaskSerializationException e) {
                System.out.println("too deep task refused: " + e.getMessage().lines().findFirst().orElse(""));
            }
            System.out.println("pool still serves: "
                    + pool.<String>apply(() -> new StringBuffer("s").append(1).toString()));
        }
        try {
            System.out.println("caller: " + new StringBuffer("string").append("buffer") + " "
                    + String.format("%s", "format") + " " + new StringBuilder("builder"));
        } catch (Throwable t) {
            System.out.println("caller broken: " + t);
        }
    }

    @Test
    void encodingADeepTaskCannotPoisonTheCallersJvm() throws InterruptedException {
        try (CapturedOutput output = new CapturedOutput()) {
            JvmProcess caller = new JvmProcess("deep-caller", DeepTaskEncodingTest::submitDeepTasksThenUseTheJdk);
            caller.start();
            try {
                assertTrue(caller.join(Duration.ofSeconds(90)), "the caller did not end");
            } finally {
                caller.kill();
                caller.join();
            }
            List<String> lines = output.stdout();
            assertEquals(0, caller.exitCode().orElseThrow(), () -> lines + "\n" + output.stderr());
            assertTrue(lines.contains("deep task ran: " + DEEP), lines::toString);
            assertTrue(lines.stream().anyMatch(line -> line.startsWith("too deep task refused: ")
                    && line.contains(Node.class.getName()) && line.contains("Max depth exceeded")), lines::toString);
            assertTrue(lines.contains("pool still serves: s1"), lines::toString);
            assertTrue(lines.contains("caller: stringbuffer format builder"), lines::toString);
        }
    }
}
