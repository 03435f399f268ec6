package io.procpool;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code procpool.Task} and {@code procpool.Worker} Flight Recorder events of a real pool, read back with a
 * {@link RecordingStream}: every field the README's table names.
 *
 * <p>Threading: the stream delivers events on its own thread into a concurrent queue the test polls.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JfrEventsTest {

    static int sleepy(int x) throws InterruptedException {
        Thread.sleep(5);
        return x + 1;
    }

    @Test
    void tasksAndWorkerLivesAreRecordedWithTheirFields() {
        Queue<RecordedEvent> tasks = new ConcurrentLinkedQueue<>();
        Queue<RecordedEvent> workers = new ConcurrentLinkedQueue<>();
        try (RecordingStream stream = new RecordingStream()) {
            stream.setReuse(false); // the events are kept: a reused one would be overwritten by the next
            stream.enable("procpool.Task");
            stream.enable("procpool.Worker");
            stream.onEvent("procpool.Task", tasks::add);
            stream.onEvent("procpool.Worker", workers::add);
            stream.startAsync();
            String workerName;
            long pid;
            try (ProcessPool pool = ProcessPool.builder().workers(1).name("jfr").build()) {
                pool.map(JfrEventsTest::sleepy, List.of(1, 2, 3), 3);
                TaskCallable<Integer> failing = () -> {
                    throw new ArithmeticException("by zero");
                };
                try {
                    pool.apply(failing);
                } catch (TaskFailedException expected) {
                    // recorded as FAILED
                }
                workerName = pool.workers().get(0).name();
                pid = pool.workers().get(0).pid();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> tasks.size() >= 2 && workers.stream()
                    .anyMatch(e -> e.getString("phase").equals("ENDED")));

            RecordedEvent chunk = tasks.stream().filter(e -> e.getString("outcome").equals("ANSWERED"))
                    .findFirst().orElseThrow();
            assertEquals("jfr", chunk.getString("pool"));
            assertEquals("JfrEventsTest.sleepy", chunk.getString("function"));
            assertEquals(workerName, chunk.getString("worker"));
            assertEquals(3, chunk.getInt("items"));
            assertTrue(chunk.getDuration("runTime").toMillis() >= 15, chunk.toString());
            assertTrue(chunk.getDuration("queueTime").toNanos() >= 0);
            assertTrue(chunk.getDuration("decodeTime").toNanos() > 0, chunk.toString());
            RecordedEvent failed = tasks.stream().filter(e -> e.getString("outcome").equals("FAILED"))
                    .findFirst().orElseThrow();
            assertEquals("java.lang.ArithmeticException: by zero", failed.getString("error"));

            List<String> phases = workers.stream().filter(e -> e.getString("worker").equals(workerName))
                    .map(e -> e.getString("phase")).toList();
            assertEquals(List.of("LAUNCHED", "READY", "ENDED"), phases);
            RecordedEvent ready = workers.stream().filter(e -> e.getString("phase").equals("READY"))
                    .findFirst().orElseThrow();
            assertEquals(pid, ready.getLong("pid"));
            assertTrue(ready.getDuration("startup").toMillis() > 0);
            RecordedEvent ended = workers.stream().filter(e -> e.getString("phase").equals("ENDED"))
                    .findFirst().orElseThrow();
            assertEquals(0, ended.getInt("exitCode"));
            assertEquals("pool closed", ended.getString("reason"));
        }
    }

    static int park(int millis) throws InterruptedException {
        Thread.sleep(millis);
        return millis;
    }

    @Test
    void tasksThatEndWithoutAnAnswerAreRecordedWithTheirWorkerAndHowLongTheyRan() {
        Queue<RecordedEvent> tasks = new ConcurrentLinkedQueue<>();
        Duration timeout = Duration.ofSeconds(2);
        try (RecordingStream stream = new RecordingStream()) {
            stream.setReuse(false); // the events are kept: a reused one would be overwritten by the next
            stream.enable("procpool.Task");
            stream.onEvent("procpool.Task", tasks::add);
            stream.startAsync();
            try (ProcessPool pool = ProcessPool.builder().workers(1).name("jfr-ended").taskTimeout(timeout).build()) {
                CompletableFuture<Integer> cancelled = pool.applyAsync(JfrEventsTest::park, 60_000);
                await().atMost(Duration.ofSeconds(30)).until(() -> pool.insights().workers().stream()
                        .anyMatch(worker -> worker.currentTask() != null));
                cancelled.cancel(true);
                assertThrows(TaskTimeoutException.class, () -> pool.apply(() -> park(60_000)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> tasks.size() >= 2);
            RecordedEvent cancel = tasks.stream().filter(e -> e.getString("outcome").equals("CANCELLED"))
                    .findFirst().orElseThrow();
            assertEquals("jfr-ended-worker-1", cancel.getString("worker"), cancel.toString());
            RecordedEvent timedOut = tasks.stream().filter(e -> e.getString("outcome").equals("TIMED_OUT"))
                    .findFirst().orElseThrow();
            assertTrue(timedOut.getString("worker").startsWith("jfr-ended-worker-"), timedOut.toString());
            assertTrue(timedOut.getDuration("runTime").compareTo(timeout) >= 0, "it ran past its timeout: "
                    + timedOut);
        }
    }
}
