package io.procpool.worker;

import io.procpool.TaskRunnable;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Frame;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.Payloads;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A pool worker's life: run the initializer, say hello, then answer every CALL and CHUNK with exactly one terminal
 * frame (RESULT, FAILURE or CANCELLED), in the order they arrived, until SHUTDOWN or the end of stdin.
 *
 * <p>Threading: a reader thread reads frames and queues tasks; the main thread runs them one at a time and writes each
 * answer to the pipe before it starts the next task. That order is what lets the parent blame the right task when a
 * worker dies: an answer in the pipe survives the process (even SIGKILL), so every task but the one running has been
 * answered or never started. The queue holds at most what the parent's window lets it send, so it needs no bound of
 * its own. A task's exception, including {@link Error}s, is
 * data for the parent; a broken channel ends the worker.
 */
final class TaskLoop {
    private static final Object SHUTDOWN = new Object();

    private final String name;
    private final FrameWriter frames;
    private final FrameReader input;
    private final WorkerMain.Output output;
    private final ClassLoader loader = ClassLoader.getSystemClassLoader();
    private final TaskExecutor executor;
    private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private volatile long runningTaskId = -1;
    private volatile Thread runner;

    TaskLoop(String name, FrameWriter frames, FrameReader input, WorkerMain.Output output) {
        this.name = name;
        this.frames = frames;
        this.input = input;
        this.output = output;
        this.executor = new TaskExecutor(name, loader);
    }

    void run(Frame init) throws IOException {
        runner = Thread.currentThread();
        Payloads.InitRequest request;
        try {
            request = (Payloads.InitRequest) Codec.decode(init.payload(), loader, "initializer");
            TaskRunnable initializer = request.initializer();
            if (initializer != null) {
                initializer.run();
            }
        } catch (Throwable t) {
            output.flushPartialLines();
            Payloads.TaskFailure failure = t instanceof TaskSerializationException e
                    ? Payloads.TaskFailure.ofCodec(0, new Object[0], e) : Payloads.TaskFailure.ofTask(0, new Object[0], t);
            send(new Frame(FrameType.INIT_FAILED, 0, Codec.encodeFailure(0, failure)));
            System.exit(1);
            return;
        }
        output.flushPartialLines();
        send(new Frame(FrameType.HELLO, 0, Codec.encode(new Payloads.Hello(Frames.PROTOCOL_VERSION,
                ProcessHandle.current().pid(), name), "hello")));

        Thread reader = new Thread(this::readFrames, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        runTasks();
    }

    private void readFrames() {
        try {
            Frame frame;
            while ((frame = input.read()) != null) {
                switch (frame.type()) {
                    case FUNCTION -> executor.register(frame.id(), frame.payload());
                    case FORGET -> executor.forget(frame.id());
                    case CALL, CHUNK -> tasks.add(frame);
                    case CANCEL -> cancel(frame.id());
                    case SHUTDOWN -> tasks.add(SHUTDOWN);
                    default -> throw new IOException("unexpected frame for a pool worker: " + frame);
                }
            }
        } catch (IOException e) {
            System.err.println("procpool worker " + name + ": channel from the parent failed: " + e.getMessage());
        }
        // End of stdin: the parent closed us or died. Exit now, even if a task is running.
        ParentWatch.haltAfter(2_000);
        System.exit(0);
    }

    private void cancel(long taskId) {
        cancelled.add(taskId);
        if (runningTaskId == taskId) {
            runner.interrupt();
        }
    }

    private void runTasks() throws IOException {
        while (true) {
            Object next;
            try {
                next = tasks.take(); // waits for the parent; stdin's end exits the JVM from the reader
            } catch (InterruptedException e) {
                continue; // a CANCEL that raced the end of its task; nothing is running
            }
            if (next == SHUTDOWN) {
                output.flushPartialLines();
                System.exit(0); // every answer is out already; the exit hook sends EXIT
            }
            Frame task = (Frame) next;
            if (cancelled.remove(task.id())) {
                send(Frame.of(FrameType.CANCELLED, task.id()));
                continue;
            }
            runningTaskId = task.id();
            Frame answer;
            try {
                answer = executor.execute(task);
            } finally {
                runningTaskId = -1;
                Thread.interrupted(); // a late CANCEL must not leak into the next task
                cancelled.remove(task.id());
            }
            output.flushPartialLines();
            send(answer);
        }
    }

    /** Writes a frame into the pipe now (see the class comment for why it cannot wait). */
    private void send(Frame frame) throws IOException {
        frames.writeAndFlush(frame);
    }

}
