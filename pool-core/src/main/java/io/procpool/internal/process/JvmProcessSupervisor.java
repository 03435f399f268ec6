package io.procpool.internal.process;

import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.ChannelCorruptedException;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's side of one {@code JvmProcess} child: it starts the child through {@link ChildJvm} (the one
 * launcher), sends it its target in a START_PROCESS frame, forwards the lines it prints, notes how it announced its
 * exit, and once it has ended completes its exit code in Python's convention.
 *
 * <p>Threading: a daemon reader thread reads every frame the child sends. A waiter thread waits for the process to
 * end, lets the reader drain the pipe, then completes the exit code; for a non-daemon child the waiter is a
 * non-daemon thread, which is what keeps the parent JVM from exiting while the child runs. Every method is
 * thread-safe.
 */
public final class JvmProcessSupervisor {
    /** The lifecycle logs under the public class's name, in the parent and in the child. */
    private static final Logger LOG = LoggerFactory.getLogger("io.procpool.JvmProcess");
    /** How long the reader may take to forward what a dead child left in the pipe. */
    private static final long DRAIN_MILLIS = 2_000;

    private final String name;
    private final ChildJvm child;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final Thread reader;

    private JvmProcessSupervisor(String name, ChildJvm child) {
        this.name = name;
        this.child = child;
        this.reader = new Thread(this::readFrames, name + "-reader");
        this.reader.setDaemon(true);
    }

    /**
     * Encodes the target (so a target that cannot travel fails here, before any JVM starts), starts the child and
     * hands it the target.
     *
     * @param target a {@link io.procpool.TaskRunnable}, or the {@code JvmProcess} subclass instance itself
     * @throws io.procpool.TaskSerializationException the target cannot be encoded
     * @throws io.procpool.PoolException              the child JVM cannot be started
     */
    public static JvmProcessSupervisor start(String name, boolean daemon, Object target, LaunchSpec spec) {
        byte[] startPayload = Codec.encode(new Payloads.ProcessStart(name, daemon, target), "process target");
        JvmProcessSupervisor started = new JvmProcessSupervisor(name, ChildJvm.launch(name, spec));
        LOG.debug("starting {} (pid {}{})", name, started.pid(), daemon ? ", daemon" : "");
        try {
            started.child.toChild().writeAndFlush(new ToWorker.StartProcess(new Encoded(startPayload)));
        } catch (IOException e) {
            LOG.debug("{} closed its stdin at start: {}", name, e.toString()); // its exit code tells the rest
        }
        started.reader.start();
        Thread waiter = new Thread(started::awaitExitAndReport, name + "-exit");
        waiter.setDaemon(daemon);
        waiter.start();
        return started;
    }

    public long pid() {
        return child.pid();
    }

    /** @return the exit code in Python's convention once the child has ended and its output is forwarded */
    public OptionalInt exitCode() {
        Integer code = exitCode.getNow(null);
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }

    /** Waits until the child has ended and everything it printed has been forwarded. */
    public void awaitExit() throws InterruptedException {
        try {
            exitCode.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit code is never completed exceptionally", e);
        }
    }

    /**
     * As {@link #awaitExit()}, for at most {@code timeout}.
     *
     * @return whether the child has ended
     */
    public boolean awaitExit(Duration timeout) throws InterruptedException {
        try {
            exitCode.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the exit code is never completed exceptionally", e);
        }
    }

    /** Sends SIGTERM, leaving the pipes open so the child's announcement of the signal gets through. */
    public void terminate() {
        child.terminate();
    }

    /** Sends SIGKILL. */
    public void kill() {
        child.kill();
    }

    private void readFrames() {
        try {
            ToParent frame;
            while ((frame = child.nextFrame()) != null) { // OUTPUT and EXIT are the channel's own business
                LOG.debug("{} sent an unexpected {}; ignored", name, frame);
            }
        } catch (ChannelCorruptedException e) {
            OutputSink.printLine(ToParent.OutputLine.Stream.ERR, "procpool: " + name + " (pid " + pid() + ") wrote "
                    + "raw bytes on its stdout (native code, or a stream opened on file descriptor 1), which carries "
                    + "its channel to the parent; the rest of its output is lost. " + e.getMessage());
            discardTheRest();
        } catch (IOException e) {
            LOG.debug("channel from {} ended: {}", name, e.toString()); // the exit code explains it
        }
    }

    /** Keeps reading a corrupted channel so that the child never blocks on a full pipe. */
    private void discardTheRest() {
        try {
            child.process().getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            LOG.debug("discarding the output of {} ended: {}", name, e.toString());
        }
    }

    private void awaitExitAndReport() {
        waitForProcess();
        try {
            reader.join(DRAIN_MILLIS); // its last lines and its EXIT frame may still be in the pipe
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int code = child.exitCode().orElseThrow();
        LOG.debug("{} (pid {}) {}", name, pid(), ExitStatus.describe(code));
        exitCode.complete(code);
    }

    private void waitForProcess() {
        while (true) {
            try {
                child.process().waitFor();
                return;
            } catch (InterruptedException e) {
                // nobody interrupts this thread on purpose; the child's end is what it waits for
            }
        }
    }
}
