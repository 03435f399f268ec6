package io.procpool.internal.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The frames a worker sends its parent (on the worker's stdout), one record per {@link FrameType} of direction
 * {@link FrameType.Direction#TO_PARENT}. {@link #handleBy} dispatches to the {@link Handler} method of the record's
 * type: a new frame type is a new method every handler must implement, so no handler can forget one.
 *
 * <p>Thread-safety: immutable records.
 */
public sealed interface ToParent extends Frame {

    /** Calls the {@code handler} method for this frame's type and returns what it returns. */
    <R> R handleBy(Handler<R> handler) throws IOException;

    /** One method per frame type to a parent. */
    interface Handler<R> {
        R hello(Hello frame) throws IOException;

        R initFailed(InitFailed frame) throws IOException;

        R result(Result frame) throws IOException;

        R failure(Failure frame) throws IOException;

        R cancelled(Cancelled frame) throws IOException;

        R output(OutputLine frame) throws IOException;

        R exit(Exit frame) throws IOException;

        R retiring(Retiring frame) throws IOException;

        R started(Started frame) throws IOException;
    }

    /** The answer of a task that ran, {@link Result} or {@link Failure}: a terminal frame. */
    sealed interface Answer extends ToParent permits Result, Failure {
        /** @return the id of the task it answers */
        long taskId();

        /** @return the encoded answer: var-long run nanos, then the result or a {@code Payloads.TaskFailure} */
        Encoded answer();

        @Override
        default long wireId() {
            return taskId();
        }

        @Override
        default byte[] wirePayload() {
            return answer().bytes();
        }

        /** Calls the {@code reader} method for this answer's kind and returns what it returns. */
        <R> R readBy(Reader<R> reader);

        /** One method per kind of answer. */
        interface Reader<R> {
            R result(Result answer);

            R failure(Failure answer);
        }

        /**
         * The answer frame a transport kept as its type and payload.
         *
         * @throws IllegalArgumentException {@code type} is neither RESULT nor FAILURE
         */
        static Answer of(FrameType type, long taskId, byte[] answer) {
            return switch (type) {
                case RESULT -> new Result(taskId, new Encoded(answer));
                case FAILURE -> new Failure(taskId, new Encoded(answer));
                default -> throw new IllegalArgumentException(type + " is not an answer frame");
            };
        }
    }

    /** HELLO: the worker is ready; {@code hello} is an encoded {@code Payloads.Hello}. */
    record Hello(Encoded hello) implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.HELLO;
        }

        @Override
        public byte[] wirePayload() {
            return hello.bytes();
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.hello(this);
        }
    }

    /** INIT_FAILED: the initializer threw; {@code failure} is encoded as a FAILURE's payload. The worker exits. */
    record InitFailed(Encoded failure) implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.INIT_FAILED;
        }

        @Override
        public byte[] wirePayload() {
            return failure.bytes();
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.initFailed(this);
        }
    }

    /** RESULT: the task returned; {@code answer} holds its run nanos and its encoded result. */
    record Result(long taskId, Encoded answer) implements Answer {
        @Override
        public FrameType type() {
            return FrameType.RESULT;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.result(this);
        }

        @Override
        public <R> R readBy(Reader<R> reader) {
            return reader.result(this);
        }
    }

    /** FAILURE: the task (or its codec) failed; {@code answer} holds its run nanos and a {@code TaskFailure}. */
    record Failure(long taskId, Encoded answer) implements Answer {
        @Override
        public FrameType type() {
            return FrameType.FAILURE;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.failure(this);
        }

        @Override
        public <R> R readBy(Reader<R> reader) {
            return reader.failure(this);
        }
    }

    /** CANCELLED: the task will never run (a CANCEL or UNQUEUE reached it first); terminal. */
    record Cancelled(long taskId) implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.CANCELLED;
        }

        @Override
        public long wireId() {
            return taskId;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.cancelled(this);
        }
    }

    /** OUTPUT: one line the worker printed, without its line separator. */
    record OutputLine(Stream stream, String line) implements ToParent {
        public OutputLine {
            Objects.requireNonNull(stream, "stream");
            Objects.requireNonNull(line, "line");
        }

        /** The stream a line was printed on; its number is the frame's id. */
        public enum Stream {
            /** {@code System.out}, id 1 */
            OUT(1),
            /** {@code System.err}, id 2 */
            ERR(2);

            private final int number;

            Stream(int number) {
                this.number = number;
            }

            /** @return the stream with this number; any number but 1 is stderr, as parents have always read it */
            static Stream of(long number) {
                return number == OUT.number ? OUT : ERR;
            }
        }

        @Override
        public FrameType type() {
            return FrameType.OUTPUT;
        }

        @Override
        public long wireId() {
            return stream.number;
        }

        @Override
        public byte[] wirePayload() {
            return line.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.output(this);
        }
    }

    /**
     * EXIT: the worker is exiting through its shutdown hook.
     *
     * @param signal 0 when it called {@code System.exit} or ended normally (the OS exit code is then the truth), or N
     *               when signal N terminated it (report {@code -N})
     */
    record Exit(long signal) implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.EXIT;
        }

        @Override
        public long wireId() {
            return signal;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.exit(this);
        }
    }

    /** RETIRING: the worker starts nothing more; what it holds unanswered is the parent's to requeue. */
    record Retiring() implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.RETIRING;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.retiring(this);
        }
    }

    /** STARTED: the worker starts this task now. */
    record Started(long taskId) implements ToParent {
        @Override
        public FrameType type() {
            return FrameType.STARTED;
        }

        @Override
        public long wireId() {
            return taskId;
        }

        @Override
        public <R> R handleBy(Handler<R> handler) throws IOException {
            return handler.started(this);
        }
    }
}
