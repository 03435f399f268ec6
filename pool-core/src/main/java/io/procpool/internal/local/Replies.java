package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.task.Answers;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a task after it was written to a worker: the worker starts it (STARTED), answers it (RESULT or
 * FAILURE, decoded here on the reader thread and completed once), skips it (CANCELLED: a steal it granted goes back to
 * the queue, a cancel it confirmed ends the task), or the caller cancels it (it leaves the queue at once, or its worker
 * is asked to drop or stop it). The windows it changes are {@link Placement}'s, under its lock.
 *
 * <p>Threading: the worker events arrive on each worker's reader thread; {@link #ended} runs on the thread that
 * completed the task. An answer takes the lock once; decoding and completing happen after it.
 */
final class Replies implements WorkerConnection.Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private final Placement placement;
    private final PoolConfig config;

    Replies(Placement placement, PoolConfig config) {
        this.placement = placement;
        this.config = config;
    }

    @Override
    public void answered(LocalWorker worker, ToParent.Answer answer) {
        LocalWorker.Held held = placement.takeAnswered(worker, answer.taskId());
        if (held == null) {
            LOG.debug("{}: late answer for task {} dropped", worker, answer.taskId());
            return;
        }
        Task task = held.task();
        long decodeStart = System.nanoTime();
        Outcome outcome = Answers.decode(answer, task, worker.name, worker.connection.pid());
        task.decodedIn(System.nanoTime() - decodeStart);
        if (task.itemCount() > 0) {
            worker.learnRunTime(outcome.runNanos()); // this reader thread is its only writer: no lock
        }
        task.complete(outcome);
        if (config.maxWorkerMemory() > 0) {
            placement.watchdog.checkMemory(worker);
        }
    }

    @Override
    public void started(LocalWorker worker, long taskId) {
        placement.lock.lock();
        try {
            LocalWorker.Held held = worker.window.get(taskId);
            if (held != null) {
                long now = System.nanoTime();
                worker.window.put(taskId, held.startedAt(now));
                held.task().ranOn(worker.name, now); // a cancel or timeout that ends it before its answer knows it
                if (worker.window.size() > 1 && placement.queue.isEmpty() && placement.steals.someWorkerIdles()) {
                    placement.workQueued.signalAll(); // what waits behind this task may be stolen once it has run a while
                }
            }
        } finally {
            placement.lock.unlock();
        }
    }

    @Override
    public void answerTooLarge(LocalWorker worker, long taskId, int bytes, OutOfMemoryError error) {
        LocalWorker.Held held = placement.takeAnswered(worker, taskId);
        if (held != null) {
            held.task().complete(new Outcome.Failed(new PoolException("the parent ran out of memory ("
                    + error.getMessage() + ") reading the " + bytes + "-byte answer of " + held.task()
                    + " from worker " + worker + ": give the parent JVM more heap (-Xmx) or return smaller results",
                    error), new Object[0], -1));
        }
    }

    @Override
    public void cancelledByWorker(LocalWorker worker, long taskId) {
        Task takenBack = null;
        LocalWorker.Held cancelled = null;
        placement.lock.lock();
        try {
            LocalWorker.Held held = worker.window.get(taskId);
            if (held != null && held.takenBack()) { // a steal the worker granted: the task never started
                worker.drop(taskId);
                takenBack = held.task();
            } else if (held != null) { // a cancel the worker confirmed
                cancelled = placement.takeAnsweredLocked(worker, taskId);
            }
        } finally {
            placement.lock.unlock();
        }
        if (takenBack != null) { // another worker runs it
            placement.requeue(List.of(takenBack));
        } else if (cancelled != null) { // its outcome was decided when it was cancelled
            cancelled.task().complete(Outcome.Cancelled.because("cancelled by the caller"));
        }
    }

    /** A task ended (its outcome is decided): if it was cancelled, drop it from the queue, or have its worker drop it. */
    void ended(Task task) {
        if (!(task.outcome() instanceof Outcome.Cancelled)) {
            return;
        }
        LocalWorker holder = null;
        boolean running = false;
        placement.lock.lock();
        try {
            if (placement.queue.remove(task)) {
                placement.queueHasRoom.signalAll();
                return;
            }
            for (LocalWorker worker : placement.workers) {
                if (worker.window.containsKey(task.id())) {
                    holder = worker;
                    LocalWorker.Held runs = worker.running();
                    running = runs != null && runs.task() == task;
                    break;
                }
            }
        } finally {
            placement.lock.unlock();
        }
        if (holder == null) {
            return; // answered already, or the pool terminated
        }
        holder.connection.cancel(task.id());
        if (running) {
            placement.watchdog.killIfStillRunning(holder, task);
        }
    }
}
