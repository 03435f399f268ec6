package io.procpool.internal.protocol;

import java.io.IOException;

/**
 * The frames a parent sends a worker (on the worker's stdin), one record per {@link FrameType} of direction
 * {@link FrameType.Direction#TO_WORKER}. {@link #handleBy} dispatches to the {@link Handler} method of the record's
 * type: a new frame type is a new method every handler must implement, so no handler can forget one.
 *
 * <p>Thread-safety: immutable records.
 */
public sealed interface ToWorker extends Frame {

    /** Calls the {@code handler} method for this frame's type and returns what it returns. */
    <R> R handleBy(Handler<R> handler) throws IOException;

    /** One method per frame type to a worker. */
    interface Handler<R> {
        R init(Init frame) throws IOException;

        R registerFunction(RegisterFunction frame) throws IOException;

        R chunk(Chunk frame) throws IOException;

        R call(Call frame) throws IOException;

        R forget(Forget frame) throws IOException;

        R cancel(Cancel frame) throws IOException;

        R shutdown(Shutdown frame) throws IOException;

        R startProcess(StartProcess frame) throws IOException;

        R unqueue(Unqueue frame) throws IOException;
    }

    /** A task to run, {@link Call} or {@link Chunk}, answered by exactly one terminal frame. */
    sealed interface TaskFrame extends ToWorker permits Call, Chunk {
        /** @return the id its answer carries */
        long taskId();

        /** @return the encoded task: a {@code TaskCallable} for a CALL, a {@code ChunkRequest} for a CHUNK */
        Encoded task();

        @Override
        default long wireId() {
            return taskId();
        }

        @Override
        default byte[] wirePayload() {
            return task().bytes();
        }

        /** Calls the {@code runner} method for this task's kind and returns what it returns. */
        <R> R runBy(Runner<R> runner);

        /** One method per kind of task. */
        interface Runner<R> {
            R call(Call task);

            R chunk(Chunk task);
        }

        /**
         * The frame for a task the parent keeps as its type and payload.
         *
         * @throws IllegalArgumentException {@code type} is neither CALL nor CHUNK
         */
        static TaskFrame of(FrameType type, long taskId, byte[] task) {
            return switch (type) {
                case CALL -> new Call(taskId, new Encoded(task));
                case CHUNK -> new Chunk(taskId, new Encoded(task));
                default -> throw new IllegalArgumentException(type + " is not a task frame");
            };
        }
    }

    /** INIT: the first frame to a pool worker; {@code request} is an encoded {@code Payloads.InitRequest}. */
    record Init(Encoded request) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.INIT;
        }

        @Override
        public byte[] wirePayload() {
            return request.bytes();
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.init(this);
        }
    }

    /** FUNCTION: registers the encoded {@code TaskFunction} that CHUNK frames name by {@code functionId}. */
    record RegisterFunction(long functionId, Encoded function) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.FUNCTION;
        }

        @Override
        public long wireId() {
            return functionId;
        }

        @Override
        public byte[] wirePayload() {
            return function.bytes();
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.registerFunction(this);
        }
    }

    /** CHUNK: applies a registered function to items; {@code task} is an encoded {@code Payloads.ChunkRequest}. */
    record Chunk(long taskId, Encoded task) implements TaskFrame {
        @Override
        public FrameType type() {
            return FrameType.CHUNK;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.chunk(this);
        }

        @Override
        public <R> R runBy(Runner<R> runner) {
            return runner.chunk(this);
        }
    }

    /** CALL: runs one encoded {@code TaskCallable}. */
    record Call(long taskId, Encoded task) implements TaskFrame {
        @Override
        public FrameType type() {
            return FrameType.CALL;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.call(this);
        }

        @Override
        public <R> R runBy(Runner<R> runner) {
            return runner.call(this);
        }
    }

    /** FORGET: drops a registered function. */
    record Forget(long functionId) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.FORGET;
        }

        @Override
        public long wireId() {
            return functionId;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.forget(this);
        }
    }

    /** CANCEL: skip a queued task, or interrupt it if it runs. */
    record Cancel(long taskId) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.CANCEL;
        }

        @Override
        public long wireId() {
            return taskId;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.cancel(this);
        }
    }

    /** SHUTDOWN: finish the tasks held, then exit 0. */
    record Shutdown() implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.SHUTDOWN;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.shutdown(this);
        }
    }

    /** START_PROCESS: the one task of a {@code JvmProcess} child, an encoded {@code Payloads.ProcessStart}. */
    record StartProcess(Encoded start) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.START_PROCESS;
        }

        @Override
        public byte[] wirePayload() {
            return start.bytes();
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.startProcess(this);
        }
    }

    /** UNQUEUE: take back a task that has not started (work stealing); never interrupts. */
    record Unqueue(long taskId) implements ToWorker {
        @Override
        public FrameType type() {
            return FrameType.UNQUEUE;
        }

        @Override
        public long wireId() {
            return taskId;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.unqueue(this);
        }
    }
}
