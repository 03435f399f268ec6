package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process that is stopped (SIGSTOP, a debugger, a long safepoint) is not dead: what it holds stays held. But it must
 * not hold up anyone else: the host answers it by writing to its connection, and a stopped process does not read,
 * so those writes must not be made by the threads of the processes that caused them.
 */
@Timeout(120)
class StoppedProcessTest {
    private static final Duration GENEROUS = Duration.ofSeconds(60);
    private final Elsewhere elsewhere = new Elsewhere(null);

    @AfterEach
    void killChildren() throws InterruptedException {
        elsewhere.close();
    }

    private static void stop(JvmProcess process) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start()
                .waitFor());
    }

    /** Whether {@code thread} sent its request and waits for the answer: parked, or in the leader's select. */
    private static boolean waitsForItsAnswer(Thread thread) {
        if (thread.getState() == Thread.State.WAITING) {
            return true;
        }
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().endsWith("HostConnection") && frame.getMethodName().equals("lead")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void putAndCloseInTheHostAreNotHeldUpByAStoppedConsumerTheyAnswer() throws Exception {
        ProcessQueue<byte[]> queue = ProcessQueue.create();
        ProcessEvent waiting = ProcessEvent.create();
        JvmProcess consumer = elsewhere.child(() -> {
            Thread taker = new Thread(() -> {
                try {
                    queue.take();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            taker.start();
            // its take request is on the connection once it waits for the answer, parked or reading the socket as
            // the connection's leader; set() follows it there, in order
            await().atMost(GENEROUS).until(() -> waitsForItsAnswer(taker));
            waiting.set();
            taker.join();
        });
        assertTrue(waiting.await(GENEROUS), "the consumer never got to its take");
        stop(consumer);

        CompletableFuture<Void> put = CompletableFuture.runAsync(() -> {
            try {
                queue.put(new byte[10 << 20]); // answers the stopped consumer's take: more than its socket holds
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        put.get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0, queue.size(), "the item went to the stopped consumer");
        CompletableFuture.runAsync(queue::close).get(GENEROUS.toSeconds(), TimeUnit.SECONDS);
    }
}
