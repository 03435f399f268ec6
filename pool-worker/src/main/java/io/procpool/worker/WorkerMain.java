package io.procpool.worker;

import io.procpool.internal.process.ChildJvm;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The main class of every child JVM procpool starts, pool worker or {@code JvmProcess}.
 *
 * <p>Before any user code runs it takes file descriptors 0 and 1 for the protocol, replaces {@code System.in} with an
 * empty stream and {@code System.out}/{@code System.err} with streams that send whole lines as OUTPUT frames, installs
 * the exit announcer and the parent watch, and then reads the first frame: {@code INIT} makes it a pool worker
 * ({@link TaskLoop}), {@code START_PROCESS} a process child ({@link ProcessRunner}).
 *
 * <p>Threading: the main thread runs tasks (or the process target); a reader thread reads frames in pool mode.
 */
public final class WorkerMain {
    private static final int PIPE_BUFFER = 64 * 1024;

    private WorkerMain() {
    }

    /**
     * Runs the child: takes over stdin and stdout for the protocol, then serves as a pool worker or a process child.
     *
     * @param args unused; the child's name comes in the system property {@code procpool.child.name}
     * @throws IOException the channel to the parent failed before the first frame
     */
    public static void main(String[] args) throws IOException {
        FrameWriter<ToParent> frames = FrameWriter.toParent(
                new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), PIPE_BUFFER));
        FrameReader<ToWorker> input = FrameReader.toWorker(
                new BufferedInputStream(new FileInputStream(FileDescriptor.in), PIPE_BUFFER));
        LineFrameOutputStream out = new LineFrameOutputStream(frames, ToParent.OutputLine.Stream.OUT);
        LineFrameOutputStream err = new LineFrameOutputStream(frames, ToParent.OutputLine.Stream.ERR);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Output output = new Output(out, err);
        ExitAnnouncer.install(frames, output::flushPartialLines);
        ParentWatch.start();

        String name = System.getProperty(ChildJvm.NAME_PROPERTY, "worker");
        ToWorker first = input.read();
        if (first == null) {
            System.exit(0); // the parent went away before saying anything
        } else if (first instanceof ToWorker.Init init) {
            new TaskLoop(name, frames, input, output).run(init);
        } else if (first instanceof ToWorker.StartProcess start) {
            new ProcessRunner(input, output).run(start);
        } else {
            throw new IllegalStateException("first frame must be INIT or START_PROCESS, got " + first);
        }
    }

    /**
     * The worker's two output streams, flushed together at task boundaries and at exit. User code may have replaced
     * {@code System.out}/{@code System.err} with its own streams, or with {@code null}: those are flushed when there.
     */
    record Output(LineFrameOutputStream out, LineFrameOutputStream err) {
        void flushPartialLines() {
            try {
                flush(System.out);
                flush(System.err);
                out.flushPartialLine();
                err.flushPartialLine();
            } catch (IOException e) {
                // the parent is gone; the output has nowhere to go
            }
        }

        private static void flush(PrintStream stream) {
            if (stream != null) {
                stream.flush();
            }
        }
    }
}
