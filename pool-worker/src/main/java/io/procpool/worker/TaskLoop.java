package io.procpool.worker;

import io.procpool.TaskRunnable;
import io.procpool.TaskSerializationException;
import io.procpool.internal.codec.Codec;
import io.procpool.internal.protocol.Encoded;
import io.procpool.internal.protocol.FrameReader;
import io.procpool.internal.protocol.FrameType;
import io.procpool.internal.protocol.FrameWriter;
import io.procpool.internal.protocol.Frames;
import io.procpool.internal.protocol.PayloadOutOfMemoryException;
import io.procpool.internal.protocol.Payloads;
import io.procpool.internal.protocol.ToParent;
import io.procpool.internal.protocol.ToWorker;
import io.procpool.internal.protocol.WorkerInbox;
import java.io.IOException;

/**
 * A pool worker's life: run the initializer, say hello, then answer every CALL and CHUNK with exactly one terminal
 * frame (RESULT, FAILURE or CANCELLED), until SHUTDOWN or the end of stdin.
 *
 * <p>Threading: a reader thread reads frames into the {@link WorkerInbox} (which queues tasks and applies CANCEL,
 * UNQUEUE and SHUTDOWN); the main thread (the runner) runs the tasks one at a time in the order they arrived and writes
 * each answer to the pipe before it starts the next task. That order is what lets the parent blame the right task
 * when a worker dies: an answer in the pipe survives the process (even SIGKILL), so every task but the one running has
 * been answered or never started. Both threads write frames; {@link FrameWriter} is synchronized, so frames never
 * interleave.
 *
 * <p>Failures: a task's exception, including {@link Error}s, is data for the parent; a broken channel ends the worker,
 * and so does any Error on the reader thread, since nobody else reads the parent's frames. One Error is answered
 * instead: a payload too large for the heap ({@link PayloadOutOfMemoryException}) fails its task at once
 * with a {@link TaskSerializationException} that says so, and the worker then retires, because the heap was too
 * small for the work it is sent and other threads may have met the same shortage. Retiring is also what follows a
 * task in which an Error struck the codec ({@link TaskExecutor#codecErrorStruck()}): after that task's answer the
 * runner sends {@link FrameType#RETIRING}, starts nothing more (tasks that still arrive and CANCELs are ignored: the
 * parent requeues what was not answered), and exits at SHUTDOWN, at the end of stdin, or by itself after
 * {@value #RETIRED_EXIT_MILLIS} ms.
 */
final class TaskLoop {
    /** How long a retired worker waits for the parent's SHUTDOWN before it exits by itself. */
    static final long RETIRED_EXIT_MILLIS = 10_000;

    private final String name;
    private final FrameWriter<ToParent> frames;
    private final FrameReader<ToWorker> input;
    private final WorkerMain.Output output;
    private final ClassLoader loader = ClassLoader.getSystemClassLoader();
    private final TaskExecutor executor;
    private final WorkerInbox inbox;

    /** Built on the thread that will run the tasks. */
    TaskLoop(String name, FrameWriter<ToParent> frames, FrameReader<ToWorker> input, WorkerMain.Output output) {
        this.name = name;
        this.frames = frames;
        this.input = input;
        this.output = output;
        this.executor = new TaskExecutor(name, loader);
        this.inbox = new WorkerInbox(new WorkerInbox.Worker() {
            @Override
            public void registerFunction(ToWorker.RegisterFunction frame) {
                executor.register(frame.functionId(), frame.function().bytes());
            }

            @Override
            public void forgetFunction(ToWorker.Forget frame) {
                executor.forget(frame.functionId());
            }

            @Override
            public void answerCancelled(ToParent.Cancelled answer) throws IOException {
                send(answer);
            }
        }, Thread.currentThread());
    }

    void run(ToWorker.Init init) throws IOException {
        try {
            TaskRunnable initializer = Codec.decode(init.request().bytes(), loader, Payloads.InitRequest.class,
                    "initializer").initializer();
            if (initializer != null) {
                initializer.run();
            }
        } catch (Throwable t) {
            output.flushPartialLines();
            Payloads.TaskFailure failure = t instanceof TaskSerializationException e
                    ? Payloads.TaskFailure.ofCodec(0, new Object[0], e) : Payloads.TaskFailure.ofTask(0, new Object[0], t);
            send(new ToParent.InitFailed(new Encoded(Codec.encodeFailure(0, failure))));
            System.exit(1);
            return;
        }
        output.flushPartialLines();
        send(new ToParent.Hello(new Encoded(Codec.encode(new Payloads.Hello(Frames.PROTOCOL_VERSION,
                ProcessHandle.current().pid(), name), "hello"))));

        Thread reader = new Thread(this::readFrames, name + "-reader");
        reader.setDaemon(true);
        reader.start();
        runTasks();
    }

    private void readFrames() {
        int exitCode = 0;
        try {
            ToWorker frame;
            while ((frame = readFrame()) != null) {
                inbox.receive(frame);
            }
        } catch (IOException e) {
            System.err.println("procpool worker " + name + ": channel from the parent failed: " + e.getMessage());
        } catch (Throwable e) { // nobody else reads the parent's frames: a reader that stops must end the worker
            exitCode = 1;
            System.err.println("procpool worker " + name + ": the frame reader failed, the worker ends: " + e);
        }
        // End of stdin: the parent closed us or died. Exit now, even if a task is running.
        ParentWatch.haltAfter(2_000);
        System.exit(exitCode);
    }

    /** The next frame that needs handling; a payload too large for the heap is answered here and skipped. */
    private ToWorker readFrame() throws IOException {
        while (true) {
            try {
                return input.read();
            } catch (PayloadOutOfMemoryException e) {
                onPayloadOutOfMemory(e);
            }
        }
    }

    private void onPayloadOutOfMemory(PayloadOutOfMemoryException e) throws IOException {
        String heap = (Runtime.getRuntime().maxMemory() >> 20) + " MiB";
        String hint = " (its heap is at most " + heap + "): give workers more heap with jvmOptions(\"-Xmx...\")";
        switch (e.type()) {
            case CALL, CHUNK -> {
                TaskSerializationException failure = new TaskSerializationException("worker " + name
                        + " ran out of memory reading the " + e.length() + "-byte argument of task " + e.id() + hint
                        + "; the worker retires", null, e.error());
                send(new ToParent.Failure(e.id(), new Encoded(Codec.encodeFailure(0,
                        Payloads.TaskFailure.ofCodec(0, new Object[0], failure)))));
                inbox.retire();
            }
            case FUNCTION -> executor.registerFailure(e.id(), new TaskSerializationException("worker " + name
                    + " ran out of memory reading the " + e.length() + "-byte function " + e.id() + hint, null,
                    e.error()));
            default -> throw e;
        }
    }

    private void runTasks() throws IOException {
        boolean unflushed = false; // the last answer is written but not flushed: the next task waits already
        while (true) {
            ToWorker.TaskFrame task = inbox.nextTask(!unflushed);
            if (unflushed && task == null) {
                frames.flush(); // nothing waits: the answer goes out alone, before this worker idles
                unflushed = false;
                task = inbox.nextTask(true);
            }
            if (task == null) {
                if (inbox.isRetiring()) {
                    sendRetiringAndWait();
                }
                output.flushPartialLines();
                System.exit(0); // every answer is out already; the exit hook sends EXIT
            }
            // The parent learns which task runs before it runs (in one write with the last answer, if any): a
            // worker that dies now blames exactly this task, and its timeout counts from now.
            send(new ToParent.Started(task.taskId()));
            ToParent.Answer answer;
            try {
                answer = executor.execute(task);
            } finally {
                inbox.taskEnded();
            }
            output.flushPartialLines();
            if (executor.codecErrorStruck()) {
                send(answer);
                inbox.retire();
            } else {
                frames.write(answer); // flushed with the next task's STARTED frame, or alone before idling
                unflushed = true;
            }
        }
    }

    /** Tells the parent this worker retires, then waits (bounded) for its SHUTDOWN. */
    private void sendRetiringAndWait() throws IOException {
        output.flushPartialLines();
        send(new ToParent.Retiring());
        inbox.awaitShutdown(RETIRED_EXIT_MILLIS); // an interrupt only hastens the exit: nothing runs any more
    }

    /** Writes a frame into the pipe now (see the class comment for why it cannot wait). */
    private void send(ToParent frame) throws IOException {
        frames.writeAndFlush(frame);
    }
}
