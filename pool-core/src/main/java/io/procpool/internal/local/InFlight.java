package io.procpool.internal.local;

import io.procpool.CurrentTask;
import io.procpool.PoolException;
import io.procpool.TaskTimeoutException;
import io.procpool.WorkerDiedException;
import io.procpool.WorkerInfo;
import io.procpool.internal.insights.LiveWorker;
import io.procpool.internal.insights.ProcStats;
import io.procpool.internal.process.ExitStatus;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.task.Answers;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Outcome;
import io.procpool.internal.task.Task;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of "which worker holds which task": the bounded queue of tasks that wait for a worker, every
 * worker's window of tasks sent and not answered, and the rules that move a task between them. When a worker
 * answers, its task leaves the window; when a worker ends, the task it ran fails with the reason (its exit, a
 * timeout, a cancel, a broken channel) and the tasks it never started go back to the front of the queue; a cancelled
 * task leaves the queue at once, or is dropped or stopped in its worker.
 *
 * <p>Adaptive rules (the pool's settings turn them on): a task whose worker died under it goes back to the front of
 * the queue up to {@code retryOnWorkerDeath} times, its deaths kept for the last one's suppressed list; a worker whose
 * resident memory exceeds {@code maxWorkerMemory} after an answer retires; a worker that idles while the queue is
 * empty takes back the tasks that wait unstarted behind another worker's long-running task (work stealing: an UNQUEUE
 * frame, answered CANCELLED if the task had not started, which then goes back to the queue instead of ending); an
 * elastic pool asks for one more worker when work waits and every worker is busy, and retires workers beyond its
 * minimum that idled for its idle timeout.
 *
 * <p>Threading: all state is guarded by {@link #lock}. Submitters wait on {@link #queueHasRoom}; each worker's writer
 * waits on its worker's condition (room in its window) or on {@link #workQueued}. No task is completed, no frame is
 * written and no other class is called while the lock is held: what a step decides under the lock is carried out
 * after it (the {@code Settlement} lists), so user code and pipe I/O never run under it.
 */
final class InFlight implements WorkerConnection.Events {
    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);

    /** Tasks waiting for a worker; submitters beyond this wait. */
    static final int QUEUE_CAPACITY = 8192;
    /** Encoded bytes that may wait in the queue; a submitter beyond this waits, so a map of big items stays bounded. */
    static final long QUEUED_BYTES_LIMIT = 64L << 20;
    /** How long a cancelled running task may go on after its CANCEL before its worker is killed. */
    static final long CANCEL_GRACE_MILLIS = 500;
    /** A worker's resident memory is read at most this often (after an answer) when maxWorkerMemory is set. */
    static final long MEMORY_READ_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** A running task must have run at least this long before the tasks behind it are stolen: a steal costs a round trip. */
    static final long STEAL_FLOOR_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** What the pool around this owner does when workers come and go. */
    interface Supervision {
        /**
         * {@code worker} leaves service (retiring, or dead): start its replacement if the pool still needs it. Called
         * at most once per worker.
         */
        void replace(LocalWorker worker, String why, boolean afterDeath);

        /** A worker ended; {@code planned} when it retired and nothing was lost (it is then not replaced again). */
        void ended(LocalWorker worker, int exitCode, PoolException reason, boolean planned);

        /** Runs {@code work} after {@code millis} on the pool's timer. */
        void schedule(Runnable work, long millis);

        /** Work waits and every worker is busy: an elastic pool may start one more ({@link #wantsWorker}). */
        void grow();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queueHasRoom = lock.newCondition();
    private final Condition workQueued = lock.newCondition();
    private final ArrayDeque<Task> queue = new ArrayDeque<>();     // guarded by lock; front: handed back
    private long queuedBytes;                                     // guarded by lock
    private final List<LocalWorker> workers = new ArrayList<>();   // guarded by lock; launched, not yet ended
    private final Map<Long, LocalWorker> holders = new HashMap<>(); // guarded by lock; task id -> its worker
    private boolean terminated;                                   // guarded by lock
    /** Tasks being retried after their worker died under them, with those deaths, oldest first. */
    private final Map<Task, List<WorkerDiedException>> deaths = new HashMap<>(); // guarded by lock
    /** Ids of tasks an idle worker is taking back from their worker's window (UNQUEUE sent, not yet answered). */
    private final Set<Long> stolen = new HashSet<>();             // guarded by lock
    private final PoolConfig config;
    private final long maxTasksPerWorker;
    private Supervision supervision; // set once before the first worker starts

    InFlight(PoolConfig config) {
        this.config = config;
        this.maxTasksPerWorker = config.maxTasksPerWorker();
    }

    void supervisedBy(Supervision supervision) {
        this.supervision = supervision;
    }

    Condition newWorkerCondition() {
        return lock.newCondition();
    }

    // ---------------------------------------------------------------------------------------------- the queue

    /**
     * Queues a task, waiting while the queue is full unless {@code mayWait} is false (a pool thread must never wait
     * for itself). A task the pool was terminated under is cancelled instead.
     */
    void enqueue(Task task, boolean mayWait) throws InterruptedException {
        boolean cancelled = false;
        lock.lock();
        try {
            long bytes = task.payload().length;
            while (mayWait && !terminated && !fits(bytes)) {
                queueHasRoom.await(); // writers signal as they take tasks; a terminate signals too
            }
            if (terminated) {
                cancelled = true;
            } else if (!task.isDone()) {
                queue.addLast(task);
                queuedBytes += bytes;
                workQueued.signal();
            }
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            task.complete(Outcome.Cancelled.because("the pool was terminated"));
        } else if (config.elastic()) {
            supervision.grow();
        }
    }

    private boolean fits(long bytes) { // caller holds lock; one task always fits in an empty queue
        return queue.isEmpty() || queue.size() < QUEUE_CAPACITY && queuedBytes + bytes <= QUEUED_BYTES_LIMIT;
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every queued task with {@code failure} (no worker can start). */
    void failQueued(PoolException failure) {
        List<Task> failed;
        lock.lock();
        try {
            failed = new ArrayList<>(queue);
            queue.clear();
            queuedBytes = 0;
            queueHasRoom.signalAll();
        } finally {
            lock.unlock();
        }
        failed.forEach(task -> task.complete(new Outcome.WorkerDied(failure)));
    }

    // ---------------------------------------------------------------------------------------------- workers

    void add(LocalWorker worker) {
        lock.lock();
        try {
            workers.add(worker);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The worker said hello: it takes work from now on, unless the pool stopped meanwhile (then it stays RETIRING and
     * its writer sends SHUTDOWN).
     */
    void ready(LocalWorker worker) {
        lock.lock();
        try {
            worker.idleSinceNanos = System.nanoTime();
            boolean ready = !terminated && worker.state() == WorkerInfo.State.STARTING
                    && worker.advance(WorkerInfo.State.RUNNING);
            if (ready && !queue.isEmpty()) {
                workQueued.signal(); // its writer is not waiting yet; one that took the last wake-up may need it
            }
        } finally {
            lock.unlock();
        }
    }

    /** The live workers as insights see them, with what each runs now; and the count of tasks they hold. */
    record Live(List<LiveWorker> workers, int inFlight, int queued) {
    }

    Live live(java.time.Instant now) {
        long nowNanos = System.nanoTime();
        lock.lock();
        try {
            List<LiveWorker> live = new ArrayList<>(workers.size());
            int held = 0;
            for (LocalWorker worker : workers) {
                LocalWorker.Held running = worker.running();
                CurrentTask current = running == null ? null : new CurrentTask(running.task().id(),
                        running.task().functionName(), running.task().itemCount(),
                        now.minusNanos(Math.max(0, nowNanos - running.startedNanos())));
                live.add(new LiveWorker(worker.name, worker.connection.pid(), worker.state(), current));
                held += worker.held.size();
            }
            return new Live(live, held, queue.size());
        } finally {
            lock.unlock();
        }
    }

    List<WorkerInfo> workers() {
        lock.lock();
        try {
            List<WorkerInfo> infos = new ArrayList<>(workers.size());
            for (LocalWorker worker : workers) {
                infos.add(new WorkerInfo(worker.name, worker.connection.pid(), worker.state(), worker.tasksCompleted));
            }
            return infos;
        } finally {
            lock.unlock();
        }
    }

    /** Workers that are starting or taking work (not retiring, not dead). */
    int liveWorkers() {
        lock.lock();
        try {
            return (int) workers.stream().filter(w -> w.state().compareTo(WorkerInfo.State.RUNNING) <= 0).count();
        } finally {
            lock.unlock();
        }
    }

    List<LocalWorker> snapshotWorkers() {
        lock.lock();
        try {
            return new ArrayList<>(workers);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether an elastic pool should start one more worker now: work waits, every worker that takes work is busy,
     * none is starting (one start at a time, so a burst never starts more than are missing), and there is room
     * below the maximum. {@code pendingStarts}: starts asked for whose worker is not added yet.
     */
    boolean wantsWorker(int pendingStarts) {
        lock.lock();
        try {
            if (terminated || queue.isEmpty() || pendingStarts > 0) {
                return false;
            }
            int serving = 0;
            for (LocalWorker worker : workers) {
                WorkerInfo.State state = worker.state();
                if (state == WorkerInfo.State.STARTING || state == WorkerInfo.State.RUNNING && worker.held.isEmpty()
                        && takesWork(worker)) {
                    return false;
                }
                if (state == WorkerInfo.State.RUNNING) {
                    serving++;
                }
            }
            return serving < config.maxWorkers();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Retires the workers of an elastic pool that have idled for longer than {@code idleTimeout}, the longest idle
     * first, as long as more than the pool's minimum are left. They exit when their writer sends SHUTDOWN, and are
     * not replaced (a planned end).
     */
    void retireIdle(Duration idleTimeout) {
        long now = System.nanoTime();
        lock.lock();
        try {
            int serving = (int) workers.stream().filter(w -> w.state().compareTo(WorkerInfo.State.RUNNING) <= 0)
                    .count();
            List<LocalWorker> idle = new ArrayList<>();
            for (LocalWorker worker : workers) {
                if (worker.state() == WorkerInfo.State.RUNNING && worker.held.isEmpty() && worker.endReason == null
                        && now - worker.idleSinceNanos > idleTimeout.toNanos()) {
                    idle.add(worker);
                }
            }
            idle.sort(java.util.Comparator.comparingLong(w -> w.idleSinceNanos));
            for (LocalWorker worker : idle) {
                if (serving <= config.workers()) {
                    break;
                }
                worker.retireReason = "idle for " + idleTimeout.toMillis() + " ms (idleTimeout) with "
                        + serving + " workers, above the minimum of " + config.workers();
                worker.advance(WorkerInfo.State.RETIRING);
                serving--;
                LOG.debug("{} retires: {}", worker, worker.retireReason);
            }
            workQueued.signalAll(); // a retired writer waits for work: it sends SHUTDOWN now
        } finally {
            lock.unlock();
        }
    }

    /** The worker stops taking work and exits once it has answered what it holds. */
    void retire(LocalWorker worker) {
        lock.lock();
        try {
            worker.advance(WorkerInfo.State.RETIRING);
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Every worker stops taking work and exits once it has answered what it holds. */
    void retireAll() {
        lock.lock();
        try {
            for (LocalWorker worker : workers) {
                worker.advance(WorkerInfo.State.RETIRING);
            }
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
        List<Task> cancelled = new ArrayList<>();
        lock.lock();
        try {
            terminated = true;
            cancelled.addAll(queue);
            queue.clear();
            queuedBytes = 0;
            for (LocalWorker worker : workers) {
                worker.held.values().forEach(held -> cancelled.add(held.task()));
                worker.held.clear();
                worker.heldBytes = 0;
                worker.advance(WorkerInfo.State.RETIRING);
            }
            holders.clear();
            deaths.clear();
            stolen.clear();
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

    /** Tells every worker that was sent {@code function} to drop it. */
    void forget(FunctionRef function) {
        snapshotWorkers().forEach(worker -> worker.connection.forget(function));
    }

    // ---------------------------------------------------------------------------------------------- writers

    @Override
    public List<Task> nextBatch(LocalWorker worker) throws InterruptedException {
        while (true) {
            boolean retiring = false;
            boolean grow = false;
            Steal steal = null;
            List<Task> batch = new ArrayList<>();
            lock.lock();
            try {
                while (batch.isEmpty() && steal == null) {
                    if (worker.state() != WorkerInfo.State.RUNNING) {
                        return null;
                    }
                    if (!takesWork(worker)) {
                        if (!queue.isEmpty()) {
                            workQueued.signal(); // the wake-up this writer was given belongs to a live one
                        }
                        return null;
                    }
                    if (!worker.hasRoom() || isStolenFrom(worker)) {
                        worker.changed.await(); // an answer, a death or a retirement signals
                        continue;
                    }
                    if (queue.isEmpty()) {
                        long now = System.nanoTime();
                        long wait = worker.held.isEmpty() ? planSteal(worker, now) : -1;
                        if (wait == 0) {
                            steal = takeStolen(worker, now);
                        } else if (wait > 0) {
                            workQueued.awaitNanos(wait); // a straggler ripens for stealing then
                        } else {
                            workQueued.await();
                        }
                        continue;
                    }
                    while (worker.hasRoom() && !queue.isEmpty() && !retiring) {
                        Task task = queue.pollFirst();
                        queuedBytes -= task.payload().length;
                        if (task.isDone()) {
                            continue; // cancelled while it waited
                        }
                        worker.held.put(task.id(), new LocalWorker.Held(task, System.nanoTime(), 0));
                        worker.heldBytes += task.payload().length;
                        holders.put(task.id(), worker);
                        batch.add(task);
                        worker.tasksAssigned++;
                        if (maxTasksPerWorker > 0 && worker.tasksAssigned >= maxTasksPerWorker) {
                            retiring = worker.advance(WorkerInfo.State.RETIRING);
                        }
                    }
                    queueHasRoom.signalAll();
                    if (!queue.isEmpty()) {
                        workQueued.signal(); // another writer may have room for the rest
                        grow = config.elastic();
                    } else if (!batch.isEmpty() && worker.running() != null && someWorkerIdles()) {
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
                supervision.grow();
            }
            if (retiring) {
                LOG.debug("{} retires after {} tasks", worker, maxTasksPerWorker);
                replaceOnce(worker, "it reached maxTasksPerWorker (" + maxTasksPerWorker + ")", false);
            }
            return batch;
        }
    }

    /**
     * Whether tasks were taken back from behind the task {@code worker} runs now: it takes no more until that task
     * ends, or the tasks taken back would go straight back behind it. Caller holds the lock.
     */
    private static boolean isStolenFrom(LocalWorker worker) {
        if (worker.stolenBehind < 0) {
            return false;
        }
        LocalWorker.Held running = worker.running();
        if (running != null && running.task().id() == worker.stolenBehind) {
            return true;
        }
        worker.stolenBehind = -1;
        return false;
    }

    /** Tasks an idle worker takes back from another worker's window. */
    private record Steal(LocalWorker victim, List<Long> taskIds) {
    }

    /**
     * For an idle worker with the queue empty: 0 when another worker holds tasks that wait unstarted behind a task
     * that has run long enough to steal them ({@link LocalWorker#stealAfterNanos}); else how long until the first such
     * task has, or -1 when no worker holds a task behind its running one. Caller holds the lock.
     */
    private long planSteal(LocalWorker thief, long now) {
        long wait = -1;
        for (LocalWorker victim : workers) {
            if (!canBeStolenFrom(victim, thief)) {
                continue;
            }
            long left = victim.stealAfterNanos(STEAL_FLOOR_NANOS) - (now - victim.running().startedNanos());
            if (left <= 0) {
                return 0;
            }
            wait = wait < 0 ? left : Math.min(wait, left);
        }
        return wait;
    }

    /** Whether a worker that takes work holds no task (an idle writer may steal). Caller holds the lock. */
    private boolean someWorkerIdles() {
        for (LocalWorker each : workers) {
            if (each.held.isEmpty() && each.state() == WorkerInfo.State.RUNNING) {
                return true;
            }
        }
        return false;
    }

    /** Whether another worker than {@code thief} holds tasks it could steal (the common answer: no). Caller holds lock. */
    private boolean hasStealable(LocalWorker thief) {
        for (LocalWorker victim : workers) {
            if (canBeStolenFrom(victim, thief)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code victim} holds tasks behind its running one that nobody is taking back yet. Caller holds lock. */
    private boolean canBeStolenFrom(LocalWorker victim, LocalWorker thief) {
        if (victim == thief || victim.held.size() < 2 || victim.startsNothingMore || victim.endReason != null
                || victim.state().compareTo(WorkerInfo.State.RETIRING) > 0 || victim.running() == null) {
            return false; // a worker between two tasks (no STARTED yet) takes its next one at once
        }
        int behind = 0;
        for (Long id : victim.held.keySet()) {
            if (behind++ > 0 && !stolen.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks as stolen every task behind the running one of the worker that holds the most of them (of those whose
     * running task has run long enough). Caller holds the lock; the UNQUEUE frames are sent after it.
     */
    private Steal takeStolen(LocalWorker thief, long now) {
        LocalWorker victim = null;
        for (LocalWorker candidate : workers) {
            if (canBeStolenFrom(candidate, thief)
                    && now - candidate.running().startedNanos() >= candidate.stealAfterNanos(STEAL_FLOOR_NANOS)
                    && (victim == null || candidate.held.size() > victim.held.size())) {
                victim = candidate;
            }
        }
        victim.stolenBehind = victim.running().task().id();
        List<Long> ids = new ArrayList<>();
        boolean head = true;
        for (Long id : victim.held.keySet()) {
            if (!head && stolen.add(id)) {
                ids.add(id);
            }
            head = false;
        }
        return new Steal(victim, ids);
    }

    /**
     * Whether a running worker may be given a task: not once the pool has decided to end it, nor once its process is
     * gone while its exit is not handled yet (the drain of its pipe can take seconds). A task given to it then would
     * never reach it, yet be failed as the task it ran when its exit is handled. Caller holds the lock.
     */
    private static boolean takesWork(LocalWorker worker) {
        return worker.endReason == null && worker.connection.child().process().isAlive();
    }

    @Override
    public boolean awaitIdleForShutdown(LocalWorker worker) throws InterruptedException {
        lock.lock();
        try {
            while (worker.state() == WorkerInfo.State.RETIRING && !worker.held.isEmpty()) {
                worker.changed.await();
            }
            return worker.state() == WorkerInfo.State.RETIRING;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- answers

    @Override
    public void answered(LocalWorker worker, Frame answer) {
        LocalWorker.Held held = release(worker, answer.id());
        if (held == null) {
            LOG.debug("{}: late answer for task {} dropped", worker, answer.id());
            return;
        }
        long decodeStart = System.nanoTime();
        Outcome outcome = Answers.decode(answer, held.task(), worker.name, worker.connection.pid());
        held.task().decodedIn(System.nanoTime() - decodeStart);
        long runNanos = outcome instanceof Outcome.Answered a ? a.runNanos()
                : outcome instanceof Outcome.Failed f ? f.runNanos() : -1;
        if (runNanos >= 0 && held.task().itemCount() > 0) {
            lock.lock();
            try {
                worker.recordRunTime(runNanos);
            } finally {
                lock.unlock();
            }
        }
        held.task().complete(outcome);
        if (config.maxWorkerMemory() > 0) {
            checkMemory(worker);
        }
    }

    /**
     * Retires {@code worker} (its replacement starts now, it exits once it has answered what it holds) when its
     * resident memory exceeds maxWorkerMemory. Reads {@code /proc} at most every {@link #MEMORY_READ_INTERVAL_NANOS}
     * per worker. Runs on the worker's reader thread, after an answer, outside the lock.
     */
    private void checkMemory(LocalWorker worker) {
        long now = System.nanoTime();
        if (now - worker.memoryReadNanos < MEMORY_READ_INTERVAL_NANOS) {
            return;
        }
        worker.memoryReadNanos = now;
        long resident = ProcStats.residentBytes(worker.connection.pid());
        if (resident <= config.maxWorkerMemory()) {
            return;
        }
        String why = "memory: its resident memory (" + (resident >> 20) + " MiB) exceeded maxWorkerMemory ("
                + (config.maxWorkerMemory() >> 20) + " MiB)";
        boolean retiring;
        lock.lock();
        try {
            retiring = worker.state() == WorkerInfo.State.RUNNING && worker.endReason == null
                    && worker.advance(WorkerInfo.State.RETIRING);
            if (retiring) {
                worker.retireReason = "retired for " + why;
                workQueued.signalAll(); // its writer may wait for work: it sends SHUTDOWN once the window is empty
            }
        } finally {
            lock.unlock();
        }
        if (retiring) {
            LOG.debug("{} retires: {}", worker, why);
            replaceOnce(worker, why, false);
        }
    }

    @Override
    public void started(LocalWorker worker, long taskId) {
        lock.lock();
        try {
            LocalWorker.Held held = worker.held.get(taskId);
            if (held != null) {
                long now = System.nanoTime();
                worker.held.put(taskId, new LocalWorker.Held(held.task(), held.sentNanos(), now));
                held.task().ranOn(worker.name, now); // a cancel or timeout that ends it before its answer knows it
                if (worker.held.size() > 1 && queue.isEmpty() && someWorkerIdles()) {
                    workQueued.signalAll(); // what waits behind this task may be stolen once it has run a while
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void answerTooLarge(LocalWorker worker, long taskId, int bytes, OutOfMemoryError error) {
        LocalWorker.Held held = release(worker, taskId);
        if (held != null) {
            held.task().complete(new Outcome.Failed(new PoolException("the parent ran out of memory ("
                    + error.getMessage() + ") reading the " + bytes + "-byte answer of " + held.task()
                    + " from worker " + worker + ": give the parent JVM more heap (-Xmx) or return smaller results",
                    error), new Object[0], -1));
        }
    }

    @Override
    public void cancelledByWorker(LocalWorker worker, long taskId) {
        Task takenBack = takeBack(worker, taskId);
        if (takenBack != null) { // a steal the worker granted: the task never started, another worker runs it
            requeue(List.of(takenBack));
            return;
        }
        LocalWorker.Held held = release(worker, taskId);
        if (held != null) { // a cancel the worker confirmed; the task's outcome was decided when it was cancelled
            held.task().complete(Outcome.Cancelled.because("cancelled by the caller"));
        }
    }

    /** Takes a stolen task the worker skipped out of its window, uncounted; null when it was not stolen. */
    private Task takeBack(LocalWorker worker, long taskId) {
        lock.lock();
        try {
            if (!stolen.remove(taskId)) {
                return null;
            }
            LocalWorker.Held held = worker.held.remove(taskId);
            if (held == null) {
                return null;
            }
            holders.remove(taskId);
            worker.heldBytes -= held.task().payload().length;
            if (worker.held.isEmpty()) {
                worker.idleSinceNanos = System.nanoTime();
            }
            worker.changed.signalAll();
            return held.task();
        } finally {
            lock.unlock();
        }
    }

    /** Takes an answered task out of its worker's window: the step after which no one else can fail it. */
    private LocalWorker.Held release(LocalWorker worker, long taskId) {
        lock.lock();
        try {
            LocalWorker.Held held = worker.held.remove(taskId);
            if (held != null) {
                stolen.remove(taskId); // a steal that came too late: the worker had started it
                if (worker.held.isEmpty()) {
                    worker.idleSinceNanos = System.nanoTime();
                    if (queue.isEmpty() && hasStealable(worker)) {
                        workQueued.signalAll(); // its writer waits there: idle now, it may steal
                    }
                }
                held.task().ranOn(worker.name, held.started() ? held.startedNanos() : held.sentNanos());
                holders.remove(taskId);
                worker.heldBytes -= held.task().payload().length;
                worker.tasksCompleted++;
                worker.changed.signalAll(); // room in the window; a retiring writer may send SHUTDOWN
            }
            return held;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- cancel

    /** A task was cancelled (its outcome is decided): drop it from the queue, or have its worker drop or stop it. */
    void cancelled(Task task) {
        LocalWorker holder;
        boolean running;
        lock.lock();
        try {
            if (queue.remove(task)) {
                queuedBytes -= task.payload().length;
                queueHasRoom.signalAll();
                return;
            }
            holder = holders.get(task.id());
            if (holder == null) {
                return; // answered already, or the pool terminated
            }
            LocalWorker.Held running0 = holder.running();
            running = running0 != null && running0.task() == task;
        } finally {
            lock.unlock();
        }
        holder.connection.cancel(task.id());
        if (running) {
            supervision.schedule(() -> killIfStillRunning(holder, task), CANCEL_GRACE_MILLIS);
        }
    }

    private void killIfStillRunning(LocalWorker worker, Task task) {
        lock.lock();
        try {
            LocalWorker.Held running = worker.running();
            if (running == null || running.task() != task) {
                return;
            }
            worker.endBecause(new PoolException("task " + task + " was cancelled and went on running in worker "
                    + worker + " for " + CANCEL_GRACE_MILLIS + " ms; the worker was killed"));
        } finally {
            lock.unlock();
        }
        LOG.debug("{} went on after its cancel; killing {}", task, worker);
        worker.connection.kill();
    }

    // ---------------------------------------------------------------------------------------------- timeouts

    /** Kills every worker whose running task has run past {@code timeout} (per item of a chunk). */
    void checkTimeouts(Duration timeout) {
        long now = System.nanoTime();
        List<LocalWorker> overdue = new ArrayList<>();
        lock.lock();
        try {
            for (LocalWorker worker : workers) {
                LocalWorker.Held running = worker.running();
                if (running == null || worker.state() == WorkerInfo.State.DEAD) {
                    continue;
                }
                long allowed = timeout.toNanos() * Math.max(1, running.task().itemCount());
                if (now - running.startedNanos() > allowed && worker.endReason == null) {
                    worker.endBecause(new TaskTimeoutException(worker.name, timeout));
                    overdue.add(worker);
                }
            }
        } finally {
            lock.unlock();
        }
        for (LocalWorker worker : overdue) {
            LOG.debug("{} ran past its timeout of {}; killing it", worker, timeout);
            worker.connection.kill();
        }
    }

    /**
     * Ends every worker whose channel holds an unfinished frame that got no byte for {@code stallNanos}: bytes that
     * are not ours (a stray byte that looks like the start of a frame) or a writer stopped mid-frame. Found while
     * the worker is idle, this fails no task.
     */
    void checkStalledChannels(long stallNanos) {
        long now = System.nanoTime();
        for (LocalWorker worker : snapshotWorkers()) {
            long stalled = worker.connection.child().stalledMidFrameNanos(now);
            if (stalled > stallNanos) {
                channelFault(worker, new PoolException("worker " + worker + " corrupted its channel: a frame it "
                        + "began got no byte for " + TimeUnit.NANOSECONDS.toMillis(stalled) + " ms (something wrote "
                        + "raw bytes on its stdout, or the worker stopped mid-frame)"));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- endings

    @Override
    public void channelFault(LocalWorker worker, PoolException reason) {
        lock.lock();
        try {
            worker.endBecause(reason);
            workQueued.signalAll(); // its writer, if it waits for work, stops now (takesWork)
        } finally {
            lock.unlock();
        }
        worker.connection.kill();
    }

    @Override
    public void retiringByWorker(LocalWorker worker) {
        List<Task> unstarted;
        lock.lock();
        try {
            worker.startsNothingMore = true;
            worker.advance(WorkerInfo.State.RETIRING);
            unstarted = takeHeld(worker);
        } finally {
            lock.unlock();
        }
        LOG.debug("{} retires itself; {} unstarted task(s) go back to the queue", worker, unstarted.size());
        requeue(unstarted);
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
        List<WorkerDiedException> earlierDeaths = List.of();
        lock.lock();
        try {
            WorkerInfo.State before = worker.state();
            wasStarting = before == WorkerInfo.State.STARTING;
            worker.advance(WorkerInfo.State.DEAD);
            workers.remove(worker);
            LocalWorker.Held started = worker.running();
            unstarted = takeHeld(worker);
            if (started != null) { // the one task it said it started: every other it held never ran
                running = started.task();
                unstarted.remove(running);
                running.ranOn(worker.name, started.startedNanos());
            }
            reason = reasonOfEnd(worker, exitCode, stderrTail, running != null);
            planned = before == WorkerInfo.State.RETIRING && running == null && worker.endReason == null;
            if (running != null && reason instanceof WorkerDiedException death && !running.isDone()) {
                List<WorkerDiedException> earlier = deaths.getOrDefault(running, List.of());
                retry = earlier.size() < config.retryOnWorkerDeath() && !terminated;
                if (retry) {
                    List<WorkerDiedException> more = new ArrayList<>(earlier);
                    more.add(death);
                    deaths.put(running, more);
                } else {
                    earlierDeaths = earlier;
                    deaths.remove(running);
                }
            }
            workQueued.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("{} {}; it held {} task(s)", worker, ExitStatus.describe(exitCode),
                unstarted.size() + (running == null ? 0 : 1));
        if (retry) {
            LOG.debug("{} runs again: its worker died under it ({} of {} retries)", running,
                    attemptsOf(running) - 1, config.retryOnWorkerDeath());
            Task retried = running;
            retried.onOutcome(this::forgetDeaths); // an answer, a cancel or a failure ends its retries
            unstarted.add(0, retried);
        } else if (running != null) {
            earlierDeaths.forEach(reason::addSuppressed);
            running.complete(reason instanceof TaskTimeoutException timeout ? new Outcome.TimedOut(timeout)
                    : new Outcome.WorkerDied(reason));
        }
        requeue(unstarted);
        supervision.ended(worker, exitCode, reason, planned);
        if (!planned && !wasStarting) { // a worker that never started is the start's business (Supervisor)
            replaceOnce(worker, reason.getMessage(), true);
        }
    }

    /** How many times {@code task} has been started (1 + the deaths recorded for it). */
    private int attemptsOf(Task task) {
        lock.lock();
        try {
            return 1 + deaths.getOrDefault(task, List.of()).size();
        } finally {
            lock.unlock();
        }
    }

    private void forgetDeaths(Task task) {
        lock.lock();
        try {
            deaths.remove(task);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why a worker ended, as the task it ran learns it (and insights, when it ran none: {@code runningTask} false).
     * Caller holds the lock.
     */
    private static PoolException reasonOfEnd(LocalWorker worker, int exitCode, String stderrTail,
                                             boolean runningTask) {
        PoolException reason = worker.endReason;
        if (reason == null) {
            return died(worker, exitCode, stderrTail, runningTask);
        }
        if (reason instanceof TaskTimeoutException || reason instanceof WorkerDiedException) {
            return reason;
        }
        WorkerDiedException death = new WorkerDiedException(reason.getMessage() + " (" + ExitStatus.describe(exitCode)
                + ")", worker.name, worker.connection.pid(), exitCode, stderrTail);
        if (reason.getCause() != null) {
            death.initCause(reason.getCause());
        }
        return death;
    }

    /** Empties a worker's window. Caller holds the lock. */
    private List<Task> takeHeld(LocalWorker worker) {
        List<Task> tasks = new ArrayList<>(worker.held.size());
        for (LocalWorker.Held held : worker.held.values()) {
            tasks.add(held.task());
            holders.remove(held.task().id());
            stolen.remove(held.task().id());
        }
        worker.idleSinceNanos = System.nanoTime();
        worker.held.clear();
        worker.heldBytes = 0;
        worker.changed.signalAll();
        return tasks;
    }

    /** Puts never-started tasks back at the front of the queue, in their order (cancelled if the pool terminated). */
    private void requeue(List<Task> tasks) {
        if (tasks.isEmpty()) {
            return;
        }
        boolean cancel;
        lock.lock();
        try {
            cancel = terminated;
            if (!cancel) {
                for (int i = tasks.size() - 1; i >= 0; i--) {
                    Task task = tasks.get(i);
                    if (!task.isDone()) {
                        queue.addFirst(task);
                        queuedBytes += task.payload().length;
                    }
                }
                workQueued.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (cancel) {
            tasks.forEach(task -> task.complete(Outcome.Cancelled.because("the pool was terminated")));
        }
    }

    /** Asks for a replacement of {@code worker}, at most once per worker. */
    void replaceOnce(LocalWorker worker, String why, boolean afterDeath) {
        lock.lock();
        try {
            if (worker.replaced) {
                return;
            }
            worker.replaced = true;
        } finally {
            lock.unlock();
        }
        supervision.replace(worker, why, afterDeath);
    }

    private static WorkerDiedException died(LocalWorker worker, int exitCode, String stderrTail,
                                            boolean runningTask) {
        StringBuilder message = new StringBuilder("worker ").append(worker).append(' ')
                .append(ExitStatus.describe(exitCode)).append(runningTask ? " while running the task" : " while it ran no task");
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

    /** How long to wait for every worker to exit by itself before killing it. */
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
