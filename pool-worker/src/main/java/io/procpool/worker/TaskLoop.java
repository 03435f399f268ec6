package io.procpool.worker;

import io.procpool.TaskCallable;
import io.procpool.TaskFunction;
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
import java.util.Arrays;
import java.util.Map;
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
    private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    /** Registered functions by id; a value is a {@link TaskSerializationException} when decoding failed. */
    private final Map<Long, Object> functions = new ConcurrentHashMap<>();
    private final Set<Long> cancelled = ConcurrentHashMap.newKeySet();
    private volatile long runningTaskId = -1;
    private volatile Thread runner;

    TaskLoop(String name, FrameWriter frames, FrameReader input, WorkerMain.Output output) {
        this.name = name;
        this.frames = frames;
        this.input = input;
        this.output = output;
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
                    case FUNCTION -> functions.put(frame.id(), decodeFunction(frame.payload()));
                    case FORGET -> functions.remove(frame.id());
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

    private Object decodeFunction(byte[] payload) {
        try {
            return Codec.decode(payload, loader, "function");
        } catch (TaskSerializationException e) {
            return e;
        }
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
            long start = System.nanoTime();
            try {
                Object result = task.type() == FrameType.CALL ? runCall(task) : runChunk(task);
                answer = resultFrame(task.id(), System.nanoTime() - start, result);
            } catch (ChunkFailure failure) {
                answer = failureFrame(task.id(), System.nanoTime() - start, failure.failure);
            } finally {
                runningTaskId = -1;
                Thread.interrupted(); // a late CANCEL must not leak into the next task
                cancelled.remove(task.id());
            }
            output.flushPartialLines();
            send(answer);
        }
    }

    private Object runCall(Frame task) throws ChunkFailure {
        TaskCallable<?> callable;
        try {
            callable = (TaskCallable<?>) Codec.decode(task.payload(), loader, "task");
        } catch (TaskSerializationException e) {
            throw new ChunkFailure(Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
        try {
            return callable.call();
        } catch (Throwable t) {
            throw new ChunkFailure(Payloads.TaskFailure.ofTask(0, new Object[0], t));
        }
    }

    private Object[] runChunk(Frame task) throws ChunkFailure {
        Payloads.ChunkRequest request;
        try {
            request = (Payloads.ChunkRequest) Codec.decode(task.payload(), loader, "arguments");
        } catch (TaskSerializationException e) {
            throw new ChunkFailure(Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
        Object function = functions.get(request.functionId());
        if (!(function instanceof TaskFunction<?, ?>)) {
            throw new ChunkFailure(function instanceof TaskSerializationException e
                    ? Payloads.TaskFailure.ofCodec(0, new Object[0], e)
                    : Payloads.TaskFailure.ofTask(0, new Object[0], new IllegalStateException(
                            "function " + request.functionId() + " is not registered in " + name)));
        }
        @SuppressWarnings("unchecked")
        TaskFunction<Object, Object> fn = (TaskFunction<Object, Object>) function;
        Object[] items = request.items();
        Object[] results = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                results[i] = fn.apply(items[i]);
            } catch (Throwable t) {
                throw new ChunkFailure(Payloads.TaskFailure.ofTask(i, Arrays.copyOf(results, i), t));
            }
        }
        return results;
    }

    /** The RESULT frame, or a FAILURE frame when the result will not encode (the worker goes on). */
    private static Frame resultFrame(long taskId, long nanos, Object result) {
        try {
            return new Frame(FrameType.RESULT, taskId, Codec.encodeTimed(nanos, result, "result"));
        } catch (TaskSerializationException e) {
            if (result instanceof Object[] results) {
                for (int i = 0; i < results.length; i++) {
                    try {
                        Codec.encode(results[i], "result");
                    } catch (TaskSerializationException itemFailure) {
                        return failureFrame(taskId, nanos, Payloads.TaskFailure.ofCodec(i, Arrays.copyOf(results, i),
                                itemFailure));
                    }
                }
            }
            return failureFrame(taskId, nanos, Payloads.TaskFailure.ofCodec(0, new Object[0], e));
        }
    }

    /** The FAILURE frame; if the partial results will not encode, the failure travels without them. */
    private static Frame failureFrame(long taskId, long nanos, Payloads.TaskFailure failure) {
        byte[] payload;
        try {
            payload = Codec.encodeFailure(nanos, failure);
        } catch (TaskSerializationException e) {
            payload = Codec.encodeFailure(nanos, failure.withoutPartialResults());
        }
        return new Frame(FrameType.FAILURE, taskId, payload);
    }

    /** Writes a frame into the pipe now (see the class comment for why it cannot wait). */
    private void send(Frame frame) throws IOException {
        frames.writeAndFlush(frame);
    }

    /** Carries a task's failure out of the runner's helpers. */
    private static final class ChunkFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Payloads.TaskFailure failure;

        ChunkFailure(Payloads.TaskFailure failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }
}
