package io.procpool.internal.protocol;

import io.procpool.TaskRunnable;

/** The structured payloads of the protocol's frames; each travels Kryo-encoded in the frame named beside it. */
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
     * @param failedIndex  index of the failed item within the chunk (0 for a call)
     * @param completed    results of the items before it, which succeeded
     * @param error        the task's exception, or the codec's when {@code codecFailure}
     * @param codecFailure true when the result could not be encoded: {@code error} is then a
     *                     {@link io.procpool.TaskSerializationException} to report as is
     */
    public record TaskFailure(int failedIndex, Object[] completed, Throwable error, boolean codecFailure) {
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
