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
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool worker's life: run the initializer, say hello, then answer every CALL and CHUNK with exactly one terminal
 * frame (RESULT, FAILURE or CANCELLED), until SHUTDOWN or the end of stdin.
 *
 * <p>Threading: a reader thread reads frames and queues tasks; the main thread (the runner) runs them one at a time in
 * the order they arrived and writes each answer to the pipe before it starts the next task. That order is what lets
 * the parent blame the right task when a worker dies: an answer in the pipe survives the process (even SIGKILL), so
 * every task but the one running has been answered or never started. The queue holds at most what the parent's window
 * lets it send, so it needs no bound of its own. Both threads write frames; {@link FrameWriter} is synchronized, so
 * frames never interleave. The queue, the running task id and the stop flags are guarded by {@link #lock}.
 *
 * <p>Cancel: a CANCEL for a task still in the queue is answered CANCELLED at once by the reader, which takes the task
 * out of the queue under the lock (so the runner never starts it); for the running task it interrupts the runner; for
 * a task not arrived yet (a CANCEL can overtake its task on the parent's side) it is remembered and answered when the
 * task arrives. An UNQUEUE (the parent takes an unstarted task back for an idle worker) is a CANCEL that never
 * interrupts: a task that has started runs on and is answered.
 *
 * <p>Failures: a task's exception, including {@link Error}s, is data for the parent; a broken channel ends the worker,
 * and so does any Error on the reader thread, since nobody else reads the parent's frames. One Error is answered
 * instead: a payload too large for the heap ({@link FrameReader.PayloadOutOfMemoryException}) fails its task at once
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
    /** Remembered CANCELs for tasks not arrived yet; a late CANCEL of an answered task is forgotten past this many. */
    private static final int MAX_EARLY_CANCELS = 1024;
    private static final long NONE = -1;

    private final String name;
    private final FrameWriter frames;
    private final FrameReader input;
    private final WorkerMain.Output output;
    private final ClassLoader loader = ClassLoader.getSystemClassLoader();
    private final TaskExecutor executor;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Frame> queued = new ArrayDeque<>();      // guarded by lock
    private final Set<Long> earlyCancels = new LinkedHashSet<>();     // guarded by lock
    private long runningTaskId = NONE;                                // guarded by lock
    private boolean shutdown;                                         // guarded by lock
    /** Set once: no task starts after it. */
    private boolean retiring;                                         // guarded by lock
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
            request = Codec.decode(init.payload(), loader, Payloads.InitRequest.class, "initializer");
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
        int exitCode = 0;
        try {
            Frame frame;
            while ((frame = readFrame()) != null) {
                switch (frame.type()) {
                    case FUNCTION -> executor.register(frame.id(), frame.payload());
                    case FORGET -> executor.forget(frame.id());
                    case CALL, CHUNK -> accept(frame);
                    case CANCEL -> cancel(frame.id(), true);
                    case UNQUEUE -> cancel(frame.id(), false);
                    case SHUTDOWN -> shutdown();
                    default -> throw new IOException("unexpected frame for a pool worker: " + frame);
                }
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
    private Frame readFrame() throws IOException {
        while (true) {
            try {
                return input.read();
            } catch (FrameReader.PayloadOutOfMemoryException e) {
                onPayloadOutOfMemory(e);
            }
        }
    }

    private void onPayloadOutOfMemory(FrameReader.PayloadOutOfMemoryException e) throws IOException {
        String heap = (Runtime.getRuntime().maxMemory() >> 20) + " MiB";
        String hint = " (its heap is at most " + heap + "): give workers more heap with jvmOptions(\"-Xmx...\")";
        switch (e.type()) {
            case CALL, CHUNK -> {
                TaskSerializationException failure = new TaskSerializationException("worker " + name
                        + " ran out of memory reading the " + e.length() + "-byte argument of task " + e.id() + hint
                        + "; the worker retires", null, e.getCause());
                send(new Frame(FrameType.FAILURE, e.id(), Codec.encodeFailure(0,
                        Payloads.TaskFailure.ofCodec(0, new Object[0], failure))));
                retire();
            }
            case FUNCTION -> executor.registerFailure(e.id(), new TaskSerializationException("worker " + name
                    + " ran out of memory reading the " + e.length() + "-byte function " + e.id() + hint, null,
                    e.getCause()));
            default -> throw e;
        }
    }

    /** A task arrived: queue it, or answer it at once when its CANCEL came first. */
    private void accept(Frame task) throws IOException {
        boolean cancelledEarly;
        lock.lock();
        try {
            if (retiring) {
                return; // the parent requeues every task this worker has not answered
            }
            cancelledEarly = earlyCancels.remove(task.id());
            if (!cancelledEarly) {
                queued.add(task);
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (cancelledEarly) {
            send(Frame.of(FrameType.CANCELLED, task.id()));
        }
    }

    /** A CANCEL ({@code interrupt}: stop it if it runs) or an UNQUEUE (only if it has not started). */
    private void cancel(long taskId, boolean interrupt) throws IOException {
        boolean dropped;
        lock.lock();
        try {
            if (runningTaskId == taskId) {
                if (interrupt) {
                    runner.interrupt(); // the runner clears the interrupt under this lock when the task ends
                }
                return;
            }
            if (retiring) {
                return;
            }
            dropped = queued.removeIf(task -> task.id() == taskId);
            if (!dropped) {
                earlyCancels.add(taskId);
                if (earlyCancels.size() > MAX_EARLY_CANCELS) {
                    Iterator<Long> oldest = earlyCancels.iterator();
                    oldest.next();
                    oldest.remove();
                }
            }
        } finally {
            lock.unlock();
        }
        if (dropped) {
            send(Frame.of(FrameType.CANCELLED, taskId));
        }
    }

    private void shutdown() {
        lock.lock();
        try {
            shutdown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No task starts from now on; the runner sends RETIRING when the task it runs (if any) is answered. */
    private void retire() {
        lock.lock();
        try {
            retiring = true;
            queued.clear(); // unstarted and unanswered: the parent requeues them after RETIRING
            earlyCancels.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void runTasks() throws IOException {
        Frame answered = null; // the last answer, written but not yet flushed when the next task waits already
        while (true) {
            Frame task = nextTask(answered == null);
            if (answered != null && task == null) {
                frames.flush(); // nothing waits: the answer goes out alone, before this worker idles
                answered = null;
                task = nextTask(true);
            }
            if (task == null) {
                if (isRetiring()) {
                    sendRetiringAndWait();
                }
                output.flushPartialLines();
                System.exit(0); // every answer is out already; the exit hook sends EXIT
            }
            // The parent learns which task runs before it runs (in one write with the last answer, if any): a
            // worker that dies now blames exactly this task, and its timeout counts from now.
            send(Frame.of(FrameType.STARTED, task.id()));
            Frame answer;
            try {
                answer = executor.execute(task);
            } finally {
                lock.lock();
                try {
                    runningTaskId = NONE;
                } finally {
                    lock.unlock();
                }
                Thread.interrupted(); // a late CANCEL must not leak into the next task
            }
            output.flushPartialLines();
            if (executor.codecErrorStruck()) {
                send(answer);
                retire();
            } else {
                frames.write(answer); // flushed with the next task's STARTED frame, or alone before idling
                answered = answer;
            }
        }
    }


    /**
     * The next task to run, marked running; {@code null} when the worker stops (shutdown, or retiring) or, unless
     * {@code wait}, when none waits now.
     */
    private Frame nextTask(boolean wait) {
        lock.lock();
        try {
            while (true) {
                if (retiring) {
                    return null;
                }
                Frame task = queued.poll();
                if (task != null) {
                    runningTaskId = task.id();
                    return task;
                }
                if (shutdown || !wait) {
                    return null;
                }
                changed.awaitUninterruptibly(); // a frame, SHUTDOWN or retirement signals; stdin's end exits the JVM
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean isRetiring() {
        lock.lock();
        try {
            return retiring;
        } finally {
            lock.unlock();
        }
    }

    /** Tells the parent this worker retires, then waits (bounded) for its SHUTDOWN. */
    private void sendRetiringAndWait() throws IOException {
        output.flushPartialLines();
        send(Frame.of(FrameType.RETIRING, 0));
        long left = TimeUnit.MILLISECONDS.toNanos(RETIRED_EXIT_MILLIS);
        lock.lock();
        try {
            while (!shutdown && left > 0) {
                left = changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            // nothing runs any more: an interrupt only hastens the exit
        } finally {
            lock.unlock();
        }
    }

    /** Writes a frame into the pipe now (see the class comment for why it cannot wait). */
    private void send(Frame frame) throws IOException {
        frames.writeAndFlush(frame);
    }
}
