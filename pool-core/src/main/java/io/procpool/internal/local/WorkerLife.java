package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.WorkerInfo;

/**
 * Where one worker is in its life, with why it leaves service: one immutable value, so that the stage and the reason
 * never disagree. Stages only go forward (starting, running, retiring, dead); the first reason recorded for an end
 * stays. The public {@link WorkerInfo.State} is derived from it at the edge ({@link #publicState}).
 *
 * <p>Thread-safety: immutable; a {@link LocalWorker} holds the current one under {@link Placement}'s lock.
 *
 * @param stage             how far the worker has come
 * @param retiredFor        why the pool retired it while it was sound (tasks, memory, idle), for its end's record;
 *                          null for none of those
 * @param endedBy           why the pool ends it (a timeout, a cancel that went on, a broken channel): the task it
 *                          runs fails with this; null while the pool has not decided to end it
 * @param startsNothingMore the worker itself said it starts nothing more (its RETIRING frame): none of what it still
 *                          holds was started
 */
record WorkerLife(Stage stage, String retiredFor, PoolException endedBy, boolean startsNothingMore) {

    /** A worker's stages, in order. */
    enum Stage { STARTING, RUNNING, RETIRING, DEAD }

    static final WorkerLife STARTING = new WorkerLife(Stage.STARTING, null, null, false);

    /** This life moved on to {@code next}; itself when {@code next} is not ahead of its stage. */
    WorkerLife advance(Stage next) {
        return next.compareTo(stage) > 0 ? new WorkerLife(next, retiredFor, endedBy, startsNothingMore) : this;
    }

    /** Retiring for {@code why} (kept only if the worker was running: a later reason does not rewrite history). */
    WorkerLife retire(String why) {
        return stage == Stage.RUNNING ? new WorkerLife(Stage.RETIRING, why, endedBy, startsNothingMore) : this;
    }

    /** Ended by the pool for {@code reason}, unless a reason was recorded first. */
    WorkerLife endBecause(PoolException reason) {
        return endedBy == null ? new WorkerLife(stage, retiredFor, reason, startsNothingMore) : this;
    }

    /** The worker said it starts nothing more: retiring, what it holds never started. */
    WorkerLife startingNothingMore() {
        return new WorkerLife(stage.compareTo(Stage.RETIRING) < 0 ? Stage.RETIRING : stage, retiredFor, endedBy, true);
    }

    /** Whether it may be given a task now (running, and the pool has not decided to end it). */
    boolean serving() {
        return stage == Stage.RUNNING && endedBy == null;
    }

    /** The stage as the public API names it. */
    WorkerInfo.State publicState() {
        return switch (stage) {
            case STARTING -> WorkerInfo.State.STARTING;
            case RUNNING -> WorkerInfo.State.RUNNING;
            case RETIRING -> WorkerInfo.State.RETIRING;
            case DEAD -> WorkerInfo.State.DEAD;
        };
    }
}
