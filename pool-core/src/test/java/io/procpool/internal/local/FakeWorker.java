package io.procpool.internal.local;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.Payloads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pool worker that runs in two threads of the test JVM behind a {@link FakeProcess}, speaking the real protocol as
 * {@code pool-worker}'s {@code TaskLoop} does: INIT gets HELLO; CALL and CHUNK frames are run one at a time in the
 * order they arrived, each answered by one RESULT (the task's payload echoed back, decoded and encoded again) or, when
 * a CANCEL interrupts it while it runs, one FAILURE; a task cancelled before it starts is answered CANCELLED; SHUTDOWN
 * and the end of stdin end it with an EXIT frame and exit value 0; SIGTERM with EXIT(15) and 143; SIGKILL with no
 * frame and 137.
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
 * stdin); the test's calls may come from any thread. The logs are synchronized lists.
 */
final class FakeWorker {
    /** A task whose payload is a string with this prefix waits for {@link #release} before it answers. */
    static final String HOLD = "hold-";
    private static final Object SHUTDOWN = new Object();

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
    private final FrameWriter frames;
    private final OutputStream stdout;
    private final FrameReader input;
    private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private final Map<Long, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final List<Long> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> started = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<Long> answered = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Set<Long> cancelsReceived = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean dead = new AtomicBoolean();
    private final Thread runner;
    private final Thread reader;
    private volatile long runningTaskId = -1;
    private volatile int answers;        // written under the lock of received
    private volatile int maxUnanswered;  // likewise

    FakeWorker(String name, Faults faults) {
        this.name = name;
        this.faults = faults;
        this.stdout = process.childStdout();
        this.frames = new FrameWriter(stdout, FrameType.Direction.TO_PARENT);
        this.input = new FrameReader(process.childStdin(), FrameType.Direction.TO_WORKER);
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
    static byte[] encodedFrame(Frame frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new FrameWriter(bytes, FrameType.Direction.TO_PARENT).writeAndFlush(frame);
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
            Frame init = input.read();
            if (init == null || init.type() != FrameType.INIT) {
                die(1, 0L);
                return;
            }
            Payloads.InitRequest request = Codec.decode(init.payload(),
                    FakeWorker.class.getClassLoader(), Payloads.InitRequest.class, "initializer");
            send(new Frame(FrameType.HELLO, 0, Codec.encode(new Payloads.Hello(Frames.PROTOCOL_VERSION,
                    process.pid(), request.workerName()), "hello")));
            reader.start();
            runTasks();
        } catch (IOException e) {
            die(1, null); // its channel broke: a real worker would end too
        } catch (InterruptedException e) {
            // it died: die() interrupts its threads
        }
    }

    private void readFrames() {
        try {
            Frame frame;
            while ((frame = input.read()) != null) {
                switch (frame.type()) {
                    case CALL, CHUNK -> {
                        synchronized (received) {
                            received.add(frame.id());
                            maxUnanswered = Math.max(maxUnanswered, received.size() - answers);
                        }
                        tasks.add(frame);
                    }
                    case CANCEL -> cancel(frame.id());
                    case UNQUEUE -> unqueue(frame.id());
                    case SHUTDOWN -> tasks.add(SHUTDOWN);
                    case FUNCTION, FORGET -> { } // it echoes every task's payload; it needs no functions
                    default -> throw new IOException("unexpected frame for a pool worker: " + frame);
                }
            }
            die(0, 0L); // end of stdin: the parent is done with it
        } catch (IOException e) {
            if (!dead.get()) {
                die(1, 0L);
            }
        }
    }

    private void cancel(long taskId) {
        cancelsReceived.add(taskId);
        cancelled.add(taskId);
        if (runningTaskId == taskId) {
            runner.interrupt();
        }
    }

    /** As TaskLoop: a task still queued is answered CANCELLED at once; a running one runs on, uninterrupted. */
    private void unqueue(long taskId) throws IOException {
        if (tasks.removeIf(next -> next instanceof Frame task && task.id() == taskId)) {
            countAnswer();
            send(Frame.of(FrameType.CANCELLED, taskId));
        } else if (runningTaskId != taskId) {
            cancelled.add(taskId); // not arrived yet: skipped when it does
        }
    }

    private void runTasks() throws IOException, InterruptedException {
        while (!dead.get()) {
            Object next = tasks.take();
            if (next == SHUTDOWN) {
                die(0, 0L);
                return;
            }
            if (faults.retireAfter() >= 0 && answers >= faults.retireAfter()) {
                retire();
                return;
            }
            Frame task = (Frame) next;
            if (faults.outOfOrder()) {
                Object second = tasks.take();
                if (second instanceof Frame secondTask) {
                    runOne(secondTask);
                    runOne(task);
                    continue;
                }
                runOne(task);
                tasks.add(second); // the SHUTDOWN waits behind the task
                continue;
            }
            runOne(task);
        }
    }

    /**
     * Says it starts nothing more (the RETIRING frame), between two tasks as a worker whose codec an Error struck
     * does, and waits for the parent's SHUTDOWN (or the end of stdin, which the reader handles).
     */
    private void retire() throws IOException, InterruptedException {
        send(Frame.of(FrameType.RETIRING, 0));
        while (tasks.take() != SHUTDOWN) {
            // every task it holds, or is sent after this, is the parent's to requeue
        }
        die(0, 0L);
    }

    private void runOne(Frame task) throws IOException, InterruptedException {
        if (cancelled.remove(task.id())) {
            countAnswer();
            send(Frame.of(FrameType.CANCELLED, task.id()));
            return;
        }
        runningTaskId = task.id();
        send(Frame.of(FrameType.STARTED, task.id())); // as the real worker does, before the task runs
        started.add(task.id()); // the parent has been told: from here on the task counts as run
        if (faults.dieAfter() >= 0 && answers >= faults.dieAfter()) {
            die(faults.exitFrame());
            throw new InterruptedException("died running " + task);
        }
        if (faults.stallAfter() >= 0 && answers >= faults.stallAfter()) {
            stall();
        }
        long begin = System.nanoTime();
        Object value = Codec.decode(task.payload(), FakeWorker.class.getClassLoader(), Object.class, "task");
        Frame answer;
        try {
            if (value instanceof String s && s.startsWith(HOLD)) {
                holds.computeIfAbsent(task.id(), id -> new CountDownLatch(1)).await(); // released or cancelled
            }
            long nanos = faults.reportedNanos() >= 0 ? faults.reportedNanos() : System.nanoTime() - begin;
            answer = new Frame(FrameType.RESULT, task.id(), Codec.encodeTimed(nanos, value, "result"));
        } catch (InterruptedException e) {
            if (dead.get()) {
                throw e;
            }
            answer = new Frame(FrameType.FAILURE, task.id(), Codec.encodeFailure(System.nanoTime() - begin,
                    Payloads.TaskFailure.ofTask(0, new Object[0], e)));
        } finally {
            runningTaskId = -1;
            cancelled.remove(task.id());
        }
        Thread.interrupted(); // a late CANCEL must not leak into the next task
        countAnswer();
        synchronized (frames) { // a death comes before the whole answer or after it, as the log says
            if (dead.get()) {
                throw new InterruptedException("died before answering " + task);
            }
            answered.add(task.id());
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

    private void send(Frame frame) throws IOException {
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
                    send(Frame.of(FrameType.EXIT, announcement));
                } catch (IOException e) {
                    // the parent closed its end: nobody reads the announcement
                }
            }
            process.exit(exitValue, !faults.stdoutOutlivesIt());
        }
        runner.interrupt();
        reader.interrupt();
    }

    @Override
    public String toString() {
        return name + " (fake pid " + process.pid() + ")";
    }
}
