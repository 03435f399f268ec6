package io.procpool.internal.protocol;

import io.procpool.TaskRunnable;
import io.procpool.TaskSerializationException;

/**
 * The structured payloads of the protocol's frames; each travels Kryo-encoded in the frame named beside it.
 *
 * <p>Thread-safety: immutable records, shared freely once decoded (the arrays they hold are not copied).
 */
public final class Payloads {
    private Payloads() {
    }

    /**
     * {@link FrameType#INIT}: who the worker is and what it runs before its first task.
     *
     * @param workerName  the worker's name, e.g. {@code crunch-worker-2}
     * @param initializer run once before the first task, or {@code null}
     */
    public record InitRequest(String workerName, TaskRunnable initializer) {
    }

    /**
     * {@link FrameType#HELLO}: the worker is ready.
     *
     * @param protocolVersion the worker's {@link Frames#PROTOCOL_VERSION}
     * @param pid             the worker's process id
     * @param name            the worker's name
     */
    public record Hello(int protocolVersion, long pid, String name) {
    }

    /**
     * {@link FrameType#CHUNK}: apply a registered function to consecutive items.
     *
     * @param functionId the id a {@link FrameType#FUNCTION} frame registered
     * @param items      the arguments, in input order
     */
    public record ChunkRequest(long functionId, Object[] items) {
    }

    /**
     * {@link FrameType#FAILURE}: a task (or one item of a chunk) failed.
     *
     * @param failedIndex     index of the failed item within the chunk (0 for a call)
     * @param completed       results of the items before it, which succeeded
     * @param error           the task's exception; for a codec failure, the codec's own exception
     * @param codecMessage    {@code null} for a task failure; for a codec failure (a result that would not encode,
     *                        a task that would not decode) the message of the {@link TaskSerializationException}
     * @param failedClassName for a codec failure, the class that would not serialize, if known
     */
    public record TaskFailure(int failedIndex, Object[] completed, Throwable error, String codecMessage,
                              String failedClassName) {

        /** The task itself threw {@code error}. */
        public static TaskFailure ofTask(int failedIndex, Object[] completed, Throwable error) {
            return new TaskFailure(failedIndex, completed, error, null, null);
        }

        /** The codec failed; the parent rebuilds the {@link TaskSerializationException} from its parts. */
        public static TaskFailure ofCodec(int failedIndex, Object[] completed, TaskSerializationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new TaskFailure(failedIndex, completed, cause, e.getMessage(), e.failedClassName());
        }

        public boolean isCodecFailure() {
            return codecMessage != null;
        }

        /** The same failure without the partial results (when those will not encode either). */
        public TaskFailure withoutPartialResults() {
            return new TaskFailure(failedIndex, new Object[0], error, codecMessage, failedClassName);
        }
    }

    /**
     * {@link FrameType#START_PROCESS}: the one task of a {@code JvmProcess} child.
     *
     * @param name    the process name
     * @param daemon  whether it is a daemon
     * @param target  what to run: a {@link TaskRunnable}, or the {@code JvmProcess} subclass instance itself
     */
    public record ProcessStart(String name, boolean daemon, Object target) {
    }
}
