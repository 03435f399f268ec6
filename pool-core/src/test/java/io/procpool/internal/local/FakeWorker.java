package io.procpool.internal.local;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import io.procpool.internal.protocol.WorkerInbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool worker that runs in two threads of the test JVM behind a {@link FakeProcess}, speaking the real protocol on
 * the real worker's inbox ({@link WorkerInbox}, which {@code pool-worker}'s {@code TaskLoop} runs on too): INIT gets
 * HELLO; CALL and CHUNK frames are run one at a time in the order they arrived, each answered by one RESULT (the task's
 * payload echoed back, decoded and encoded again) or, when a CANCEL interrupts it while it runs, one FAILURE; a task
 * cancelled or unqueued before it starts is answered CANCELLED; SHUTDOWN and the end of stdin end it with an EXIT frame
 * and exit value 0; SIGTERM with EXIT(15) and 143; SIGKILL with no frame and 137.
 *
 * <p>What it does wrong is set by its {@link Faults} (chosen per launch) and by the test calling {@link #die} or
 * {@link #writeRaw} at a moment of its choosing. A task whose payload is a string starting
 * with {@link #HOLD} is not answered until the test {@link #release}s it (or cancels it), so a test decides what is
 * running when.
 *
 * <p>What it did is logged for the test to check against the pool's view: {@link #received()} (every task id it was
 * sent), {@link #started()} (every task id it began to run) and {@link #answered()} (every RESULT or FAILURE it
 * wrote), each in order, and {@link #gotCancelOf} (the CANCELs it read).
 *
 * <p>Threading: its own runner thread (the worker's main thread: hello, then tasks) and reader thread (frames from
 * stdin, into the inbox); the test's calls may come from any thread. The logs are synchronized lists.
 */
final class FakeWorker {
    /** A task whose payload is a string with this prefix waits for {@link #release} before it answers. */
    static final String HOLD = "hold-";
    /** How long a retired fake waits for the pool's SHUTDOWN (or the end of its stdin) before it exits by itself. */
    private static final long RETIRED_EXIT_MILLIS = 60_000;

    /**
     * What a fake does wrong, by how many tasks it has answered. Immutable.
     *
     * @param dieAfter        starts its task number {@code dieAfter + 1}, then dies; -1 for never
     * @param exitFrame       whether that death announces itself (EXIT(0), exit value 3, as {@code System.exit(3)})
     *                        or not (exit value 137, as SIGKILL or {@code Runtime.halt})
     * @param stallAfter      starts its task number {@code stallAfter + 1} and never answers it, even when cancelled;
     *                        -1 for never
     * @param retireAfter     after this many answers sends RETIRING and starts nothing more; -1 for never
     * @param outOfOrder      answers its tasks in pairs, the second one first
     * @param reportedNanos   the run time it reports in each RESULT, or -1 for the time it took; a pool sizes a
     *                        worker's window by it
     * @param stdoutOutlivesIt its stdout stays open when it dies, as when a process it started inherited fd 1,
     *                        until the test calls {@link FakeProcess#closeStdout()}
     */
    record Faults(int dieAfter, boolean exitFrame, int stallAfter, int retireAfter, boolean outOfOrder,
                  long reportedNanos, boolean stdoutOutlivesIt) {
        static final Faults NONE = new Faults(-1, false, -1, -1, false, -1, false);

        Faults dieAfter(int tasks, boolean withExitFrame) {
            return new Faults(tasks, withExitFrame, stallAfter, retireAfter, outOfOrder,
                    reportedNanos, stdoutOutlivesIt);
        }

        Faults stallAfter(int tasks) {
            return new Faults(dieAfter, exitFrame, tasks, retireAfter, outOfOrder,
                    reportedNanos, stdoutOutlivesIt);
        }

        Faults retireAfter(int tasks) {
            return new Faults(dieAfter, exitFrame, stallAfter, tasks, outOfOrder,
                    reportedNanos, stdoutOutlivesIt);
        }

        Faults answeringOutOfOrder() {
            return new Faults(dieAfter, exitFrame, stallAfter, retireAfter, true,
                    reportedNanos, stdoutOutlivesIt);
        }

        Faults reporting(long nanos) {
            return new Faults(dieAfter, exitFrame, stallAfter, retireAfter, outOfOrder,
                    nanos, stdoutOutlivesIt);
        }

        Faults keepingStdoutOpenAfterDeath() {
            return new Faults(dieAfter, exitFrame, stallAfter, retireAfter, outOfOrder,
                    reportedNanos, true);
        }
    }

    final String name;
    final FakeProcess process = new FakeProcess();
    private final Faults faults;
    private final FrameWriter<ToParent> frames;
    private final OutputStream stdout;
    private final FrameReader<ToWorker> input;
    private final WorkerInbox inbox;
    private final Map<Long, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<Long> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> started = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> answered = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> cancelsReceived = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final Thread runner;
    private final Thread reader;
    private volatile int answers;        // written under the lock of received
    private volatile int maxUnanswered;  // likewise

    FakeWorker(String name, Faults faults) {
        this.name = name;
        this.faults = faults;
        this.stdout = process.childStdout();
        this.frames = FrameWriter.toParent(stdout);
        this.input = FrameReader.toWorker(process.childStdin());
        process.onSignal(signal -> {
            if (signal == 15) {
                die(128 + 15, 15L); // the real worker's shutdown hook announces SIGTERM
            } else {
                die(128 + signal, null);
            }
        });
        this.runner = new Thread(this::run, name + "-fake-main");
        this.reader = new Thread(this::readFrames, name + "-fake-reader");
        runner.setDaemon(true);
        reader.setDaemon(true);
        this.inbox = new WorkerInbox(new WorkerInbox.Worker() {
            @Override
            public void registerFunction(ToWorker.RegisterFunction frame) {
                // it echoes every task's payload; it needs no functions
            }

            @Override
            public void forgetFunction(ToWorker.Forget frame) {
            }

            @Override
            public void answerCancelled(ToParent.Cancelled answer) throws IOException {
                countAnswer();
                send(answer);
            }
        }, runner);
    }

    void start() {
        runner.start();
    }

    // ---------------------------------------------------------------------------------------------- what the test does

    /** Lets a held task answer. */
    void release(long taskId) {
        holds.computeIfAbsent(taskId, id -> new CountDownLatch(1)).countDown();
    }

    /** Dies now, as {@code System.exit(3)} (with its EXIT frame) or as SIGKILL / {@code Runtime.halt} (without). */
    void die(boolean exitFrame) {
        if (exitFrame) {
            die(3, 0L);
        } else {
            die(128 + 9, null);
        }
    }

    /** Writes bytes on the channel that are not (or not yet) frames, between two frames. */
    void writeRaw(byte[] bytes) throws IOException {
        synchronized (frames) { // FrameWriter locks itself: never inside another frame
            stdout.write(bytes);
            stdout.flush();
        }
    }

    /** The bytes of a frame this worker could send: for a partial frame, write a prefix of them. */
    static byte[] encodedFrame(ToParent frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        FrameWriter.toParent(bytes).writeAndFlush(frame);
        return bytes.toByteArray();
    }

    List<Long> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Long> started() {
        synchronized (started) {
            return List.copyOf(started);
        }
    }

    List<Long> answered() {
        synchronized (answered) {
            return List.copyOf(answered);
        }
    }

    /** Whether a CANCEL of {@code taskId} reached it. */
    boolean gotCancelOf(long taskId) {
        return cancelsReceived.contains(taskId);
    }

    /** The most tasks it held at once: received and not answered. */
    int maxUnanswered() {
        return maxUnanswered;
    }

    boolean isDead() {
        return dead.get();
    }

    // ---------------------------------------------------------------------------------------------- the worker's life

    private void run() {
        try {
            if (!(input.read() instanceof ToWorker.Init init)) {
                die(1, 0L);
                return;
            }
            Payloads.InitRequest request = Codec.decode(init.request().bytes(), FakeWorker.class.getClassLoader(),
                    Payloads.InitRequest.class, "initializer");
            send(new ToParent.Hello(new Encoded(Codec.encode(new Payloads.Hello(Frames.PROTOCOL_VERSION,
                    process.pid(), request.workerName()), "hello"))));
            reader.start();
            runTasks();
        } catch (IOException e) {
            die(1, null); // its channel broke: a real worker would end too
        } catch (InterruptedException e) {
            // it died: die() interrupts its threads
        }
    }

    /** Logs what the test checks, then hands every frame to the inbox, as the real worker's reader does. */
    private void readFrames() {
        try {
            ToWorker frame;
            while ((frame = input.read()) != null) {
                if (frame instanceof ToWorker.TaskFrame task) {
                    synchronized (received) {
                        received.add(task.taskId());
                        maxUnanswered = Math.max(maxUnanswered, received.size() - answers);
                    }
                } else if (frame instanceof ToWorker.Cancel cancel) {
                    cancelsReceived.add(cancel.taskId());
                }
                inbox.receive(frame);
            }
            die(0, 0L); // end of stdin: the parent is done with it
        } catch (IOException e) {
            if (!dead.get()) {
                die(1, 0L);
            }
        }
    }

    private void runTasks() throws IOException, InterruptedException {
        while (!dead.get()) {
            if (faults.retireAfter() >= 0 && answers >= faults.retireAfter()) {
                inbox.retire();
            }
            ToWorker.TaskFrame task = inbox.nextTask(true);
            if (task == null) {
                end();
                return;
            }
            if (faults.outOfOrder()) {
                // The first of the pair is no longer the inbox's running task: a CANCEL does not interrupt it.
                ToWorker.TaskFrame second = inbox.nextTask(true);
                if (second != null) {
                    runOne(second);
                }
                runOne(task);
                continue;
            }
            runOne(task);
        }
    }

    /**
     * The inbox starts nothing more: SHUTDOWN, retirement or death. A retiring fake says so (the RETIRING frame),
     * between two tasks as a worker whose codec an Error struck does, and waits for the parent's SHUTDOWN (or the end
     * of stdin, which the reader handles).
     */
    private void end() throws IOException {
        if (dead.get()) {
            return;
        }
        if (inbox.isRetiring()) {
            send(new ToParent.Retiring());
            inbox.awaitShutdown(RETIRED_EXIT_MILLIS); // every task it holds is the parent's to requeue
        }
        die(0, 0L);
    }

    private void runOne(ToWorker.TaskFrame task) throws IOException, InterruptedException {
        send(new ToParent.Started(task.taskId())); // as the real worker does, before the task runs
        started.add(task.taskId()); // the parent has been told: from here on the task counts as run
        if (faults.dieAfter() >= 0 && answers >= faults.dieAfter()) {
            die(faults.exitFrame());
            throw new InterruptedException("died running " + task);
        }
        if (faults.stallAfter() >= 0 && answers >= faults.stallAfter()) {
            stall();
        }
        long begin = System.nanoTime();
        Object value = Codec.decode(task.task().bytes(), FakeWorker.class.getClassLoader(), Object.class, "task");
        ToParent.Answer answer;
        try {
            if (value instanceof String s && s.startsWith(HOLD)) {
                holds.computeIfAbsent(task.taskId(), id -> new CountDownLatch(1)).await(); // released or cancelled
            }
            long nanos = faults.reportedNanos() >= 0 ? faults.reportedNanos() : System.nanoTime() - begin;
            answer = new ToParent.Result(task.taskId(), new Encoded(Codec.encodeTimed(nanos, value, "result")));
        } catch (InterruptedException e) {
            if (dead.get()) {
                throw e;
            }
            answer = new ToParent.Failure(task.taskId(), new Encoded(Codec.encodeFailure(
                    System.nanoTime() - begin, Payloads.TaskFailure.ofTask(0, new Object[0], e))));
        } finally {
            inbox.taskEnded(); // also clears a late CANCEL's interrupt
        }
        countAnswer();
        synchronized (frames) { // a death comes before the whole answer or after it, as the log says
            if (dead.get()) {
                throw new InterruptedException("died before answering " + task);
            }
            answered.add(task.taskId());
            send(answer);
        }
    }

    /** Counts a terminal frame about to be written (before it is, so the parent cannot have seen it yet). */
    private void countAnswer() {
        synchronized (received) {
            answers++;
        }
    }

    /** Runs forever, as a task that ignores interrupts; only death ends it. */
    private void stall() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        while (!dead.get()) {
            try {
                never.await();
            } catch (InterruptedException e) {
                if (dead.get()) {
                    throw e;
                }
            }
        }
        throw new InterruptedException("died while stalled");
    }

    private void send(ToParent frame) throws IOException {
        frames.writeAndFlush(frame);
    }

    /**
     * Ends the fake: its EXIT frame (id = 0 for an exit, N for signal N) if {@code announcement} is not null, then the
     * process exits with {@code exitValue}. The first end wins, as a process dies once.
     */
    private void die(int exitValue, Long announcement) {
        if (!dead.compareAndSet(false, true)) {
            return;
        }
        synchronized (frames) { // never in the middle of an answer: see runOne
            if (announcement != null) {
                try {
                    send(new ToParent.Exit(announcement));
                } catch (IOException e) {
                    // the parent closed its end: nobody reads the announcement
                }
            }
            process.exit(exitValue, !faults.stdoutOutlivesIt());
        }
        inbox.retire(); // a runner waiting for a task wakes up and sees it is dead
        runner.interrupt();
        reader.interrupt();
    }

    @Override
    public String toString() {
        return name + " (fake pid " + process.pid() + ")";
    }
}
