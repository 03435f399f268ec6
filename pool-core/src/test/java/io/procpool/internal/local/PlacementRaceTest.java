package io.procpool.internal.local;

import static io.procpool.internal.local.FakeWorker.HOLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.procpool.internal.task.Task;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races on the owner of a task's life, looped hundreds of times with a {@link StartGate} (the habit of Caffeine's and
 * NuProcess's tests): whatever order the parties come in, every task ends once, the way it ended is true to what the
 * workers did ({@link FakePool#verify}), no task runs twice, and the pool still closes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlacementRaceTest {
    private static final int ROUNDS = 300;

    @Test
    void everyTaskEndsExactlyOnceWhenDeathTimeoutCancelAndAnswerRace() throws Exception {
        Map<String, Integer> endings = new TreeMap<>();
        try (FakePool pool = FakePool.start(1); StartGate gate = new StartGate(4)) {
            for (int round = 0; round < ROUNDS; round++) {
                Task running = pool.submit(HOLD + round);
                Task behind = pool.submit("behind-" + round);
                FakeWorker worker = pool.startedBy(running);

                gate.race(
                        () -> worker.release(running.id()),
                        () -> running.future().cancel(true),
                        () -> worker.die(false),
                        () -> pool.sink.watchdog.checkTimeouts(Duration.ZERO));

                endings.merge(pool.verify(running, HOLD + round), 1, Integer::sum);
                String behindEnded = pool.verify(behind, "behind-" + round);
                if (!behindEnded.equals("answered")) {
                    // the behind task may have started (its STARTED frame) after the raced one was answered, and
                    // then met the death or the zero timeout; verify() checked it started in the worker it names
                    boolean started = pool.timesStarted(behind.id()) > 0;
                    endings.merge("behind: " + behindEnded + (started ? "" : " before it started"), 1,
                            Integer::sum);
                }
                // the answer or the death, and perhaps the cancel before it; never more
                assertTrue(running.completionAttempts() <= 2, running + " was ended "
                        + running.completionAttempts() + " times");
                assertEquals(1, behind.completionAttempts(), behind + " was ended more than once");
            }
            pool.sink.close(); // every accepted task was counted out exactly once, or this waits forever
        }
        System.out.println("endings of the raced task over " + ROUNDS + " rounds: " + endings);
        assertTrue(endings.keySet().stream().filter(key -> !key.startsWith("behind")).count() >= 2,
                "the racers never raced: " + endings);
    }

    @Test
    void everyTaskEndsExactlyOnceWhenTerminateRacesAnswersAndDeaths() throws Exception {
        for (int round = 0; round < ROUNDS / 3; round++) {
            try (FakePool pool = FakePool.start(1); StartGate gate = new StartGate(3)) {
                Task first = pool.submit(HOLD + "a");
                Task second = pool.submit("b");
                Task queued = pool.submit("c");
                FakeWorker worker = pool.startedBy(first);

                gate.race(
                        () -> worker.release(first.id()),
                        () -> worker.die(true),
                        () -> pool.sink.terminate());

                for (Task task : new Task[] {first, second, queued}) {
                    pool.verify(task, task == first ? HOLD + "a" : task == second ? "b" : "c");
                    assertTrue(task.completionAttempts() <= 2, task + " was ended " + task.completionAttempts()
                            + " times");
                }
            }
        }
    }
}
