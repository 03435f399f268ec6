package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import io.procpool.internal.insights.InsightsRecorder;
import io.procpool.internal.process.ExitStatus;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a worker's end: a broken channel ends it; a worker that retires itself hands back what it holds; when
 * its process has exited, the one task it said it started fails with the reason of its end (its exit, a timeout, a
 * cancel, a broken channel) or, when its worker died under it, runs again up to {@code retryOnWorkerDeath} times (the
 * deaths kept for the last one's suppressed list); the tasks it never started go back to the front of the queue; its
 * end is recorded and, unless it was planned, a replacement is asked for, once per worker.
 *
 * <p>Threading: called on a worker's reader thread (channel faults, its RETIRING frame), the pool's supervision
 * executor (exits) and the timer (stalled channels). The retries are guarded by {@link Placement}'s lock; decisions
 * are made under it and carried out after it.
 */
final class WorkerEnds implements WorkerConnection.Ends {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerEnds.class);

    private final Placement placement;
    private final Supervisor supervisor;
    private final PoolConfig config;
    private final InsightsRecorder insights;
    /** Why a planned end happened when the worker gave none: the pool's state ("retired", "pool closed", ...). */
    private final Supplier<String> plannedEnd;
    /** Tasks being retried after their worker died under them, with those deaths, oldest first. */
    private final Map<Task, List<WorkerDiedException>> deaths = new HashMap<>(); // guarded by Placement.lock

    WorkerEnds(Placement placement, Supervisor supervisor, PoolConfig config, InsightsRecorder insights,
               Supplier<String> plannedEnd) {
        this.placement = placement;
        this.supervisor = supervisor;
        this.config = config;
        this.insights = insights;
        this.plannedEnd = plannedEnd;
    }

    @Override
    public void channelFault(LocalWorker worker, PoolException reason) {
        placement.lock.lock();
        try {
            worker.endBecause(reason);
            placement.workQueued.signalAll(); // its writer, if it waits for work, stops now (takesWork)
        } finally {
            placement.lock.unlock();
        }
        worker.connection.kill();
    }

    @Override
    public void retiringByWorker(LocalWorker worker) {
        List<Task> unstarted;
        placement.lock.lock();
        try {
            worker.live(worker.life().startingNothingMore());
            unstarted = placement.takeWindow(worker);
        } finally {
            placement.lock.unlock();
        }
        LOG.debug("{} retires itself; {} unstarted task(s) go back to the queue", worker, unstarted.size());
        placement.requeue(unstarted);
        replaceOnce(worker, "an Error struck its codec, so it retired itself", false);
    }

    @Override
    public void exited(LocalWorker worker, int exitCode, String stderrTail) {
        Task running = null;
        List<Task> unstarted;
        PoolException reason;
        boolean planned;
        boolean wasStarting;
        boolean retry = false;
        String retiredFor;
        List<WorkerDiedException> earlierDeaths = List.of();
        int attempts = 0;
        placement.lock.lock();
        try {
            WorkerLife before = worker.life();
            wasStarting = before.stage() == WorkerLife.Stage.STARTING;
            worker.advance(WorkerLife.Stage.DEAD);
            placement.workers.remove(worker);
            LocalWorker.Held started = worker.running();
            unstarted = placement.takeWindow(worker);
            if (started != null) { // the one task it said it started: every other it held never ran
                running = started.task();
                unstarted.remove(running);
                running.ranOn(worker.name, started.startedNanos());
            }
            reason = reasonOfEnd(worker, before.endedBy(), exitCode, stderrTail, running != null);
            planned = before.stage() == WorkerLife.Stage.RETIRING && running == null && before.endedBy() == null;
            retiredFor = before.retiredFor();
            if (running != null && reason instanceof WorkerDiedException death && !running.isDone()) {
                List<WorkerDiedException> earlier = deaths.getOrDefault(running, List.of());
                retry = earlier.size() < config.retryOnWorkerDeath() && !placement.terminated();
                if (retry) {
                    List<WorkerDiedException> more = new ArrayList<>(earlier);
                    more.add(death);
                    deaths.put(running, more);
                    attempts = more.size();
                } else {
                    earlierDeaths = earlier;
                    deaths.remove(running);
                }
            }
            placement.workQueued.signalAll();
        } finally {
            placement.lock.unlock();
        }
        LOG.debug("{} {}; it held {} task(s)", worker, ExitStatus.describe(exitCode),
                unstarted.size() + (running == null ? 0 : 1));
        if (retry) {
            LOG.debug("{} runs again: its worker died under it ({} of {} retries)", running, attempts,
                    config.retryOnWorkerDeath());
            running.onOutcome(this::forgetDeaths); // an answer, a cancel or a failure ends its retries
            unstarted.add(0, running);
        } else if (running != null) {
            earlierDeaths.forEach(reason::addSuppressed);
            running.complete(reason instanceof TaskTimeoutException timeout ? new Outcome.TimedOut(timeout)
                    : new Outcome.WorkerDied(reason));
        }
        placement.requeue(unstarted);
        recordEnd(worker, exitCode, reason, planned, retiredFor);
        if (!planned && !wasStarting) { // a worker that never started is the start's business (Supervisor)
            replaceOnce(worker, reason.getMessage(), true);
        }
    }

    private void recordEnd(LocalWorker worker, int exitCode, PoolException reason, boolean planned,
                           String retiredFor) {
        LOG.debug("{} ended ({}): {}", worker, planned ? "retired" : "lost", reason.getMessage());
        String state = plannedEnd.get();
        String why = state.equals("pool terminated") ? state : !planned ? firstLine(reason.getMessage())
                : retiredFor != null ? retiredFor : state;
        insights.workerEnded(worker.name, worker.connection.pid(), exitCode, why);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private void forgetDeaths(Task task) {
        placement.lock.lock();
        try {
            deaths.remove(task);
        } finally {
            placement.lock.unlock();
        }
    }

    /** The pool was terminated: no task runs again. Caller holds the lock. */
    void forgetRetries() {
        deaths.clear();
    }

    /** Asks for a replacement of {@code worker}, at most once per worker. */
    void replaceOnce(LocalWorker worker, String why, boolean afterDeath) {
        placement.lock.lock();
        try {
            if (worker.replaced) {
                return;
            }
            worker.replaced = true;
        } finally {
            placement.lock.unlock();
        }
        supervisor.replace(worker, why, afterDeath);
    }

    /** Why a worker ended, as the task it ran learns it (and insights, when it ran none: {@code runningTask} false). */
    private static PoolException reasonOfEnd(LocalWorker worker, PoolException endedBy, int exitCode,
                                             String stderrTail, boolean runningTask) {
        if (endedBy == null) {
            return died(worker, exitCode, stderrTail, runningTask);
        }
        if (endedBy instanceof TaskTimeoutException || endedBy instanceof WorkerDiedException) {
            return endedBy;
        }
        WorkerDiedException death = new WorkerDiedException(endedBy.getMessage() + " ("
                + ExitStatus.describe(exitCode) + ")", worker.name, worker.connection.pid(), exitCode, stderrTail);
        if (endedBy.getCause() != null) {
            death.initCause(endedBy.getCause());
        }
        return death;
    }

    private static WorkerDiedException died(LocalWorker worker, int exitCode, String stderrTail,
                                            boolean runningTask) {
        StringBuilder message = new StringBuilder("worker ").append(worker).append(' ')
                .append(ExitStatus.describe(exitCode)).append(runningTask ? " while running the task"
                        : " while it ran no task");
        if (stderrTail.contains("OutOfMemoryError")) {
            message.append("; it ran out of memory (OutOfMemoryError): give workers more heap with "
                    + "jvmOptions(\"-Xmx...\")");
        }
        if (!stderrTail.isEmpty()) {
            message.append("\nLast lines of its stderr:\n").append(stderrTail);
        }
        return new WorkerDiedException(message.toString(), worker.name, worker.connection.pid(), exitCode,
                stderrTail);
    }

    /** Waits for every worker to exit by itself within {@code graceMillis}, killing the ones that do not. */
    static void awaitExit(List<LocalWorker> stopping, long graceMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        for (LocalWorker worker : stopping) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (!worker.connection.awaitExit(Math.max(left, 0))) {
                worker.connection.kill();
                worker.connection.awaitExit(1_000);
            }
        }
    }
}
