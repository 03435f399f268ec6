package io.procpool.internal.pool;

import io.procpool.PoolException;
import io.procpool.WorkerDiedException;
import io.procpool.WorkerInfo;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.ChildProcess;
import io.procpool.internal.process.ExitStatus;
import io.procpool.internal.process.OutputSink;
import io.procpool.internal.protocol.ChannelCorruptedException;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.Payloads;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's side of one worker JVM: it knows exactly which tasks the worker holds, feeds it through a bounded
 * window, reads its answers, and when the worker ends it hands every task it held back to the {@link Dispatcher}: the
 * oldest (the one running) fails with the reason, the others (never started) go back to the queue.
 *
 * <p>Threading: a writer thread takes tasks from the dispatcher while the window has room and writes them, coalescing
 * what is ready into one flush; a reader thread reads every frame the worker sends and completes futures; the exit of
 * the process is handled on the dispatcher's executor. The in-flight map, the state and the kill reason are guarded by
 * {@link #lock}; the writer waits on it for room.
 */
final class WorkerHandle {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHandle.class);

    /** Window before any task time is known. */
    private static final int INITIAL_WINDOW = 2;
    /** Most tasks one worker holds at once (tiny tasks). */
    private static final int MAX_WINDOW = 256;
    /** A worker holds about this much work queued: enough to never idle, little enough to balance long tasks. */
    private static final long TARGET_BACKLOG_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    /** Above this many payload bytes in flight the window closes (a single task always fits). */
    private static final long MAX_IN_FLIGHT_BYTES = 16L << 20;
    /** How long the reader may take to drain a dead worker's last frames. */
    private static final long DRAIN_MILLIS = 2_000;

    final String name;
    private final Dispatcher dispatcher;
    private final ChildProcess child;
    private final CompletableFuture<Payloads.Hello> ready = new CompletableFuture<>();
    private final Object lock = new Object();
    private final LinkedHashMap<Long, PendingTask> inFlight = new LinkedHashMap<>(); // guarded by lock
    private long inFlightBytes;                                                      // guarded by lock
    private WorkerInfo.State state = WorkerInfo.State.STARTING;                      // guarded by lock
    private long tasksAssigned;                                                      // guarded by lock
    /** Why the parent killed this worker: the oldest task fails with it. */
    private PoolException killReason;                                                // guarded by lock
    /** Why the parent killed this worker for a broken channel; the exception is built at exit, with the code. */
    private String channelFault;                                                     // guarded by lock
    private boolean shutdownSent;                                                    // guarded by lock
    private final Set<Long> functionsSent = ConcurrentHashMap.newKeySet();
    private final AtomicLong tasksCompleted = new AtomicLong();
    private volatile Long exitAnnouncement;
    private volatile double averageTaskNanos = -1;
    private volatile long lastCompletionNanos = System.nanoTime();
    private final Thread reader;

    private WorkerHandle(String name, Dispatcher dispatcher, ChildProcess child) {
        this.name = name;
        this.dispatcher = dispatcher;
        this.child = child;
        this.reader = new Thread(this::readFrames, name + "-reader");
        this.reader.setDaemon(true);
    }

    /** Launches the worker JVM and sends it its INIT frame; {@link #ready()} completes at its hello. */
    static WorkerHandle launch(String name, Dispatcher dispatcher, byte[] initPayload) {
        ChildProcess child = ChildProcess.launch(name, dispatcher.config().launch());
        WorkerHandle handle = new WorkerHandle(name, dispatcher, child);
        try {
            child.toChild().writeAndFlush(new Frame(FrameType.INIT, 0, initPayload));
        } catch (IOException e) {
            LOG.debug("{} closed its stdin at start: {}", name, e.toString()); // its exit tells the rest
        }
        handle.reader.start();
        child.process().onExit().whenCompleteAsync((p, e) -> handle.onProcessExit(), dispatcher.executor());
        return handle;
    }

    /** Completes with the worker's hello, or exceptionally with why it could not start. */
    CompletableFuture<Payloads.Hello> ready() {
        return ready;
    }

    long pid() {
        return child.pid();
    }

    ChildProcess child() {
        return child;
    }

    WorkerInfo info() {
        synchronized (lock) {
            return new WorkerInfo(name, child.pid(), state, tasksCompleted.get());
        }
    }

    boolean isLive() {
        synchronized (lock) {
            return state == WorkerInfo.State.STARTING || state == WorkerInfo.State.RUNNING;
        }
    }

    // ---------------------------------------------------------------------------------------------- reading

    private void readFrames() {
        Dispatcher.markInternalThread();
        try {
            Frame first = child.fromChild().readFirst(line -> {
                child.recordStderr(line);
                OutputSink.printLine(OutputSink.STDERR, line);
            });
            if (first == null || !onFirstFrame(first)) {
                return;
            }
            Frame frame;
            while ((frame = child.fromChild().read()) != null) {
                onFrame(frame);
            }
        } catch (ChannelCorruptedException e) {
            killForChannelFault("worker " + name + " (pid " + child.pid() + ") corrupted its channel: something "
                    + "wrote raw bytes on its stdout (native code, or a stream opened on fd 1); " + e.getMessage());
        } catch (IOException e) {
            LOG.debug("channel from {} ended: {}", name, e.toString()); // the process exit explains it
        } catch (RuntimeException | Error e) {
            LOG.error("reader of {} failed; killing the worker", name, e);
            killForChannelFault("internal error reading from worker " + name + ": " + e);
        }
    }

    /** @return whether the worker is ready and the reader should go on */
    private boolean onFirstFrame(Frame first) {
        if (first.type() == FrameType.HELLO) {
            Payloads.Hello hello = (Payloads.Hello) Codec.decode(first.payload(), getClass().getClassLoader(), "hello");
            if (hello.protocolVersion() != Frames.PROTOCOL_VERSION) {
                ready.completeExceptionally(new PoolException("worker " + name + " speaks protocol version "
                        + hello.protocolVersion() + ", this pool " + Frames.PROTOCOL_VERSION
                        + ": pool-core and pool-worker must be the same version"));
                child.kill();
                return false;
            }
            synchronized (lock) {
                if (state != WorkerInfo.State.STARTING) {
                    return false; // stopped while starting
                }
                state = WorkerInfo.State.RUNNING;
            }
            Thread writer = new Thread(this::writeTasks, name + "-writer");
            writer.setDaemon(true);
            writer.start();
            ready.complete(hello);
            return true;
        }
        if (first.type() == FrameType.INIT_FAILED) {
            Throwable cause = Codec.decodeFailure(first.payload(), dispatcher.userClassLoader()).value().error();
            ready.completeExceptionally(new PoolException("the initializer failed in worker " + name + " (pid "
                    + child.pid() + "): " + cause, cause));
            return false;
        }
        ready.completeExceptionally(new PoolException("worker " + name + " sent " + first + " before its hello"));
        child.kill();
        return false;
    }

    private void onFrame(Frame frame) {
        switch (frame.type()) {
            case RESULT, FAILURE -> onAnswer(frame);
            case CANCELLED -> {
                finish(frame.id());
                afterAnswer();
            }
            case OUTPUT -> child.printOutput(frame);
            case EXIT -> {
                exitAnnouncement = frame.id();
                child.exitAnnounced();
            }
            case RETIRING -> onRetiring();
            default -> throw new IllegalStateException("unexpected frame from worker " + name + ": " + frame);
        }
    }

    /** TEMP: the worker starts nothing more; what it holds is unstarted: requeue it, replace the worker, shut it. */
    private void onRetiring() {
        List<PendingTask> held;
        boolean replace;
        synchronized (lock) {
            replace = state == WorkerInfo.State.RUNNING;
            state = WorkerInfo.State.RETIRING;
            held = new ArrayList<>(inFlight.values());
            inFlight.clear();
            inFlightBytes = 0;
            lock.notifyAll();
            shutdownWhenIdle();
        }
        dispatcher.requeue(held);
        if (replace) {
            dispatcher.retiring(this);
        }
    }

    private void onAnswer(Frame frame) {
        PendingTask task = finish(frame.id());
        if (task == null) {
            return;
        }
        long nanos = task.completeFrom(frame, name, child.pid());
        if (nanos >= 0) {
            recordTime(nanos);
        }
        afterAnswer();
    }

    /** Takes a task out of the in-flight map: the one step that makes its completion exactly-once. */
    private PendingTask finish(long taskId) {
        PendingTask task;
        synchronized (lock) {
            task = inFlight.remove(taskId);
            if (task != null) {
                inFlightBytes -= task.payload().length;
                lastCompletionNanos = System.nanoTime();
                lock.notifyAll(); // room in the window
            }
        }
        if (task == null) {
            LOG.debug("{}: late answer for task {} dropped", name, taskId);
        }
        return task;
    }

    private void recordTime(long nanos) {
        double sample = nanos;
        double average = averageTaskNanos;
        averageTaskNanos = average < 0 ? sample : average * 0.8 + sample * 0.2;
    }

    private void afterAnswer() {
        tasksCompleted.incrementAndGet();
        synchronized (lock) {
            if (state == WorkerInfo.State.RETIRING && inFlight.isEmpty()) {
                shutdownWhenIdle();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    private int window() {
        double average = averageTaskNanos;
        if (average < 0) {
            return INITIAL_WINDOW;
        }
        long wanted = (long) Math.ceil(TARGET_BACKLOG_NANOS / Math.max(average, 1.0));
        return (int) Math.max(1, Math.min(MAX_WINDOW, wanted));
    }

    private boolean hasRoom() { // caller holds lock
        return inFlight.size() < window() && (inFlight.isEmpty() || inFlightBytes < MAX_IN_FLIGHT_BYTES);
    }

    private void writeTasks() {
        Dispatcher.markInternalThread();
        List<PendingTask> batch = new ArrayList<>();
        try {
            while (awaitRoom()) {
                PendingTask first = dispatcher.take(); // bounded poll; null when there is nothing yet
                if (first == null || !assign(first)) {
                    continue;
                }
                batch.add(first);
                while (roomNow()) {
                    PendingTask next = dispatcher.poll();
                    if (next == null) {
                        break;
                    }
                    if (assign(next)) {
                        batch.add(next);
                    }
                }
                for (PendingTask task : batch) {
                    write(task);
                }
                child.toChild().flush();
                batch.clear();
            }
        } catch (IOException e) {
            LOG.debug("channel to {} failed: {}", name, e.toString()); // the process exit handles the tasks
        }
    }

    /** Waits (on the lock, woken by answers and state changes) until the window has room; false when stopping. */
    private boolean awaitRoom() {
        synchronized (lock) {
            while (state == WorkerInfo.State.RUNNING && !hasRoom()) {
                try {
                    lock.wait(); // an answer, a death or a retirement always notifies
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return state == WorkerInfo.State.RUNNING;
        }
    }

    private boolean roomNow() {
        synchronized (lock) {
            return state == WorkerInfo.State.RUNNING && hasRoom();
        }
    }

    /** Records the task as held by this worker, or hands it back when this worker stopped taking work. */
    private boolean assign(PendingTask task) {
        synchronized (lock) {
            if (task.future().isDone()) {
                return false; // cancelled while queued
            }
            if (state != WorkerInfo.State.RUNNING) {
                dispatcher.requeue(List.of(task));
                return false;
            }
            task.worker = this;
            task.sentNanos = System.nanoTime();
            inFlight.put(task.id(), task);
            inFlightBytes += task.payload().length;
            tasksAssigned++;
            long max = dispatcher.config().maxTasksPerWorker();
            if (max > 0 && tasksAssigned >= max) {
                state = WorkerInfo.State.RETIRING;
                dispatcher.retiring(this);
            }
            return true;
        }
    }

    private void write(PendingTask task) throws IOException {
        FunctionRef function = task.function();
        if (function != null && functionsSent.add(function.id())) {
            child.toChild().write(new Frame(FrameType.FUNCTION, function.id(), function.encoded()));
        }
        child.toChild().write(task.type(), task.id(), task.payload(), 0, task.payload().length);
    }

    /** Tells the worker a function is no longer needed (the call that used it is over). */
    void forget(FunctionRef function) {
        if (functionsSent.remove(function.id())) {
            sendControl(Frame.of(FrameType.FORGET, function.id()));
        }
    }

    /** Asks the worker to skip (or interrupt) a cancelled task; the dispatcher kills it if the task goes on. */
    void cancel(PendingTask task) {
        sendControl(Frame.of(FrameType.CANCEL, task.id()));
    }

    boolean holds(PendingTask task) {
        synchronized (lock) {
            return inFlight.containsKey(task.id());
        }
    }

    private void sendControl(Frame frame) {
        try {
            child.toChild().writeAndFlush(frame);
        } catch (IOException e) {
            LOG.debug("{}: could not send {}: {}", name, frame, e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- ending

    /** The task this worker runs now (the oldest it holds) and since when, for timeouts; null when idle. */
    Map.Entry<PendingTask, Long> running() {
        synchronized (lock) {
            if (state != WorkerInfo.State.RUNNING && state != WorkerInfo.State.RETIRING || inFlight.isEmpty()) {
                return null;
            }
            PendingTask oldest = inFlight.values().iterator().next();
            return Map.entry(oldest, Math.max(oldest.sentNanos, lastCompletionNanos));
        }
    }

    /** Kills the worker; the task it runs fails with {@code reason}, the others go back to the queue. */
    private void killForChannelFault(String description) {
        synchronized (lock) {
            if (killReason == null && channelFault == null) {
                channelFault = description;
            }
        }
        child.kill();
    }

    void kill(PoolException reason) {
        synchronized (lock) {
            if (killReason == null) {
                killReason = reason;
            }
        }
        child.kill();
    }

    /** Takes every task this worker holds away from it (the pool is terminating); it answers nothing more. */
    List<PendingTask> abandonAll() {
        synchronized (lock) {
            List<PendingTask> held = new ArrayList<>(inFlight.values());
            inFlight.clear();
            inFlightBytes = 0;
            state = WorkerInfo.State.RETIRING;
            lock.notifyAll();
            return held;
        }
    }

    /** Retired or closing, and nothing in flight: ask the worker to exit, once. Caller holds lock. */
    private void shutdownWhenIdle() {
        if (!shutdownSent) {
            shutdownSent = true;
            sendControl(Frame.of(FrameType.SHUTDOWN, 0));
        }
    }

    /** Stops taking work and asks the worker to exit once it has answered what it holds. */
    void retire() {
        synchronized (lock) {
            if (state == WorkerInfo.State.RUNNING || state == WorkerInfo.State.STARTING) {
                state = WorkerInfo.State.RETIRING;
                lock.notifyAll();
            }
            if (state == WorkerInfo.State.RETIRING && inFlight.isEmpty()) {
                shutdownWhenIdle();
            }
        }
    }

    /** Runs on the dispatcher's executor when the process has exited. */
    private void onProcessExit() {
        Dispatcher.markInternalThread();
        try {
            reader.join(DRAIN_MILLIS); // its last answers and the EXIT frame are still in the pipe
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int exitCode = ExitStatus.pythonExitCode(child.process().exitValue(), exitAnnouncement);
        String stderrTail = child.stderrTail(DRAIN_MILLIS);
        List<PendingTask> held;
        PoolException reason;
        String fault;
        WorkerInfo.State before;
        synchronized (lock) {
            before = state;
            state = WorkerInfo.State.DEAD;
            held = new ArrayList<>(inFlight.values());
            inFlight.clear();
            inFlightBytes = 0;
            reason = killReason;
            fault = channelFault;
            lock.notifyAll();
        }
        LOG.debug("{} (pid {}) {}; it held {} task(s)", name, child.pid(), ExitStatus.describe(exitCode), held.size());
        if (!ready.isDone()) {
            ready.completeExceptionally(startupFailure(exitCode, stderrTail));
        }
        PoolException death = reason != null ? reason
                : fault != null ? new WorkerDiedException(fault, name, child.pid(), exitCode, stderrTail)
                : deathException(exitCode, stderrTail);
        dispatcher.workerExited(this, before, held, death);
    }

    private PoolException startupFailure(int exitCode, String stderrTail) {
        String hint = stderrTail.contains(ChildProcess.WORKER_MAIN)
                ? "\nThe worker main class is not on the workers' class path: add the dependency "
                + "io.procpool:pool-worker (runtime scope is enough), or set the class path on the builder."
                : "";
        return new PoolException("worker " + name + " (pid " + child.pid() + ") " + ExitStatus.describe(exitCode)
                + " before it was ready." + hint + "\nCommand line: " + String.join(" ", child.commandLine())
                + "\nLast lines of its stderr:\n" + stderrTail);
    }

    private WorkerDiedException deathException(int exitCode, String stderrTail) {
        StringBuilder message = new StringBuilder("worker ").append(name).append(" (pid ").append(child.pid())
                .append(") ").append(ExitStatus.describe(exitCode)).append(" while running the task");
        if (stderrTail.contains("OutOfMemoryError")) {
            message.append("; it ran out of memory (OutOfMemoryError): give workers more heap with jvmOptions(\"-Xmx...\")");
        }
        if (!stderrTail.isEmpty()) {
            message.append("\nLast lines of its stderr:\n").append(stderrTail);
        }
        return new WorkerDiedException(message.toString(), name, child.pid(), exitCode, stderrTail);
    }

    /** Fails a task the pool is terminating. */
    static void cancelForTermination(PendingTask task) {
        task.future().completeExceptionally(new CancellationException("the pool was terminated"));
    }

    @Override
    public String toString() {
        return name + " (pid " + child.pid() + ")";
    }
}
