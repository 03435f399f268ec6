package io.procpool.internal.task;

import io.procpool.TaskInsights;
import io.procpool.internal.insights.InsightsRecorder;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns an ended {@link Task} into the {@link TaskInsights} record a pool's recorder keeps: one place for every
 * transport, called from the task's one completion step.
 *
 * <p>Thread-safety: stateless.
 */
public final class TaskReports {
    private TaskReports() {
    }

    /** Reports {@code task}, which has ended, to {@code recorder}. */
    public static void finished(InsightsRecorder recorder, Task task) {
        Outcome outcome = task.outcome();
        TaskInsights.Outcome kind = outcome instanceof Outcome.Answered ? TaskInsights.Outcome.ANSWERED
                : outcome instanceof Outcome.Failed ? TaskInsights.Outcome.FAILED
                : outcome instanceof Outcome.WorkerDied ? TaskInsights.Outcome.WORKER_DIED
                : outcome instanceof Outcome.TimedOut ? TaskInsights.Outcome.TIMED_OUT
                : TaskInsights.Outcome.CANCELLED;
        long nowNanos = System.nanoTime();
        Instant finished = recorder.now();
        long started = task.startedNanos();
        // A task that ended without an answer (timed out, cancelled or killed while it ran) ran until now.
        long runNanos = task.runNanos() >= 0 ? task.runNanos() : started == 0 ? 0 : Math.max(0, nowNanos - started);
        recorder.taskFinished(new TaskInsights(task.id(), task.functionName(), task.workerName(), task.itemCount(),
                finished.minusNanos(Math.max(0, nowNanos - task.createdNanos())),
                started == 0 ? null : finished.minusNanos(Math.max(0, nowNanos - started)), finished,
                Duration.ofNanos(runNanos), Duration.ofNanos(task.decodeNanos()), kind, null,
                task.arguments()), kind == TaskInsights.Outcome.CANCELLED ? null : outcome.failure());
    }
}
