package io.procpool.internal.process;

import io.procpool.PoolException;
import io.procpool.internal.protocol.ChannelCorruptedException;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.HexDump;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One child JVM running procpool's worker main, with its frame channel (frames to its stdin, from its stdout) and its
 * stderr forwarded line by line to the parent's {@code System.err} while the last lines are kept for failure
 * messages. Used by the pool's workers and by {@code JvmProcess}; {@link #launchMain} starts the JVMs that speak no
 * frames (cluster members) with the same command line: there is one launcher.
 *
 * <p>Thread-safety: {@link #toChild()} is thread-safe (synchronized writer); {@link #nextFrame()} belongs to one
 * reader thread; the rest is thread-safe.
 */
public final class ChildJvm {
    /** The worker main, started by class name so pool-core does not depend on pool-worker. */
    public static final String WORKER_MAIN = "io.procpool.worker.WorkerMain";
    /** System property that tells the child its name. */
    public static final String NAME_PROPERTY = "procpool.child.name";

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final int PIPE_BUFFER = 64 * 1024;
    /** At most this many raw bytes are dumped per report. */
    private static final int RAW_BYTES_SHOWN = 256;
    /** System properties a child inherits so it logs as its parent does. */
    private static final List<String> INHERITED_PROPERTY_PREFIXES =
            List.of("org.slf4j.", "logback.", "java.util.logging.");
    /**
     * Options procpool always gives a child: the JVM's own messages and unified logging go to stderr, since stdout
     * carries frames.
     */
    private static final List<String> CHANNEL_SAFE_OPTIONS =
            List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr");

    private final String name;
    private final Process process;
    private final List<String> commandLine;
    private final FrameWriter<ToWorker> toChild;
    private final FrameReader<ToParent> fromChild;
    private final StderrPump stderr;
    private boolean firstFrameRead;          // the channel reader's thread only
    private long lastLinePrinted;            // likewise: the output sink's ticket of this child's last line
    private long lastLineAwaited;            // likewise: the ticket awaited before the last frame passed on
    /** The child sent a frame: it catches SIGTERM, SIGINT and SIGHUP from then on and announces them (EXIT frame). */
    private volatile boolean catchesSignals;
    private volatile Long exitAnnouncement;  // the EXIT frame's id, once the child sent it
    /** The class archive this child was given; told once whether the child crashed (null: none was planned). */
    private final ClassDataSharing.Plan sharing;
    private final AtomicBoolean exitReportedToSharing = new AtomicBoolean();

    private ChildJvm(String name, Process process, List<String> commandLine, ClassDataSharing.Plan sharing) {
        this.name = name;
        this.sharing = sharing;
        this.process = process;
        this.commandLine = commandLine;
        this.toChild = FrameWriter.toWorker(new BufferedOutputStream(process.getOutputStream(), PIPE_BUFFER));
        this.fromChild = FrameReader.toParent(new BufferedInputStream(process.getInputStream(), PIPE_BUFFER),
                this::reportRawBytes);
        this.stderr = StderrPump.start(process.getErrorStream(), name);
    }

    /**
     * Starts a child JVM named {@code name}.
     *
     * @throws PoolException the process could not be started (no {@code java} there, say)
     */
    public static ChildJvm launch(String name, LaunchSpec spec) {
        ClassDataSharing.Plan sharing = ClassDataSharing.plan(spec);
        List<String> command = commandLine(name, spec, sharing.options(), WORKER_MAIN, List.of());
        Process process = start(name, command);
        sharing.onExit(process);
        return new ChildJvm(name, process, command, sharing);
    }

    /**
     * Starts a child JVM that runs {@code mainClass} with {@code args} and speaks no frames (a cluster member): the
     * same command line as a worker's (procpool's options, the inherited logging properties, the spec's options and
     * class path), tied to this JVM as every child is. Its stdout and stderr are the caller's to read.
     *
     * @throws PoolException the process could not be started
     */
    public static Started launchMain(String name, LaunchSpec spec, String mainClass, List<String> args) {
        List<String> command = commandLine(name, spec, DefaultLaunchSpec.jdkOptions(spec.javaHome()), mainClass, args);
        return new Started(start(name, command), command);
    }

    /** A child started by {@link #launchMain} and its command line, for failure messages. */
    public record Started(Process process, List<String> commandLine) {
    }

    private static Process start(String name, List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            ChildReaper.register(process);
            LOG.debug("started {} (pid {}): {}", name, process.pid(), command);
            return process;
        } catch (IOException e) {
            throw new PoolException("cannot start " + name + " with command line " + String.join(" ", command)
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * A channel over a process started elsewhere: a seam for pool-core's unit tests, which run a fake worker in a
     * thread of the test JVM behind an in-memory {@link Process}. Production code starts children with
     * {@link #launch}.
     */
    public static ChildJvm over(String name, Process process, List<String> commandLine) {
        return new ChildJvm(name, process, List.copyOf(commandLine), null);
    }

    static List<String> commandLine(String name, LaunchSpec spec, List<String> sharingOptions, String mainClass,
                                    List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(spec.javaHome().resolve("bin").resolve("java").toString());
        command.addAll(CHANNEL_SAFE_OPTIONS);
        command.addAll(sharingOptions);
        command.add("-D" + NAME_PROPERTY + "=" + name);
        for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
            String key = property.getKey().toString();
            if (INHERITED_PROPERTY_PREFIXES.stream().anyMatch(key::startsWith)) {
                command.add("-D" + key + "=" + property.getValue());
            }
        }
        command.addAll(spec.jvmOptions());
        command.add("-cp");
        command.add(String.join(File.pathSeparator, spec.classPath()));
        command.add(mainClass);
        command.addAll(args);
        return List.copyOf(command);
    }

    /**
     * Reads the child's next frame that is not OUTPUT or EXIT; those two this channel handles itself, for every kind
     * of child: an OUTPUT line goes to the parent's stream through the {@link OutputSink} (stderr lines are also
     * kept for {@link #stderrTail}), an EXIT frame is noted for {@link #exitCode()} and closes the child's stdin.
     * Before the first frame, bytes the JVM printed are forwarded to stderr as lines. Before it returns a frame, the
     * lines this child printed are given a short while to be printed (see {@link OutputSink#awaitPrinted}). Called by
     * one reader thread.
     *
     * @return the frame, or {@code null} when the channel ended
     * @throws ChannelCorruptedException the child wrote bytes that are not frames on its stdout
     */
    public ToParent nextFrame() throws IOException {
        while (true) {
            ToParent frame;
            if (firstFrameRead) {
                frame = fromChild.read();
            } else {
                frame = fromChild.readFirst(line -> {
                    recordStderr(line);
                    print(ToParent.OutputLine.Stream.ERR, line);
                });
                firstFrameRead = true;
            }
            if (frame == null) {
                awaitLinesPrinted();
                return null;
            }
            catchesSignals = true;
            if (frame instanceof ToParent.OutputLine output) {
                printOutput(output);
            } else if (frame instanceof ToParent.Exit exit) {
                exitAnnouncement = exit.signal();
                closeInput(); // see exitAnnounced()
            } else {
                awaitLinesPrinted();
                return frame;
            }
        }
    }

    /** Hands a line to the parent's output sink, which prints it on another thread. */
    private void print(ToParent.OutputLine.Stream stream, String line) {
        lastLinePrinted = OutputSink.shared().print(stream, line);
    }

    /**
     * Lets the lines this child printed reach the parent's stream before the frame that follows them (a task's
     * output before its answer), for a short while only: a slow parent stdout must not hold up answers.
     */
    private void awaitLinesPrinted() {
        if (lastLinePrinted > lastLineAwaited) {
            OutputSink.shared().awaitPrinted(lastLinePrinted);
            lastLineAwaited = lastLinePrinted;
        }
    }

    /** Bytes the child wrote on its stdout between frames: skipped, and shown on the parent's stderr. */
    private void reportRawBytes(byte[] bytes) {
        String report = "procpool: " + name + " (pid " + process.pid() + ") wrote " + bytes.length + " byte"
                + (bytes.length == 1 ? "" : "s") + " on its stdout outside procpool's frames (native code, or a stream "
                + "opened on file descriptor 1); they were skipped:\n"
                + HexDump.of(java.util.Arrays.copyOf(bytes, Math.min(bytes.length, RAW_BYTES_SHOWN)));
        for (String line : report.split("\n")) {
            recordStderr(line);
            print(ToParent.OutputLine.Stream.ERR, line);
        }
    }

    /**
     * How long an unfinished frame from the child has waited for its next byte, or 0 between frames.
     *
     * @param now {@link System#nanoTime()}
     */
    public long stalledMidFrameNanos(long now) {
        return fromChild.stalledMidFrameNanos(now);
    }

    /**
     * The child's exit code in Python's convention, once the process has ended and its channel was drained; empty
     * while it runs.
     */
    public OptionalInt exitCode() {
        if (process.isAlive()) {
            return OptionalInt.empty();
        }
        if (sharing != null && exitReportedToSharing.compareAndSet(false, true)) {
            sharing.checkExit(process.exitValue()); // before anyone who read the exit code starts a replacement
        }
        return OptionalInt.of(ExitStatus.pythonExitCode(process.exitValue(), exitAnnouncement, catchesSignals));
    }

    /** Prints a child's OUTPUT frame on the parent's stream, keeping stderr lines for {@link #stderrTail}. */
    private void printOutput(ToParent.OutputLine output) {
        if (output.stream() == ToParent.OutputLine.Stream.ERR) {
            recordStderr(output.line());
        }
        print(output.stream(), output.line());
    }

    /** Keeps a line for {@link #stderrTail}; also used for System.err lines that arrive as frames. */
    public void recordStderr(String line) {
        stderr.record(line);
    }

    /**
     * The last lines of the child's stderr, after waiting (at most {@code waitMillis}) for the pump to read what a
     * dead child left in the pipe.
     */
    public String stderrTail(long waitMillis) {
        return stderr.tail(waitMillis);
    }

    /** Sends SIGTERM without closing the pipes first (closing them would race the signal). */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Sends SIGKILL. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    /**
     * Waits for the process to exit, at most {@code millis}.
     *
     * @return whether it exited
     */
    public boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * Closes the child's stdin, which tells a worker its parent is done with it. Done as soon as the child announces
     * its exit: its stdin reader then leaves native code, and HotSpot's exit otherwise waits up to 300 ms for threads
     * blocked in native reads before it ends the process.
     */
    public void closeInput() {
        try {
            toChild.close();
        } catch (IOException e) {
            LOG.debug("closing stdin of {}: {}", name, e.toString());
        }
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public List<String> commandLine() {
        return commandLine;
    }

    public FrameWriter<ToWorker> toChild() {
        return toChild;
    }

}
