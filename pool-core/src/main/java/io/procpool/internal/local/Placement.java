package io.procpool.internal.local;

import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import io.procpool.PoolException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of "which worker holds which task": the {@link TaskQueue} of tasks that wait for a worker and every
 * worker's window ({@link LocalWorker#window}: sent, not answered). It hands tasks to the writers, takes answered,
 * taken-back and cancelled tasks out of the windows, and hands a window back to the queue when its worker ends. Its
 * parts work on the same state under the same lock: {@link Replies} (what a worker says about a task),
 * {@link StealPlanner} (what an idle writer takes back), {@link Watchdog} (timeouts, stalls, memory, idleness,
 * growth) and {@link WorkerEnds} (a worker's end and retries).
 *
 * <p>Threading: all state here and in the workers is guarded by {@link #lock}. Submitters wait on
 * {@link #queueHasRoom}; each worker's writer waits on its worker's condition (room in its window) or on
 * {@link #workQueued}. Decide under the lock, act after it: no task is completed and no frame written while it is
 * held (the parts called under it only decide), so user code and pipe I/O never run under it.
 */
final class Placement implements WorkerConnection.Writing {
    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    final ReentrantLock lock = new ReentrantLock();
    final Condition queueHasRoom = lock.newCondition();
    final Condition workQueued = lock.newCondition();
    final TaskQueue queue = new TaskQueue();                      // guarded by lock
    final List<LocalWorker> workers = new ArrayList<>();          // guarded by lock; launched, not yet ended
    /** Extra workers of an elastic pool decided on ({@link Watchdog#wantsWorker}) and not yet added. */
    int extraStarts;                                              // guarded by lock
    private final PoolConfig config;
    private final BooleanSupplier terminated; // whether the pool was terminated
    final StealPlanner steals = new StealPlanner(this);
    Watchdog watchdog;       // set once before the first worker starts
    private WorkerEnds ends; // likewise

    Placement(PoolConfig config, BooleanSupplier terminated) {
        this.config = config;
        this.terminated = terminated;
    }

    void watchedBy(Watchdog watchdog, WorkerEnds ends) {
        this.watchdog = watchdog;
        this.ends = ends;
    }

    boolean terminated() { // the sink's lifecycle: one flag, read here
        return terminated.getAsBoolean();
    }

    // ---------------------------------------------------------------------------------------------- the queue

    /**
     * Queues a task, waiting while the queue is full unless {@code mayWait} is false (a pool thread must never wait
     * for itself). A task the pool was terminated under is cancelled instead.
     *
     * @return whether an elastic pool should start one more worker for it ({@link Watchdog#wantsWorker})
     */
    boolean enqueue(Task task, boolean mayWait) throws InterruptedException {
        boolean cancelled = false;
        boolean grow = false;
        lock.lock();
        try {
            long bytes = task.payload().length;
            while (mayWait && !terminated() && !queue.fits(bytes)) {
                queueHasRoom.await(); // writers signal as they take tasks; a terminate signals too
            }
            if (terminated()) {
                cancelled = true;
            } else if (!task.isDone()) {
                queue.addLast(task);
                workQueued.signal();
                grow = config.elastic() && watchdog.wantsWorker();
            }
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            task.complete(Outcome.Cancelled.because("the pool was terminated"));
        }
        return grow;
    }

    int queued() {
        return census(worker -> worker).queued();
    }

    /** Fails every queued task with {@code failure} (no worker can start). */
    void failQueued(PoolException failure) {
        List<Task> failed;
        lock.lock();
        try {
            failed = queue.drain();
            queueHasRoom.signalAll();
        } finally {
            lock.unlock();
        }
        failed.forEach(task -> task.complete(new Outcome.WorkerDied(failure)));
    }

    /** Puts never-started tasks back at the front of the queue, in their order (cancelled if the pool terminated). */
    void requeue(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        boolean cancel;
        lock.lock();
        try {
            cancel = terminated();
            if (!cancel) {
                queue.addFirst(tasks);
                workQueued.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (cancel) {
            tasks.forEach(task -> task.complete(Outcome.Cancelled.because("the pool was terminated")));
        }
    }

    // ---------------------------------------------------------------------------------------------- workers

    /** A launched worker joins; {@code extra}: one an elastic pool decided to add ({@link #extraStarts}). */
    void add(LocalWorker worker, boolean extra) {
        lock.lock();
        try {
            workers.add(worker);
            if (extra) {
                extraStarts--;
            }
        } finally {
            lock.unlock();
        }
    }

    /** An extra worker decided on could not be launched (or the pool no longer needs it). */
    void extraNotStarted() {
        lock.lock();
        try {
            extraStarts--;
        } finally {
            lock.unlock();
        }
    }

    /** The worker said hello: it takes work, unless the pool stopped meanwhile (its writer then sends SHUTDOWN). */
    void ready(LocalWorker worker) {
        lock.lock();
        try {
            worker.idleSinceNanos = System.nanoTime();
            boolean ready = !terminated() && worker.stage() == WorkerLife.Stage.STARTING
                    && worker.advance(WorkerLife.Stage.RUNNING);
            if (ready && !queue.isEmpty()) {
                workQueued.signal(); // its writer is not waiting yet; one that took the last wake-up may need it
            }
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #census} saw at one instant: a view of every worker not yet ended, and the queue's length. */
    record Census<T>(List<T> workers, int queued) {
    }

    /** {@code view} of every worker not yet ended and the queue's length, under the lock (insights, workers()). */
    <T> Census<T> census(Function<LocalWorker, T> view) {
        lock.lock();
        try {
            List<T> views = new ArrayList<>(workers.size());
            for (LocalWorker worker : workers) {
                views.add(view.apply(worker));
            }
            return new Census<>(views, queue.size());
        } finally {
            lock.unlock();
        }
    }

    /** Every worker's writer (woken here) tells its worker to drop {@code function}: this thread writes nothing. */
    void forget(FunctionRef function) {
        lock.lock();
        try {
            workers.forEach(worker -> worker.connection.forget(function));
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Workers that are starting or taking work (not retiring, not dead). */
    int liveWorkers() {
        lock.lock();
        try {
            return (int) workers.stream().filter(w -> w.stage().compareTo(WorkerLife.Stage.RUNNING) <= 0).count();
        } finally {
            lock.unlock();
        }
    }

    List<LocalWorker> snapshotWorkers() {
        return census(worker -> worker).workers();
    }

    /** The worker stops taking work and exits once it has answered what it holds. */
    void retire(LocalWorker worker) {
        lock.lock();
        try {
            worker.advance(WorkerLife.Stage.RETIRING);
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every worker stops taking work and exits once it has answered what it holds. */
    void retireAll() {
        lock.lock();
        try {
            workers.forEach(worker -> worker.advance(WorkerLife.Stage.RETIRING));
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes every task away from the queue and the workers and cancels it: the pool is terminated. Later answers
     * find nothing and are dropped.
     */
    void terminate() {
        List<Task> cancelled;
        lock.lock();
        try {
            cancelled = queue.drain();
            for (LocalWorker worker : workers) {
                cancelled.addAll(takeWindow(worker));
                worker.advance(WorkerLife.Stage.RETIRING);
            }
            ends.forgetRetries();
            queueHasRoom.signalAll();
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
        cancelled.forEach(task -> task.complete(Outcome.Cancelled.because("the pool was terminated")));
    }

    /** Forgets workers whose process has exited, before their exit is handled (the pool has stopped them). */
    void dropExited(List<LocalWorker> stopped) {
        lock.lock();
        try {
            for (LocalWorker worker : stopped) {
                if (!worker.connection.child().process().isAlive()) {
                    workers.remove(worker);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Empties a worker's window; its tasks, in order. Caller holds the lock. */
    List<Task> takeWindow(LocalWorker worker) {
        List<Task> tasks = new ArrayList<>(worker.window.size());
        worker.window.values().forEach(held -> tasks.add(held.task()));
        worker.idleSinceNanos = System.nanoTime();
        worker.window.clear();
        worker.windowBytes = 0;
        worker.changed.signalAll();
        return tasks;
    }

    // ---------------------------------------------------------------------------------------------- writers

    @Override
    public List<Task> nextBatch(LocalWorker worker) throws InterruptedException {
        while (true) {
            boolean retiring = false;
            boolean grow = false;
            StealPlanner.Steal steal = null;
            List<Task> batch = new ArrayList<>();
            lock.lock();
            try {
                while (batch.isEmpty() && steal == null) {
                    if (worker.stage() != WorkerLife.Stage.RUNNING) {
                        return null;
                    }
                    if (!worker.takesWork()) {
                        if (!queue.isEmpty()) {
                            workQueued.signal(); // the wake-up this writer was given belongs to a live one
                        }
                        return null;
                    }
                    if (worker.connection.hasFunctionsToForget()) {
                        return batch; // empty: the writer sends the FORGET frames, then asks again
                    }
                    if (!worker.hasRoom() || StealPlanner.isRobbed(worker)) {
                        worker.changed.await(); // an answer, a death or a retirement signals
                        continue;
                    }
                    if (queue.isEmpty()) {
                        long now = System.nanoTime();
                        long wait = worker.window.isEmpty() ? steals.plan(worker, now) : -1;
                        if (wait == 0) {
                            steal = steals.take(worker, now);
                        } else if (wait > 0) {
                            workQueued.awaitNanos(wait); // a straggler ripens for stealing then
                        } else {
                            workQueued.await();
                        }
                        continue;
                    }
                    Task task;
                    while (!retiring && worker.hasRoom() && (task = queue.pollLive()) != null) {
                        worker.hold(task);
                        batch.add(task);
                        worker.tasksAssigned++;
                        if (config.maxTasksPerWorker() > 0 && worker.tasksAssigned >= config.maxTasksPerWorker()) {
                            retiring = worker.advance(WorkerLife.Stage.RETIRING);
                        }
                    }
                    queueHasRoom.signalAll();
                    if (!queue.isEmpty()) {
                        workQueued.signal(); // another writer may have room for the rest
                        grow = config.elastic() && watchdog.wantsWorker();
                    } else if (!batch.isEmpty() && worker.running() != null && steals.someWorkerIdles()) {
                        // The batch waits behind a task its worker runs, while an idle writer waits with no
                        // deadline (it planned no steal, there was nothing to steal): it plans again now.
                        workQueued.signalAll();
                    }
                }
            } finally {
                lock.unlock();
            }
            if (steal != null) {
                LOG.debug("{} idles: taking back {} unstarted task(s) from {}", worker, steal.taskIds().size(),
                        steal.victim());
                steal.taskIds().forEach(steal.victim().connection::unqueue);
                continue; // the CANCELLED answers requeue them; this writer waits for them like for any work
            }
            if (grow) {
                watchdog.grow();
            }
            if (retiring) {
                LOG.debug("{} retires after {} tasks", worker, config.maxTasksPerWorker());
                ends.replaceOnce(worker, "it reached maxTasksPerWorker (" + config.maxTasksPerWorker() + ")", false);
            }
            return batch;
        }
    }

    @Override
    public boolean awaitIdleForShutdown(LocalWorker worker) throws InterruptedException {
        lock.lock();
        try {
            while (worker.stage() == WorkerLife.Stage.RETIRING && !worker.window.isEmpty()) {
                worker.changed.await();
            }
            return worker.stage() == WorkerLife.Stage.RETIRING;
        } finally {
            lock.unlock();
        }
    }

    /** Takes an answered task out of its worker's window: the step after which no one else can fail it. */
    LocalWorker.Held takeAnswered(LocalWorker worker, long taskId) {
        lock.lock();
        try {
            return takeAnsweredLocked(worker, taskId);
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #takeAnswered}; caller holds the lock. */
    LocalWorker.Held takeAnsweredLocked(LocalWorker worker, long taskId) {
        LocalWorker.Held held = worker.drop(taskId);
        if (held != null) {
            // a steal that came too late (the worker had started it) ends here too
            if (worker.window.isEmpty() && queue.isEmpty() && steals.hasStealable(worker)) {
                workQueued.signalAll(); // its writer waits there: idle now, it may steal
            }
            held.task().ranOn(worker.name, held.started() ? held.startedNanos() : held.sentNanos());
            worker.tasksCompleted++;
        }
        return held;
    }

}
