package io.procpool.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.TaskSerializationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graphs nested deeper than a caller's stack can recurse: encoded and decoded on the deep-stack thread, from a
 * caller whose own stack is small; deeper than {@link DeepGraphs#DEEP_DEPTH}: a {@link TaskSerializationException}
 * that names the class and says the graph is too deep, never a {@link StackOverflowError}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeepGraphsTest {
    /** A quarter of the default thread stack: on JDK 17 it held 234 levels of this list, far from 50,000. */
    private static final long SMALL_STACK = 256 << 10;

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

    /** Runs {@code action} on a new thread with a small stack and returns what it returned or threw. */
    private static <T> T onSmallStack(java.util.concurrent.Callable<T> action) throws Exception {
        CompletableFuture<T> outcome = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            try {
                outcome.complete(action.call());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        }, "small-stack", SMALL_STACK);
        thread.start();
        thread.join();
        try {
            return outcome.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw new AssertionError(e.getCause());
        }
    }

    @Test
    void aGraphDeeperThanTheCallersStackRoundTripsThroughTheDeepStackThread() throws Exception {
        int depth = 50_000;
        Node decoded = onSmallStack(() -> Codec.decode(Codec.encode(list(depth), "argument"),
                DeepGraphsTest.class.getClassLoader(), Node.class, "argument"));
        assertEquals(depth, length(decoded));
        assertEquals(depth - 1, decoded.value());
    }

    @Test
    void aGraphDeeperThanTheBoundFailsWithATaskSerializationExceptionNamingIt() throws Exception {
        Node tooDeep = list(DeepGraphs.DEEP_DEPTH + 10);
        TaskSerializationException e = assertThrows(TaskSerializationException.class,
                () -> onSmallStack(() -> Codec.encode(tooDeep, "argument")));
        assertTrue(e.getMessage().contains("Max depth exceeded"), e.getMessage());
        assertTrue(e.getMessage().contains(Node.class.getName()), e.getMessage());
        assertEquals("xy", onSmallStack(() -> new StringBuffer("x").append('y').toString()));
    }
}
