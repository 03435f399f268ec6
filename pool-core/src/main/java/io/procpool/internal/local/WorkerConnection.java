package io.procpool.internal.local;

import io.procpool.PoolException;
import io.procpool.internal.calls.PoolThreads;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.protocol.ChannelCorruptedException;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.PayloadOutOfMemoryException;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import io.procpool.internal.task.FunctionRef;
import io.procpool.internal.task.Task;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipes of one worker JVM: a reader thread that reads every frame the worker sends and hands it to
 * {@link Replies} (tasks) or {@link Ends} (the worker's end), a writer thread that writes the tasks
 * {@link Writing#nextBatch} gives it (and the FORGET frames of calls that are over), and the watch on the process's
 * exit. It decides nothing about tasks: {@link Placement} does.
 *
 * <p>Threading: the reader and writer are this connection's own threads; control frames ({@link #cancel},
 * {@link #unqueue}) are written by the calling thread through the synchronized frame writer; the exit is handled on the
 * pool's supervision executor. {@link #ready()} completes on the reader thread.
 */
final class WorkerConnection {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerConnection.class);
    /** How long the reader may take to drain a dead worker's last frames. */
    private static final long DRAIN_MILLIS = 2_000;

    /** What the writer asks for; implemented by {@link Placement}. */
    interface Writing {
        /** The next tasks to write, waiting until there are some; {@code null} when the worker takes no more. */
        List<Task> nextBatch(LocalWorker worker) throws InterruptedException;

        /** Waits until a retiring worker holds nothing; true when SHUTDOWN should be sent now. */
        boolean awaitIdleForShutdown(LocalWorker worker) throws InterruptedException;
    }

    /** What the reader reports about the tasks the worker holds; implemented by {@link Replies}. */
    interface Replies {
        /** A RESULT or FAILURE frame arrived. */
        void answered(LocalWorker worker, ToParent.Answer answer);

        /**
         * The parent's heap could not hold the answer of a task (its payload was read past, the channel is fine):
         * that task fails with the reason, the worker is not to blame.
         */
        void answerTooLarge(LocalWorker worker, long taskId, int bytes, OutOfMemoryError error);

        /** The worker starts a task now (STARTED frame). */
        void started(LocalWorker worker, long taskId);

        /** The worker confirmed a cancel or a steal: it will never run the task. */
        void cancelledByWorker(LocalWorker worker, long taskId);
    }

    /** What the connection reports about the worker's end; implemented by {@link WorkerEnds}. */
    interface Ends {
        /** The worker starts nothing more (RETIRING frame). */
        void retiringByWorker(LocalWorker worker);

        /** The channel is broken (bytes that are not frames, an unexpected frame): end the worker for that. */
        void channelFault(LocalWorker worker, PoolException reason);

        /** The process has ended and its last frames were read. */
        void exited(LocalWorker worker, int exitCode, String stderrTail);
    }

    private final String name;
    private final ChildJvm child;
    private final CompletableFuture<Payloads.Hello> ready = new CompletableFuture<>();
    /** Functions sent to the worker; its writer thread only. */
    private final Set<Long> functionsSent = new HashSet<>();
    /** Functions whose call is over, for the writer to tell the worker to drop. */
    private final Queue<FunctionRef> toForget = new ConcurrentLinkedQueue<>();
    private final ClassLoader userClassLoader;
    private LocalWorker worker;  // set once by start(), before the threads start
    private Writing writing;     // likewise
    private Replies replies;     // likewise
    private Ends ends;           // likewise
    private Thread reader;       // likewise
    private final Inbound inbound = new Inbound(); // the reader thread's

    private WorkerConnection(String name, ChildJvm child, ClassLoader userClassLoader) {
        this.name = name;
        this.child = child;
        this.userClassLoader = userClassLoader;
    }

    /** Opens the channel of a just-started worker and sends it its INIT frame. */
    static WorkerConnection open(ChildJvm child, byte[] initPayload, ClassLoader userClassLoader) {
        String name = child.name();
        try {
            child.toChild().writeAndFlush(new ToWorker.Init(new Encoded(initPayload)));
        } catch (IOException e) {
            LOG.debug("{} closed its stdin at start: {}", name, e.toString()); // its exit tells the rest
        }
        return new WorkerConnection(name, child, userClassLoader);
    }

    /** Starts reading and watching the process; what it reads goes to {@code replies} and {@code ends}. */
    void start(LocalWorker worker, Writing writing, Replies replies, Ends ends, Executor exitExecutor) {
        this.worker = worker;
        this.writing = writing;
        this.replies = replies;
        this.ends = ends;
        this.reader = new Thread(this::readFrames, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        child.process().onExit().whenCompleteAsync((process, error) -> onExit(), exitExecutor);
    }

    /** Starts the writer; called once the worker is ready and taking replies. */
    void startWriter() {
        Thread writer = new Thread(this::writeTasks, name + "-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Completes with the worker's hello, or exceptionally with why it could not start. */
    CompletableFuture<Payloads.Hello> ready() {
        return ready;
    }

    long pid() {
        return child.pid();
    }

    ChildJvm child() {
        return child;
    }

    // ---------------------------------------------------------------------------------------------- reading

    private void readFrames() {
        PoolThreads.markInternal();
        try {
            while (readOne()) {
                // one frame at a time until the channel ends
            }
        } catch (ChannelCorruptedException e) {
            ends.channelFault(worker, new PoolException("worker " + worker + " corrupted its channel: something "
                    + "wrote raw bytes on its stdout (native code, or a stream opened on fd 1); " + e.getMessage()));
        } catch (IOException e) {
            LOG.debug("channel from {} ended: {}", name, e.toString()); // the process exit explains it
        } catch (RuntimeException | Error e) {
            LOG.error("reader of {} failed; ending the worker", name, e);
            ends.channelFault(worker, new PoolException("the parent could not read from worker " + worker
                    + ": " + e, e));
        }
    }

    /** Reads and handles one frame. @return whether to go on reading */
    private boolean readOne() throws IOException {
        ToParent frame;
        try {
            frame = child.nextFrame(); // OUTPUT and EXIT are handled by the channel itself
        } catch (PayloadOutOfMemoryException e) {
            if (ready.isDone() && (e.type() == FrameType.RESULT || e.type() == FrameType.FAILURE)) {
                replies.answerTooLarge(worker, e.id(), e.length(), e.error());
                return true; // the reader skipped the payload: the next frame is intact
            }
            throw e;
        }
        return frame != null && frame.handleBy(inbound);
    }

    /**
     * What each frame from the worker means; every method returns whether to go on reading. HELLO and INIT_FAILED
     * are the only frames before the hello; the task frames are the only ones after it.
     */
    private final class Inbound implements ToParent.Handler<Boolean> {
        @Override
        public Boolean hello(ToParent.Hello frame) {
            if (ready.isDone()) {
                return unexpected(frame);
            }
            Payloads.Hello hello = Codec.decode(frame.hello().bytes(), WorkerConnection.class.getClassLoader(),
                    Payloads.Hello.class, "hello");
            if (hello.protocolVersion() != Frames.PROTOCOL_VERSION) {
                ready.completeExceptionally(new PoolException("worker " + name + " speaks protocol version "
                        + hello.protocolVersion() + ", this pool " + Frames.PROTOCOL_VERSION
                        + ": pool-core and pool-worker must be the same version"));
                child.kill();
                return false;
            }
            ready.complete(hello);
            return true;
        }

        @Override
        public Boolean initFailed(ToParent.InitFailed frame) {
            if (ready.isDone()) {
                return unexpected(frame);
            }
            // the worker exits by itself; keep reading what it prints on the way out
            Throwable cause = Codec.decodeFailure(frame.failure().bytes(), userClassLoader).value().error();
            ready.completeExceptionally(new PoolException("the initializer failed in worker " + name + " (pid "
                    + child.pid() + "): " + cause, cause));
            return true;
        }

        @Override
        public Boolean result(ToParent.Result frame) {
            return afterHello(frame, () -> replies.answered(worker, frame));
        }

        @Override
        public Boolean failure(ToParent.Failure frame) {
            return afterHello(frame, () -> replies.answered(worker, frame));
        }

        @Override
        public Boolean cancelled(ToParent.Cancelled frame) {
            return afterHello(frame, () -> replies.cancelledByWorker(worker, frame.taskId()));
        }

        @Override
        public Boolean output(ToParent.OutputLine frame) {
            return unexpected(frame); // the channel prints these itself
        }

        @Override
        public Boolean exit(ToParent.Exit frame) {
            return unexpected(frame); // the channel notes these itself
        }

        @Override
        public Boolean retiring(ToParent.Retiring frame) {
            return afterHello(frame, () -> ends.retiringByWorker(worker));
        }

        @Override
        public Boolean started(ToParent.Started frame) {
            return afterHello(frame, () -> replies.started(worker, frame.taskId()));
        }

        /** A frame that only a ready worker sends: reported, or out of place before the hello. */
        private boolean afterHello(ToParent frame, Runnable report) {
            if (!ready.isDone()) {
                return unexpected(frame);
            }
            report.run();
            return true;
        }

        /** A frame out of place ends the worker: before its hello, it never became ready. @return false */
        private boolean unexpected(ToParent frame) {
            if (ready.isDone()) {
                ends.channelFault(worker, new PoolException("worker " + worker + " sent an unexpected " + frame));
            } else {
                ready.completeExceptionally(new PoolException("worker " + name + " sent " + frame
                        + " before its hello"));
                child.kill();
            }
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------- writing

    private void writeTasks() {
        PoolThreads.markInternal();
        try {
            List<Task> batch;
            while ((batch = writing.nextBatch(worker)) != null) {
                writeForgets();
                for (Task task : batch) {
                    write(task);
                }
                child.toChild().flush();
            }
            if (writing.awaitIdleForShutdown(worker)) {
                child.toChild().writeAndFlush(new ToWorker.Shutdown());
            }
        } catch (IOException e) {
            LOG.debug("channel to {} failed: {}", name, e.toString()); // the process exit settles its tasks
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(Task task) throws IOException {
        FunctionRef function = task.function();
        if (function != null && functionsSent.add(function.id())) {
            child.toChild().write(new ToWorker.RegisterFunction(function.id(), new Encoded(function.encoded())));
        }
        child.toChild().write(ToWorker.TaskFrame.of(task.type(), task.id(), task.payload()));
    }

    /**
     * Tells the worker a function is no longer needed (the call that used it is over): its writer sends the FORGET
     * before the next tasks it writes. The calling thread (often another worker's reader) writes nothing.
     */
    void forget(FunctionRef function) {
        toForget.add(function);
    }

    boolean hasFunctionsToForget() {
        return !toForget.isEmpty();
    }

    private void writeForgets() throws IOException {
        FunctionRef function;
        while ((function = toForget.poll()) != null) {
            if (functionsSent.remove(function.id())) {
                child.toChild().write(new ToWorker.Forget(function.id()));
            }
        }
    }

    /** Asks the worker to drop a queued task or interrupt a running one. */
    void cancel(long taskId) {
        sendControl(new ToWorker.Cancel(taskId));
    }

    /** Asks the worker to skip a task it has not started (work stealing); a started one runs on, uninterrupted. */
    void unqueue(long taskId) {
        sendControl(new ToWorker.Unqueue(taskId));
    }

    private void sendControl(ToWorker frame) {
        try {
            child.toChild().writeAndFlush(frame);
        } catch (IOException e) {
            LOG.debug("{}: could not send {}: {}", name, frame, e.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------- ending

    void kill() {
        child.kill();
    }

    void terminate() {
        child.terminate();
    }

    boolean awaitExit(long millis) {
        return child.awaitExit(millis);
    }

    private void onExit() {
        PoolThreads.markInternal();
        try {
            reader.join(DRAIN_MILLIS); // its last answers and its EXIT frame are still in the pipe
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int exitCode = child.exitCode().orElseThrow();
        String stderrTail = child.stderrTail(DRAIN_MILLIS);
        if (!ready.isDone()) {
            ready.completeExceptionally(startupFailure(exitCode, stderrTail));
        }
        ends.exited(worker, exitCode, stderrTail);
    }

    private PoolException startupFailure(int exitCode, String stderrTail) {
        String hint = io.procpool.internal.process.StartupHint.forStderr(stderrTail);
        return new PoolException("worker " + name + " (pid " + child.pid() + ") "
                + io.procpool.internal.process.ExitStatus.describe(exitCode) + " before it was ready." + hint
                + "\nCommand line: " + String.join(" ", child.commandLine())
                + "\nLast lines of its stderr:\n" + stderrTail);
    }

    @Override
    public String toString() {
        return name + " (pid " + child.pid() + ")";
    }
}
