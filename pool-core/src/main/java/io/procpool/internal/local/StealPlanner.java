package io.procpool.internal.local;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Work stealing: which tasks a worker that idles while the queue is empty takes back from another worker's window.
 * Only tasks that wait unstarted behind a task that has run for twice what that worker's tasks usually take (at
 * least {@link #FLOOR_NANOS}) are taken; they are marked taken back in their victim's window
 * ({@link LocalWorker.Held#takenBack}) and the victim's running task is marked robbed, so the victim takes no more
 * behind it. The UNQUEUE frames are sent by the thief's writer after the lock; the victim's CANCELLED answers put the
 * tasks back in the queue ({@link Placement#cancelledByWorker}).
 *
 * <p>Threading: every method is called with {@link Placement}'s lock held; it only reads and marks the windows.
 */
final class StealPlanner {
    /** A running task must have run at least this long before the tasks behind it are stolen: a steal costs a round trip. */
    static final long FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Tasks an idle worker takes back from another worker's window. */
    record Steal(LocalWorker victim, List<Long> taskIds) {
    }

    private final Placement placement;

    StealPlanner(Placement placement) {
        this.placement = placement;
    }

    /**
     * For an idle worker with the queue empty: 0 when another worker holds tasks that wait unstarted behind a task
     * that has run long enough to steal them ({@link LocalWorker#stealAfterNanos}); else how long until the first
     * such task has, or -1 when no worker holds a task behind its running one.
     */
    long plan(LocalWorker thief, long now) {
        long wait = -1;
        for (LocalWorker victim : placement.workers) {
            if (!canBeStolenFrom(victim, thief)) {
                continue;
            }
            long left = victim.stealAfterNanos(FLOOR_NANOS) - (now - victim.running().startedNanos());
            if (left <= 0) {
                return 0;
            }
            wait = wait < 0 ? left : Math.min(wait, left);
        }
        return wait;
    }

    /**
     * Marks as taken back every task behind the running one of the worker that holds the most of them (of those whose
     * running task has run long enough); called when {@link #plan} returned 0.
     */
    Steal take(LocalWorker thief, long now) {
        LocalWorker victim = null;
        for (LocalWorker candidate : placement.workers) {
            if (canBeStolenFrom(candidate, thief)
                    && now - candidate.running().startedNanos() >= candidate.stealAfterNanos(FLOOR_NANOS)
                    && (victim == null || candidate.window.size() > victim.window.size())) {
                victim = candidate;
            }
        }
        LocalWorker.Held running = victim.running();
        List<Long> ids = new ArrayList<>();
        for (var entry : victim.window.entrySet()) {
            LocalWorker.Held held = entry.getValue();
            if (held == running) {
                entry.setValue(held.robbedBehind());
            } else if (!held.takenBack() && !held.started()) {
                entry.setValue(held.takingBack());
                ids.add(entry.getKey());
            }
        }
        return new Steal(victim, ids);
    }

    /**
     * Whether tasks were taken back from behind the task {@code worker} runs now: it takes no more until that task
     * ends, or the tasks taken back would go straight back behind it.
     */
    static boolean isRobbed(LocalWorker worker) {
        LocalWorker.Held running = worker.running();
        return running != null && running.robbed();
    }

    /** Whether a worker that takes work holds no task (an idle writer may steal). */
    boolean someWorkerIdles() {
        for (LocalWorker each : placement.workers) {
            if (each.window.isEmpty() && each.stage() == WorkerLife.Stage.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** Whether another worker than {@code thief} holds tasks it could steal (the common answer: no). */
    boolean hasStealable(LocalWorker thief) {
        for (LocalWorker victim : placement.workers) {
            if (canBeStolenFrom(victim, thief)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code victim} holds tasks behind its running one that nobody is taking back yet. */
    private static boolean canBeStolenFrom(LocalWorker victim, LocalWorker thief) {
        WorkerLife life = victim.life();
        if (victim == thief || victim.window.size() < 2 || life.startsNothingMore() || life.endedBy() != null
                || life.stage().compareTo(WorkerLife.Stage.RETIRING) > 0 || victim.running() == null) {
            return false; // a worker between two tasks (no STARTED yet) takes its next one at once
        }
        int behind = 0;
        for (LocalWorker.Held held : victim.window.values()) {
            if (behind++ > 0 && !held.takenBack()) {
                return true;
            }
        }
        return false;
    }
}
